// Browser test: the figures on screen are true. "Guests in stores" is
// named and defined; the payment success rate shows how many payments it
// was measured on; every screen counts the same people, and follows when
// someone joins.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, inDrill, startDrill, shot } from './harness.js';

env.setup();

const peopleLine = (page) => page.locator('#people-count').textContent();

test('the metrics bar says what its figures mean, and the count of people agrees', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const eng = await person('en-US');
  const agent = await person('ja-JP');
  const late = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await inDrill(fac.page);
    await joinDrill(eng.page, link, 'Ken', 'engineer');
    await joinDrill(agent.page, link, 'Yui', 'support_agent');

    // Named and defined, in the interface's language.
    const guests = eng.page.locator('.metric', { has: eng.page.locator('#metric-guests') });
    assert.equal(await guests.locator('.metric-label').textContent(), 'Guests in stores');
    assert.match(await guests.getAttribute('title'), /^Guests in the restaurants right now: queuing, ordering or eating\. .*normal at lunch/);
    const guestsJa = agent.page.locator('.metric', { has: agent.page.locator('#metric-guests') });
    assert.equal(await guestsJa.locator('.metric-label').textContent(), '店内のお客様');
    // Nothing measured before the start: no healthy-looking 100 %.
    assert.equal(await eng.page.locator('#metric-payment').textContent(), '—');

    // Running: the rate with the payments it was measured on.
    await startDrill(fac.page, 60);
    await eng.page.waitForFunction(() => /^\d+ tried \/ min$/.test(document.querySelector('#metric-payment-detail')?.textContent || ''), null, { timeout: 20_000 });
    assert.match(await eng.page.locator('#metric-payment').textContent(), /^\d+(\.\d)?%$/);
    assert.match(await agent.page.locator('#metric-payment-detail').textContent(), /^[\d,]+ 件試行／分$/);
    await shot(eng.page, 'figures-metrics');

    // The same count of people on every screen, and it follows a join.
    for (const p of [eng.page, agent.page]) await p.locator('#people-count').waitFor();
    assert.equal(await peopleLine(eng.page), '3 people in the drill');
    assert.equal(await peopleLine(agent.page), '訓練の参加者 3人');
    await joinDrill(late.page, link, 'Mei', 'sales');
    await eng.page.locator('#people-count', { hasText: '4 people in the drill' }).waitFor();
    await agent.page.locator('#people-count', { hasText: '訓練の参加者 4人' }).waitFor();
    assert.equal(await peopleLine(late.page), '4 people in the drill');

    for (const x of [fac, eng, agent, late]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, eng, agent, late]) await x.context.close();
  }
});
