// Browser test: the drill screen on a tablet, landscape (1024×768) and
// portrait (768×1024), for a facilitator, a support agent and an engineer:
// the page never scrolls sideways and the main panels are there. Also the
// mentions of one's role: highlighted, and counted apart in the badge.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, inDrill, shot } from './harness.js';

env.setup();

const SIZES = [
  { name: 'landscape', width: 1024, height: 768 },
  { name: 'portrait', width: 768, height: 1024 },
];

/** What overflows the page sideways (empty when nothing does). */
function overflow(page) {
  return page.evaluate(() => {
    const root = document.scrollingElement;
    const out = [];
    if (root.scrollWidth > root.clientWidth) out.push(`page: scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}`);
    for (const sel of ['.topbar', '.metrics', '.channel-nav', '.conversation', 'aside.side']) {
      const el = document.querySelector(sel);
      if (!el) continue;
      const r = el.getBoundingClientRect();
      if (r.right > root.clientWidth + 1 || r.left < -1) out.push(`${sel}: ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    return out;
  });
}

async function checkLayout(who, label) {
  for (const size of SIZES) {
    await who.page.setViewportSize({ width: size.width, height: size.height });
    // Let the layout settle after the resize.
    await who.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
    assert.deepEqual(await overflow(who.page), [], `${label} at ${size.width}×${size.height}`);
    for (const sel of ['.metrics', '.channel-nav', '#posts', '#composer-text', 'aside.side']) {
      assert.ok(await who.page.locator(sel).first().isVisible(), `${label} at ${size.width}×${size.height}: ${sel} is visible`);
    }
    await shot(who.page, `tablet-${label}-${size.name}`);
  }
}

test('tablet: no sideways scrolling, main panels visible, for three seats', { timeout: 120_000 }, async () => {
  const fac = await person('en-US');
  const agent = await person('en-US');
  const eng = await person('ja-JP');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await inDrill(fac.page);
    await joinDrill(agent.page, link, 'Sora', 'support_agent');
    await joinDrill(eng.page, link, 'Ken', 'engineer');
    // Running, so that the wide posts (health tables) are there too.
    // At ×60 the health bot posts every 2 drill minutes (2 s real); then a pause keeps it still.
    await fac.page.selectOption('#speed-select', '60');
    await fac.page.waitForFunction(() => /×60/.test(document.querySelector('.fac-status')?.textContent || ''));
    await fac.page.click('#start-button');
    await eng.page.locator('#posts .post-kind-health .health-table').first().waitFor({ timeout: 30_000 });
    await fac.page.click('#pause-button');
    await eng.page.locator('#drill-status.status-paused').waitFor();
    await checkLayout(fac, 'facilitator');
    await checkLayout(agent, 'support-agent');
    await checkLayout(eng, 'engineer');

    // Mentions: the engineer reads another channel; two posts come in #ops,
    // one of them for the engineers (by their Japanese name, with the id).
    await eng.page.click('.channel[data-channel="social"]');
    await fac.page.fill('#composer-text', 'Lunch rush is starting');
    await fac.page.press('#composer-text', 'Enter');
    await fac.page.fill('#composer-text', '@エンジニア please look at payments');
    await fac.page.press('#composer-text', 'Enter');
    await fac.page.fill('#composer-text', '@support: script is ready');
    await fac.page.press('#composer-text', 'Enter');
    const badge = eng.page.locator('.channel[data-channel="ops"] .badge');
    // Health posts may come in #ops meanwhile: at least the three, one of them for the engineer.
    await eng.page.waitForFunction(() => /^([3-9]|\d\d+) · @1$/.test(document.querySelector('.channel[data-channel="ops"] .badge')?.textContent || ''));
    assert.match(await badge.getAttribute('aria-label'), /^未読 \d+ 件（うちあなた宛て 1 件）$/);
    await eng.page.click('.channel[data-channel="ops"]');
    await badge.waitFor({ state: 'detached' });
    const mention = eng.page.locator('#posts .post.post-mention');
    assert.equal(await mention.count(), 1);
    assert.match(await mention.locator('.post-text').textContent(), /@エンジニア/);
    assert.equal(await mention.locator('.pill-mention').textContent(), 'あなた宛て');
    // Each post shows its drill time and, beside it, the real time.
    assert.match(await mention.locator('.post-time').textContent(), /^\d\d:\d\d:\d\d$/);
    assert.match(await mention.locator('.post-time').getAttribute('title'), /^演習時間 T\+\d\d:\d\d・実時刻 約 \d\d:\d\d$/);
    assert.match(await mention.locator('.post-wall').textContent(), /^実 \d\d:\d\d$/);
    // The support agent is mentioned by @support, the engineer's post is not.
    const agentPosts = agent.page.locator('#posts .post.post-mention');
    await agentPosts.first().waitFor();
    assert.equal(await agentPosts.count(), 1);
    assert.match(await agentPosts.locator('.post-text').textContent(), /@support/);
    assert.equal(await agentPosts.locator('.pill-mention').textContent(), 'Mentions you');
    // Nothing for the facilitator who wrote them.
    assert.equal(await fac.page.locator('#posts .post.post-mention').count(), 0);
    await shot(eng.page, 'tablet-mention');

    for (const x of [fac, agent, eng]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, agent, eng]) await x.context.close();
  }
});
