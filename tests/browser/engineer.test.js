// Browser tests of the engineers' tools, risky actions and pulse questions
// as people live them: an engineer reads the dashboards, searches the logs
// and reads the deploy history; a risky runbook action waits for the
// incident owner, who approves one and rejects another in the browser; the
// facilitator asks a pulse question, a participant answers (and changes the
// answer, and finds it again after a reload), the facilitator reads the
// result when it closes, and everyone reads it after the end and in the
// review. Same harness as the others: a real server, headless Chromium,
// bounded waits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, inDrill, watchFrames, shot } from './harness.js';

env.setup();

/** The server's highest speed (limits.rs SPEED_MAX). */
const SPEED_MAX = 120;

async function setSpeed(fac, speed) {
  await fac.page.selectOption('#speed-select', String(speed));
  await fac.page.waitForFunction((s) => document.querySelector('.fac-status')?.textContent.includes(`×${s}`), speed);
}

/** Drill seconds on a page's clock ("T+mm:ss"). */
async function clockAtLeast(page, seconds, timeout = 30_000) {
  await page.waitForFunction((min) => {
    const m = /^T\+(\d+):(\d\d)$/.exec(document.querySelector('.clock-t')?.textContent || '');
    return m && Number(m[1]) * 60 + Number(m[2]) >= min;
  }, seconds, { timeout });
}

const queries = (frames) => frames.sent.filter((m) => m.type === 'cmd' && m.cmd.type === 'query').map((m) => m.cmd.query);

test('an engineer reads dashboards, logs and deploys; the owner approves one risky action and rejects another', { timeout: 150_000 }, async () => {
  const fac = await person('en-US');
  const ken = await person('en-US');
  const mei = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    const kenFrames = watchFrames(ken.page);
    const meiFrames = watchFrames(mei.page);
    await joinDrill(ken.page, link, 'Ken', 'engineer');
    await joinDrill(mei.page, link, 'Mei', 'incident_owner');

    // Before the start: the tools are there, unfolded for the engineer.
    const tools = ken.page.locator('#tools-panel');
    await tools.waitFor();
    assert.equal(await tools.getAttribute('open'), '', 'unfolded for engineers');
    assert.equal(await ken.page.locator('#tools-tab-dash').getAttribute('aria-selected'), 'true');
    // The engineer's roster lists only the leads; the count is everyone.
    await ken.page.locator('#people-count', { hasText: '3 people in the drill' }).waitFor();
    // The owner's tools are folded, and nothing is asked while they are.
    assert.equal(await mei.page.locator('#tools-panel').getAttribute('open'), null);
    assert.ok(await mei.page.locator('#approvals-panel').isHidden(), 'nothing waits for the owner');
    // Risky actions say so, with a person in the owner's seat.
    const restart = ken.page.locator('.action[data-action="restart-pos"]');
    await restart.locator('.action-risky', { hasText: 'needs the owner\'s approval' }).waitFor();
    assert.equal(await ken.page.locator('#run-restart-pos').textContent(), 'Ask owner');
    assert.equal(await ken.page.locator('.action[data-action="rollback-payments"] .action-risky').count(), 0, 'a rollback is not risky');

    // Run at the server's top speed until the fault has shown for a few
    // minutes, then pause to look.
    await setSpeed(fac, SPEED_MAX);
    await fac.page.click('#start-button');
    await clockAtLeast(fac.page, 8 * 60);
    await fac.page.click('#pause-button');
    await fac.page.locator('#drill-status.status-paused').waitFor();

    // Dashboards: a chart per service and per region, the alert that fired.
    await ken.page.click('#dash-refresh');
    const payments = ken.page.locator('#dash-services .dash-item[data-service="payments"]');
    await payments.locator('svg.spark polyline').first().waitFor();
    assert.equal(await payments.locator('svg.spark').count(), 2, 'error rate and latency');
    assert.ok(await payments.evaluate((el) => el.classList.contains('bad')), 'the failing service stands out');
    assert.match(await payments.locator('.dash-now').textContent(), /\d+\.\d% errors · [\d,]+ ms · [\d,]+ requests\/min/);
    assert.match(await payments.locator('svg.spark').first().getAttribute('aria-label'), /^Error rate, Payments gateway: \d+\.\d% now, highest \d+\.\d%\. From 11:45 to \d\d:\d\d\.$/);
    const kanto = ken.page.locator('#dash-regions .dash-item[data-region="kanto"]');
    await kanto.locator('svg.spark .spark-ref').waitFor({ state: 'attached' });
    assert.match(await kanto.locator('.dash-now').textContent(), /of [\d,]+ orders\/min · payments \d+\.\d%/);
    assert.equal(await ken.page.locator('#dash-regions .dash-item').count(), 3);
    await ken.page.locator('#dash-alerts .alert', { hasText: '5xx rate above 5%' }).waitFor();
    assert.match(await ken.page.locator('#dash-asof').textContent(), /^As of 11:5\d:\d\d \(T\+\d\d:\d\d\)$/);
    await shot(ken.page, 'engineer-dashboards');

    // Logs: the TLS handshake failures, by keyboard from the tabs.
    await ken.page.focus('#tools-tab-dash');
    await ken.page.keyboard.press('ArrowRight');
    assert.equal(await ken.page.evaluate(() => document.activeElement.id), 'tools-tab-logs');
    assert.ok(await ken.page.locator('#tools-pane-logs').isVisible());
    assert.ok(await ken.page.locator('#tools-pane-dash').isHidden());
    await ken.page.fill('#log-text', 'TLS');
    await ken.page.press('#log-text', 'Enter');
    const tls = ken.page.locator('#log-lines .log-line', { hasText: 'TLS handshake failed' });
    // The latest lines (shown when the tab opened) have TLS failures too:
    // wait for the search's answer to replace them.
    await ken.page.waitForFunction(() => {
      const lines = [...document.querySelectorAll('#log-lines .log-text')].map((e) => e.textContent);
      return lines.length > 0 && lines.every((x) => /tls/i.test(x));
    });
    const texts = await ken.page.locator('#log-lines .log-text').allTextContents();
    assert.ok(texts.length > 0 && texts.every((x) => /tls/i.test(x)), 'only matching lines');
    assert.match(await tls.first().locator('.log-time').textContent(), /^11:\d\d:\d\d$/);
    assert.match(await tls.first().locator('.log-service').textContent(), /^Payments gateway$/);
    // One service only.
    await ken.page.selectOption('#log-service', 'receipts');
    await ken.page.fill('#log-text', '');
    await ken.page.click('#log-search');
    await ken.page.locator('#log-lines .log-line', { hasText: 'slow query' }).first().waitFor();
    await ken.page.waitForFunction(() => [...document.querySelectorAll('#log-lines .log-service')]
      .every((e) => e.textContent === 'Receipts'));
    assert.deepEqual([...new Set(await ken.page.locator('#log-lines .log-service').allTextContents())], ['Receipts']);

    // Deploys: newest first, each with its day and clock time in one format.
    await ken.page.click('#tools-tab-deploys');
    const v231 = ken.page.locator('#deploy-list .deploy', { hasText: 'v2.31' });
    await v231.waitFor();
    assert.equal(await v231.locator('.deploy-time').textContent(), 'today 11:40');
    assert.match(await v231.textContent(), /Payments gateway.*v2\.31.*sato — Rotate acquirer TLS settings/);
    assert.equal(await ken.page.locator('#deploy-list .deploy', { hasText: 'v1.9.3' }).locator('.deploy-time').textContent(), 'today 11:20');
    assert.equal(await ken.page.locator('#deploy-list .deploy').first().locator('.deploy-time').textContent(), 'today 11:40', 'newest first');
    for (const when of await ken.page.locator('#deploy-list .deploy-time').allTextContents()) {
      assert.match(when, /^(today|yesterday|\d+ days ago) \d\d:\d\d$/, 'one time format');
    }
    assert.equal(await ken.page.locator('#deploy-list .pill-quiet').count(), 0, 'no second, different time');
    await shot(ken.page, 'engineer-deploys');

    const asked = queries(kenFrames);
    // Opening the tab shows the latest lines; then the two searches.
    assert.deepEqual(asked.filter((q) => q.kind === 'logs'), [
      { kind: 'logs', service: null, contains: '' },
      { kind: 'logs', service: null, contains: 'TLS' },
      { kind: 'logs', service: 'receipts', contains: '' },
    ]);
    assert.ok(asked.some((q) => q.kind === 'dashboard') && asked.some((q) => q.kind === 'deploys'));
    // Answers come to the asker only, never as events.
    assert.ok(kenFrames.received.some((m) => m.type === 'answer' && m.answer.kind === 'dashboard'));
    assert.equal(meiFrames.received.filter((m) => m.type === 'answer').length, 0, 'the owner asked nothing');

    // A risky action: the engineer asks, the owner approves.
    await ken.page.click('#run-restart-pos');
    await ken.page.locator('.toast', { hasText: 'Asked the incident owner to approve “Restart the POS API pods”.' }).waitFor();
    await restart.locator('.action-risky', { hasText: 'waiting for approval' }).waitFor();
    assert.ok(await ken.page.locator('#run-restart-pos').isDisabled(), 'asked once');
    await ken.page.locator('#posts .post-kind-approval_requested', { hasText: 'Ken asks to run “Restart the POS API pods”' }).waitFor();
    assert.equal(await ken.page.locator('#runs-pending .run', { hasText: 'Restart the POS API pods' }).count(), 1);

    const approvals = mei.page.locator('#approvals-panel');
    await approvals.waitFor();
    assert.match(await approvals.locator('.approval').textContent(), /Restart the POS API pods.*asked by Ken at 11:5\d:\d\d/);
    await shot(mei.page, 'owner-approval');
    await mei.page.click('#approve-restart-pos');
    await approvals.waitFor({ state: 'hidden' });
    // The run appears for both, and the decision is posted.
    await mei.page.locator('.run-list .run', { hasText: 'Restart the POS API pods' }).locator('.run-meta', { hasText: 'started by Ken' }).waitFor();
    await ken.page.locator('.run-list .run', { hasText: 'Restart the POS API pods' }).locator('.run-meta', { hasText: 'started by Ken' }).waitFor();
    await ken.page.locator('#posts .post-kind-approval_decided', { hasText: 'Mei approved “Restart the POS API pods”' }).locator('.pill', { hasText: 'Approved' }).waitFor();
    assert.equal(await ken.page.locator('#runs-pending').count(), 0);

    // Another: the owner rejects it; the engineer may ask again.
    await ken.page.click('#run-failover-orders-db');
    await approvals.locator('.approval', { hasText: 'Fail over the orders DB' }).waitFor();
    await mei.page.click('#reject-failover-orders-db');
    await ken.page.locator('#posts .post-kind-approval_decided', { hasText: 'Mei rejected “Fail over the orders DB to the replica”' }).waitFor();
    await ken.page.waitForFunction(() => !document.querySelector('#run-failover-orders-db')?.disabled);
    assert.equal(await ken.page.locator('.run-list .run', { hasText: 'Fail over the orders DB' }).count(), 0, 'a rejected action does not run');

    // In Japanese, without reloading.
    await ken.page.selectOption('#lang-select', 'ja');
    await ken.page.locator('#tools-tab-deploys', { hasText: 'デプロイ' }).waitFor();
    await ken.page.locator('#deploy-list .deploy-time', { hasText: /^今日 \d\d:\d\d$/ }).first().waitFor();
    await restart.locator('.action-risky', { hasText: 'オーナーの承認が必要' }).waitFor();
    await ken.page.selectOption('#lang-select', 'en');

    const decisions = meiFrames.sent.filter((m) => m.type === 'cmd' && m.cmd.type === 'decide_action').map((m) => m.cmd);
    assert.deepEqual(decisions, [
      { type: 'decide_action', action: 'restart-pos', approve: true },
      { type: 'decide_action', action: 'failover-orders-db', approve: false },
    ]);
    for (const x of [fac, ken, mei]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, ken, mei]) await x.context.close();
  }
});

test('the facilitator asks a pulse question; a participant answers; the result for the facilitator, then for all', { timeout: 150_000 }, async () => {
  const fac = await person('en-US');
  const sora = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    const frames = watchFrames(sora.page);
    await joinDrill(sora.page, link, 'Sora', 'comms_lead');
    const ask = fac.page.locator('#pulse-ask-regions');
    await ask.waitFor();
    assert.ok(await ask.isDisabled(), 'asking waits for the start');
    assert.ok(await sora.page.locator('#pulse-panel').isHidden());

    await setSpeed(fac, SPEED_MAX);
    await fac.page.click('#start-button');
    // The fault starts at T+03 in Kanto.
    await clockAtLeast(fac.page, 5 * 60);
    await fac.page.click('#pause-button');
    await fac.page.locator('#drill-status.status-paused').waitFor();

    await ask.click();
    await fac.page.locator('#pulse-open-list .pulse-open-item', { hasText: 'Which regions are affected now?' }).waitFor();
    await fac.page.locator('#pulse-open-list .countdown', { hasText: /Closes at \d\d:\d\d \(in 02:00\)/ }).waitFor();
    // Open, so not also "No questions asked yet".
    assert.doesNotMatch(await fac.page.locator('#pulse-fac-panel').textContent(), /No questions asked yet/);

    // The participant is asked, and answers; the toast leaves Send free.
    const toastEl = sora.page.locator('.toast', { hasText: 'A quick question from the facilitator: Which regions are affected now?' });
    await toastEl.waitFor();
    for (const sel of ['#composer-send', '#composer-text']) {
      const [a, b] = [await toastEl.boundingBox(), await sora.page.locator(sel).boundingBox()];
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      assert.ok(apart, `the toast does not cover ${sel}: ${JSON.stringify([a, b])}`);
    }
    const panel = sora.page.locator('#pulse-panel');
    await panel.waitFor();
    assert.equal(await sora.page.locator('aside.side > *').first().getAttribute('id'), 'pulse-panel', 'on top while it is open');
    assert.equal(await panel.locator('legend').textContent(), 'Which regions are affected now?');
    assert.deepEqual(await panel.locator('.pulse-options label').allTextContents(), ['Kanto', 'Kansai', 'Kyushu']);
    await panel.locator('.pulse-left', { hasText: /^Closes at \d\d:\d\d \(in 02:00\)$/ }).waitFor();
    await sora.page.check('#pulse-0-opt-0');
    await sora.page.check('#pulse-0-opt-1');
    await sora.page.click('#pulse-0-send');
    await panel.locator('.pulse-status', { hasText: 'Your answer: Kanto, Kansai.' }).waitFor();
    assert.equal(await sora.page.locator('#pulse-0-send').textContent(), 'Change answer');
    // A second thought: Kanto only.
    await sora.page.uncheck('#pulse-0-opt-1');
    await sora.page.click('#pulse-0-send');
    await panel.locator('.pulse-status', { hasText: 'Your answer: Kanto.' }).waitFor();
    await shot(sora.page, 'pulse-participant');
    // A reload finds the question and the answer again (the snapshot).
    await sora.page.reload();
    await inDrill(sora.page);
    await panel.locator('.pulse-status', { hasText: 'Your answer: Kanto.' }).waitFor();
    assert.deepEqual(await panel.locator('input[type=checkbox]').evaluateAll((xs) => xs.map((x) => x.checked)), [true, false, false]);

    // The clock runs on: it closes; the facilitator reads the result.
    await fac.page.click('#resume-button');
    const res = fac.page.locator('#pulse-results .pulse-result[data-pulse="0"]');
    await res.waitFor({ timeout: 30_000 });
    await fac.page.click('#pause-button');
    assert.equal(await res.locator('.pulse-accuracy').textContent(), '100 %');
    assert.equal(await res.locator('.pulse-agreement').textContent(), '100 %');
    assert.match(await res.locator('.pulse-meta').textContent(), /^asked at 11:5\d · 1 answered$/);
    const kanto = res.locator('tr[data-option="kanto"]');
    assert.match(await kanto.textContent(), /Kanto1 of 1affected/);
    assert.match(await res.locator('tr[data-option="kansai"]').textContent(), /Kansai0 of 1not affected/);
    assert.equal(await fac.page.locator('#pulse-open-list .pulse-open-item').count(), 0);
    await shot(fac.page, 'pulse-facilitator');
    // The participant's question closed by the clock; the result waits for the end.
    await panel.waitFor({ state: 'hidden' });
    assert.ok(await sora.page.locator('#pulse-results-panel').isHidden());

    await fac.page.click('#end-button');
    await fac.page.click('#end-button');
    const after = sora.page.locator('#pulse-results-panel');
    await after.waitFor();
    assert.equal(await after.locator('.pulse-accuracy').textContent(), '100 %');
    await sora.page.selectOption('#lang-select', 'ja');
    await after.locator('.pulse-q', { hasText: '今、影響を受けている地域はどこですか？' }).waitFor();
    await after.locator('tr[data-option="kanto"]', { hasText: '影響あり' }).waitFor();
    await sora.page.selectOption('#lang-select', 'en');

    // The review keeps it.
    await fac.page.click('#summary-review-link');
    await fac.page.locator('#review-pulses .pulse-result').waitFor({ timeout: 30_000 });
    assert.equal(await fac.page.locator('#review-pulses .pulse-accuracy').textContent(), '100 %');
    await fac.page.locator('#review-timeline td', { hasText: 'Pulse question' }).first().waitFor();

    const sent = frames.sent.filter((m) => m.type === 'cmd').map((m) => m.cmd);
    assert.deepEqual(sent, [
      { type: 'answer_pulse', pulse: 0, picks: ['kanto', 'kansai'] },
      { type: 'answer_pulse', pulse: 0, picks: ['kanto'] },
    ]);
    for (const x of [fac, sora]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, sora]) await x.context.close();
  }
});
