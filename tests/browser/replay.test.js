// Browser tests of a finished drill's afterlife and of the outside actors'
// characters: the replay (slider, key moments, play, channels rendered as
// text), the history's trend charts, export and delete for the drill's
// facilitator, and the store and corporate actors' scripted lines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env, person, createDrill, joinDrill, shot } from './harness.js';

env.setup();

const PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
const NOTICE = 'Card payments are failing in some Kanto stores. Cash works.';

/** The clock shown on the replay page (drill time after T+). */
const replayClock = (page) => page.locator('#replay-clock').textContent();

/** Waits until the replay shows the moment asked for and nothing is loading. */
async function settled(page) {
  await page.waitForFunction(() => document.querySelector('#replay-busy')?.hidden === true);
}

test('a finished drill replays moment by moment; its facilitator exports and deletes it', { timeout: 150_000 }, async () => {
  const fac = await person('en-US');
  const own = await person('en-US');
  const comms = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    const drillId = await fac.page.evaluate(() => JSON.parse(sessionStorage.getItem('firedrill.session')).drillId);
    await joinDrill(own.page, link, 'Kenji', 'incident_owner');
    await joinDrill(comms.page, link, 'Sora', 'comms_lead');

    await fac.page.selectOption('#speed-select', '10');
    await fac.page.waitForFunction(() => /×10/.test(document.querySelector('.fac-status')?.textContent || ''));
    await fac.page.click('#start-button');
    await own.page.locator('#drill-status.status-running').waitFor();

    // A message that looks like markup, in #ops; then 発令, a notice, a phase.
    await own.page.fill('#composer-text', PAYLOAD);
    await own.page.click('#composer-send');
    await own.page.locator('#posts .post-text', { hasText: 'onerror' }).waitFor();
    await own.page.locator('#declare-button:not([disabled])').waitFor();
    await own.page.click('#declare-button');
    await own.page.locator('#phase-button:not([disabled])').waitFor();
    await comms.page.locator('.notice-form button[type=submit]:not([disabled])').waitFor();
    await comms.page.fill('#notice-text', NOTICE);
    await comms.page.click('.notice-form button[type=submit]');
    await comms.page.locator('.notice-list .notice-text', { hasText: NOTICE }).waitFor();
    await own.page.selectOption('#phase-select', 'identified');
    await own.page.click('#phase-button');
    await own.page.locator('#drill-phase.phase-identified').waitFor();
    // Let the clock run past the last action, so that the end is later.
    await fac.page.waitForFunction(() => /T\+0[1-9]:/.test(document.querySelector('.clock-t')?.textContent || ''), null, { timeout: 30_000 });
    await fac.page.click('#end-button');
    await fac.page.click('#end-button');
    await fac.page.locator('#summary .score-big').waitFor();

    // The review links to the replay.
    await fac.page.click('#summary-review-link');
    await fac.page.locator('#review-replay-link').click();
    const page = fac.page;
    await page.locator('#replay-slider').waitFor();
    await page.locator('#replay-phase.phase-normal').waitFor();
    await settled(page);
    assert.match(await replayClock(page), /^11:45:00 · T\+00:00$/);
    assert.match(await page.locator('#replay-title').textContent(), /^Replay: Lunch-peak POS outage$/);

    // Every request for a moment, to check that at most one is in flight.
    let inFlight = 0;
    let maxInFlight = 0;
    const asked = [];
    const isReplay = (r) => /\/replay\?tick=/.test(r.url());
    page.on('request', (r) => {
      if (!isReplay(r)) return;
      asked.push(Number(new URL(r.url()).searchParams.get('tick')));
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
    });
    const done = (r) => {
      if (isReplay(r)) inFlight -= 1;
    };
    page.on('requestfinished', done);
    page.on('requestfailed', done);

    // The end: the notice was published, the phase set.
    await page.focus('#replay-slider');
    await page.keyboard.press('End');
    await page.locator('#replay-notices .notice-text', { hasText: NOTICE }).waitFor();
    await page.locator('#replay-phase.phase-identified').waitFor();
    await settled(page);
    assert.equal(await page.locator('#replay-phase').textContent(), 'Identified');
    const ticks = Number(await page.locator('#replay-slider').getAttribute('max'));
    assert.ok(ticks >= 60, `the drill ran a minute or more (${ticks})`);
    await page.locator('#replay-faults').waitFor();

    // The posts are rendered as text: the markup stays markup-looking text.
    await page.click('#replay-tab-ops');
    const payload = page.locator('#replay-posts .post-text', { hasText: 'onerror' });
    await payload.waitFor();
    assert.equal(await payload.textContent(), PAYLOAD);
    assert.equal(await page.locator('#replay-posts img, #replay-posts script').count(), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    // Newest at the bottom: the list is scrolled to its end.
    assert.ok(await page.locator('#replay-posts').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 4));
    // The war room exists once declared; arrows move between channel tabs.
    await page.focus('#replay-tab-ops');
    await page.keyboard.press('ArrowRight');
    await page.locator('#replay-tab-incident-war-room[aria-selected="true"]').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'replay-tab-incident-war-room');
    await shot(page, 'replay-end');

    // The start: normal, no notice yet, no war room.
    await page.focus('#replay-slider');
    await page.keyboard.press('Home');
    await page.locator('#replay-phase.phase-normal').waitFor();
    await page.locator('#replay-notices', { hasText: 'No notice published yet.' }).waitFor();
    await settled(page);
    assert.equal(await page.locator('#replay-tab-incident-war-room').count(), 0);
    assert.equal(await page.locator('#replay-tab-ops[aria-selected="true"]').count(), 1, 'falls back to a channel that exists');
    assert.match(await replayClock(page), /T\+00:00$/);

    // Arrows step 10 s; many quick steps: one request at a time, the last wins.
    asked.length = 0;
    for (let i = 0; i < 6; i += 1) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => /T\+01:00$/.test(document.querySelector('#replay-clock').textContent));
    await settled(page);
    assert.ok(maxInFlight <= 1, `at most one replay request in flight (${maxInFlight})`);
    assert.equal(asked[asked.length - 1], 60, `the last request is for the last moment (${asked.join(',')})`);
    assert.ok(asked.length < 6, `debounced (${asked.length} requests for 6 steps)`);

    // A key moment: the notice. The slider moves there and the notice shows.
    const mark = page.locator('.replay-mark[data-kind="notice"]').first();
    const markTick = Number(await mark.getAttribute('data-tick'));
    await mark.click();
    await settled(page);
    await page.locator('#replay-notices .notice-text', { hasText: NOTICE }).waitFor();
    const mm = String(Math.floor(markTick / 60)).padStart(2, '0');
    const ss = String(markTick % 60).padStart(2, '0');
    assert.match(await replayClock(page), new RegExp(`T\\+${mm}:${ss}$`));
    assert.equal(Number(await page.locator('#replay-slider').inputValue()), Math.round(markTick / 10) * 10, "the slider snaps to its nearest step");
    for (const kind of ['declared', 'phase']) assert.ok(await page.locator(`.replay-mark[data-kind="${kind}"]`).count() > 0, kind);

    // Play moves the clock on; pause stops it.
    await page.focus('#replay-slider');
    await page.keyboard.press('Home');
    await page.locator('#replay-phase.phase-normal').waitFor();
    await page.click('#replay-play');
    assert.equal(await page.locator('#replay-play').getAttribute('aria-pressed'), 'true');
    await page.waitForFunction(() => !/T\+00:00$/.test(document.querySelector('#replay-clock').textContent));
    await page.click('#replay-play');
    assert.equal(await page.locator('#replay-play').getAttribute('aria-pressed'), 'false');
    const paused = await replayClock(page);
    await page.waitForTimeout(1200);
    assert.equal(await replayClock(page), paused, 'paused');

    // Japanese, without reloading.
    await page.selectOption('#lang-select', 'ja');
    await page.locator('#replay-play', { hasText: '再生' }).waitFor();
    await page.selectOption('#lang-select', 'en');

    // The history: trends, and this drill with Export data and Delete.
    await page.goto(`${env.base}/#history`);
    const row = page.locator(`#history-table tbody tr[data-drill="${drillId}"]`);
    await row.waitFor();
    for (const id of ['ttd-chart', 'notice-chart', 'abandoned-chart', 'escalations-chart']) await page.locator(`svg#${id}`).waitFor();
    assert.ok(await page.locator('#notice-chart circle.chart-point').count() >= 1, 'time to the first notice is charted');
    assert.ok(await page.locator('#escalations-chart circle.chart-point').count() >= 1, 'escalations are charted');
    assert.equal(await row.locator('.history-replay').getAttribute('href'), `#replay=${drillId}`);
    await page.locator('#history-trends').screenshot({ path: path.join(os.tmpdir(), 'firedrill-history-trends.png') });

    // Someone who did not facilitate it gets no export or delete.
    await own.page.goto(`${env.base}/#history`);
    const ownRow = own.page.locator(`#history-table tbody tr[data-drill="${drillId}"]`);
    await ownRow.locator('.history-replay').waitFor();
    assert.equal(await ownRow.locator('.history-export, .history-delete').count(), 0);

    // Export: a JSON file with the drill's inputs.
    const [download] = await Promise.all([page.waitForEvent('download'), row.locator('.history-export').click()]);
    assert.equal(download.suggestedFilename(), `firedrill-drill-${drillId}.json`);
    const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.equal(exported.drill.id, drillId);
    assert.ok(Array.isArray(exported.inputs) && exported.inputs.length > 0);
    assert.match(exported.scenario_toml, /lunch-peak-pos-outage/);

    // Delete: a confirm step that can be cancelled, then gone.
    await row.locator('.history-delete').click();
    await row.locator('.history-delete-cancel').click();
    assert.ok(await row.locator('.history-delete-confirm').isHidden());
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('history-delete')), true, 'focus back on Delete');
    await row.locator('.history-delete').click();
    await row.locator('.history-delete-confirm').click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await fetch(`${env.base}/api/history/${drillId}`)).status, 404);
    assert.equal(await page.evaluate((id) => JSON.parse(localStorage.getItem('firedrill.facilitated') || '{}')[id], drillId), undefined);

    for (const p of [fac, own, comms]) assert.deepEqual(p.problems, []);
  } finally {
    for (const p of [fac, own, comms]) await p.context.close();
  }
});

test('outside actors see their character and put its lines in the call or chat box', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const store = await person('en-US');
  const corp = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await joinDrill(store.page, link, 'Tanaka', 'store_actor');
    await joinDrill(corp.page, link, 'Ito', 'corporate_actor');
    await fac.page.click('#start-button');
    await store.page.locator('#drill-status.status-running').waitFor();

    // The store actor: the ramen shop, its line at its time.
    const panel = store.page.locator('#character-panel');
    await panel.waitFor();
    assert.equal(await store.page.locator('#character-name').textContent(), 'Mr Tanaka, manager, Ramen Tanaka Shinjuku');
    assert.match(await store.page.locator('#character-desc').textContent(), /queue out of the door/);
    assert.ok(await store.page.locator('#character-persona').isHidden(), 'one persona: nothing to pick');
    const line = store.page.locator('#character-lines .character-line').first();
    assert.equal(await line.locator('.character-when').textContent(), '11:49');
    const text = await line.locator('.character-text').textContent();
    assert.match(text, /Cards aren't going through/);
    await line.locator('.character-use').click();
    assert.equal(await store.page.inputValue('#call-support-text'), text);
    assert.equal(await store.page.evaluate(() => document.activeElement.id), 'call-support-text');
    await shot(store.page, 'character-store');

    // The corporate actor: the client persona; Use picks its client.
    await corp.page.locator('#character-panel').waitFor();
    assert.equal(await corp.page.locator('#character-name').textContent(), 'Ms Ito, operations, Kanto Ramen Holdings');
    await corp.page.selectOption('#chat-client', 'hikari-cafe');
    const corpLine = corp.page.locator('#character-lines .character-line').first();
    const corpText = await corpLine.locator('.character-text').textContent();
    await corpLine.locator('.character-use').click();
    assert.equal(await corp.page.inputValue('#chat-client'), 'kanto-ramen-hd');
    assert.equal(await corp.page.inputValue('#chat-reply-text'), corpText);

    // Japanese.
    await corp.page.selectOption('#lang-select', 'ja');
    await corp.page.locator('#character-panel .character-use', { hasText: '使う' }).first().waitFor();
    await corp.page.locator('#character-panel h2', { hasText: 'あなたのキャラクター' }).waitFor();

    // Internal roles have no character panel.
    assert.equal(await fac.page.locator('#character-panel').count(), 0);
    for (const p of [fac, store, corp]) assert.deepEqual(p.problems, []);
  } finally {
    for (const p of [fac, store, corp]) await p.context.close();
  }
});
