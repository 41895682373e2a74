// Browser test: every role's screen laid out for the work, on a 1440×900
// laptop and a 1024×768 tablet, in English and Japanese. The page itself
// never scrolls (each area scrolls on its own); the header keeps the
// person's name and role; what the role works with is in view without
// scrolling (the facilitator's clock controls, inject timeline, score and
// board; the engineers' tools; the desk; the message box); the
// facilitator's console is two tabs, usable by keyboard. Screenshots of
// every screen go to test-results/screens/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, inDrill, startDrill, shot } from './harness.js';

env.setup();

const SIZES = [[1440, 900], [1024, 768]];
/** Everyone's name, as long as people's names usually are. */
const NAMES = {
  facilitator: 'Aiko', incident_owner: 'Kenji Sato', comms_lead: 'Sora', support_lead: 'Haru', support_agent: 'Yui Tanaka',
  sales: 'Mei', engineer: 'Ken', store_actor: 'Taro', corporate_actor: 'Rin', observer: 'Nao',
};
const LANGS = ['en', 'ja'];
const ROLE_TEXT = {
  en: { facilitator: 'Facilitator', engineer: 'Engineer', support_agent: 'Support agent' },
  ja: { facilitator: 'ファシリテーター', engineer: 'エンジニア', support_agent: 'サポート担当' },
};

/** What each role must see without scrolling anything. */
const IN_VIEW = {
  facilitator: ['#pause-button', '#inject-list', '#score-status', '#board-regions', '#composer-text'],
  engineer: ['#declare-button', '#tools-panel', '#composer-text'],
  support_agent: ['#talk-script-panel', '#take-call', '#composer-text'],
  support_lead: ['#talk-script-panel', '#composer-text'],
  incident_owner: ['#declare-button', '#composer-text'],
  comms_lead: ['#notice-text', '#composer-text'],
  sales: ['#composer-text'],
  store_actor: ['#composer-text'],
  corporate_actor: ['#composer-text'],
  observer: ['#composer-text'],
};

/** Selectors of IN_VIEW that are not fully inside the window (empty when all are). */
function outOfView(page, sels) {
  return page.evaluate((sels) => sels.filter((sel) => {
    const el = document.querySelector(sel);
    if (!el) return true;
    const r = el.getBoundingClientRect();
    return r.height === 0 || r.top < 0 || r.top + Math.min(r.height, 40) > window.innerHeight || r.right > window.innerWidth + 1;
  }), sels);
}

const settle = (page) => page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));

test('every role at 1440×900 and 1024×768, in both languages', { timeout: 170_000 }, async () => {
  const people = {};
  const all = [];
  try {
    const fac = await person('en-US');
    all.push(fac);
    const link = await createDrill(fac.page, 'Aiko');
    await inDrill(fac.page);
    people.facilitator = fac;
    for (const role of Object.keys(IN_VIEW).filter((r) => r !== 'facilitator')) {
      const p = await person('en-US');
      all.push(p);
      await joinDrill(p.page, link, NAMES[role], role);
      people[role] = p;
    }
    // Running for a moment, so that health posts, calls and the board fill in; then still.
    await startDrill(fac.page, 60);
    await people.engineer.page.locator('#posts .post-kind-health').first().waitFor({ timeout: 30_000 });
    await fac.page.click('#pause-button');
    await fac.page.locator('#drill-status.status-paused').waitFor();
    IN_VIEW.facilitator[0] = '#resume-button';

    for (const lang of LANGS) {
      for (const [role, p] of Object.entries(people)) {
        await p.page.selectOption('#lang-select', lang);
        for (const [width, height] of SIZES) {
          const where = `${role} ${lang} ${width}×${height}`;
          await p.page.setViewportSize({ width, height });
          await settle(p.page);
          const page = await p.page.evaluate(() => ({
            scroll: document.scrollingElement.scrollHeight, h: window.innerHeight,
            sideways: document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth,
          }));
          assert.ok(page.scroll <= page.h, `${where}: the page does not scroll (${page.scroll} > ${page.h})`);
          assert.ok(page.sideways <= 0, `${where}: nor sideways`);
          assert.ok(await p.page.locator('.you-name').isVisible(), `${where}: the header keeps the name`);
          const you = await p.page.locator('.you-name').textContent();
          assert.match(you, new RegExp(`^${NAMES[role]} · `), where);
          if (ROLE_TEXT[lang][role]) assert.ok(you.endsWith(ROLE_TEXT[lang][role]), `${where}: ${you}`);
          assert.ok(await p.page.locator('.you-name').evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `${where}: "${you}" is shown whole`);
          assert.deepEqual(await outOfView(p.page, IN_VIEW[role]), [], `${where}: in view`);
          await shot(p.page, `screens/${role}-${lang}-${width}x${height}`);
        }
      }
    }

    // The facilitator's console: the rest is one tab away, by keyboard too.
    const page = fac.page;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.selectOption('#lang-select', 'en');
    assert.equal(await page.locator('#roster').isVisible(), false, 'the roster is in the second tab');
    const consoleHeight = await page.evaluate(() => document.querySelector('.work').scrollHeight);
    assert.ok(consoleHeight < 2600, `the console is not one long column (${consoleHeight} px)`);
    await page.focus('#side-tab-console');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'side-tab-people');
    await page.locator('#roster').waitFor();
    assert.equal(await page.locator('#inject-list').isVisible(), false);
    await shot(page, 'screens/facilitator-people-en-1440x900');
    await page.keyboard.press('Home');
    await page.locator('#inject-list').waitFor();
    // The tab is kept across a reload.
    await page.click('#side-tab-people');
    await page.reload();
    await inDrill(page);
    await page.locator('#roster').waitFor();

    for (const x of all) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of all) await x.context.close();
  }
});

test('by keyboard alone: the channels, the main tool, then the conversation', { timeout: 60_000 }, async () => {
  const fac = await person('en-US');
  const eng = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await inDrill(fac.page);
    await joinDrill(eng.page, link, 'Ken', 'engineer');
    const page = eng.page;
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.focus('#lang-select');
    const seen = [];
    for (let i = 0; i < 120 && seen.at(-1) !== 'composer-text'; i += 1) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement;
        const r = el.getBoundingClientRect();
        return { id: el.id || el.dataset.channel || el.tagName, shown: r.width > 0 && r.height > 0 };
      });
      assert.ok(f.shown, `${f.id} is visible when focused`);
      seen.push(f.id);
    }
    const at = (id) => seen.indexOf(id);
    assert.ok(at('composer-text') > 0, `the message box is reached (${seen.join(' ')})`);
    // (Before the start the declare and runbook buttons are disabled, so not in the way.)
    assert.ok(at('ops') >= 0 && at('ops') < at('tools-tab-dash'), `the channels, then the tools (${seen.join(' ')})`);
    assert.ok(at('tools-tab-dash') < at('hypothesis-text') && at('hypothesis-text') < at('posts'), 'the main tool before the conversation');
    assert.deepEqual([...fac.problems, ...eng.problems], []);
  } finally {
    await fac.context.close();
    await eng.context.close();
  }
});
