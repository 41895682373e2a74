// Browser test: a facilitator's first drill without reading the docs. The
// home page lists what to do, in order; each scenario says what it is
// about, how long it runs and in which language; the join page says in
// one line what each role does; the console's "Before you start"
// checklist (docs/facilitating.md) ticks each step as it is done and goes
// away once the clock runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, inDrill, startDrill, shot, facTab } from './harness.js';

env.setup();

const stepStates = (page) => page.$$eval('#start-checklist .check-item', (els) =>
  els.map((el) => `${el.dataset.step}:${el.classList.contains('check-done') ? 'done' : 'todo'}`));

test('home, join and console walk a facilitator through a first drill', { timeout: 120_000 }, async () => {
  const fac = await person('en-US');
  const eng = await person('ja-JP');
  try {
    await fac.page.goto(`${env.base}/`);
    await fac.page.locator('#scenario-list input[type=radio]').first().waitFor();
    assert.deepEqual(await fac.page.$$eval('#home-steps li', (els) => els.map((el) => el.dataset.step)),
      ['pick', 'create', 'share', 'plan', 'start', 'review']);
    assert.match(await fac.page.locator('#home-steps li').first().textContent(), /^Pick a scenario\. .+/);
    // Every scenario: its summary, its length, its language as a word.
    const metas = await fac.page.$$eval('#scenario-list .scenario', (els) => els.map((el) => ({
      summary: el.querySelector('.scenario-summary').textContent,
      meta: el.querySelector('.scenario-meta').textContent,
    })));
    assert.ok(metas.length >= 2);
    for (const m of metas) {
      assert.ok(m.summary.length > 20, m.summary);
      assert.match(m.meta, /^\d+ min · [\d,]+ stores · (English|Japanese)$/);
    }
    await shot(fac.page, 'home-first-drill');

    const link = await createDrill(fac.page, 'Aiko');
    await inDrill(fac.page);
    const panel = fac.page.locator('#start-checklist-panel');
    await panel.waitFor();
    assert.deepEqual(await stepStates(fac.page), ['created:done', 'share:todo', 'plan:todo', 'roles:todo', 'start:todo']);
    assert.match(await panel.locator('[data-step="roles"] .check-detail').textContent(),
      /^Nobody yet as Incident owner, External comms lead, Engineer, Support agent\./);
    await shot(fac.page, 'facilitator-checklist');

    // The join page: one line for each role.
    await eng.page.goto(link);
    await eng.page.locator('#join-name').waitFor();
    const descs = await eng.page.$$eval('.role-choice', (els) => els.map((el) => el.querySelector('.role-desc').textContent));
    assert.equal(descs.length, 9);
    for (const d of descs) {
      assert.ok(d.length > 5, d);
      assert.doesNotMatch(d, /\n/);
    }
    await joinDrill(eng.page, link, 'Ken', 'engineer');
    await fac.page.locator('[data-step="share"].check-done').waitFor();
    assert.match(await panel.locator('[data-step="share"] .check-detail').textContent(), /1 joined so far/);
    assert.doesNotMatch(await panel.locator('[data-step="roles"] .check-detail').textContent(), /Engineer/);

    await facTab(fac.page, 'people');
    await fac.page.fill('#plan-name', 'Kenji');
    await fac.page.selectOption('#plan-role', 'incident_owner');
    await fac.page.click('#plan-add');
    await facTab(fac.page, 'console');
    await fac.page.locator('[data-step="plan"].check-done').waitFor();
    assert.deepEqual(await stepStates(fac.page), ['created:done', 'share:done', 'plan:done', 'roles:todo', 'start:todo']);

    await startDrill(fac.page, 10);
    await panel.waitFor({ state: 'hidden' });
    for (const x of [fac, eng]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, eng]) await x.context.close();
  }
});
