// Browser test: the facilitator's console shows the board of regions and
// stores (the scenario's regions and corporate clients, refreshed as the
// drill runs, rows that keep their size, one query at a time and none
// while the tab is hidden, one store up close) and the live scoreboard
// (objectives, score, lost revenue against the baselines, the time of the
// last refresh). Nobody else has either.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, inDrill, shot } from './harness.js';

env.setup();

/**
 * Records the board queries a page sends and the replies, in the order
 * they pass: [{dir: 'out'|'in', cid, reply?}].
 */
function watchBoard(page) {
  const log = [];
  const cids = new Set();
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      const m = JSON.parse(String(f.payload));
      if (m.type === 'cmd' && m.cmd.type === 'query' && m.cmd.query.kind === 'board') {
        cids.add(m.cid);
        log.push({ dir: 'out', cid: m.cid });
      }
    });
    ws.on('framereceived', (f) => {
      const m = JSON.parse(String(f.payload));
      if (m.cid !== undefined && cids.has(m.cid)) log.push({ dir: 'in', cid: m.cid, reply: m });
    });
  });
  return {
    log,
    sent: () => log.filter((e) => e.dir === 'out').length,
    /** The most board queries that were waiting for their answer at once. */
    inFlightMax() {
      const open = new Set();
      let max = 0;
      for (const e of log) {
        if (e.dir === 'out') open.add(e.cid);
        else open.delete(e.cid);
        max = Math.max(max, open.size);
      }
      return max;
    },
  };
}

/** The heights of the board's rows and whether the panel overflows sideways. */
function boardBox(page) {
  return page.evaluate(() => {
    const panel = document.querySelector('#board-panel');
    const rows = [...panel.querySelectorAll('.board-row')].map((r) => Math.round(r.getBoundingClientRect().height));
    return { rows, overflow: panel.scrollWidth > panel.clientWidth + 1 };
  });
}

test('the facilitator watches the regions board and the scoreboard as the drill runs', { timeout: 180_000 }, async () => {
  const fac = await person('en-US');
  const eng = await person('en-US');
  const traffic = watchBoard(fac.page);
  const reviews = [];
  fac.page.on('request', (req) => {
    if (/\/api\/history\/[^/]+\/review/.test(req.url())) reviews.push({ at: Date.now(), auth: req.headers().authorization || '' });
  });
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await inDrill(fac.page);
    await joinDrill(eng.page, link, 'Ken', 'engineer');

    // In the lobby: every region of the scenario, in its order, all fine;
    // the corporate clients under them; the score waits for the start.
    const board = fac.page.locator('#board-panel');
    await board.locator('.board-row[data-region="kyushu"]').waitFor();
    assert.deepEqual(await board.locator('#board-regions .board-row').evaluateAll((rows) => rows.map((r) => r.dataset.region)), ['kanto', 'kansai', 'kyushu']);
    assert.deepEqual(await board.locator('#board-regions .board-name').allTextContents(), ['Kanto', 'Kansai', 'Kyushu']);
    assert.deepEqual(await board.locator('#board-clients .board-name').allTextContents(), ['Kanto Ramen Holdings', 'Hikari Cafe Group']);
    assert.equal(await board.locator('.board-row[data-region="kanto"] .board-stores').textContent(), '600 stores');
    const label = await board.locator('.board-row[data-region="kanto"] svg.mix-bar').getAttribute('aria-label');
    assert.match(label, /^Kanto, 600 stores: 0 want to call support, .* 600 fine; 0 informed, 0 misled\.$/);
    assert.match(await fac.page.locator('#score-status').textContent(), /starts with the drill/);
    assert.equal(reviews.length, 0, 'no review is asked in the lobby');
    const before = await boardBox(fac.page);
    assert.ok(before.rows.every((h) => h === before.rows[0]), `rows of one height: ${before.rows}`);
    assert.equal(before.overflow, false);

    // Nobody else has the board or the scoreboard.
    assert.equal(await eng.page.locator('#board-panel, #score-panel').count(), 0);

    // Running: the fault (card payments in Kanto, minute 3) shows on the
    // board. A tall window keeps the board and the scoreboard both on
    // screen (each is refreshed only while it is).
    await fac.page.setViewportSize({ width: 1280, height: 1800 });
    await fac.page.selectOption('#speed-select', '30');
    await fac.page.waitForFunction(() => /×30/.test(document.querySelector('.fac-status')?.textContent || ''));
    await fac.page.click('#start-button');
    const kanto = board.locator('.board-row[data-region="kanto"]');
    await kanto.locator('.board-badge:not(.is-off)').waitFor({ timeout: 30_000 });
    assert.match(await kanto.getAttribute('class'), /alerting/);
    await fac.page.waitForFunction(() => {
      const lost = document.querySelector('.board-row[data-region="kanto"] .board-fig-c .board-value');
      return lost && /^¥[1-9]/.test(lost.textContent);
    }, null, { timeout: 30_000 });
    const kansai = board.locator('.board-row[data-region="kansai"]');
    assert.match(await kansai.locator('.board-badge').getAttribute('class'), /is-off/);
    assert.equal(await kansai.locator('.board-fig-d .board-value').textContent(), '0');
    assert.match(await kanto.locator('.board-fig-b .board-value').getAttribute('class'), /bad/, 'Kanto\'s payments are bad');
    // The figures carry their column's name for screen readers.
    assert.equal(await kanto.locator('.board-fig-b .sr-only').textContent(), 'Card payments that went through:');
    assert.match(await fac.page.locator('#board-asof').textContent(), /^As of \d\d:\d\d:\d\d \(T\+\d\d:\d\d\)$/);
    const during = await boardBox(fac.page);
    assert.deepEqual(during.rows, before.rows, 'no row changed its height');

    // The board moves as the drill runs.
    const firstAsOf = await fac.page.locator('#board-asof').textContent();
    await fac.page.waitForFunction((was) => document.querySelector('#board-asof').textContent !== was, firstAsOf, { timeout: 15_000 });

    // One board query at a time, every couple of seconds, each answered.
    const replies = traffic.log.filter((e) => e.dir === 'in');
    assert.ok(traffic.sent() >= 3, `asked every couple of seconds (${traffic.sent()})`);
    assert.equal(traffic.inFlightMax(), 1, 'one board query in flight at most');
    assert.ok(replies.length >= traffic.sent() - 1, 'each query is answered');
    assert.ok(replies.every((e) => e.reply.type === 'answer' && e.reply.answer.kind === 'board'), 'answers, never errors');

    // The scoreboard: the objectives, the score and the lost revenue, with the time of the refresh.
    const score = fac.page.locator('#score-panel');
    await score.locator('#score-objectives li[data-key="declare"]').waitFor({ timeout: 30_000 });
    assert.match(await fac.page.locator('#score-status').textContent(), /^Updated \d\d:\d\d:\d\d\s[AP]M \(review as of T\+\d\d:\d\d\)$/);
    assert.match(await fac.page.locator('#score-team').textContent(), /^\d+ \/ \d+ \(\d+ %\)$/);
    assert.match(await fac.page.locator('#score-counts').textContent(), /^\d+ met · \d+ late · \d+ missed · \d+ pending$/);
    assert.match(await score.locator('li[data-key="declare"] .pill').textContent(), /^(met|met late|missed|pending)$/);
    assert.match(await fac.page.locator('#score-lost-none').textContent(), /^¥[\d,]+$/);
    assert.match(await fac.page.locator('#live-review-link').getAttribute('href'), /^#review=/);
    assert.ok(reviews.every((r) => /^Bearer \S+$/.test(r.auth)), 'the review is asked with the facilitator\'s token');

    // A hidden tab asks nothing, for longer than the scoreboard's period;
    // shown again, both are asked at once.
    await fac.page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const hiddenAt = traffic.sent();
    const reviewsHidden = reviews.length;
    await fac.page.waitForTimeout(17_000);
    assert.equal(traffic.sent(), hiddenAt, 'no board query while the tab is hidden');
    assert.equal(reviews.length, reviewsHidden, 'no review while the tab is hidden');
    await fac.page.evaluate(() => {
      delete document.hidden;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await fac.page.waitForFunction(() => !document.hidden);
    const shownAt = Date.now();
    while ((traffic.sent() === hiddenAt || reviews.length === reviewsHidden) && Date.now() - shownAt < 3_000) await fac.page.waitForTimeout(100);
    assert.ok(traffic.sent() > hiddenAt, 'the board is asked again once the tab is shown');
    assert.ok(reviews.length > reviewsHidden, 'and the review, which is due');

    // The review is not hammered: at most one every 15 s (plus the first).
    const span = (Date.now() - reviews[0].at) / 1000;
    assert.ok(reviews.length <= Math.floor(span / 15) + 2, `${reviews.length} reviews in ${span.toFixed(1)} s`);

    // One store up close: store 0 is Kanto's first.
    await fac.page.fill('#store-index', '0');
    await fac.page.click('#store-lookup');
    await fac.page.locator('#store-detail .store-detail-title').waitFor();
    assert.match(await fac.page.locator('#store-detail .store-detail-title').textContent(), /^Store #0 · Kanto · /);
    await fac.page.fill('#store-index', '99999');
    await fac.page.click('#store-lookup');
    await fac.page.waitForFunction(() => /No store with index 99999 \(there are \d+\)\./.test(document.querySelector('#store-detail')?.textContent || ''));

    await fac.page.click('#pause-button');
    await fac.page.locator('#drill-status.status-paused').waitFor();

    // The usual window, and a tablet both ways: the rows keep their
    // height and nothing overflows.
    for (const [width, height] of [[1280, 800], [1024, 768], [768, 1024]]) {
      await fac.page.setViewportSize({ width, height });
      await fac.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
      const box = await boardBox(fac.page);
      assert.deepEqual(box.rows, before.rows, `rows at ${width}×${height}`);
      assert.equal(box.overflow, false, `the board fits at ${width}×${height}`);
      await shot(fac.page, `board-tablet-${width}x${height}`);
    }
    assert.deepEqual(fac.problems, []);
    assert.deepEqual(eng.problems, []);
  } finally {
    await fac.context.close();
    await eng.context.close();
  }
});
