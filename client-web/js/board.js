// The facilitator's view of the world behind the incident, beside the
// console: a board of regions and corporate clients (how many stores are
// fine, hurting, angry, calling support or on paper, how many know what is
// going on; orders against a normal day, payment success, revenue lost),
// one store up close, and a live scoreboard (objectives, score, lost
// revenue against the bot baselines) from the review so far.
//
// The board is a `board` query, asked every couple of seconds while the
// panel is on screen and the tab is shown, one at a time. The scoreboard
// reads GET /api/history/{id}/review, which replays the drill on the
// server: at most every 15 s, one request at a time, backing off after a
// failure, and not again while the world stands still.
//
// Rows are built once and updated in place, with fixed heights and
// tabular numbers, so nothing moves when the figures change. Bars are SVG
// rects sized by attributes (the page's CSP allows no inline styles);
// each has its words for screen readers.

import { h, fill, tr, trAttr } from './dom.js';
import { t, getLang, serverError } from './i18n.js';
import { timeOfDay, tPlus, num, yen, ppmPct } from './format.js';
import { panel } from './panels.js';
import { nowTick, timeAt } from './state.js';
import { drillReview } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';
/** How often the board is asked while it is on screen. */
export const BOARD_REFRESH_MS = 2_000;
/** How often the scoreboard is refreshed while it is on screen. */
export const SCORE_REFRESH_MS = 15_000;
/** The longest wait between two tries after failures. */
export const SCORE_RETRY_MAX_MS = 300_000;
/** How often the scoreboard checks whether a refresh is due. */
const SCORE_CHECK_MS = 1_000;
/** The parts of a store mix, worst first (as the server counts them). */
export const MIX_PARTS = ['calling', 'angry', 'on_paper', 'affected', 'ok'];
/** Width of a bar in its own units (the SVG stretches it). */
const BAR_W = 1000;
/** Payment success below this (ppm) is shown as bad (as on the dashboards). */
const PAYMENT_BAD_PPM = 950_000;
/** Orders below this share of a normal day are shown as bad. */
const ORDERS_BAD_SHARE = 0.85;
/** Objective outcomes, in the order the scoreboard counts them. */
export const OUTCOMES = ['met', 'met_late', 'missed', 'pending'];

// --- pure helpers (tested in Node) ---------------------------------------------

/**
 * Where each part of a mix goes on a bar `width` wide: [{key, n, x, w}],
 * in MIX_PARTS order, the widths adding up to the width (rounding goes to
 * the last part that has stores). An empty mix is all `ok`, zero wide.
 */
export function mixSegments(mix, width = BAR_W) {
  const counts = MIX_PARTS.map((key) => ({ key, n: Math.max(0, Number((mix || {})[key]) || 0) }));
  const total = counts.reduce((a, c) => a + c.n, 0);
  let x = 0;
  const lastWithStores = counts.map((c) => c.n > 0).lastIndexOf(true);
  return counts.map((c, i) => {
    const w = !total ? 0 : i === lastWithStores ? width - x : Math.round((width * c.n) / total);
    const seg = { key: c.key, n: c.n, x, w: Math.max(0, w) };
    x += seg.w;
    return seg;
  });
}

/** The wait before the next try after `failures` failures in a row. */
export function retryDelayMs(failures) {
  if (failures <= 0) return SCORE_REFRESH_MS;
  return Math.min(SCORE_RETRY_MAX_MS, SCORE_REFRESH_MS * 2 ** failures);
}

/** How many objectives are met, met late, missed and pending. */
export function objectiveCounts(objectives) {
  const out = Object.fromEntries(OUTCOMES.map((o) => [o, 0]));
  for (const o of objectives || []) if (o.outcome in out) out[o.outcome] += 1;
  return out;
}

/** A wall-clock time with seconds, in the interface's language. */
function wallTime(ms) {
  return new Date(ms).toLocaleTimeString(getLang() === 'ja' ? 'ja-JP' : 'en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.appendChild(c);
  return el;
}

/**
 * Calls `tick` every `everyMs` and when the tab comes back, while `el` is
 * on the page; stops by itself once it is gone. `seen()` says whether the
 * element is on screen (it is asked nothing while scrolled away).
 */
function whileShown(el, everyMs, tick) {
  let onScreen = true;
  let observer = null;
  if (typeof IntersectionObserver === 'function') {
    observer = new IntersectionObserver((entries) => {
      const was = onScreen;
      onScreen = entries.some((e) => e.isIntersecting);
      if (onScreen && !was) tick();
    });
    observer.observe(el);
  }
  const onVisible = () => {
    if (!document.hidden) tick();
  };
  const timer = setInterval(() => {
    if (!el.isConnected) {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      if (observer) observer.disconnect();
      return;
    }
    tick();
  }, everyMs);
  document.addEventListener('visibilitychange', onVisible);
  return { shown: () => el.isConnected && !document.hidden && onScreen };
}

// --- the board -------------------------------------------------------------------

/** A bar: the store mix on top, informed (and misled) stores under it. */
function mixBar() {
  const rects = Object.fromEntries(MIX_PARTS.map((k) => [k, s('rect', { class: `mix-${k}`, y: 0, height: 10, x: 0, width: 0 })]));
  const informed = s('rect', { class: 'mix-informed', y: 12, height: 4, x: 0, width: 0 });
  const misled = s('rect', { class: 'mix-misled', y: 12, height: 4, x: 0, width: 0 });
  const svg = s('svg', { class: 'mix-bar', viewBox: `0 0 ${BAR_W} 16`, preserveAspectRatio: 'none', role: 'img', focusable: 'false' },
    s('rect', { class: 'mix-track', x: 0, y: 0, width: BAR_W, height: 10 }),
    MIX_PARTS.map((k) => rects[k]),
    s('rect', { class: 'mix-track-thin', x: 0, y: 12, width: BAR_W, height: 4 }),
    informed, misled);
  return {
    svg,
    set(mix, { stores, informedN, misledN, label }) {
      for (const seg of mixSegments(mix)) {
        rects[seg.key].setAttribute('x', seg.x);
        rects[seg.key].setAttribute('width', seg.w);
      }
      const part = (n) => (stores ? Math.round((BAR_W * Math.min(n, stores)) / stores) : 0);
      informed.setAttribute('width', part(informedN));
      misled.setAttribute('x', part(informedN));
      misled.setAttribute('width', Math.min(BAR_W - part(informedN), part(misledN)));
      svg.setAttribute('aria-label', label);
    },
  };
}

/** A figure with its column's name for screen readers (the header is for the eye). */
function figure(cls) {
  const label = h('span', { class: 'sr-only' });
  const value = h('span', { class: 'board-value' });
  return {
    el: h('span', { class: ['board-fig', cls] }, label, ' ', value),
    set(labelKey, text, bad) {
      tr(label, `${labelKey}_sr`);
      value.textContent = text;
      value.classList.toggle('bad', !!bad);
    },
  };
}

/** One row of the board, built once and updated in place. */
function boardRow(kind, id) {
  const nameId = `board-${kind}-${id}`;
  const r = {};
  r.name = h('strong', { class: 'board-name', id: nameId });
  r.stores = h('span', { class: 'board-stores' });
  r.badge = h('span', { class: 'pill board-badge' });
  r.bar = mixBar();
  r.figs = [figure('board-fig-a'), figure('board-fig-b'), figure('board-fig-c'), figure('board-fig-d')];
  r.li = h('li', { class: 'board-row', dataset: { [kind]: id }, attrs: { 'aria-labelledby': nameId } },
    h('div', { class: 'board-head' }, r.name, r.badge, r.stores),
    r.bar.svg,
    h('div', { class: 'board-figs' }, r.figs.map((f) => f.el)));
  return r;
}

function mixLabel(name, stores, mix, informedN, misledN) {
  return t('board.mix_label', {
    name, stores: num(stores), calling: num(mix.calling), angry: num(mix.angry), paper: num(mix.on_paper),
    affected: num(mix.affected), ok: num(mix.ok), informed: num(informedN), misled: num(misledN),
  });
}

function drawRegion(r, state, region) {
  const name = ((state.drill.regions || []).find((x) => x.id === region.region) || { name: region.region }).name;
  r.name.textContent = name;
  r.name.title = name;
  tr(r.stores, ['board.stores', { n: num(region.stores) }]);
  tr(r.badge, 'board.alert');
  r.badge.classList.add('pill-bad');
  r.badge.classList.toggle('is-off', !region.alerting);
  r.li.classList.toggle('alerting', !!region.alerting);
  r.bar.set(region.mix, {
    stores: region.stores, informedN: region.stores_informed, misledN: region.stores_misled,
    label: mixLabel(name, region.stores, region.mix || {}, region.stores_informed, region.stores_misled),
  });
  const expected = region.orders_per_min_expected;
  const ordersBad = expected > 0 && region.orders_per_min < expected * ORDERS_BAD_SHARE;
  r.figs[0].set('board.col_orders', `${num(region.orders_per_min)} / ${num(expected)}`, ordersBad);
  r.figs[1].set('board.col_payments', ppmPct(region.payment_success_ppm), region.payment_success_ppm < PAYMENT_BAD_PPM);
  r.figs[2].set('board.col_lost', yen(region.lost_yen), region.lost_yen > 0);
  r.figs[3].set('board.col_calling', num(region.stores_calling), region.stores_calling > 0);
}

function drawClient(r, client) {
  r.name.textContent = client.name;
  r.name.title = client.name;
  tr(r.stores, ['board.stores', { n: num(client.stores) }]);
  tr(r.badge, 'board.escalate');
  r.badge.classList.add('pill-warn-soft');
  r.badge.classList.toggle('is-off', !client.wants_to_escalate);
  r.bar.set(client.mix, {
    stores: client.stores, informedN: client.stores_informed, misledN: 0,
    label: mixLabel(client.name, client.stores, client.mix || {}, client.stores_informed, 0),
  });
  r.figs[0].set('board.col_affected', num(client.stores_affected), client.stores_affected > 0);
  r.figs[1].set('board.col_informed', num(client.stores_informed), false);
  r.figs[2].set('board.col_lost', yen(client.lost_yen), client.lost_yen > 0);
  r.figs[3].set('board.col_calling', num(client.stores_calling), client.stores_calling > 0);
}

/** The column names, for the eye (each figure carries its own for screen readers). */
function columns(keys) {
  return h('div', { class: 'board-figs board-cols', attrs: { 'aria-hidden': 'true' } },
    keys.map((k, i) => h('span', { class: ['board-fig', `board-fig-${'abcd'[i]}`], i18n: k })));
}

function legend() {
  const items = [...MIX_PARTS.map((k) => [`mix-${k}`, `board.mix_${k}`]), ['mix-informed', 'board.informed'], ['mix-misled', 'board.misled']];
  return h('ul', { class: 'board-legend', attrs: { 'aria-hidden': 'true' } },
    items.map(([cls, key]) => h('li', null, h('span', { class: ['swatch', cls] }), h('span', { i18n: key }))));
}

/** Keeps one row per id in `list`, in the order of `items`; returns the rows. */
function syncRows(list, rows, items, idOf, make) {
  const seen = new Set();
  items.forEach((item, i) => {
    const id = idOf(item);
    seen.add(id);
    const r = rows.get(id) || make(id);
    rows.set(id, r);
    if (list.children[i] !== r.li) list.insertBefore(r.li, list.children[i] || null);
  });
  for (const [id, r] of rows) {
    if (!seen.has(id)) {
      r.li.remove();
      rows.delete(id);
    }
  }
}

/** The detail of one store, as a definition list. */
function storeView(state, st) {
  const regionName = ((state.drill.regions || []).find((x) => x.id === st.region) || { name: st.region }).name;
  const clientName = st.client ? ((state.clients || []).find((c) => c.id === st.client) || { name: st.client }).name : t('board.independent');
  const at = (tick) => timeOfDay(timeAt(state, tick));
  const uses = [st.uses_mobile_order && t('board.uses_mobile_order'), st.uses_pos && t('board.uses_pos'), st.uses_payments && t('board.uses_payments')].filter(Boolean);
  const states = [
    st.wants_to_call_since !== null && st.wants_to_call_since !== undefined ? t('board.state_calling', { time: at(st.wants_to_call_since) }) : null,
    st.on_paper ? t('board.state_on_paper') : null,
    st.informed ? t('board.state_informed') : null,
    st.misled ? t('board.state_misled') : null,
  ].filter(Boolean);
  const row = (key, text) => [h('dt', { i18n: key }), h('dd', { text })];
  return [
    h('p', { class: 'store-detail-title' }, h('strong', { text: t('board.store_title', { index: st.index }) }),
      h('span', { text: ` · ${regionName} · ${st.kind} · ${clientName}` })),
    h('dl', { class: 'store-detail-facts' },
      row('board.store_uses', uses.join(', ') || '—'),
      row('board.store_revenue', yen(st.revenue_yen)),
      row('board.store_lost', t('board.store_lost_value', { yen: yen(st.lost_yen), n: num(st.lost_orders) })),
      row('board.store_failures', st.last_failure_tick === null || st.last_failure_tick === undefined
        ? num(st.failures) : t('board.store_failures_value', { n: num(st.failures), time: at(st.last_failure_tick) })),
      row('board.store_anger', t('board.store_anger_value', { anger: ppmPct(st.anger_ppm), temper: ppmPct(st.temper_ppm) })),
      row('board.store_state', states.join(', ') || t('board.state_calm')),
      row('board.store_calls', t('board.store_calls_value', { wanted: num(st.calls_wanted), answered: num(st.calls_answered) })),
      row('board.store_posts', num(st.posts))),
  ];
}

/** Facilitators: the board of regions, corporate clients and one store. */
export function boardPanel(ctx) {
  const asOf = h('p', { class: 'hint board-asof', id: 'board-asof' });
  const regionList = h('ul', { class: 'board-rows', id: 'board-regions' });
  const clientList = h('ul', { class: 'board-rows', id: 'board-clients' });
  const clientsTitle = h('h3', { class: 'sub', id: 'board-clients-title', i18n: 'board.clients', hidden: true });
  const clientCols = columns(['board.col_affected', 'board.col_informed', 'board.col_lost', 'board.col_calling']);
  clientCols.hidden = true;
  const storeInput = h('input', { type: 'number', id: 'store-index', min: 0, step: 1, class: 'num-input', inputMode: 'numeric' });
  const storeButton = h('button', { type: 'submit', class: 'btn btn-small', id: 'store-lookup', i18n: 'board.store_lookup' });
  const storeHint = h('p', { class: 'hint', id: 'store-index-hint' });
  storeInput.setAttribute('aria-describedby', storeHint.id);
  // The server says what is wrong with a number (and how many stores there are).
  const storeForm = h('form', { class: 'store-form', id: 'store-form', noValidate: true },
    h('label', { htmlFor: storeInput.id, i18n: 'board.store_label' }), storeInput, storeButton);
  // The detail is refreshed with the board, so it is no live region; a
  // lookup is announced once, in words, by the status line.
  const storeBody = h('div', { class: 'store-detail', id: 'store-detail' });
  const storeSaid = h('p', { class: 'sr-only', id: 'store-said', attrs: { role: 'status' } });
  const el = panel('panel.board',
    h('p', { class: 'hint', i18n: 'board.hint' }),
    asOf, legend(),
    columns(['board.col_orders', 'board.col_payments', 'board.col_lost', 'board.col_calling']),
    regionList,
    clientsTitle, clientCols, clientList,
    h('h3', { class: 'sub', i18n: 'board.store_title_sub' }), storeForm, storeHint, storeSaid, storeBody);
  el.id = 'board-panel';
  el.classList.add('panel-board');
  trAttr(regionList, 'aria-label', 'dash.regions');
  clientList.setAttribute('aria-labelledby', clientsTitle.id);

  const regionRows = new Map();
  const clientRows = new Map();
  let last = null; // {answer, at}
  let busy = false;
  let failed = null; // the last error's message, until an answer comes
  let refused = false; // the server says this seat may not look: stop asking
  let store = null; // {index, answer, error, announce}: the store looked up
  let storeBusy = false;
  let storeDrawn = null; // what storeBody shows, to redraw only on a change

  function draw() {
    const state = ctx.get();
    if (!last) {
      tr(asOf, failed ? ['board.failed', { error: failed }] : busy ? 'common.loading' : 'board.not_yet');
      return;
    }
    const a = last.answer;
    tr(asOf, failed ? ['board.failed', { error: failed }] : ['board.as_of', { time: timeOfDay(timeAt(state, a.tick)), t: tPlus(a.tick) }]);
    asOf.classList.toggle('bad', !!failed);
    const regions = a.regions || [];
    syncRows(regionList, regionRows, regions, (x) => x.region, (id) => boardRow('region', id));
    for (const x of regions) drawRegion(regionRows.get(x.region), state, x);
    const clients = a.clients || [];
    syncRows(clientList, clientRows, clients, (x) => x.client, (id) => boardRow('client', id));
    for (const x of clients) drawClient(clientRows.get(x.client), x);
    clientsTitle.hidden = !clients.length;
    clientCols.hidden = !clients.length;
    const stores = regions.reduce((n, x) => n + x.stores, 0);
    if (stores) {
      storeInput.max = String(stores - 1);
      tr(storeHint, ['board.store_hint', { max: stores - 1 }]);
    }
    drawStore();
  }

  function drawStore() {
    // Not disabled while a refresh is out: a focused button would lose its focus.
    storeButton.disabled = !ctx.online();
    if (!store || (!store.error && !store.answer)) return;
    const key = JSON.stringify([getLang(), store.error, store.answer && store.answer.store]);
    if (key === storeDrawn) return;
    storeDrawn = key;
    if (store.error) fill(storeBody, h('p', { class: 'hint bad', text: store.error }));
    else fill(storeBody, storeView(ctx.get(), store.answer.store));
    if (store.announce) {
      store.announce = false;
      storeSaid.textContent = store.error || t('board.store_shown', { index: store.index });
    }
  }

  function ask() {
    if (busy || refused || !ctx.online()) return;
    busy = true;
    const sent = ctx.send({ type: 'query', query: { kind: 'board' } }, {
      quiet: () => true,
      onAnswer: (answer) => {
        if (!answer || answer.kind !== 'board') return;
        last = { answer, at: Date.now() };
        failed = null;
      },
      onError: (e) => {
        failed = serverError(e.code, e.message);
        if (e.code === 'forbidden') refused = true;
      },
      onSettled: () => {
        busy = false;
        draw();
      },
    });
    if (!sent) busy = false;
    if (store && store.answer && !storeBusy) askStore(store.index);
  }

  function askStore(index) {
    if (storeBusy || !ctx.online()) return;
    storeBusy = true;
    const sent = ctx.send({ type: 'query', query: { kind: 'store', index } }, {
      quiet: () => true,
      onAnswer: (answer) => {
        if (!answer || answer.kind !== 'store' || !store || store.index !== index) return;
        Object.assign(store, { answer, error: null });
      },
      onError: (e) => {
        if (store && store.index === index) Object.assign(store, { answer: null, error: serverError(e.code, e.message) });
      },
      onSettled: () => {
        storeBusy = false;
        drawStore();
        // Another store was asked for meanwhile.
        if (store && store.index !== index) askStore(store.index);
      },
    });
    if (!sent) storeBusy = false;
    drawStore();
  }

  storeForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const index = Number(storeInput.value);
    if (storeInput.value === '' || !Number.isInteger(index) || index < 0) {
      storeInput.focus();
      return;
    }
    store = { index, answer: null, error: null, announce: true };
    storeDrawn = null;
    fill(storeBody, h('p', { class: 'loading', i18n: 'common.loading' }));
    askStore(index);
  });

  const view = whileShown(el, BOARD_REFRESH_MS, poll);

  /** Asks when it is on screen and the world may have moved. */
  function poll() {
    if (!view.shown()) return;
    const state = ctx.get();
    // A still world (lobby, paused, ended) is asked once per tick.
    if (last && !failed && state.status !== 'running' && last.answer.tick === nowTick(state)) return;
    ask();
  }

  let drawnLang = null;
  function update() {
    if (drawnLang !== getLang()) {
      drawnLang = getLang();
      draw();
    }
    drawStore();
    poll();
  }
  return { el, update };
}

// --- the scoreboard ----------------------------------------------------------------

/** Facilitators: objectives, score and lost revenue so far, from the review. */
export function scorePanel(ctx) {
  const status = h('p', { class: 'hint score-status', id: 'score-status' });
  const team = h('strong', { class: 'score-team', id: 'score-team', text: '—' });
  const counts = h('p', { class: 'score-counts', id: 'score-counts' });
  const list = h('ol', { class: 'score-objectives', id: 'score-objectives' });
  trAttr(list, 'aria-label', 'review.objectives');
  // The bar stretches to the panel's width, so it has no round shapes: the
  // team's place is a tick across it.
  const place = s('rect', { class: 'score-place', x: 0, y: 4, width: 0, height: 8 });
  const dot = s('rect', { class: 'score-dot', x: 0, y: 0, width: 3, height: 16 });
  const bar = s('svg', { class: 'score-bar', id: 'score-bar', viewBox: '0 0 300 16', preserveAspectRatio: 'none', role: 'img', focusable: 'false' },
    s('rect', { class: 'score-track', x: 0, y: 4, width: 300, height: 8 }), place, dot);
  // The bar's ends, for the eye (the bar says it all to screen readers).
  const ends = h('p', { class: 'score-ends', attrs: { 'aria-hidden': 'true' } },
    h('span', { i18n: 'review.no_response' }), h('span', { i18n: 'review.perfect' }));
  const lost = {
    team: h('dd', { class: 'num', id: 'score-lost-team', text: '—' }),
    no_response: h('dd', { class: 'num', id: 'score-lost-none', text: '—' }),
    perfect: h('dd', { class: 'num', id: 'score-lost-perfect', text: '—' }),
  };
  const lostList = h('dl', { class: 'score-lost' },
    h('dt', { i18n: 'review.team' }), lost.team,
    h('dt', { i18n: 'review.no_response' }), lost.no_response,
    h('dt', { i18n: 'review.perfect' }), lost.perfect);
  // The whole review so far, in a new tab; the server checks the facilitator's token.
  const link = h('a', { id: 'live-review-link', class: 'summary-link', i18n: 'score.full_review', attrs: { target: '_blank', rel: 'noopener' } });
  const body = h('div', { class: 'score-body', id: 'score-body', hidden: true },
    h('p', { class: 'score-line' }, team), counts, list,
    h('h3', { class: 'sub', i18n: 'review.lost' }), bar, ends, lostList);
  const el = panel('panel.score', status, body, h('p', { class: 'score-link' }, link));
  el.id = 'score-panel';
  el.classList.add('panel-score');

  let review = null;
  let doneAt = 0; // when the last answer came (real time)
  let inFlight = false;
  let failures = 0;
  let error = null;
  let nextAt = 0;
  let asked = null; // {tick, status} of the last request
  const rows = new Map();

  function drawStatus() {
    const state = ctx.get();
    status.classList.toggle('bad', !!error);
    if (error) {
      tr(status, ['score.failed', { error, time: wallTime(nextAt) }]);
    } else if (review) {
      tr(status, ['score.updated', { time: wallTime(doneAt), t: tPlus(review.ticks) }]);
    } else if (state.status === 'lobby') {
      tr(status, 'score.lobby');
    } else {
      tr(status, 'common.loading');
    }
  }

  function draw() {
    drawStatus();
    if (!review) return;
    body.hidden = false;
    const sc = review.scores || {};
    team.textContent = `${num(sc.team_points)} / ${num(sc.team_max)} (${sc.team_pct ?? 0} %)`;
    const c = objectiveCounts(review.objectives);
    tr(counts, ['score.counts', { met: c.met, late: c.met_late, missed: c.missed, pending: c.pending }]);
    const objectives = (review.objectives || []).filter((o) => o.outcome !== 'not_applicable');
    syncRows(list, rows, objectives, (o) => o.key, (key) => {
      const r = { pill: h('span', { class: 'pill' }), label: h('span', { class: 'score-label' }) };
      r.li = h('li', { class: 'score-objective', dataset: { key } }, r.pill, r.label);
      return r;
    });
    const lang = getLang() === 'ja' ? 'ja' : 'en';
    for (const o of objectives) {
      const r = rows.get(o.key);
      r.li.dataset.outcome = o.outcome;
      r.pill.className = `pill outcome-${o.outcome}`;
      tr(r.pill, `review.outcome_${o.outcome}`);
      const label = (o.label && o.label[lang]) || o.key;
      r.label.textContent = label;
      r.li.title = (o.rule && o.rule[lang]) || label;
    }
    const out = review.outcome || {};
    const yenOf = (run) => (run && run.lost_revenue_yen !== undefined ? yen(run.lost_revenue_yen) : '—');
    lost.team.textContent = yenOf(out.team);
    lost.no_response.textContent = yenOf(out.no_response);
    lost.perfect.textContent = yenOf(out.perfect);
    const pct = out.place_pct === null || out.place_pct === undefined ? null : Math.max(0, Math.min(100, out.place_pct));
    place.setAttribute('width', pct === null ? 0 : (300 * pct) / 100);
    dot.setAttribute('x', pct === null ? 0 : Math.min(297, (300 * pct) / 100));
    dot.classList.toggle('is-off', pct === null);
    bar.setAttribute('aria-label', t('review.bar_desc', { pct: pct === null ? '—' : pct }));
  }

  async function refresh() {
    const state = ctx.get();
    inFlight = true;
    asked = { tick: nowTick(state), status: state.status };
    try {
      const r = await drillReview(ctx.drillId, ctx.token());
      if (!el.isConnected) return;
      review = r;
      doneAt = Date.now();
      failures = 0;
      error = null;
      nextAt = doneAt + SCORE_REFRESH_MS;
    } catch (e) {
      if (!el.isConnected) return;
      failures += 1;
      error = e.message || String(e);
      nextAt = Date.now() + retryDelayMs(failures);
    } finally {
      inFlight = false;
    }
    draw();
  }

  const view = whileShown(el, SCORE_CHECK_MS, poll);

  /** Refreshes when due: on screen, nothing in flight, time is up, and the world moved. */
  function poll() {
    const state = ctx.get();
    if (!view.shown() || inFlight || !ctx.drillId || state.status === 'lobby') return;
    if (Date.now() < nextAt) return;
    const still = state.status !== 'running';
    if (review && !error && still && asked && asked.tick === nowTick(state) && asked.status === state.status) return;
    refresh();
  }

  let drawnLang = null;
  function update(state) {
    if (state.drill && state.drill.id) link.href = `#review=${encodeURIComponent(state.drill.id)}`;
    if (drawnLang !== getLang()) {
      drawnLang = getLang();
      draw();
    } else {
      drawStatus();
    }
    poll();
  }
  return { el, update };
}

