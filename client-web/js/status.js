// The public status page (#status=ID): the company's status page for a
// drill, as its customers (the stores, the corporate clients) see it. It
// shows only what was published: the state the latest notice announced,
// "resolved" once the all-clear is out, and every notice, newest first,
// with its drill time and the real time it went out. No channels, no
// names, no answer key: the server's GET /api/drills/{id}/status holds
// nothing else.
//
// It polls every few seconds while the tab is visible (and at once when it
// becomes visible again), says when it last heard from the server, and
// stops once the drill has ended. Every text goes through textContent;
// notices are shown as written, in the scenario's language.
//
// It claims nothing before the server has answered: until the first page
// arrives the banner says it is checking (and, if that fails, that the
// state is unknown), never "all systems operational". An answer older
// than the page shown (fewer notices, or not ended after ended: a page
// only grows) is ignored, so the page never steps back.

import { h, fill, tr } from './dom.js';
import { t } from './i18n.js';
import { drillStatus } from './api.js';
import { hhmm, dateTime, wallTime } from './format.js';

/** The page's address within the client: "#status=ID". */
export function statusHref(id) {
  return `#status=${encodeURIComponent(id)}`;
}

/** Real milliseconds between two polls while the page is visible. */
export const POLL_MS = 5000;

const STATES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'];

/**
 * Whether `next` may replace the page shown: a page only grows (notices
 * are never taken back, and an ended drill stays ended), so an answer
 * with fewer notices, or not ended after ended, is an older one.
 */
export function isNewerPage(shown, next) {
  if (!next) return false;
  if (!shown) return true;
  if ((next.notices_total || 0) < (shown.notices_total || 0)) return false;
  return !(shown.ended && !next.ended);
}

/** The headline's key for a page: its state, or resolved (or, before any page, checking). */
export function headlineKey(page) {
  if (!page) return 'statuspage.headline_loading';
  if (page.resolved) return 'statuspage.headline_resolved';
  return `statuspage.headline_${STATES.includes(page.status) ? page.status : 'operational'}`;
}

/** When a notice went out: drill time, and real time where known. */
function postedText(n) {
  const drill = hhmm(n.time_of_day_s);
  if (n.published_ms === null || n.published_ms === undefined) return t('statuspage.posted_drill', { drill });
  return t('statuspage.posted', { drill, wall: dateTime(n.published_ms) });
}

function updateItem(page, n, i) {
  const state = STATES.includes(n.status) ? n.status : 'operational';
  // The newest notice of a resolved page is the all-clear.
  const resolved = page.resolved && i === 0;
  return h('li', { class: ['sp-update', `sp-${state}`], dataset: { status: state } },
    h('div', { class: 'sp-update-head' },
      h('span', { class: ['pill', resolved ? 'cs-operational' : `cs-${state}`],
        text: resolved ? t('statuspage.resolved') : t(`cstatus.${state}`) }),
      h('span', { class: 'sp-update-time', text: postedText(n) })),
    h('p', { class: 'sp-update-text', text: n.text, attrs: { lang: page.language || null } }));
}

/** The status page screen for one drill. */
export function statusScreen({ main, id }) {
  // Nothing is claimed before the first answer.
  const banner = h('section', { class: 'sp-banner sp-unknown', id: 'status-banner', dataset: { status: 'loading' },
    attrs: { 'aria-labelledby': 'status-headline' } },
    h('span', { class: 'sp-dot', attrs: { 'aria-hidden': 'true' } }),
    h('div', null,
      h('h2', { class: 'sp-headline', id: 'status-headline', i18n: 'statuspage.headline_loading' }),
      h('p', { class: 'sp-sub', id: 'status-sub', i18n: 'statuspage.sub_loading' })));
  const updates = h('div', { class: 'sp-updates', id: 'status-updates' });
  const updated = h('p', { class: 'sp-updated', id: 'status-updated', attrs: { role: 'status' } });
  const problem = h('p', { class: 'sp-problem', id: 'status-problem', hidden: true, attrs: { role: 'alert' } });
  const ended = h('p', { class: 'sp-ended', id: 'status-ended', hidden: true, i18n: 'statuspage.ended' });
  fill(main, h('div', { class: 'sp-page', id: 'status-page' },
    h('header', { class: 'sp-head' },
      h('p', { class: 'sp-kicker', i18n: 'statuspage.kicker' }),
      h('h1', { id: 'status-title', i18n: 'statuspage.title' }),
      h('p', { class: 'sp-lead', i18n: 'statuspage.lead' })),
    banner,
    ended,
    h('section', { class: 'sp-section', attrs: { 'aria-labelledby': 'status-updates-title' } },
      h('h2', { id: 'status-updates-title', i18n: 'statuspage.updates' }),
      updates),
    h('footer', { class: 'sp-foot' }, problem, updated, h('p', { class: 'sp-note', i18n: 'statuspage.drill_note' }))));
  main.classList.remove('main-drill');
  document.title = t('statuspage.doc_title');

  let page = null;
  let missing = false;
  let lastOk = null;
  let timer = null;
  let gone = false;
  let stopped = false;
  let busy = false;
  let failed = false;

  function render() {
    document.title = t('statuspage.doc_title');
    if (lastOk !== null) tr(updated, ['statuspage.updated', { time: wallTime(lastOk) }]);
    else tr(updated, missing ? 'statuspage.not_found' : 'common.loading');
    banner.hidden = missing;
    if (!page) {
      // Not heard from the server yet: checking, or unknown after a failure.
      banner.className = 'sp-banner sp-unknown';
      banner.dataset.status = failed ? 'unknown' : 'loading';
      tr(banner.querySelector('#status-headline'), failed ? 'statuspage.headline_unknown' : 'statuspage.headline_loading');
      tr(banner.querySelector('#status-sub'), failed ? 'statuspage.sub_unknown' : 'statuspage.sub_loading');
      return;
    }
    const state = page.resolved ? 'operational' : (STATES.includes(page.status) ? page.status : 'operational');
    banner.className = `sp-banner sp-${state}`;
    banner.dataset.status = page.resolved ? 'resolved' : state;
    tr(banner.querySelector('#status-headline'), headlineKey(page));
    const sub = page.resolved ? 'statuspage.sub_resolved' : state === 'operational' ? 'statuspage.sub_operational'
      : page.reopened ? 'statuspage.sub_reopened' : 'statuspage.sub_incident';
    tr(banner.querySelector('#status-sub'), sub);
    ended.hidden = !page.ended;
    const list = page.notices || [];
    if (!list.length) {
      fill(updates, h('p', { class: 'muted', id: 'status-none', i18n: 'statuspage.none' }));
      return;
    }
    const more = (page.notices_total || 0) > list.length
      ? h('p', { class: 'hint', text: t('statuspage.older_left_out', { n: page.notices_total - list.length }) }) : null;
    fill(updates, h('ol', { class: 'sp-update-list', id: 'status-update-list' }, list.map((n, i) => updateItem(page, n, i))), more);
  }

  function schedule() {
    clearTimeout(timer);
    timer = null;
    if (gone || stopped || document.hidden) return;
    timer = setTimeout(poll, POLL_MS);
  }

  async function poll() {
    if (gone || busy) return;
    busy = true;
    try {
      const next = await drillStatus(id);
      // An older answer than what is shown changes nothing.
      if (isNewerPage(page, next)) page = next;
      lastOk = Date.now();
      failed = false;
      problem.hidden = true;
      // An ended drill's page does not change any more.
      if (page.ended) stopped = true;
    } catch (e) {
      if (gone) return;
      if (e.status === 404) {
        // No such drill (or it was deleted): nothing will come.
        stopped = true;
        missing = true;
        page = null;
        lastOk = null;
        fill(updates);
        problem.hidden = true;
      } else {
        // Keep what was shown, and say it may be out of date.
        failed = true;
        tr(problem, ['statuspage.stale', { message: e.message }]);
        problem.hidden = false;
      }
    } finally {
      busy = false;
    }
    if (gone) return;
    render();
    schedule();
  }

  // Paused while hidden; fresh at once when seen again.
  const onVisible = () => {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else if (!stopped) {
      poll();
    }
  };
  document.addEventListener('visibilitychange', onVisible);

  render();
  poll();
  return {
    renderAll: render,
    destroy() {
      gone = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
      document.title = 'Firedrill';
    },
  };
}
