// Browser tests: the web client in headless Chromium against a real server.
//
// Needs: node >= 20, `npm ci` in this folder (playwright-core, pinned), a
// Chromium binary (Debian's: `apt-get install chromium`; or set CHROMIUM),
// and a built server (`cargo build -p firedrill`; or set FIREDRILL_BIN).
// `tests/browser/run` does all of that, then runs `node --test`.
//
// Each test starts from a fresh browser context (its own sessionStorage), as
// separate people would. Every wait is bounded.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HERE, env, person, createDrill, joinDrill, startProxy, watchFrames, besidesCutSockets, facTab } from './harness.js';

env.setup();

test('a facilitator and an engineer run a drill together', { timeout: 90_000 }, async () => {
  const a = await person('en-US');
  const b = await person('en-US');
  try {
    const link = await createDrill(a.page, 'Aiko');
    assert.match(link, new RegExp(`^${env.base}/#join=`));
    await a.page.screenshot({ path: path.join(os.tmpdir(), 'firedrill-facilitator-lobby.png') });

    await joinDrill(b.page, link, 'Ken', 'engineer');
    // The engineer's tools: the runbook with its actions.
    await b.page.getByRole('button', { name: /Run: Roll back payments-gateway/ }).waitFor();
    // The facilitator sees the engineer arrive.
    await facTab(a.page, 'people');
    await a.page.locator('.roster .seat', { hasText: 'Ken' }).waitFor();
    await facTab(a.page, 'console');

    // Chat is plain text: markup arrives as characters and never runs.
    const text = 'hello <script>alert(1)</script>';
    await b.page.fill('#composer-text', text);
    await b.page.keyboard.press('Enter');
    const post = a.page.locator('#posts .post-text', { hasText: '<script>' });
    await post.waitFor();
    assert.equal(await post.textContent(), text);
    assert.equal(await a.page.locator('#posts script').count(), 0);
    // the message box is cleared after sending (once the acknowledgement, which may follow the event, is in).
    await b.page.waitForFunction((sel) => document.querySelector(sel).value === '', '#composer-text', { timeout: 5_000 });

    // Start at ×60: the health bot posts every 2 drill minutes (2 s real).
    await a.page.selectOption('#speed-select', '60');
    await a.page.waitForFunction(() => /×60/.test(document.querySelector('.fac-status')?.textContent || ''));
    await a.page.click('#start-button');
    await a.page.locator('#drill-status.status-running').waitFor();
    await a.page.locator('#posts .post-kind-health').first().waitFor({ timeout: 30_000 });
    await a.page.locator('#posts .post-kind-health .health-table').first().waitFor();
    // The clock moves and shows world time and T+.
    assert.match(await a.page.locator('.clock-time').textContent(), /^\d\d:\d\d:\d\d$/);
    assert.match(await a.page.locator('.clock-t').textContent(), /^T\+\d\d:\d\d$/);
    await a.page.screenshot({ path: path.join(os.tmpdir(), 'firedrill-facilitator-running.png') });

    assert.deepEqual(a.dialogs, [], 'no dialog opened');
    assert.deepEqual(b.dialogs, [], 'no dialog opened');
    assert.deepEqual(a.problems, []);
    assert.deepEqual(b.problems, []);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('the response tools work, and everyone sees the results', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const own = await person('ja-JP');
  const eng = await person('en-US');
  const com = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await joinDrill(own.page, link, 'Mei', 'incident_owner');
    await joinDrill(eng.page, link, 'Ken', 'engineer');
    await joinDrill(com.page, link, 'Sora', 'comms_lead');
    assert.ok(await own.page.locator('#declare-button').isDisabled(), 'no declaring before the start');

    await fac.page.selectOption('#speed-select', '10');
    await fac.page.click('#start-button');
    await own.page.locator('#declare-button:not([disabled])').waitFor();

    // 発令: the response channels open for everyone inside the company.
    await own.page.click('#declare-button');
    await own.page.locator('.declared').waitFor();
    for (const p of [own.page, eng.page, com.page, fac.page]) {
      await p.locator('.channel[data-channel="incident-war-room"]').waitFor();
    }
    await eng.page.locator('.channel[data-channel="incident-war-room"] .badge').waitFor();
    await eng.page.click('.channel[data-channel="incident-war-room"]');
    await eng.page.locator('#posts .post-kind-kickoff', { hasText: 'Mei' }).waitFor();
    assert.equal(await eng.page.locator('.channel[data-channel="incident-war-room"] .badge').count(), 0, 'reading clears the unread count');

    // Phase, notice, runbook action.
    await own.page.selectOption('#phase-select', 'identified');
    await own.page.click('#phase-button');
    await fac.page.locator('#drill-phase.phase-identified').waitFor();

    await com.page.fill('#notice-text', 'Card payments fail in Kanto. Cash works.');
    await com.page.click('.notice-form button[type=submit]');
    await com.page.locator('.notice-list .notice-text', { hasText: 'Cash works.' }).waitFor();
    // The notice event can arrive a moment before the acknowledgement that
    // clears the editor.
    await com.page.waitForFunction(() => document.querySelector('#notice-text').value === '', null, { timeout: 5_000 });
    await facTab(fac.page, 'people');
    await fac.page.locator('.notice-list .notice-text', { hasText: 'Cash works.' }).waitFor();

    await eng.page.getByRole('button', { name: 'Run: Roll back payments-gateway to v2.30' }).click();
    await eng.page.locator('.run.active .countdown').waitFor();
    await own.page.locator('.run-list .run', { hasText: 'rollback-payments' }).waitFor();

    // End: a two-step button, then the summary for everyone.
    await facTab(fac.page, 'console');
    await fac.page.click('#end-button');
    assert.equal(await fac.page.locator('#end-button').getAttribute('data-armed'), '1');
    await fac.page.click('#end-button');
    for (const p of [fac.page, own.page, eng.page, com.page]) {
      await p.locator('#summary .score-big').waitFor();
      assert.match(await p.locator('#summary .score-big').textContent(), /^\d+ \/ 100$/);
      await p.locator('#drill-status.status-ended').waitFor();
    }
    assert.ok(await eng.page.locator('#composer-text').isDisabled(), 'no chat after the end');
    await own.page.screenshot({ path: path.join(os.tmpdir(), 'firedrill-owner-ended.png') });
    for (const x of [fac, own, eng, com]) {
      assert.deepEqual(x.problems, []);
      assert.deepEqual(x.dialogs, []);
    }
  } finally {
    for (const x of [fac, own, eng, com]) await x.context.close();
  }
});

test('every kind of post from the protocol fixtures renders', { timeout: 30_000 }, async (t) => {
  const dir = path.resolve(HERE, '../../docs/protocol/server');
  if (!fs.existsSync(dir)) {
    t.skip('no docs/protocol fixtures yet');
    return;
  }
  const read = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const welcome = read('welcome.json');
  const events = fs.readdirSync(dir).filter((f) => /^event_posted_.*\.json$/.test(f)).sort().map(read);
  assert.ok(events.length > 0);
  const a = await person('en-US');
  try {
    await a.page.goto(`${env.base}/`);
    await a.page.locator('#create-button').waitFor();
    const rendered = await a.page.evaluate(async ({ welcome, events }) => {
      const { fromWelcome } = await import('/js/state.js');
      const { renderPost } = await import('/js/posts.js');
      const state = fromWelcome(welcome);
      return events.map((m) => {
        const el = renderPost(state, m.event.post);
        return {
          kind: m.event.post.body.kind,
          text: el.textContent,
          tables: el.querySelectorAll('table').length,
          alert: el.classList.contains('post-alert'),
        };
      });
    }, { welcome, events });
    for (const r of rendered) {
      assert.doesNotMatch(r.text, /not supported/, `${r.kind} renders`);
      assert.ok(r.text.length > 10, `${r.kind} says something`);
    }
    const health = rendered.find((r) => r.kind === 'health');
    assert.ok(health && health.tables === 1, 'a health post is a table');
    assert.match(health.text, /Kanto/, 'regions by name');
    assert.match(health.text, /¥/, 'lost revenue in yen');
    assert.deepEqual(a.problems, []);
  } finally {
    await a.context.close();
  }
});

test('a reloaded tab resumes its seat and keeps the conversation', { timeout: 60_000 }, async () => {
  const a = await person('en-US');
  const b = await person('en-US');
  try {
    const link = await createDrill(a.page, 'Aiko');
    await joinDrill(b.page, link, 'Mei', 'incident_owner');
    await b.page.fill('#composer-text', 'before reload');
    await b.page.click('#composer-send');
    await b.page.locator('#posts .post-text', { hasText: 'before reload' }).waitFor();
    // A draft that was not sent survives the reload too.
    await b.page.fill('#composer-text', 'half-written');

    const frames = watchFrames(b.page);
    await b.page.reload();
    await b.page.waitForFunction(() => document.querySelector('#conn-state')?.dataset.state === 'open');
    await b.page.locator('#posts .post-text', { hasText: 'before reload' }).waitFor();
    assert.match(await b.page.locator('.you-name').textContent(), /Mei/);
    assert.equal(await b.page.inputValue('#composer-text'), 'half-written');
    // It resumed from its last seq instead of asking for a new snapshot.
    const hello = frames.sent.find((m) => m.type === 'hello');
    assert.ok(hello && Number.isInteger(hello.last_seq), `hello carries last_seq: ${JSON.stringify(hello)}`);
    assert.equal(frames.received[0]?.type, 'resumed');

    // Still the same seat: posts from others keep arriving.
    await a.page.fill('#composer-text', 'after reload');
    await a.page.keyboard.press('Enter');
    await b.page.locator('#posts .post-text', { hasText: 'after reload' }).waitFor();
    const seats = await a.page.locator('.roster .seat', { hasText: 'Mei' }).count();
    assert.equal(seats, 1, 'the reload did not create a second seat');
    assert.deepEqual(b.problems, []);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('a dropped connection shows "reconnecting", keeps typed text and resumes', { timeout: 60_000 }, async () => {
  const proxy = await startProxy(Number(new URL(env.base).port));
  const a = await person('en-US');
  const b = await person('en-US');
  try {
    const link = await createDrill(a.page, 'Aiko');
    const viaProxy = link.replace(env.base, `http://127.0.0.1:${proxy.port}`);
    const frames = watchFrames(b.page);
    await joinDrill(b.page, viaProxy, 'Ken', 'engineer');
    await b.page.fill('#composer-text', 'draft survives');

    proxy.cut({ refuse: true });
    await b.page.locator('#banner[data-state="reconnecting"]').waitFor();
    assert.match(await b.page.locator('#banner').textContent(), /Reconnecting|Connection lost/);
    assert.equal(await b.page.locator('#conn-state').getAttribute('data-state'), 'reconnecting');
    assert.ok(await b.page.locator('#composer-send').isDisabled(), 'cannot send while offline');
    await b.page.screenshot({ path: path.join(os.tmpdir(), 'firedrill-reconnecting.png') });

    // Life goes on without B.
    await a.page.fill('#composer-text', 'while you were away');
    await a.page.keyboard.press('Enter');
    await a.page.locator('#posts .post-text', { hasText: 'while you were away' }).waitFor();

    proxy.allow();
    await b.page.waitForFunction(() => document.querySelector('#conn-state')?.dataset.state === 'open', null, { timeout: 30_000 });
    await b.page.locator('#posts .post-text', { hasText: 'while you were away' }).waitFor();
    assert.ok(await b.page.locator('#banner').isHidden());
    assert.equal(await b.page.inputValue('#composer-text'), 'draft survives');
    const hellos = frames.sent.filter((m) => m.type === 'hello');
    assert.ok(hellos.length >= 2, 'a second hello after the drop');
    assert.ok(Number.isInteger(hellos.at(-1).last_seq), 'the reconnect resumes from last_seq');
    assert.ok(frames.received.some((m) => m.type === 'resumed'), 'the server resumed the session');

    // And B can talk again.
    await b.page.click('#composer-send');
    await a.page.locator('#posts .post-text', { hasText: 'draft survives' }).waitFor();
    assert.deepEqual(besidesCutSockets(b.problems), []);
  } finally {
    await a.context.close();
    await b.context.close();
    await proxy.close();
  }
});

test('the language switch changes the interface text', { timeout: 30_000 }, async () => {
  const a = await person('en-US');
  try {
    await a.page.goto(`${env.base}/`);
    await a.page.locator('#create-button').waitFor();
    assert.equal(await a.page.locator('#create-button').textContent(), 'Create drill');
    assert.equal(await a.page.getAttribute('html', 'lang'), 'en');

    // Typed text survives the switch.
    await a.page.fill('#create-name', 'Aiko');
    await a.page.selectOption('#lang-select', 'ja');
    assert.equal(await a.page.locator('#create-button').textContent(), '訓練を作成');
    assert.equal(await a.page.getAttribute('html', 'lang'), 'ja');
    assert.equal(await a.page.inputValue('#create-name'), 'Aiko');

    // The choice sticks across a reload.
    await a.page.reload();
    await a.page.locator('#create-button', { hasText: '訓練を作成' }).waitFor();

    await a.page.selectOption('#lang-select', 'en');
    assert.equal(await a.page.locator('#create-button').textContent(), 'Create drill');
    assert.deepEqual(a.problems, []);
  } finally {
    await a.context.close();
  }

  // A Japanese browser starts in Japanese.
  const j = await person('ja-JP');
  try {
    await j.page.goto(`${env.base}/`);
    await j.page.locator('#create-button', { hasText: '訓練を作成' }).waitFor();
  } finally {
    await j.context.close();
  }
});

test('a server error is shown to the user', { timeout: 30_000 }, async () => {
  const a = await person('en-US');
  try {
    await a.page.goto(`${env.base}/#join=no-such-code`);
    const error = a.page.locator('#join-code-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'No drill has this join code.');

    // A tab whose session the server does not know (say, the drill is gone)
    // goes home, says why, and forgets the session.
    await a.page.evaluate(() => sessionStorage.setItem('firedrill.session', JSON.stringify({ token: 'gone', lastSeq: null, cid: 3, drillId: 'gone' })));
    await a.page.goto(`${env.base}/#drill=gone`);
    await a.page.locator('.toast', { hasText: 'This session is not known to the server.' }).waitFor();
    await a.page.locator('#create-button').waitFor();
    assert.equal(await a.page.evaluate(() => sessionStorage.getItem('firedrill.session')), null);
  } finally {
    await a.context.close();
  }
});
