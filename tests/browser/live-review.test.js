// Browser test: a facilitator reads the review (objectives, scores so far)
// while the drill runs; nobody else can.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, inDrill } from './harness.js';

env.setup();

test('a facilitator reads the review while the drill runs', { timeout: 120_000 }, async () => {
  const fac = await person('en-US');
  try {
    await createDrill(fac.page, 'Aiko', { bots: 'perfect' });
    await inDrill(fac.page);
    await fac.page.selectOption('#speed-select', '60');
    await fac.page.waitForFunction(() => /×60/.test(document.querySelector('.fac-status')?.textContent || ''));
    await fac.page.click('#start-button');
    await fac.page.locator('#drill-phase:not(.phase-normal)').waitFor({ timeout: 60_000 });
    const href = await fac.page.locator('#live-review-link').getAttribute('href');
    assert.match(href, /^#review=/);
    const id = decodeURIComponent(href.slice('#review='.length));
    // Without a facilitator's token, the running drill's review stays closed.
    const res = await fetch(`${env.base}/api/history/${encodeURIComponent(id)}/review`);
    assert.equal(res.status, 401);
    await fac.page.goto(`${env.base}/${href}`);
    await fac.page.locator('#review-objectives tr[data-key="declare"]').waitFor({ timeout: 30_000 });
    assert.match(await fac.page.locator('#review-body .notice-box, .notice-box').first().textContent(), /Provisional/);
    assert.deepEqual(fac.problems.filter((p) => !/401/.test(p)), []);
  } finally {
    await fac.context.close();
  }
});
