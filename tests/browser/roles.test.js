// Browser tests of who gets which seat, and of the history: planned roles,
// the newcomer path, role changes during a drill, the co-facilitator link,
// bots, and the page of finished drills. Same harness as drill.test.js: a
// real server with its own data folder, headless Chromium, bounded waits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, inDrill, watchPosts, watchFrames, startProxy, shot, besidesCutSockets, facTab, startDrill } from './harness.js';

env.setup();

/** The roster row of a name, on a page with the roster panel. */
const rosterRow = (page, name) => page.locator('#roster .seat', { has: page.locator('.seat-name', { hasText: name }) });

/** Changes a seat's role from the roster (pick, then Apply). */
async function assignRole(page, name, role) {
  const row = rosterRow(page, name);
  await row.locator('select.seat-role-select').selectOption(role);
  await row.locator('button.seat-apply').click();
}

test('a planned role wins: joining with that name lands in it, and says so', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const ken = await person('ja-JP');
  const sora = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    // Plan two people before they join.
    await facTab(fac.page, 'people');
    await fac.page.fill('#plan-name', 'Kenji');
    await fac.page.selectOption('#plan-role', 'incident_owner');
    await fac.page.click('#plan-add');
    await fac.page.locator('#plan-list .plan', { hasText: 'Kenji' }).waitFor();
    // the name box is cleared once planned (once the acknowledgement, which may follow the event, is in).
    await fac.page.waitForFunction((sel) => document.querySelector(sel).value === '', '#plan-name', { timeout: 5_000 });
    await fac.page.fill('#plan-name', 'Sora');
    await fac.page.selectOption('#plan-role', 'comms_lead');
    await fac.page.press('#plan-name', 'Enter');
    await fac.page.locator('#plan-list .plan', { hasText: 'Sora' }).waitFor();
    assert.match(await fac.page.locator('#plan-list .plan', { hasText: 'Kenji' }).textContent(), /Incident owner.*not joined yet/);

    // Kenji picks engineer (and types his name in lower case): the plan wins.
    const posts = watchPosts(ken.page);
    await joinDrill(ken.page, link, 'kenji', 'engineer');
    assert.deepEqual(posts.find((p) => p.path === '/api/join').body.role, 'engineer');
    await ken.page.locator('#phase-select').waitFor();
    await ken.page.locator('#declare-button').waitFor();
    assert.match(await ken.page.locator('.you-name').textContent(), /kenji · インシデントオーナー/);
    const note = ken.page.locator('#role-note');
    await note.waitFor();
    assert.match(await note.textContent(), /Aiko さんがあなたを「インシデントオーナー」に予定していました。/);
    assert.match(await note.textContent(), /エンジニア/, 'says what was picked');
    await ken.page.locator('.toast', { hasText: 'Aiko' }).waitFor();
    await shot(ken.page, 'planned-owner-ja');

    // Sora does not pick a role at all: her name is enough.
    await sora.page.goto(link);
    await sora.page.fill('#join-name', 'Sora');
    await sora.page.click('#join-button');
    await inDrill(sora.page);
    await sora.page.locator('#notice-text').waitFor();
    assert.match(await sora.page.locator('#role-note').textContent(), /Aiko planned you as External comms lead\.$/);

    // The facilitator sees who arrived.
    await fac.page.locator('#plan-list .plan', { hasText: 'Kenji' }).locator('.pill-ok').waitFor();
    await fac.page.locator('#plan-list .plan', { hasText: 'Sora' }).locator('.pill-ok').waitFor();
    await shot(fac.page, 'facilitator-plan');

    // Without a plan and without a role, the join screen asks for one.
    const other = await person('en-US');
    try {
      await other.page.goto(link);
      await other.page.fill('#join-name', 'Nobody');
      await other.page.click('#join-button');
      await other.page.locator('#join-error', { hasText: 'No role is planned for this name' }).waitFor();
    } finally {
      await other.context.close();
    }
    for (const x of [fac, ken, sora]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, ken, sora]) await x.context.close();
  }
});

test('locked lead roles: the join link alone no longer seats an incident owner', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const ken = await person('en-US');
  const outsider = await person('ja-JP');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await facTab(fac.page, 'people');
    await fac.page.fill('#plan-name', 'Kenji');
    await fac.page.selectOption('#plan-role', 'incident_owner');
    await fac.page.click('#plan-add');
    await fac.page.locator('#plan-list .plan', { hasText: 'Kenji' }).waitFor();
    // The facilitator locks the lead roles; the box stays ticked once the server has it.
    assert.equal(await fac.page.isChecked('#plan-lock'), false);
    await fac.page.check('#plan-lock');
    await fac.page.waitForFunction(() => document.querySelector('#plan-lock').checked);
    await shot(fac.page, 'facilitator-plan-locked');

    // Someone else with the link picks incident owner: refused, in their language.
    await outsider.page.goto(link);
    await outsider.page.fill('#join-name', 'Store 12');
    await outsider.page.check('#role-incident_owner');
    await outsider.page.click('#join-button');
    await outsider.page.locator('#join-error', { hasText: 'ファシリテーターが予定された人のために確保しています' }).waitFor();
    // Another role still works for them.
    await outsider.page.check('#role-store_actor');
    await outsider.page.click('#join-button');
    await inDrill(outsider.page);

    // Kenji, planned, still becomes the owner.
    await joinDrill(ken.page, link, 'Kenji', 'engineer');
    await ken.page.locator('#declare-button').waitFor();

    // After a reload the console still shows the lock; unticking unlocks.
    await fac.page.reload();
    await facTab(fac.page, 'people');
    await fac.page.waitForFunction(() => document.querySelector('#plan-lock')?.checked === true);
    await fac.page.uncheck('#plan-lock');
    await fac.page.waitForFunction(() => document.querySelector('#plan-lock').checked === false);
    for (const x of [fac, ken]) assert.deepEqual(x.problems, []);
    // The refused join is the one problem the outsider's page logs.
    assert.deepEqual(outsider.problems.filter((p) => !/status of 403/.test(p)), []);
  } finally {
    for (const x of [fac, ken, outsider]) await x.context.close();
  }
});

test('the newcomer path shows the support orientation, then lands in support', { timeout: 60_000 }, async () => {
  const fac = await person('en-US');
  const n = await person('en-US');
  const j = await person('ja-JP');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    const posts = watchPosts(n.page);
    await n.page.goto(link);
    await n.page.fill('#join-name', 'Yui');
    await n.page.click('#newbie-button');
    const orientation = n.page.locator('#orientation');
    await orientation.waitFor();
    const join = posts.find((p) => p.path === '/api/join');
    assert.deepEqual(join.body, { code: link.split('#join=')[1], name: 'Yui', newcomer: true }, 'newcomer, and no role');
    const text = await orientation.textContent();
    assert.match(text, /Welcome to support/);
    assert.match(text, /What support does in an emergency/);
    assert.match(text, /talk script/);
    assert.match(text, /How calls work/);
    await shot(n.page, 'newcomer-orientation-en');

    // The seat exists already: the facilitator sees Yui in support.
    await facTab(fac.page, 'people');
    await rosterRow(fac.page, 'Yui').waitFor();
    assert.equal(await rosterRow(fac.page, 'Yui').locator('select').inputValue(), 'support_agent');

    await n.page.click('#orientation-enter');
    await inDrill(n.page);
    assert.match(await n.page.locator('.you-name').textContent(), /Yui · Support agent/);
    assert.equal(await n.page.locator('#role-note').isHidden(), true, 'nothing to explain: support is what was asked for');

    // The same in Japanese.
    await j.page.goto(link);
    await j.page.fill('#join-name', 'ゆい');
    await j.page.click('#newbie-button');
    await j.page.locator('#orientation', { hasText: 'サポートへようこそ' }).waitFor();
    await shot(j.page, 'newcomer-orientation-ja');
    await j.page.click('#orientation-enter');
    await inDrill(j.page);
    assert.match(await j.page.locator('.you-name').textContent(), /サポート担当/);
    for (const x of [fac, n, j]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, n, j]) await x.context.close();
  }
});

test('a role change rebuilds the other tab around its new role', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const ken = await person('en-US');
  const mei = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await joinDrill(ken.page, link, 'Ken', 'engineer');
    await joinDrill(mei.page, link, 'Mei', 'support_agent');
    await ken.page.getByRole('button', { name: /Run: Roll back payments-gateway/ }).waitFor();
    assert.equal(await ken.page.locator('#phase-select').count(), 0, 'engineers have no phase panel');
    await ken.page.fill('#composer-text', 'draft kept');
    await ken.page.evaluate(() => {
      window.sameDocument = true;
    });

    // The facilitator makes Ken the incident owner.
    await facTab(fac.page, 'people');
    await rosterRow(fac.page, 'Ken').waitFor();
    await assignRole(fac.page, 'Ken', 'incident_owner');
    await ken.page.locator('#phase-select').waitFor();
    await ken.page.locator('#declare-button').waitFor();
    assert.equal(await ken.page.getByRole('button', { name: /Run: Roll back/ }).count(), 0, 'the runbook went with the role');
    assert.match(await ken.page.locator('.you-name').textContent(), /Ken · Incident owner/);
    await ken.page.locator('.toast', { hasText: 'Your role changed: you are now Incident owner.' }).waitFor();
    assert.equal(await ken.page.evaluate(() => window.sameDocument), true, 'no reload');
    assert.equal(await ken.page.inputValue('#composer-text'), 'draft kept');
    await fac.page.waitForFunction(() => [...document.querySelectorAll('#roster .seat')]
      .some((li) => li.querySelector('.seat-name')?.textContent === 'Ken' && li.querySelector('select').value === 'incident_owner'));
    await shot(ken.page, 'reassigned-owner');

    // The owner hands the incident over to Mei: they swap roles.
    await rosterRow(ken.page, 'Mei').waitFor();
    assert.equal(await rosterRow(ken.page, 'Ken').locator('select').isHidden(), true, 'the owner does not edit their own row');
    await assignRole(ken.page, 'Mei', 'incident_owner');
    await mei.page.locator('#phase-select').waitFor();
    assert.match(await mei.page.locator('.you-name').textContent(), /Mei · Incident owner/);
    await ken.page.waitForFunction(() => /Support agent/.test(document.querySelector('.you-name')?.textContent || ''));
    assert.equal(await ken.page.locator('#phase-select').count(), 0);
    await ken.page.waitForFunction(() => document.querySelector('#conn-state')?.dataset.state === 'open');
    await shot(fac.page, 'facilitator-roster');
    for (const x of [fac, ken, mei]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, ken, mei]) await x.context.close();
  }
});

test('a tab that was offline while its role changed catches up on reconnect', { timeout: 60_000 }, async () => {
  const proxy = await startProxy(Number(new URL(env.base).port));
  const fac = await person('en-US');
  const ken = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    const frames = watchFrames(ken.page);
    await joinDrill(ken.page, link.replace(env.base, `http://127.0.0.1:${proxy.port}`), 'Ken', 'engineer');
    proxy.cut({ refuse: true });
    await ken.page.locator('#banner[data-state="reconnecting"]').waitFor();
    await facTab(fac.page, 'people');
    await rosterRow(fac.page, 'Ken').waitFor();
    await assignRole(fac.page, 'Ken', 'incident_owner');
    await fac.page.waitForFunction(() => [...document.querySelectorAll('#roster .seat select')].some((s) => s.value === 'incident_owner'));
    proxy.allow();
    await ken.page.locator('#phase-select').waitFor({ timeout: 30_000 });
    assert.match(await ken.page.locator('.you-name').textContent(), /Ken · Incident owner/);
    // A fresh snapshot for the new role (the server sends one at once, or
    // the client asks for it when a resume says the role changed).
    assert.ok(frames.sent.filter((m) => m.type === 'hello').length >= 2, 'reconnected');
    const last = frames.received.filter((m) => m.type === 'welcome').at(-1);
    assert.deepEqual(last.you.seat, { kind: 'participant', role: 'incident_owner' });
    assert.deepEqual(besidesCutSockets(ken.problems), []);
  } finally {
    for (const x of [fac, ken]) await x.context.close();
    await proxy.close();
  }
});

test('the co-facilitator link gives a facilitator console', { timeout: 60_000 }, async () => {
  const fac = await person('en-US');
  const co = await person('en-US');
  try {
    await createDrill(fac.page, 'Aiko');
    // Secret, so closed until asked for.
    assert.equal(await fac.page.locator('#cofac-link').isVisible(), false);
    await fac.page.click('#cofac-box > summary');
    await fac.page.locator('#cofac-link').waitFor();
    await shot(fac.page, 'facilitator-cofac-link');
    const cofac = await fac.page.inputValue('#cofac-link');
    const joinLink = await fac.page.inputValue('#join-link');
    assert.match(cofac, new RegExp(`^${env.base}/#join=[0-9a-f]+&as=facilitator$`));
    assert.notEqual(cofac.split('#join=')[1].split('&')[0], joinLink.split('#join=')[1], 'not the join code');

    const posts = watchPosts(co.page);
    await co.page.goto(cofac);
    await co.page.locator('#cofac-note').waitFor();
    assert.equal(await co.page.locator('.roles').isHidden(), true, 'no role to pick');
    assert.equal(await co.page.locator('#newbie-button').isHidden(), true);
    await shot(co.page, 'cofac-join');
    await co.page.fill('#join-name', 'Hana');
    await co.page.click('#join-button');
    await co.page.locator('#start-button').waitFor();
    await co.page.waitForFunction(() => document.querySelector('#conn-state')?.dataset.state === 'open');
    assert.deepEqual(Object.keys(posts.find((p) => p.path === '/api/join').body).sort(), ['code', 'name']);
    assert.match(await co.page.locator('.you-name').textContent(), /Hana · Facilitator/);
    await co.page.locator('.panel-details summary', { hasText: 'Answer key' }).waitFor();
    await facTab(co.page, 'people');
    await co.page.locator('#plan-name').waitFor();

    // Either facilitator runs the clock.
    await facTab(co.page, 'console');
    await co.page.click('#start-button');
    await fac.page.locator('#drill-status.status-running').waitFor();
    for (const x of [fac, co]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, co]) await x.context.close();
  }
});

test('the history lists a finished drill with its time to declare', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  try {
    // Perfect bots declare as soon as the first alert comes.
    const posts = watchPosts(fac.page);
    await createDrill(fac.page, 'Aiko', { bots: 'perfect' });
    assert.equal(posts.find((p) => p.path === '/api/drills').body.bots, 'perfect');
    const drillId = await fac.page.evaluate(() => JSON.parse(sessionStorage.getItem('firedrill.session')).drillId);
    await fac.page.selectOption('#speed-select', '60');
    await fac.page.waitForFunction(() => /×60/.test(document.querySelector('.fac-status')?.textContent || ''));
    await fac.page.click('#start-button');
    await fac.page.locator('#drill-phase:not(.phase-normal)').waitFor({ timeout: 30_000 });
    await fac.page.click('#end-button');
    await fac.page.click('#end-button');
    await fac.page.locator('#summary .score-big').waitFor();

    // From the summary to the history.
    await fac.page.click('#summary a[href="#history"]');
    const row = fac.page.locator(`#history-table tbody tr[data-drill="${drillId}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    assert.equal(cells[1], 'Lunch-peak POS outage');
    assert.match(cells[2], /^\d+$/, 'score');
    assert.match(cells[3], /^\d+ (min \d+ )?s$/, `time to declare: ${cells[3]}`);
    assert.match(cells[5], /^¥[\d,]+$/);
    await fac.page.locator('#ttd-chart circle.chart-point').first().waitFor();
    await shot(fac.page, 'history-en');

    await fac.page.selectOption('#lang-select', 'ja');
    await fac.page.locator('#history h1', { hasText: '過去の訓練' }).waitFor();
    assert.match(await row.locator('td').nth(3).textContent(), /秒$/);
    await shot(fac.page, 'history-ja');
    await fac.page.selectOption('#lang-select', 'en');

    // One drill's page.
    await row.locator('td').first().locator('a').click();
    await fac.page.locator('#history-drill .score-big').waitFor();
    assert.equal(await fac.page.locator('#history-ttd').textContent(), cells[3]);
    await shot(fac.page, 'history-drill');

    // The history is also reachable from home.
    await fac.page.evaluate(() => sessionStorage.clear());
    await fac.page.goto(`${env.base}/`);
    await fac.page.click('#history-link');
    await row.waitFor();
    assert.deepEqual(fac.problems, []);
  } finally {
    await fac.context.close();
  }
});

/** Every WebSocket message a page receives, pulses included, parsed and as text. */
function watchAllFrames(page) {
  const got = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => got.push({ text: String(f.payload), msg: JSON.parse(String(f.payload)) })));
  return got;
}

const FIGURES = ['orders_per_min', 'payment_success_ppm', 'payments_per_min', 'revenue_yen', 'lost_revenue_yen', 'guests_waiting'];
const TANAKA = 'Mr Tanaka, manager, Ramen Tanaka Shinjuku';

test('outside actors see what their character would, from the start, and nothing of the company\'s own', { timeout: 150_000 }, async () => {
  const fac = await person('en-US');
  const sales = await person('en-US');
  const sora = await person('en-US');
  const yui = await person('en-US');
  const store = await person('en-US');
  const corp = await person('ja-JP');
  const all = [fac, sales, sora, yui, store, corp];
  try {
    const link = await createDrill(fac.page, 'Aiko');
    const storeFrames = watchAllFrames(store.page);
    const corpFrames = watchAllFrames(corp.page);
    await joinDrill(sales.page, link, 'Ren', 'sales');
    await joinDrill(sora.page, link, 'Sora', 'comms_lead');
    await joinDrill(yui.page, link, 'Yui', 'support_agent');
    await joinDrill(store.page, link, 'Tanaka (store)', 'store_actor');
    await joinDrill(corp.page, link, 'Ito-san', 'corporate_actor');

    // No metrics bar outside; inside it is there.
    await sales.page.locator('#metrics').waitFor();
    for (const p of [store, corp]) assert.equal(await p.page.locator('#metrics, .metrics').count(), 0, 'no company figures outside');

    // The corporate actor writes as the client they play (the server's
    // character), not whichever chat sorts first; and their character
    // panel shows that client's persona.
    await corp.page.locator('#chat-panel').waitFor();
    assert.equal(await corp.page.inputValue('#chat-client'), 'kanto-ramen-hd');
    assert.equal(await corp.page.locator('#character-name').textContent(), 'Ms Ito, operations, Kanto Ramen Holdings');
    await startDrill(fac.page, 1);

    // Sales writes to Kanto Ramen first: the person playing it reads it
    // without having written anything.
    await sales.page.locator('#chat-list .chat-link[data-client="kanto-ramen-hd"]').click();
    await sales.page.fill('#chat-reply-text', 'Card payments fail in Kanto; cash works. Next update 12:10.');
    await sales.page.click('#chat-reply-send');
    await corp.page.locator('#chat-lines .convo-line.from-agent', { hasText: 'Next update 12:10' }).waitFor();
    // Sales' note to the other client does not reach them.
    await sales.page.locator('#chat-list .chat-link[data-client="hikari-cafe"]').click();
    await sales.page.fill('#chat-reply-text', 'A note for Hikari only.');
    await sales.page.click('#chat-reply-send');
    await sales.page.locator('#chat-lines .convo-line', { hasText: 'Hikari only' }).waitFor();
    // The facilitator writes as the client: the actor sees it too.
    await fac.page.locator('#chat-list .chat-link[data-client="kanto-ramen-hd"]').click();
    await fac.page.fill('#chat-reply-text', 'Facilitator, speaking as Kanto Ramen.');
    await fac.page.click('#chat-reply-send');
    await corp.page.locator('#chat-lines .convo-line', { hasText: 'speaking as Kanto Ramen' }).waitFor();
    assert.equal(await corp.page.inputValue('#chat-client'), 'kanto-ramen-hd', 'still writing as their client');
    await shot(corp.page, 'outside-corporate-from-the-start-ja');

    // The comms lead's notice reaches the store as the company's.
    await sora.page.fill('#notice-text', 'Card payments fail in some Kanto stores. Cash works.');
    await sora.page.click('.notice-form button[type=submit]');
    await sora.page.locator('.notice-list .notice-meta', { hasText: 'Sora' }).waitFor();
    const meta = store.page.locator('.notice-list .notice-meta');
    await meta.first().waitFor();
    assert.match(await meta.first().textContent(), /from the company$/);
    await corp.page.locator('.notice-list .notice-meta', { hasText: '当社より' }).first().waitFor();

    // The store calls: support sees the store, not the colleague's name.
    await store.page.fill('#call-support-text', 'Every card is declined.');
    await store.page.click('#call-support');
    await yui.page.locator('#call-queue .call-row', { hasText: TANAKA }).waitFor();
    assert.equal(await yui.page.locator('#call-queue .call-row', { hasText: 'Tanaka (store)' }).count(), 0);
    await shot(store.page, 'outside-store');

    // Nothing of the company's own reached the outside tabs: no figures in
    // any pulse, no comms lead's name, no other client's chat.
    await store.page.waitForTimeout(1200); // a pulse or two more
    for (const [who, p, frames] of [['store', store, storeFrames], ['corporate', corp, corpFrames]]) {
      const pulses = frames.filter((f) => f.msg.type === 'pulse');
      assert.ok(pulses.length > 0, `${who} got pulses`);
      for (const f of pulses) for (const k of FIGURES) assert.ok(!(k in f.msg), `${who} got ${k}`);
      for (const f of frames) {
        assert.ok(!f.text.includes('Sora'), `${who} was sent the comms lead's name: ${f.text}`);
        assert.ok(!f.text.includes('Hikari only'), `${who} was sent another client's chat`);
      }
      const shown = await p.page.locator('#main').innerText();
      assert.ok(!shown.includes('Sora'), `${who}'s screen shows the comms lead's name`);
    }
    for (const x of all) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of all) await x.context.close();
  }
});

test('the public status page claims nothing before the server answers, and never steps back', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const sora = await person('en-US');
  const customer = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await joinDrill(sora.page, link, 'Sora', 'comms_lead');
    await startDrill(fac.page, 1);
    await sora.page.fill('#notice-text', 'We are investigating card payment failures in Kanto.');
    await sora.page.click('.notice-form button[type=submit]');
    await sora.page.locator('.notice-list .notice-text', { hasText: 'investigating' }).waitFor();
    const id = decodeURIComponent(/#drill=([^&]+)/.exec(new URL(fac.page.url()).hash)[1]);
    const banner = customer.page.locator('#status-banner');
    const headline = customer.page.locator('#status-headline');

    // The first answer is slow: meanwhile the page says it is checking,
    // never "all systems operational".
    let release;
    const held = new Promise((r) => { release = r; });
    let served = 0;
    let stale = null;
    await customer.page.route('**/api/drills/*/status', async (route) => {
      served += 1;
      if (served === 1) {
        await held;
        return route.continue();
      }
      if (stale) {
        // An older answer (from before the notice), as a stale cache would give.
        const res = await route.fetch();
        const body = await res.json();
        stale.resolve();
        return route.fulfill({ response: res, json: { ...body, status: 'operational', resolved: false, notices_total: 0, notices: [] } });
      }
      return route.continue();
    });
    await customer.page.goto(`${env.base}/#status=${encodeURIComponent(id)}`);
    await customer.page.locator('#status-banner[data-status="loading"]').waitFor();
    assert.equal(await headline.textContent(), 'Checking the status…');
    await customer.page.waitForTimeout(500);
    assert.notEqual(await headline.textContent(), 'All systems operational');
    release();
    await customer.page.locator('#status-banner[data-status="partial_outage"]').waitFor();
    assert.equal(await headline.textContent(), 'Partial outage');

    // A later answer older than the page shown changes nothing.
    await new Promise((resolve) => { stale = { resolve }; });
    await customer.page.waitForTimeout(300);
    assert.equal(await banner.getAttribute('data-status'), 'partial_outage', 'the page did not step back');
    assert.equal(await customer.page.locator('#status-update-list .sp-update').count(), 1);
    stale = null;
    await shot(customer.page, 'status-page-kept');

    // A first answer that fails says the state is unknown, not operational.
    const other = await person('ja-JP');
    try {
      await other.page.route('**/api/drills/*/status', (route) => route.abort());
      await other.page.goto(`${env.base}/#status=${encodeURIComponent(id)}`);
      await other.page.locator('#status-banner[data-status="unknown"]').waitFor();
      assert.equal(await other.page.locator('#status-headline').textContent(), '状況を取得できません');
      await other.page.locator('#status-problem').waitFor();
    } finally {
      await other.context.close();
    }
    for (const x of [fac, sora, customer]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, sora, customer]) await x.context.close();
  }
});

test('a facilitator of a big drill sees the first 100 seats and pages in the rest', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const co = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    const code = decodeURIComponent(new URL(link).hash.replace(/^#join=/, ''));
    await fac.page.click('#cofac-box > summary');
    const cofac = await fac.page.inputValue('#cofac-link');
    // 110 people join (no page needed for them).
    for (let i = 0; i < 110; i += 1) {
      const res = await fetch(`${env.base}/api/join`, {
        method: 'POST', headers: { 'content-type': 'application/json', origin: env.base },
        body: JSON.stringify({ code, name: `Agent ${i}`, role: 'support_agent' }),
      });
      assert.equal(res.status, 200, await res.text());
    }
    // A facilitator arriving now gets a welcome with the first 100 seats.
    await co.page.goto(cofac);
    await co.page.fill('#join-name', 'Hana');
    await co.page.click('#join-button');
    await co.page.locator('#start-button').waitFor();
    await facTab(co.page, 'people');
    await co.page.locator('#roster .seat').first().waitFor();
    assert.equal(await co.page.locator('#roster .seat').count(), 100);
    assert.match(await co.page.locator('#roster-more').textContent(), /Show 12 more/);
    await co.page.click('#roster-more');
    await co.page.locator('#roster .seat', { hasText: 'Agent 109' }).waitFor();
    assert.equal(await co.page.locator('#roster .seat').count(), 112, 'Aiko, 110 agents and Hana');
    await co.page.locator('#roster-more').waitFor({ state: 'hidden' });
    // Every seat can be managed: the last one's role can be changed.
    await assignRole(co.page, 'Agent 109', 'engineer');
    // The other facilitator (who heard every join) sees the change.
    await facTab(fac.page, 'people');
    await fac.page.waitForFunction(() => [...document.querySelectorAll('#roster .seat')]
      .some((r) => r.querySelector('.seat-name')?.textContent === 'Agent 109' && r.querySelector('select').value === 'engineer'));
    for (const x of [fac, co]) assert.deepEqual(besidesCutSockets(x.problems), []);
  } finally {
    for (const x of [fac, co]) await x.context.close();
  }
});
