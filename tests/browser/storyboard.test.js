// Browser test: the storyboard in one go, one browser context per person,
// as they would live it. Aiko (facilitator) creates the drill; Yui, a
// newcomer, joins through the newcomer path and its orientation and lands
// in support; Kenji (incident owner) reads #ops and declares; Yui takes a
// call from a bot store with the talk script beside it; Sora (comms lead)
// publishes a notice, previews the public status page, and a customer sees
// it appear there; Mai (engineer) rolls back; Kenji marks it resolved and
// Sora publishes the all-clear; Aiko ends the drill; the review's timeline
// shows those moments in order. The facilitator's speed control keeps it
// short: fast through the quiet parts, slow while people talk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, inDrill, startDrill, setSpeed, endDrill, shot, facTab } from './harness.js';

env.setup();

const FIRST_NOTICE = 'We are investigating card payment failures in Kanto. Stores can take cash meanwhile. Next update by 12:10.';
const FINAL_NOTICE = 'Card payments work again in Kanto. Thank you for your patience.';
const ROLLBACK = 'Roll back payments-gateway to v2.30';

/** The customer's status page: its headline, once it says this. */
const headline = (page, text) => page.locator('#status-headline', { hasText: text }).waitFor();

test('the storyboard, from planning to the hot wash', { timeout: 240_000 }, async () => {
  const aiko = await person('en-US');
  const yui = await person('en-US');
  const kenji = await person('en-US');
  const sora = await person('en-US');
  const mai = await person('en-US');
  const customer = await person('en-US');
  const everyone = [aiko, yui, kenji, sora, mai, customer];
  try {
    // The day before: Aiko creates the drill and shares the link.
    const link = await createDrill(aiko.page, 'Aiko');

    // T-5, the lobby: the newcomer path seats Yui in support after one
    // screen of orientation; the others pick their roles.
    await yui.page.goto(link);
    await yui.page.fill('#join-name', 'Yui');
    await yui.page.click('#newbie-button');
    await yui.page.locator('#orientation', { hasText: 'Take next call' }).waitFor();
    await yui.page.click('#orientation-enter');
    await inDrill(yui.page);
    await yui.page.locator('.role-name', { hasText: 'Support agent' }).waitFor();
    await joinDrill(kenji.page, link, 'Kenji', 'incident_owner');
    await joinDrill(sora.page, link, 'Sora', 'comms_lead');
    await joinDrill(mai.page, link, 'Mai', 'engineer');
    await facTab(aiko.page, 'people');
    for (const name of ['Yui', 'Kenji', 'Sora', 'Mai']) await aiko.page.locator('.roster .seat', { hasText: name }).waitFor();

    // The public status page, as a customer keeps it open: all is well.
    const statusLink = sora.page.locator('#notice-status-link');
    const href = await statusLink.getAttribute('href');
    assert.match(href, /^#status=[0-9a-f]+$/);
    assert.equal(await statusLink.getAttribute('target'), '_blank', 'the drill tab stays where it is');
    assert.equal(await yui.page.locator('#notices-status-link').getAttribute('href'), href, 'the notices panel links to it too');
    await customer.page.goto(`${env.base}/${href}`);
    await headline(customer.page, 'All systems operational');
    await customer.page.locator('#status-none').waitFor();
    assert.match(await customer.page.locator('#status-updated').textContent(), /^Last updated \d{1,2}:\d\d:\d\d(\s[AP]M)?$/);

    // T+0 to T+3: fast through a normal Saturday, until the health bot
    // posts its first red line in #ops.
    await startDrill(aiko.page, 60);
    await kenji.page.locator('#posts .post-alert').first().waitFor({ timeout: 60_000 });
    await setSpeed(aiko.page, 5);

    // T+5, 発令: everyone inside gets the response channels; the talk
    // script lands in support's panel.
    await kenji.page.locator('#declare-button:not([disabled])').waitFor();
    await kenji.page.click('#declare-button');
    await kenji.page.locator('.declared').waitFor();
    for (const p of [kenji, sora, mai, yui]) await p.page.locator('.channel[data-channel="incident-war-room"]').waitFor();
    await yui.page.locator('#talk-script-panel #talk-script-text', { hasText: 'offer cash payment' }).waitFor();

    // A bot store calls; Yui takes the call with the script beside it and
    // answers with its words.
    await yui.page.locator('#call-queue .call-row').first().waitFor({ timeout: 60_000 });
    await yui.page.click('#take-call');
    await yui.page.locator('#active-call').waitFor();
    await yui.page.locator('#call-lines .convo-line.from-caller').first().waitFor();
    const script = yui.page.locator('#call-script');
    await yui.page.locator('#call-script', { hasText: 'offer cash payment' }).waitFor();
    const opening = (await script.innerText()).split('\n').map((l) => l.trim()).find(Boolean);
    assert.match(opening, /^Thank you for calling\./);
    const callerLines = await yui.page.locator('#call-lines .convo-line.from-caller').count();
    // One click puts the script's line in the reply box, to send as it is or change.
    await yui.page.click('#script-use-0');
    assert.equal(await yui.page.inputValue('#call-reply-text'), opening);
    assert.equal(await yui.page.evaluate(() => document.activeElement.id), 'call-reply-text');
    await yui.page.press('#call-reply-text', 'End');
    await yui.page.keyboard.type(' Please offer cash payment for now.');
    await yui.page.press('#call-reply-text', 'Enter');
    await yui.page.locator('#call-lines .convo-line.mine', { hasText: 'Thank you for calling.' }).waitFor();
    await yui.page.waitForFunction((n) => document.querySelectorAll('#call-lines .convo-line.from-caller').length > n, callerLines, { timeout: 20_000 });
    await shot(yui.page, 'storyboard-newcomer-call');
    await yui.page.selectOption('#call-disposition', 'workaround');
    await yui.page.click('#call-end');
    await yui.page.locator('#active-call').waitFor({ state: 'hidden' });
    await yui.page.locator('#call-history .call-past .pill', { hasText: 'Workaround given' }).first().waitFor();

    // T+6: Sora publishes the first notice and previews the public page
    // in a new tab; the customer's page picks it up on its next poll.
    await sora.page.fill('#notice-text', FIRST_NOTICE);
    await sora.page.click('.notice-form button[type=submit]');
    await sora.page.locator('.notice-list .notice-text', { hasText: FIRST_NOTICE }).waitFor();
    await sora.page.waitForFunction(() => document.querySelector('#notice-text').value === '', null, { timeout: 5_000 });
    const [preview] = await Promise.all([sora.context.waitForEvent('page'), statusLink.click()]);
    preview.on('pageerror', (e) => sora.problems.push(`preview page error: ${e.message}`));
    await preview.locator('#status-update-list .sp-update-text', { hasText: FIRST_NOTICE }).waitFor();
    await preview.close();
    await shot(sora.page, 'storyboard-comms');
    assert.ok(await sora.page.locator('#notice-text').isVisible(), 'the comms lead is still in the drill');

    await customer.page.locator('#status-update-list .sp-update-text', { hasText: FIRST_NOTICE }).waitFor();
    await headline(customer.page, 'Partial outage');
    assert.equal(await customer.page.locator('#status-banner').getAttribute('data-status'), 'partial_outage');
    assert.match(await customer.page.locator('.sp-update-time').first().textContent(), /^Drill time \d\d:\d\d · published .+/);
    // Only what was published: no names, no channels, no answer key.
    const shown = await customer.page.locator('#main').innerText();
    for (const internal of ['Sora', 'Kenji', 'Yui', '#ops', 'incident-war-room', 'v2.31', 'TLS']) {
      assert.ok(!shown.includes(internal), `the public page does not show "${internal}"`);
    }
    await shot(customer.page, 'storyboard-status-page');

    // T+10: Mai rolls back; the facilitator speeds through its delay.
    await mai.page.getByRole('button', { name: `Run: ${ROLLBACK}` }).click();
    await mai.page.locator('.run.active .countdown').waitFor();
    await setSpeed(aiko.page, 60);
    await mai.page.locator('.run.done', { hasText: ROLLBACK }).waitFor({ timeout: 60_000 });
    await setSpeed(aiko.page, 5);

    // T+25: Kenji marks it resolved; Sora publishes the final notice; the
    // customer's page says resolved, newest first.
    await kenji.page.selectOption('#phase-select', 'resolved');
    await kenji.page.click('#phase-button');
    await aiko.page.locator('#drill-phase.phase-resolved').waitFor();
    await sora.page.selectOption('#notice-status', 'operational');
    await sora.page.fill('#notice-text', FINAL_NOTICE);
    await sora.page.click('.notice-form button[type=submit]');
    await sora.page.locator('.notice-list .notice-text', { hasText: FINAL_NOTICE }).waitFor();
    await headline(customer.page, 'Resolved: all systems operational');
    assert.equal(await customer.page.locator('#status-banner').getAttribute('data-status'), 'resolved');
    const updates = await customer.page.locator('#status-update-list .sp-update-text').allTextContents();
    assert.deepEqual(updates, [FINAL_NOTICE, FIRST_NOTICE], 'newest first');
    assert.equal(await customer.page.locator('#status-update-list .sp-update .pill').first().textContent(), 'Resolved');

    // T+30, the hot wash: Aiko ends the drill; everyone gets the summary;
    // the status page says it will not change any more.
    await endDrill(aiko.page);
    for (const p of [aiko, yui, kenji, sora, mai]) await p.page.locator('#summary .score-big').waitFor();
    await customer.page.locator('#status-ended').waitFor();

    // The review: the timeline has each of those moments, in order.
    await aiko.page.click('#summary-review-link');
    const rows = aiko.page.locator('#review-timeline tbody tr');
    await rows.first().waitFor({ timeout: 30_000 });
    const texts = await rows.allTextContents();
    const at = (what, ...also) => {
      const i = texts.findIndex((r) => r.includes(what) && also.every((a) => r.includes(a)));
      assert.ok(i >= 0, `the timeline shows ${[what, ...also].join(' / ')}`);
      return i;
    };
    const moments = [
      at('First signal'),
      at('Declared', 'Kenji'),
      at('Call taken', 'Yui'),
      at('Call ended', 'Yui'),
      at('External notice', 'Sora', FIRST_NOTICE),
      at('Action started', 'Mai', ROLLBACK),
      at('Action took effect', ROLLBACK),
      at('External notice', 'Sora', FINAL_NOTICE),
      at('Drill ended'),
    ];
    assert.deepEqual(moments, [...moments].sort((a, b) => a - b), 'in the order they happened');
    await shot(aiko.page, 'storyboard-review');

    // The customer reads the page in Japanese: the interface is translated,
    // the notices stay as written.
    await customer.page.selectOption('#lang-select', 'ja');
    await headline(customer.page, '解決済み');
    await customer.page.locator('#status-update-list .sp-update-text', { hasText: FINAL_NOTICE }).waitFor();
    await customer.page.locator('#status-ended', { hasText: 'この訓練は終了しました' }).waitFor();

    for (const x of everyone) {
      assert.deepEqual(x.problems, []);
      assert.deepEqual(x.dialogs, []);
    }
  } finally {
    for (const x of everyone) await x.context.close();
  }
});
