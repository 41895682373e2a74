// Browser test: a welcome carries only the latest posts of each channel;
// "Load older messages" asks for the ones before and puts them on top.
// Someone writes 110 messages in #ops through their own WebSocket first,
// and pins the first: the pin is there although the post is not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, watchFrames } from './harness.js';

env.setup();

const MESSAGES = 110;
const IN_WELCOME = 100; // limits.rs POSTS_IN_WELCOME_MAX

test('older messages of a channel load on demand, above the ones shown', { timeout: 120_000 }, async () => {
  const fac = await person('en-US');
  const poster = await person('en-US');
  const ken = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    const code = decodeURIComponent(new URL(link).hash.replace(/^#join=/, ''));
    // A seat that writes fast, without the page: join, hello, chats.
    await poster.page.goto(`${env.base}/healthz`);
    const acked = await poster.page.evaluate(async ({ code, n }) => {
      const res = await fetch('/api/join', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name: 'Poster', role: 'engineer' }) });
      const { token } = await res.json();
      const ws = new WebSocket(`ws://${location.host}/ws`);
      let acks = 0;
      let first = null;
      const welcomed = new Promise((resolve) => {
        ws.onmessage = (e) => {
          const m = JSON.parse(e.data);
          if (m.type === 'welcome') resolve();
          if (m.type === 'ack') acks += 1;
          if (m.type === 'event' && m.event.kind === 'posted' && m.event.post.body.text === 'message 0') first = m.event.post.id;
        };
      });
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1, token, last_seq: null }));
      await welcomed;
      for (let i = 0; i < n; i += 1) {
        ws.send(JSON.stringify({ type: 'cmd', cid: i + 1, cmd: { type: 'chat', channel: 'ops', text: `message ${i}` } }));
        // Under the server's rate limit (20 a second on average).
        await new Promise((r) => setTimeout(r, 70));
      }
      ws.send(JSON.stringify({ type: 'cmd', cid: n + 1, cmd: { type: 'pin_post', channel: 'ops', post: first, pinned: true } }));
      const deadline = Date.now() + 10_000;
      while (acks < n + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      ws.close();
      return acks;
    }, { code, n: MESSAGES });
    assert.equal(acked, MESSAGES + 1);

    const frames = watchFrames(ken.page);
    await joinDrill(ken.page, link, 'Ken', 'engineer');
    const posts = ken.page.locator('#posts .post');
    await ken.page.waitForFunction((n) => document.querySelectorAll('#posts .post').length === n, IN_WELCOME);
    assert.equal(await posts.first().locator('.post-text').textContent(), `message ${MESSAGES - IN_WELCOME}`);
    const older = ken.page.locator('#load-older');
    await older.waitFor();
    assert.equal(await older.textContent(), 'Load older messages');
    // The first message is pinned: not in the feed, so its pin opens it
    // under the pinned list, and again closes it.
    const pin = ken.page.locator('#pins .pin-item');
    assert.deepEqual(await ken.page.locator('#pins .pin-text').allTextContents(), ['message 0']);
    await pin.click();
    await ken.page.locator('#pin-detail .post-text', { hasText: 'message 0' }).waitFor();
    assert.equal(await ken.page.evaluate(() => document.activeElement?.id), 'pin-detail');
    await pin.click();
    await ken.page.locator('#pin-detail').waitFor({ state: 'hidden' });
    // Another channel with few posts has nothing older.
    await ken.page.click('.channel[data-channel="social"]');
    assert.ok(await older.isHidden());
    await ken.page.click('.channel[data-channel="ops"]');
    await older.waitFor();

    await older.click();
    await ken.page.waitForFunction((n) => document.querySelectorAll('#posts .post').length === n, MESSAGES);
    assert.equal(await posts.first().locator('.post-text').textContent(), 'message 0');
    assert.equal(await posts.last().locator('.post-text').textContent(), `message ${MESSAGES - 1}`);
    // Now that it is loaded, the pin goes to it in the feed.
    assert.equal(await posts.first().locator('.pill-pinned').count(), 1, 'a loaded post is marked as pinned');
    await pin.click();
    await ken.page.waitForFunction(() => document.activeElement?.classList.contains('post-flash')
      && document.activeElement.querySelector('.post-text')?.textContent === 'message 0');
    assert.ok(await ken.page.locator('#pin-detail').isHidden());
    await older.waitFor({ state: 'hidden' });
    // New posts still come at the bottom, and the loaded ones stay.
    await fac.page.fill('#composer-text', 'after the history');
    await fac.page.press('#composer-text', 'Enter');
    await posts.last().locator('.post-text', { hasText: 'after the history' }).waitFor();
    assert.equal(await posts.count(), MESSAGES + 1);

    const asked = frames.sent.filter((m) => m.type === 'cmd' && m.cmd.type === 'query').map((m) => m.cmd.query);
    assert.deepEqual(asked.filter((q) => q.kind === 'history'), [{ kind: 'history', channel: 'ops', skip: IN_WELCOME }]);
    for (const x of [fac, ken]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, poster, ken]) await x.context.close();
  }
});
