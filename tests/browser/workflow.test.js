// Browser tests of the declaration's workflow (発令) as each role lives it:
// the shared documents and the talk script, editing with conflicts, the
// owner's status reports and the nudge when one is late, hypotheses, and
// the facilitators' private channel. Same harness as drill.test.js: a real
// server, headless Chromium, bounded waits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, shot } from './harness.js';

env.setup();

/** The facilitator starts the clock at a speed. */
async function start(fac, speed) {
  await fac.page.selectOption('#speed-select', String(speed));
  await fac.page.waitForFunction((s) => document.querySelector('.fac-status')?.textContent.includes(`×${s}`), speed);
  await fac.page.click('#start-button');
  await fac.page.locator('#drill-status.status-running').waitFor();
}

/** The owner declares; every page given sees the documents arrive. */
async function declare(owner, ...others) {
  await owner.page.locator('#declare-button:not([disabled])').waitFor();
  await owner.page.click('#declare-button');
  for (const p of [owner, ...others]) await p.page.locator('#doc-list .doc-link[data-doc="talk-script"]').waitFor();
}

const docLink = (page, id) => page.locator(`#doc-list .doc-link[data-doc="${id}"]`);

test('the talk script reaches support when declared, and follows the lead\'s edits', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const own = await person('en-US');
  const lead = await person('en-US');
  const agent = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await joinDrill(own.page, link, 'Kenji', 'incident_owner');
    await joinDrill(lead.page, link, 'Haru', 'support_lead');
    await joinDrill(agent.page, link, 'Yui', 'support_agent');

    // Before the declaration: the panel is there, at the top, and says
    // what will come; no documents yet.
    const panel = agent.page.locator('#talk-script-panel');
    await panel.waitFor();
    assert.equal(await agent.page.locator('aside.side > *').first().getAttribute('id'), 'talk-script-panel', 'first in the side bar');
    assert.match(await panel.textContent(), /appears here once the emergency is declared/);
    await agent.page.locator('.doc-empty').waitFor();
    await shot(agent.page, 'workflow-agent-lobby');

    await start(fac, 10);
    await declare(own, lead, agent, fac);

    // The agent's panel shows the template's script, live.
    await panel.locator('#talk-script-text', { hasText: 'offer cash payment' }).waitFor();
    assert.match(await agent.page.locator('#talk-script-meta').textContent(), /^from the template, \d\d:\d\d$/);
    await agent.page.locator('#talk-script-fresh').waitFor();

    // The agent lists the shared documents and only their own checklist.
    const listed = await agent.page.locator('#doc-list .doc-link').evaluateAll((els) => els.map((e) => e.dataset.doc));
    assert.deepEqual(listed, ['status-board', 'incident-doc', 'talk-script', 'incident-report', 'checklist-support_agent']);
    const facListed = await fac.page.locator('#doc-list .doc-link').count();
    assert.equal(facListed, 10, 'facilitators see every checklist');

    // Reading the status board: read only for an agent.
    await docLink(agent.page, 'status-board').click();
    await agent.page.locator('#doc-title', { hasText: 'Status board' }).waitFor();
    assert.ok(await agent.page.locator('#doc-readonly').isVisible());
    assert.ok(await agent.page.locator('#doc-edit').isHidden());
    assert.match(await agent.page.locator('#doc-read').textContent(), /Incident: Lunch-peak POS outage/);
    assert.ok(await agent.page.locator('.conversation').isHidden(), 'the document takes the conversation\'s place');

    // The agent's checklist: ticking saves it.
    await docLink(agent.page, 'checklist-support_agent').click();
    const first = agent.page.locator('#checklist .check-item').first();
    await first.locator('label', { hasText: 'Read the talk script' }).waitFor();
    assert.equal(await agent.page.locator('#checklist input[type=checkbox]').count(), 3);
    await first.locator('input').check();
    await agent.page.locator('#doc-meta', { hasText: /Version 2 · updated by Yui at \d\d:\d\d/ }).waitFor();
    assert.ok(await first.locator('input').isChecked());
    assert.ok(await first.evaluate((li) => li.classList.contains('done')));
    await shot(agent.page, 'workflow-checklist');

    // The script says what the status board says (no placeholder), and
    // follows when the owner changes the board.
    const affected = panel.locator('#talk-script-text');
    assert.match(await affected.textContent(), /What is affected: under investigation/);
    assert.doesNotMatch(await affected.textContent(), /status board's wording/);
    await docLink(own.page, 'status-board').click();
    await own.page.click('#doc-edit');
    const board = own.page.locator('#doc-text');
    await board.waitFor();
    await board.fill((await board.inputValue()).replace('Scope: under investigation', 'Scope: Kanto stores')
      .replace('Impact: ', 'Impact: card payments fail, cash works'));
    await own.page.click('#doc-save');
    await own.page.locator('#doc-read', { hasText: 'Scope: Kanto stores' }).waitFor();
    await affected.filter({ hasText: 'What is affected: Kanto stores — card payments fail, cash works' }).waitFor();
    await own.page.click('#doc-close');

    // The support lead edits the script from the panel.
    await lead.page.locator('#talk-script-panel #talk-script-text', { hasText: 'offer cash payment' }).waitFor();
    await lead.page.click('#talk-script-edit');
    const area = lead.page.locator('#doc-text');
    await area.waitFor();
    assert.match(await area.inputValue(), /offer cash payment/);
    const script = 'Card payments fail in Kanto.\nAccept cash or record the card for later.\nNext update on the status page.';
    await area.fill(script);
    await shot(lead.page, 'workflow-lead-editing');
    await lead.page.click('#doc-save');
    await lead.page.locator('#doc-read', { hasText: 'record the card for later' }).waitFor();
    await lead.page.locator('#doc-meta', { hasText: 'Version 3 · updated by Haru' }).waitFor();

    // The agent's panel follows, and says who changed it.
    await panel.locator('#talk-script-text', { hasText: 'record the card for later' }).waitFor();
    assert.match(await agent.page.locator('#talk-script-meta').textContent(), /^updated by Haru at \d\d:\d\d$/);
    await agent.page.locator('#talk-script-fresh').waitFor();
    assert.ok(await agent.page.locator('#talk-script-edit').count() === 0, 'agents do not edit the script');
    // The changed document is marked in the list of a reader who has not opened it.
    await docLink(own.page, 'talk-script').locator('.doc-changed').waitFor();

    await agent.page.click('#doc-close');
    await agent.page.locator('.conversation').waitFor();
    await shot(agent.page, 'workflow-support-agent');
    await lead.page.click('#doc-close');
    await shot(lead.page, 'workflow-support-lead');

    // In Japanese: the interface speaks Japanese; the scenario's texts
    // stay as written.
    await agent.page.selectOption('#lang-select', 'ja');
    await panel.locator('.panel-title', { hasText: 'トークスクリプト' }).waitFor();
    assert.match(await agent.page.locator('#talk-script-meta').textContent(), /に Haru が更新$/);
    assert.equal(await agent.page.locator('#docs-title').textContent(), '資料');
    await docLink(agent.page, 'status-board').click();
    await agent.page.locator('#doc-readonly', { hasText: '閲覧のみ' }).waitFor();
    await agent.page.locator('#doc-close', { hasText: '戻る' }).waitFor();
    await shot(agent.page, 'workflow-support-agent-ja');
    await agent.page.selectOption('#lang-select', 'en');

    for (const x of [fac, own, lead, agent]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, own, lead, agent]) await x.context.close();
  }
});

test('two editors race: the loser sees both texts, merges and saves', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const own = await person('en-US');
  const lead = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await joinDrill(own.page, link, 'Kenji', 'incident_owner');
    await joinDrill(lead.page, link, 'Haru', 'support_lead');
    await start(fac, 5);
    await declare(own, lead);

    // Both start from version 1.
    for (const p of [own.page, lead.page]) {
      await docLink(p, 'talk-script').click();
      await p.click('#doc-edit');
      await p.locator('#doc-text').waitFor();
    }
    await lead.page.fill('#doc-text', 'LEAD: accept cash or record the card for later.');
    await own.page.fill('#doc-text', 'OWNER: the fix is a rollback, about 10 minutes.');
    await lead.page.click('#doc-save');
    await lead.page.locator('#doc-meta', { hasText: 'Version 2' }).waitFor();

    // The owner is told while still typing, and the text is untouched.
    await own.page.locator('#doc-newer', { hasText: 'Haru saved version 2 while you were editing' }).waitFor();
    assert.equal(await own.page.inputValue('#doc-text'), 'OWNER: the fix is a rollback, about 10 minutes.');

    // Saving from the old version: the server refuses, the client shows both.
    await own.page.click('#doc-save');
    await own.page.locator('#doc-conflict').waitFor();
    assert.equal(await own.page.inputValue('#doc-theirs'), 'LEAD: accept cash or record the card for later.');
    assert.equal(await own.page.inputValue('#doc-mine'), 'OWNER: the fix is a rollback, about 10 minutes.');
    assert.match(await own.page.locator('#doc-theirs-meta').textContent(), /version 2, Haru/);
    await docLink(own.page, 'talk-script').locator('.pill', { hasText: 'merge' }).waitFor();
    assert.equal(await own.page.locator('.toast', { hasText: /saved version/ }).count(), 0, 'a conflict is the merge view, not an error');

    // Nothing is lost across a reload either.
    await own.page.reload();
    await own.page.locator('#doc-conflict').waitFor();
    assert.equal(await own.page.inputValue('#doc-mine'), 'OWNER: the fix is a rollback, about 10 minutes.');
    assert.equal(await own.page.inputValue('#doc-theirs'), 'LEAD: accept cash or record the card for later.');
    await shot(own.page, 'workflow-conflict');

    const merged = 'LEAD: accept cash or record the card for later.\nOWNER: the fix is a rollback, about 10 minutes.';
    await own.page.fill('#doc-mine', merged);
    await own.page.click('#doc-save-merged');
    await own.page.locator('#doc-read', { hasText: 'the fix is a rollback' }).waitFor();
    await own.page.locator('#doc-meta', { hasText: 'Version 3 · updated by Kenji' }).waitFor();
    assert.equal(await docLink(own.page, 'talk-script').locator('.pill').count(), 0, 'the draft is gone once saved');
    await lead.page.locator('#doc-read', { hasText: 'the fix is a rollback' }).waitFor();
    await lead.page.locator('#talk-script-text', { hasText: 'OWNER:' }).waitFor();

    // Cancelling a changed edit takes two clicks.
    await lead.page.click('#doc-edit');
    await lead.page.fill('#doc-text', 'half a thought');
    await lead.page.click('#doc-cancel');
    assert.equal(await lead.page.inputValue('#doc-text'), 'half a thought', 'one click keeps the text');
    await lead.page.click('#doc-cancel');
    await lead.page.locator('#doc-read').waitFor();
    for (const x of [fac, own, lead]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, own, lead]) await x.context.close();
  }
});

test('status reports promise the next update; a late one nudges the owner; hypotheses reach the war room', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const own = await person('en-US');
  const eng = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await joinDrill(own.page, link, 'Kenji', 'incident_owner');
    await joinDrill(eng.page, link, 'Mai', 'engineer');

    // Private notes: the facilitators' channel, theirs alone.
    const priv = fac.page.locator('.channel[data-channel="facilitators"]');
    await priv.locator('.pill-private', { hasText: 'private' }).waitFor();
    await priv.click();
    await fac.page.locator('#private-note', { hasText: 'only facilitators see this channel' }).waitFor();
    await fac.page.fill('#composer-text', 'watch the owner\'s cadence');
    await fac.page.keyboard.press('Enter');
    await fac.page.locator('#posts .post-text', { hasText: 'cadence' }).waitFor();

    assert.ok(await own.page.locator('#report-post').isDisabled(), 'no report before the declaration');
    await start(fac, 5);
    await declare(own, eng);
    for (const p of [own.page, eng.page]) {
      await p.locator('.channel[data-channel="incident-war-room"]').waitFor();
      assert.equal(await p.locator('.channel[data-channel="facilitators"]').count(), 0, 'participants never see #facilitators');
    }

    // A hypothesis from the engineer lands in the war room.
    await eng.page.fill('#hypothesis-text', 'TLS handshakes to the acquirer fail since v2.31');
    await eng.page.click('#hypothesis-post');
    await own.page.click('.channel[data-channel="incident-war-room"]');
    const hypo = own.page.locator('#posts .post-kind-hypothesis');
    await hypo.waitFor();
    assert.match(await hypo.textContent(), /Mai.*Hypothesis.*TLS handshakes to the acquirer fail since v2\.31/);
    // cleared once posted (once the acknowledgement, which may follow the event, is in).
    await eng.page.waitForFunction((sel) => document.querySelector(sel).value === '', '#hypothesis-text', { timeout: 5_000 });
    await shot(eng.page, 'workflow-engineer');

    // The owner reports, promising the next update in a minute, at ×120.
    await fac.page.selectOption('#speed-select', '120');
    await fac.page.waitForFunction(() => document.querySelector('.fac-status')?.textContent.includes('×120'));
    await own.page.fill('#report-affected', 'Card payments');
    await own.page.fill('#report-scope', 'Kanto');
    await own.page.fill('#report-impact', 'About 40% of card payments fail');
    await own.page.fill('#report-actions', 'Rollback of payments-gateway in progress');
    await own.page.fill('#report-next', '1');
    await shot(own.page, 'workflow-owner-form');
    await own.page.click('#report-post');
    const card = own.page.locator('#posts .post-kind-status_report .report-card');
    await card.waitFor();
    const cardText = await card.textContent();
    for (const part of ['Status report', 'Affected', 'Card payments', 'Scope', 'Kanto', 'Impact', 'Actions', 'Rollback', 'Next update']) {
      assert.ok(cardText.includes(part), `the card shows ${part}: ${cardText}`);
    }
    const due = (await card.locator('.report-next').textContent()).trim();
    assert.match(due, /^\d\d:\d\d$/);

    // The promise (due time with a countdown), then the nudge once late.
    await own.page.locator('#report-nudge').waitFor({ timeout: 15_000 });
    await fac.page.click('#pause-button');
    assert.match(await own.page.locator('#report-nudge').textContent(), new RegExp(`Status report overdue.*${due}`));
    assert.match(await own.page.locator('#report-promise').textContent(), new RegExp(`Next update was due ${due}.*late`));
    await own.page.locator('#posts .post-kind-report_overdue', { hasText: `promised for ${due}` }).waitFor();
    assert.equal(await eng.page.locator('#report-nudge').count(), 0, 'only the owner is nudged');
    await shot(own.page, 'workflow-owner-nudge');

    // Japanese: the form and the nudge.
    await own.page.selectOption('#lang-select', 'ja');
    await own.page.locator('#report-post', { hasText: '状況報告を投稿' }).waitFor();
    assert.match(await own.page.locator('#report-nudge').textContent(), /状況報告が遅れています/);
    assert.match(await own.page.locator('#posts .post-kind-status_report').textContent(), /影響範囲.*Kanto.*次回更新/);
    await shot(own.page, 'workflow-owner-ja');
    await own.page.selectOption('#lang-select', 'en');

    // The nudge's button leads to the form; a new report clears the nudge.
    await own.page.click('#report-nudge-write');
    await own.page.waitForFunction(() => document.activeElement?.id === 'report-affected');
    assert.equal(await own.page.inputValue('#report-scope'), 'Kanto', 'the fields stay for the next report');
    await own.page.fill('#report-next', '10');
    await own.page.click('#report-post');
    await own.page.locator('#report-nudge').waitFor({ state: 'hidden' });
    await own.page.locator('#report-promise', { hasText: /Next update due \d\d:\d\d/ }).waitFor();
    assert.match(await own.page.locator('#report-countdown').textContent(), /^in 10:00$/);

    await shot(fac.page, 'workflow-facilitator');
    for (const x of [fac, own, eng]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, own, eng]) await x.context.close();
  }
});
