// Browser tests of the support desk and the client chats as people live
// them: a newcomer in support takes a call an inject placed, talks with the
// bot caller and closes it; the facilitator drives the injects; a store
// actor calls and the lead gives the call to an agent; a corporate client
// and sales write to each other; the review shows the desk's figures.
// Same harness as drill.test.js: a real server, headless Chromium, bounded
// waits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, inDrill, watchFrames, shot } from './harness.js';

env.setup();

/** The facilitator starts the clock at a speed. */
async function start(fac, speed) {
  await fac.page.selectOption('#speed-select', String(speed));
  await fac.page.waitForFunction((s) => document.querySelector('.fac-status')?.textContent.includes(`×${s}`), speed);
  await fac.page.click('#start-button');
  await fac.page.locator('#drill-status.status-running').waitFor();
}

const PAYLOAD = 'Cards fail <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> <b>help</b>';

test('a newcomer takes a call an inject placed, talks with the caller and closes it', { timeout: 120_000 }, async () => {
  const fac = await person('en-US');
  const yui = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    const frames = watchFrames(yui.page);
    // The newcomer path: orientation, then support.
    await yui.page.goto(link);
    await yui.page.fill('#join-name', 'Yui');
    await yui.page.click('#newbie-button');
    await yui.page.locator('#orientation', { hasText: 'Take next call' }).waitFor();
    await yui.page.click('#orientation-enter');
    await inDrill(yui.page);

    // Before the start: the queue is there, empty, and nothing can be taken.
    const calls = yui.page.locator('#calls-panel');
    await calls.waitFor();
    assert.equal(await yui.page.locator('aside.side > *').nth(1).getAttribute('id'), 'calls-panel', 'right under the talk script');
    assert.ok(await yui.page.locator('#take-call').isDisabled());
    assert.ok(await yui.page.locator('#active-call').isHidden());
    // Outside the facilitator console there are no injects or ad-hoc controls.
    assert.equal(await yui.page.locator('#injects-panel, #adhoc-panel, #desk-panel, #chat-panel').count(), 0);

    // The facilitator sees the timeline, with the next inject and its time.
    const row = fac.page.locator('#inject-list .inject[data-inject="store-call-cards"]');
    await row.waitFor();
    assert.match(await row.textContent(), /due \d\d:\d\d \(T\+04:00\)/);
    assert.match(await row.textContent(), /Mr Tanaka/);
    assert.match(await fac.page.locator('#inject-next').textContent(), /^Next: Mr Tanaka.* at \d\d:\d\d/);
    // The text is edited before it fires (before the start is fine too).
    await fac.page.click('#inject-edit-store-call-cards');
    await fac.page.fill('#inject-text-store-call-cards', PAYLOAD);
    await fac.page.click('#inject-save-store-call-cards');
    await row.locator('.inject-text', { hasText: 'window.__pwned' }).waitFor();
    assert.ok(await fac.page.locator('#inject-trigger-store-call-cards').isDisabled(), 'firing waits for the start');
    await shot(fac.page, 'desk-facilitator-injects');

    await start(fac, 1);
    await fac.page.click('#inject-trigger-store-call-cards');
    await fac.page.locator('#inject-list .inject.fired[data-inject="store-call-cards"]').waitFor();
    assert.match(await row.locator('.inject-status').textContent(), /^fired$/);
    assert.match(await row.locator('.inject-when').textContent(), /^fired \d\d:\d\d \(T\+\d\d:\d\d\)$/);
    assert.ok(await row.locator('.inject-buttons').isHidden(), 'no buttons once fired');

    // The call rings in the agent's queue, with the caller, wait and mood.
    const queued = yui.page.locator('#call-queue .call-row', { hasText: 'Mr Tanaka' });
    await queued.waitFor();
    await yui.page.locator('#queue-count', { hasText: '1 waiting' }).waitFor();
    await queued.locator('.call-wait', { hasText: /^waiting \d\d:\d\d$/ }).waitFor();
    assert.match(await queued.textContent(), /calm|upset|angry/);
    await shot(yui.page, 'desk-agent-queue');

    // Take it: the call opens in the middle with the caller's words.
    await yui.page.click('#take-call');
    const active = yui.page.locator('#active-call');
    await active.waitFor();
    assert.match(await yui.page.locator('#active-call-title').textContent(), /Mr Tanaka/);
    await yui.page.locator('#active-call-state', { hasText: 'on the line' }).waitFor();
    const first = yui.page.locator('#call-lines .convo-line.from-caller').first();
    await first.waitFor();
    // Script in what the caller says stays text.
    assert.equal(await first.locator('.convo-text').textContent(), PAYLOAD);
    assert.equal(await yui.page.locator('#call-lines script, #call-lines img, #call-lines b').count(), 0);
    assert.equal(await yui.page.evaluate(() => window.__pwned), undefined);
    assert.ok(await yui.page.locator('#take-call').isDisabled(), 'one call at a time');
    assert.ok(await yui.page.locator('#call-end').isDisabled(), 'a disposition first');
    // Before the declaration the script beside the call says what to do meanwhile.
    assert.match(await yui.page.locator('#call-script').textContent(), /appears here once the emergency is declared/);
    assert.ok(await yui.page.locator('#talk-script-panel').isHidden(), 'the script is not shown twice');

    // The facilitator watches the call.
    await fac.page.locator('#desk-calls .chat-link', { hasText: 'Mr Tanaka' }).locator('.call-meta', { hasText: 'Yui' }).waitFor();

    // Yui answers (Enter sends); the bot caller answers back.
    await yui.page.fill('#call-reply-text', 'We know about it and are working on it. Please take cash for now.');
    await yui.page.press('#call-reply-text', 'Enter');
    await yui.page.locator('#call-lines .convo-line.mine', { hasText: 'Please take cash' }).waitFor();
    // the box is emptied (once the acknowledgement, which may follow the event, is in).
    await yui.page.waitForFunction((sel) => document.querySelector(sel).value === '', '#call-reply-text', { timeout: 5_000 });
    await yui.page.waitForFunction(() => document.querySelectorAll('#call-lines .convo-line.from-caller').length >= 2, null, { timeout: 20_000 });
    const answer = await yui.page.locator('#call-lines .convo-line.from-caller').nth(1).locator('.convo-text').textContent();
    assert.ok(answer.length > 0 && answer !== PAYLOAD, `the caller answered: ${answer}`);
    await shot(yui.page, 'desk-agent-call');

    // Hold and resume.
    await yui.page.click('#call-hold');
    await yui.page.locator('#active-call-state', { hasText: 'on hold' }).waitFor();
    assert.equal(await yui.page.locator('#call-hold').textContent(), 'Resume');
    assert.ok(await yui.page.locator('#call-reply-text').isDisabled(), 'no talking on hold');
    await yui.page.click('#call-hold');
    await yui.page.locator('#active-call-state', { hasText: 'on the line' }).waitFor();

    // End it with a disposition: it goes to the history.
    await yui.page.selectOption('#call-disposition', 'workaround');
    await yui.page.click('#call-end');
    await active.waitFor({ state: 'hidden' });
    await yui.page.locator('#call-history .call-past', { hasText: 'Mr Tanaka' }).locator('.pill', { hasText: 'Workaround given' }).waitFor();
    assert.ok(await yui.page.locator('#talk-script-panel').isVisible(), 'the script is back in the side bar');
    // The desk follows a language switch.
    await yui.page.selectOption('#lang-select', 'ja');
    await yui.page.locator('#call-history .call-past .pill', { hasText: '回避策を案内' }).waitFor();
    await yui.page.locator('#take-call', { hasText: '次の電話を取る' }).waitFor();
    await yui.page.selectOption('#lang-select', 'en');

    const cmds = frames.sent.filter((m) => m.type === 'cmd').map((m) => m.cmd);
    assert.deepEqual(cmds.map((c) => c.type), ['take_call', 'call_say', 'hold_call', 'hold_call', 'end_call']);
    assert.deepEqual(cmds[0], { type: 'take_call', call: null });
    assert.deepEqual(cmds.slice(2).map((c) => c.hold ?? c.disposition), [true, false, 'workaround']);
    for (const x of [fac, yui]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, yui]) await x.context.close();
  }
});

test('a store calls, the lead gives the call to an agent; a corporate client writes to sales; the review counts it', { timeout: 150_000 }, async () => {
  const fac = await person('en-US');
  const lead = await person('en-US');
  const agent = await person('en-US');
  const store = await person('en-US');
  const corp = await person('ja-JP');
  const sales = await person('en-US');
  const all = [fac, lead, agent, store, corp, sales];
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await joinDrill(lead.page, link, 'Haru', 'support_lead');
    await joinDrill(agent.page, link, 'Mei', 'support_agent');
    await joinDrill(store.page, link, 'Sho', 'store_actor');
    await joinDrill(corp.page, link, 'Ito', 'corporate_actor');
    await joinDrill(sales.page, link, 'Rin', 'sales');

    // Panels only for the roles that use them.
    await store.page.locator('#store-call-panel').waitFor();
    assert.equal(await store.page.locator('#calls-panel, #chat-panel, #talk-script-panel, #doc-list').count(), 0);
    await corp.page.locator('#chat-panel').waitFor();
    assert.equal(await corp.page.locator('#calls-panel, #store-call-panel').count(), 0);
    await sales.page.locator('#chat-panel').waitFor();
    assert.equal(await sales.page.locator('#calls-panel, #store-call-panel, #injects-panel').count(), 0);
    await lead.page.locator('#assign-form').waitFor();
    assert.equal(await agent.page.locator('#assign-form').count(), 0, 'only the lead assigns');

    // Outside actors read and write #social, and nothing internal.
    const storeChannels = await store.page.locator('.channel-list .channel').evaluateAll((els) => els.map((e) => e.dataset.channel));
    assert.deepEqual(storeChannels, ['social']);
    await start(fac, 1);

    // The store posts on #social; everyone sees it, the agent cannot answer there.
    await store.page.fill('#composer-text', 'No cards at Sho Ramen today?');
    await store.page.press('#composer-text', 'Enter');
    await fac.page.click('.channel[data-channel="social"]');
    await fac.page.locator('#posts .post', { hasText: 'No cards at Sho Ramen today?' }).waitFor();
    await agent.page.click('.channel[data-channel="social"]');
    await agent.page.locator('#posts .post', { hasText: 'No cards at Sho Ramen today?' }).waitFor();
    assert.ok(await agent.page.locator('#composer-text').isDisabled());

    // The store calls support.
    await store.page.fill('#call-support-text', 'Our card reader says declined for every card.');
    await store.page.click('#call-support');
    await store.page.locator('#store-call-status', { hasText: /^Ringing… waiting for an agent/ }).waitFor();
    await store.page.locator('#store-call-lines .convo-line.mine', { hasText: 'declined for every card' }).waitFor();

    // The lead sees it waiting, under the store's name (not Sho's), and gives it to Mei.
    await lead.page.locator('#call-queue .call-row', { hasText: 'Ramen Tanaka Shinjuku' }).waitFor();
    assert.equal(await lead.page.locator('#call-queue .call-row', { hasText: 'Sho' }).count(), 0);
    await lead.page.waitForFunction(() => [...document.querySelectorAll('#assign-agent option')].some((o) => o.textContent === 'Mei'));
    await lead.page.selectOption('#assign-agent', { label: 'Mei' });
    await lead.page.click('#assign-button');
    await shot(lead.page, 'desk-lead-assign');

    // Mei is on the call; the store hears her.
    await agent.page.locator('#active-call-title', { hasText: 'Mr Tanaka, manager, Ramen Tanaka Shinjuku' }).waitFor();
    await store.page.locator('#store-call-status', { hasText: 'On the line with Mei' }).waitFor();
    await agent.page.fill('#call-reply-text', 'We are aware. Please take cash for now.');
    await agent.page.click('#call-reply-send');
    await store.page.locator('#store-call-lines .convo-line.from-agent', { hasText: 'take cash' }).waitFor();
    await store.page.fill('#store-reply-text', 'OK, thanks.');
    await store.page.press('#store-reply-text', 'Enter');
    await agent.page.locator('#call-lines .convo-line.from-caller', { hasText: 'OK, thanks.' }).waitFor();
    await shot(store.page, 'desk-store-call');
    await agent.page.selectOption('#call-disposition', 'informed');
    await agent.page.click('#call-end');
    await store.page.locator('#store-call-history .call-past', { hasText: 'Informed' }).waitFor();
    await store.page.locator('#call-support-form').waitFor({ state: 'visible' });

    // The corporate client (in Japanese) writes to sales as Kanto Ramen.
    await corp.page.selectOption('#chat-client', 'kanto-ramen-hd');
    await corp.page.fill('#chat-reply-text', '80店舗でカードが使えません。いつ直りますか？');
    await corp.page.press('#chat-reply-text', 'Enter');
    await corp.page.locator('#chat-lines .convo-line.mine', { hasText: '80店舗' }).waitFor();

    // Sales sees the client waiting, answers.
    const client = sales.page.locator('#chat-list .chat-link[data-client="kanto-ramen-hd"]');
    await client.locator('.pill', { hasText: 'waiting' }).waitFor();
    await client.click();
    await sales.page.locator('#chat-lines .convo-line.from-caller', { hasText: '80店舗' }).waitFor();
    await sales.page.fill('#chat-reply-text', 'We are rolling back; next update by 12:30.');
    await sales.page.click('#chat-reply-send');
    await corp.page.locator('#chat-lines .convo-line.from-agent', { hasText: 'next update by 12:30' }).waitFor();
    await client.locator('.pill', { hasText: 'waiting' }).waitFor({ state: 'detached' });
    await shot(sales.page, 'desk-sales-chat');
    await shot(corp.page, 'desk-corporate-chat-ja');

    // The facilitator sees the chat too, and an ad-hoc social post reaches everyone.
    await fac.page.locator('#chat-list .chat-link[data-client="kanto-ramen-hd"]').click();
    await fac.page.locator('#chat-lines .convo-line', { hasText: 'next update by 12:30' }).waitFor();
    await fac.page.selectOption('#adhoc-persona', 'ramen-fan');
    await fac.page.selectOption('#adhoc-medium', 'social');
    await fac.page.fill('#adhoc-text', 'Cash only at every ramen place?? #outage');
    await fac.page.click('#adhoc-send');
    await store.page.locator('#posts .post', { hasText: 'Cash only at every ramen place' }).locator('.post-author.persona', { hasText: '@ramen_tabearuki' }).waitFor();
    await fac.page.locator('#inject-list .inject.fired', { hasText: 'Cash only at every ramen place' }).waitFor();

    // Fault controls: start the fault now.
    await fac.page.click('#answer-key-panel > summary');
    await fac.page.click('#fault-start-gateway-tls');
    await fac.page.locator('#answer-key .fault.active[data-fault="gateway-tls"]').waitFor();
    assert.ok(await fac.page.locator('#fault-start-gateway-tls').isDisabled());
    await shot(fac.page, 'desk-facilitator-console');

    // The review shows the desk.
    await fac.page.click('#end-button');
    await fac.page.click('#end-button');
    for (const p of [fac, agent]) {
      await p.page.locator('#summary .summary-times').waitFor();
      const text = await p.page.locator('#summary .summary-times').textContent();
      assert.match(text, /Calls answered\s*\d+ of \d+ · \d+ hung up/);
      assert.match(text, /Wait before pick-up\s*mean /);
      assert.match(text, /Client chats\s*replies: \d+ · escalations: \d+/);
    }
    await shot(agent.page, 'desk-summary');
    for (const x of all) assert.deepEqual(x.problems, [], x === corp ? 'corporate' : '');
  } finally {
    for (const x of all) await x.context.close();
  }
});
