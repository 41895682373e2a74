// Browser test: the after-action review page, opened from the end-of-drill
// summary of a drill played by perfect bots, and from the history.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, inDrill, shot, facTab } from './harness.js';

env.setup();

test('the review opens from the end of a drill and from the history', { timeout: 120_000 }, async () => {
  const fac = await person('en-US');
  try {
    await createDrill(fac.page, 'Aiko', { bots: 'perfect' });
    await inDrill(fac.page);
    await fac.page.selectOption('#speed-select', '60');
    await fac.page.waitForFunction(() => /×60/.test(document.querySelector('.fac-status')?.textContent || ''));
    await fac.page.click('#start-button');
    // The bots declare right after the first alert.
    await fac.page.locator('#drill-phase:not(.phase-normal)').waitFor({ timeout: 60_000 });
    await fac.page.click('#end-button');
    await fac.page.click('#end-button');
    await fac.page.locator('#summary .score-big').waitFor();
    // Review notes after the end: a rating and an improvement item.
    await facTab(fac.page, 'people');
    await fac.page.selectOption('#rate-rating', 'S');
    await fac.page.fill('#rate-comment', 'Declared at once <b>bots</b>');
    await fac.page.click('#rate-add');
    await fac.page.waitForFunction(() => document.querySelector('#rate-comment').value === '');
    await fac.page.fill('#improve-text', 'Page the owner on the first alert');
    await fac.page.fill('#improve-owner', 'SRE');
    await fac.page.click('#improve-add');
    await fac.page.waitForFunction(() => document.querySelector('#improve-text').value === '');

    await fac.page.click('#summary-review-link');
    await fac.page.locator('#review-objectives tbody tr').first().waitFor({ timeout: 30_000 });
    const declare = fac.page.locator('#review-objectives tr[data-key="declare"]');
    assert.equal(await declare.getAttribute('data-outcome'), 'met');
    assert.match(await declare.locator('.pill').textContent(), /^met$/);
    assert.match(await fac.page.locator('#review-team-score').textContent(), /^\d+ \/ \d+ \(\d+ %\)$/);
    // The baseline bar and the chart are SVG, with the team's actions marked.
    await fac.page.locator('#review-outcome svg.baseline-bar').waitFor();
    assert.ok(await fac.page.locator('#review-chart svg .chart-mark').count() > 0, 'team actions are marked');
    assert.ok(await fac.page.locator('#review-timeline tbody tr').count() > 3);
    assert.match(await fac.page.locator('#review-ratings').textContent(), /Declared at once <b>bots<\/b>/);
    assert.match(await fac.page.locator('#review-plan').textContent(), /Page the owner on the first alert.*SRE/);
    // Download links for every export; the files are for the drill's
    // people, who prove their seat with their token.
    const token = await fac.page.evaluate(() => JSON.parse(sessionStorage.getItem('firedrill.session')).token);
    for (const f of ['md', 'html', 'json', 'csv']) {
      const href = await fac.page.locator(`.review-downloads a.download-${f}`).getAttribute('href');
      assert.match(href, new RegExp(`/review\\?format=${f}`));
      assert.equal((await fetch(`${env.base}${href}`)).status, 401, `${f} without a token`);
      const res = await fetch(`${env.base}${href}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, f);
      assert.match(res.headers.get('content-disposition') || '', /^attachment; filename="firedrill-review-/);
    }
    const [download] = await Promise.all([fac.page.waitForEvent('download'), fac.page.click('.review-downloads a.download-md')]);
    assert.match(download.suggestedFilename(), /^firedrill-review-.*\.md$/);
    await shot(fac.page, 'review');

    // Japanese, without reloading.
    await fac.page.selectOption('#lang-select', 'ja');
    assert.match(await declare.locator('.pill').textContent(), /^達成$/);
    await fac.page.selectOption('#lang-select', 'en');

    // From the history.
    const id = decodeURIComponent(new URL(fac.page.url()).hash.replace(/^#review=/, ''));
    await fac.page.goto(`${env.base}/#history=${encodeURIComponent(id)}`);
    await fac.page.click('#history-review-link');
    await fac.page.locator('#review-objectives tr[data-key="declare"]').waitFor();
    assert.deepEqual(fac.problems, []);
    assert.deepEqual(fac.dialogs, []);
  } finally {
    await fac.context.close();
  }
});
