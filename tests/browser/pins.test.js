// Browser test: pinned posts. The incident owner pins a post from the
// keyboard, an engineer sees it pinned (the strip over the channel and the
// mark in the feed) and pins another with the mouse, the strip jumps to the
// post, a reload and a late joiner see the pins, an unpin reaches everyone,
// and texts that look like markup stay text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { person, env, createDrill, joinDrill, inDrill } from './harness.js';

env.setup();

const SCRIPT = 'Bridge call <script>window.__pwned = 1</script> at 12:30';
const IMG = 'Status page <img src=x onerror="window.__pwned = 2"> is up';

/** Sends a message in the shown channel and waits for it in the feed. */
async function say(page, text) {
  await page.fill('#composer-text', text);
  await page.press('#composer-text', 'Enter');
  await page.locator('#posts .post-text', { hasText: text }).waitFor();
  await page.waitForFunction(() => document.querySelector('#composer-text').value === '');
}

/** The texts of the pinned strip, in its order. */
function stripTexts(page) {
  return page.locator('#pins .pin-text').allTextContents();
}

/** Whether any markup from a message became an element or ran. */
function markupRan(page) {
  return page.evaluate(() => window.__pwned !== undefined
    || document.querySelectorAll('#posts script, #posts img, #pins script, #pins img').length > 0);
}

test('a post pinned from the keyboard is pinned for everyone, survives a reload, and stays text', { timeout: 120_000 }, async () => {
  const fac = await person('en-US');
  const ken = await person('en-US');
  const mai = await person('en-US');
  const obs = await person('ja-JP');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await joinDrill(ken.page, link, 'Ken', 'incident_owner');
    await joinDrill(mai.page, link, 'Mai', 'engineer');
    // In the lobby #ops holds only what people write.
    await say(ken.page, SCRIPT);
    await say(ken.page, IMG);
    await mai.page.locator('#posts .post-text', { hasText: IMG }).waitFor();
    assert.ok(await ken.page.locator('#pins').isHidden(), 'no strip without pins');

    // Ken pins the first post from the keyboard: from the feed, Tab reaches
    // its pin button; Enter pins it, and the focus stays on the button.
    await ken.page.focus('#posts');
    await ken.page.keyboard.press('Tab');
    const focused = () => ken.page.evaluate(() => {
      const el = document.activeElement;
      const post = el && el.closest('.post');
      return { pin: !!el && el.classList.contains('pin-toggle'), text: post ? post.querySelector('.post-text').textContent : null, pressed: el && el.getAttribute('aria-pressed'), label: el && el.textContent };
    });
    assert.deepEqual(await focused(), { pin: true, text: SCRIPT, pressed: 'false', label: 'Pin' });
    await ken.page.keyboard.press('Enter');
    await ken.page.waitForFunction(() => document.activeElement?.getAttribute('aria-pressed') === 'true');
    assert.deepEqual(await focused(), { pin: true, text: SCRIPT, pressed: 'true', label: 'Unpin' });

    // Mai sees it pinned: the strip over #ops and the mark in the feed.
    await mai.page.locator('#pins .pin-item').first().waitFor();
    assert.equal(await mai.page.locator('#pins-toggle').textContent(), 'Pinned (1)');
    assert.deepEqual(await stripTexts(mai.page), [SCRIPT]);
    const marked = mai.page.locator('#posts .post.post-pinned');
    assert.equal(await marked.count(), 1);
    assert.equal(await marked.locator('.post-text').textContent(), SCRIPT);
    assert.equal(await marked.locator('.pill-pinned').textContent(), 'Pinned');

    // Mai pins the other one with the mouse; the latest pin comes first.
    await mai.page.locator('#posts .post', { hasText: IMG }).getByRole('button', { name: 'Pin' }).click();
    await ken.page.waitForFunction(() => document.querySelectorAll('#pins .pin-item').length === 2);
    assert.deepEqual(await stripTexts(ken.page), [IMG, SCRIPT]);
    assert.match(await ken.page.locator('#pins .pin-item').first().getAttribute('title'), /Pinned by Mai/);

    // The strip works from the keyboard: Enter on a pin highlights the
    // post in the feed and moves the focus there.
    await mai.page.locator('#pins .pin-item', { hasText: 'Bridge call' }).focus();
    await mai.page.keyboard.press('Enter');
    await mai.page.waitForFunction((text) => {
      const el = document.activeElement;
      return el && el.classList.contains('post-flash') && el.querySelector('.post-text')?.textContent === text;
    }, SCRIPT);
    // Folding the strip keeps it to one line.
    await mai.page.click('#pins-toggle');
    assert.equal(await mai.page.getAttribute('#pins-toggle', 'aria-expanded'), 'false');
    assert.ok(await mai.page.locator('#pins-list').isHidden());
    await mai.page.click('#pins-toggle');
    assert.ok(await mai.page.locator('#pins-list').isVisible());

    // A reload keeps the pins.
    await mai.page.reload();
    await inDrill(mai.page);
    await mai.page.waitForFunction(() => document.querySelectorAll('#pins .pin-item').length === 2);
    assert.deepEqual(await stripTexts(mai.page), [IMG, SCRIPT]);
    assert.equal(await mai.page.locator('#posts .post.post-pinned').count(), 2);

    // Someone who joins later gets them in the welcome. An observer reads
    // #ops but may not write there, so may not pin either.
    await joinDrill(obs.page, link, 'Obi', 'observer');
    await obs.page.waitForFunction(() => document.querySelectorAll('#pins .pin-item').length === 2);
    assert.equal(await obs.page.locator('#pins-toggle').textContent(), 'ピン留め（2）');
    assert.deepEqual(await stripTexts(obs.page), [IMG, SCRIPT]);
    assert.equal(await obs.page.locator('#posts .pin-toggle, #pins .pin-unpin').count(), 0, 'no pin buttons for an observer');
    assert.equal(await obs.page.locator('#posts .post-pinned .pill-pinned').first().textContent(), 'ピン留め');

    // Ken unpins from the strip; everyone sees it go.
    await ken.page.getByRole('button', { name: `Unpin: ${IMG}` }).click();
    for (const p of [ken, mai, obs]) {
      await p.page.waitForFunction(() => document.querySelectorAll('#pins .pin-item').length === 1);
      assert.deepEqual(await stripTexts(p.page), [SCRIPT]);
    }
    assert.equal(await mai.page.locator('#posts .post.post-pinned').count(), 1);

    // Markup in messages is shown as text, in the feed and in the strip,
    // and never runs.
    for (const p of [ken, mai, obs]) {
      assert.equal(await markupRan(p.page), false);
      assert.ok((await p.page.locator('#posts .post-text').allTextContents()).includes(IMG));
    }
    for (const p of [fac, ken, mai, obs]) assert.deepEqual(p.problems, []);
  } finally {
    for (const p of [fac, ken, mai, obs]) await p.context.close();
  }
});
