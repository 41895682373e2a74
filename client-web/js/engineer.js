// The engineers' tools: dashboards (every service's error rate and latency,
// every region's orders and payment success, alerts, the scenario's extra
// metrics), a log search and the deploy history. Each is a query answered
// to this connection alone (`answer`), never an event: the panel asks when
// it is shown, on demand, and every few seconds while the dashboards are
// on screen.
//
// Charts are small SVGs built node by node (no markup strings, no inline
// styles); every chart has a text equivalent beside it.

import { h, fill, tr, trAttr, field } from './dom.js';
import { t, getLang } from './i18n.js';
import { timeOfDay, hhmm, duration, tPlus, num, ppmPct } from './format.js';
import { timeAt } from './state.js';

const SVG = 'http://www.w3.org/2000/svg';
/** How often the dashboards refresh while they are on screen. */
const REFRESH_MS = 10_000;
/** The server's limit on the search text (limits.rs QUERY_TEXT_CHARS_MAX). */
const QUERY_TEXT_CHARS_MAX = 200;
/** The server's limit on lines per answer (limits.rs LOG_LINES_PER_ANSWER_MAX). */
const LOG_LINES_MAX = 200;
/** An error rate above this (ppm) is shown as bad. */
const ERROR_BAD_PPM = 50_000;
/** Payment success below this (ppm) is shown as bad. */
const PAYMENT_BAD_PPM = 950_000;
const TABS = ['dash', 'logs', 'deploys'];

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** A drill second as "T+mm:ss", or "T−mm:ss" before the start. */
export function tRel(seconds) {
  return seconds < 0 ? `T−${duration(-seconds)}` : tPlus(seconds);
}

/** The world's clock time at a drill second (which may be negative). */
function clockAt(state, seconds) {
  return hhmm(timeAt(state, seconds));
}

const pctText = (ppm) => ppmPct(ppm);
const msText = (ms) => t('dash.ms', { n: num(ms) });

/**
 * A small line chart. lines: [{values: [[minute, value]], cls}]; ref: a
 * dashed horizontal line at that value; max: the top of the scale.
 * label: what the chart shows, in words (its text equivalent).
 */
export function sparkChart({ lines, ref = null, max, label, cls }) {
  const W = 160;
  const H = 48;
  const P = 3;
  const all = lines.flatMap((l) => l.values);
  const minutes = all.map(([m]) => m);
  const x0 = minutes.length ? Math.min(...minutes) : 0;
  const x1 = Math.max(x0 + 1, ...minutes);
  const top = Math.max(1e-9, max ?? Math.max(ref ?? 0, ...all.map(([, v]) => v)) * 1.1);
  const x = (m) => P + ((W - 2 * P) * (m - x0)) / (x1 - x0);
  const y = (v) => P + (H - 2 * P) * (1 - Math.min(1, Math.max(0, v / top)));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: ['spark', cls].filter(Boolean).join(' '), role: 'img', 'aria-label': label, preserveAspectRatio: 'none' },
    s('title', null, label),
    s('line', { class: 'spark-base', x1: P, x2: W - P, y1: H - P, y2: H - P, 'vector-effect': 'non-scaling-stroke' }),
    ref !== null ? s('line', { class: 'spark-ref', x1: P, x2: W - P, y1: y(ref).toFixed(1), y2: y(ref).toFixed(1), 'vector-effect': 'non-scaling-stroke' }) : null,
    lines.map((l) => (l.values.length === 1
      ? s('circle', { class: ['spark-dot', l.cls].filter(Boolean).join(' '), cx: x(l.values[0][0]).toFixed(1), cy: y(l.values[0][1]).toFixed(1), r: 2 })
      : s('polyline', {
        class: ['spark-line', l.cls].filter(Boolean).join(' '),
        points: l.values.map(([m, v]) => `${x(m).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
        'vector-effect': 'non-scaling-stroke',
      }))));
  return svg;
}

/** A chart with its caption, or a quiet line when there is nothing yet. */
function chartCell(captionKey, series, build) {
  return h('figure', { class: 'dash-chart' },
    h('figcaption', { class: 'dash-caption', i18n: captionKey }),
    series.length ? build() : h('p', { class: 'muted dash-empty', i18n: 'dash.no_series' }));
}

function rangeText(state, series) {
  if (!series.length) return '';
  // Minute n is the n-th minute since T+0: from (n-1):00 to n:00.
  return t('dash.range', { from: clockAt(state, (series[0].minute - 1) * 60), to: clockAt(state, series[series.length - 1].minute * 60) });
}

function chartLabel(what, name, now, max, range) {
  return t('dash.chart_label', { what, name, now, max, range });
}

function serviceView(state, svc) {
  const series = svc.series || [];
  const range = rangeText(state, series);
  const errBad = svc.error_ppm >= ERROR_BAD_PPM;
  // The highest includes the last minute (now), which the series has not closed yet.
  const maxErr = Math.max(svc.error_ppm, ...series.map((p) => p.error_ppm));
  const maxLat = Math.max(svc.latency_ms, ...series.map((p) => p.latency_ms));
  return h('li', { class: ['dash-item', errBad ? 'bad' : null], dataset: { service: svc.service } },
    h('div', { class: 'dash-head' },
      h('strong', { class: 'dash-name', text: svc.name }),
      h('span', { class: 'dash-now' },
        h('span', { class: errBad ? 'bad' : null, text: t('dash.errors_now', { errors: pctText(svc.error_ppm) }) }), ' · ',
        msText(svc.latency_ms), ' · ', t('dash.requests_now', { n: num(svc.requests_per_min) }))),
    h('div', { class: 'dash-charts' },
      chartCell('dash.error_rate', series, () => sparkChart({
        lines: [{ values: series.map((p) => [p.minute, p.error_ppm]), cls: 'spark-bad' }],
        max: Math.max(maxErr * 1.1, 20_000),
        label: chartLabel(t('dash.error_rate'), svc.name, pctText(svc.error_ppm), pctText(maxErr), range),
      })),
      chartCell('dash.latency', series, () => sparkChart({
        lines: [{ values: series.map((p) => [p.minute, p.latency_ms]), cls: 'spark-latency' }],
        label: chartLabel(t('dash.latency'), svc.name, msText(svc.latency_ms), msText(maxLat), range),
      }))));
}

function regionView(state, r) {
  const name = ((state.drill.regions || []).find((x) => x.id === r.region) || { name: r.region }).name;
  const series = r.series || [];
  const range = rangeText(state, series);
  const payBad = r.payment_success_ppm < PAYMENT_BAD_PPM;
  const ordersBad = r.orders_per_min_expected && r.orders_per_min < r.orders_per_min_expected * 0.85;
  const minPay = Math.min(r.payment_success_ppm, ...series.map((p) => p.payment_success_ppm));
  const maxOrders = Math.max(r.orders_per_min, ...series.map((p) => p.orders));
  return h('li', { class: ['dash-item', payBad || ordersBad ? 'bad' : null], dataset: { region: r.region } },
    h('div', { class: 'dash-head' },
      h('strong', { class: 'dash-name', text: name }),
      h('span', { class: 'dash-now' },
        h('span', { class: ordersBad ? 'bad' : null, text: t('dash.orders_now', { n: num(r.orders_per_min), e: num(r.orders_per_min_expected) }) }), ' · ',
        h('span', { class: payBad ? 'bad' : null, text: t('dash.payment_now', { pct: pctText(r.payment_success_ppm) }) }),
        r.stores_calling ? ` · ${t('dash.calling_now', { n: num(r.stores_calling) })}` : null,
        r.stores_on_paper ? ` · ${t('dash.paper_now', { n: num(r.stores_on_paper) })}` : null)),
    h('div', { class: 'dash-charts' },
      chartCell('dash.orders', series, () => sparkChart({
        lines: [{ values: series.map((p) => [p.minute, p.orders]), cls: 'spark-orders' }],
        ref: r.orders_per_min_expected || null,
        label: chartLabel(t('dash.orders'), name, t('dash.orders_now', { n: num(r.orders_per_min), e: num(r.orders_per_min_expected) }), num(maxOrders), range),
      })),
      chartCell('dash.payment', series, () => sparkChart({
        lines: [{ values: series.map((p) => [p.minute, p.payment_success_ppm]), cls: 'spark-pay' }],
        max: 1_000_000,
        label: t('dash.chart_label_low', { what: t('dash.payment'), name, now: pctText(r.payment_success_ppm), min: pctText(minPay), range }),
      }))));
}

function levelPill(level) {
  const cls = level === 'error' ? 'pill-bad' : level === 'warn' ? 'pill-warn-soft' : 'pill-quiet';
  return h('span', { class: ['pill', 'level-pill', cls], text: t(`level.${level}`) });
}

function alertsView(state, alerts) {
  if (!alerts.length) return h('p', { class: 'muted', i18n: 'dash.no_alerts' });
  const services = state.drill.services || [];
  const nameOf = (id) => (services.find((x) => x.id === id) || { name: id }).name;
  const sorted = alerts.slice().sort((a, b) => (a.resolved_tick === null || a.resolved_tick === undefined ? 0 : 1)
    - (b.resolved_tick === null || b.resolved_tick === undefined ? 0 : 1) || b.fired_tick - a.fired_tick);
  return h('ul', { class: 'alert-list', id: 'dash-alerts' }, sorted.map((a) => {
    const open = a.resolved_tick === null || a.resolved_tick === undefined;
    return h('li', { class: ['alert', open ? 'open' : 'resolved'] },
      levelPill(a.level),
      h('span', { class: 'alert-title', text: a.title }),
      h('span', { class: 'alert-meta', text: [
        t('dash.alert_meta', { service: nameOf(a.service), time: hhmm(timeAt(state, a.fired_tick)) }),
        open ? null : t('dash.alert_resolved', { time: hhmm(timeAt(state, a.resolved_tick)) }),
      ].filter(Boolean).join(' · ') }));
  }));
}

function metricNumber(v) {
  if (!Number.isFinite(v)) return '—';
  const rounded = Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10;
  return rounded.toLocaleString(getLang() === 'ja' ? 'ja-JP' : 'en-US');
}

function metricsView(state, metrics) {
  const services = state.drill.services || [];
  const nameOf = (id) => (services.find((x) => x.id === id) || { name: id }).name;
  return h('ul', { class: 'dash-list dash-metrics' }, metrics.map((m) => {
    const points = (m.points || []).map((v, i) => [i + 1, v]);
    const now = `${metricNumber(m.now)} ${m.unit}`.trim();
    const max = `${metricNumber(Math.max(m.now, ...(m.points || [])))} ${m.unit}`.trim();
    const range = points.length ? t('dash.range', { from: clockAt(state, 0), to: clockAt(state, points.length * 60) }) : '';
    return h('li', { class: 'dash-item', dataset: { metric: m.id } },
      h('div', { class: 'dash-head' },
        h('strong', { class: 'dash-name', text: m.name }),
        h('span', { class: 'dash-now', text: `${nameOf(m.service)} · ${t('dash.metric_now', { value: now })}` })),
      points.length
        ? sparkChart({ lines: [{ values: points, cls: 'spark-metric' }], label: chartLabel(m.name, nameOf(m.service), now, max, range), cls: 'spark-wide' })
        : h('p', { class: 'muted dash-empty', i18n: 'dash.no_series' }));
  }));
}

/** The dashboards from a dashboard answer. */
function dashboardView(state, a) {
  return [
    h('h3', { class: 'sub', i18n: 'dash.alerts' }),
    alertsView(state, a.alerts || []),
    h('h3', { class: 'sub', i18n: 'dash.services' }),
    h('ul', { class: 'dash-list', id: 'dash-services' }, (a.services || []).map((svc) => serviceView(state, svc))),
    h('h3', { class: 'sub', i18n: 'dash.regions' }),
    h('ul', { class: 'dash-list', id: 'dash-regions' }, (a.regions || []).map((r) => regionView(state, r))),
    (a.metrics || []).length ? [h('h3', { class: 'sub', i18n: 'dash.metrics' }), metricsView(state, a.metrics)] : null,
  ];
}

function logsView(state, lines) {
  if (!lines.length) return h('p', { class: 'muted', i18n: 'logs.none' });
  const services = state.drill.services || [];
  const nameOf = (id) => (services.find((x) => x.id === id) || { name: id }).name;
  const regionOf = (id) => ((state.drill.regions || []).find((x) => x.id === id) || { name: id }).name;
  return [
    h('p', { class: 'hint', text: t('logs.count', { n: lines.length, max: LOG_LINES_MAX }) }),
    h('ol', { class: 'log-lines', id: 'log-lines', tabIndex: 0, attrs: { 'aria-label': t('logs.list') } }, lines.map((l) => h('li', { class: ['log-line', `level-${l.level}`] },
      h('span', { class: 'log-meta' },
        h('time', { class: 'log-time', text: timeOfDay(timeAt(state, l.tick)), attrs: { title: tPlus(l.tick) } }),
        levelPill(l.level),
        h('span', { class: 'log-service', text: nameOf(l.service) }),
        l.region ? h('span', { class: 'log-region', text: regionOf(l.region) }) : null),
      h('span', { class: 'log-text', text: l.text })))),
  ];
}

/**
 * When a deploy was, in one format for every line: the day (today,
 * yesterday, n days ago, counted in the world's days) and the clock time.
 */
export function deployWhen(state, atS) {
  const at = timeAt(state, atS);
  const day = Math.floor(at / 86400);
  const time = hhmm(at);
  if (day >= 0) return t('deploys.at_today', { time });
  return day === -1 ? t('deploys.at_yesterday', { time }) : t('deploys.at_days', { n: -day, time });
}

function deploysView(state, deploys) {
  if (!deploys.length) return h('p', { class: 'muted', i18n: 'deploys.none' });
  const services = state.drill.services || [];
  const nameOf = (id) => (services.find((x) => x.id === id) || { name: id }).name;
  // Newest first: the latest change is what an engineer looks at first.
  const list = deploys.slice().sort((a, b) => b.at_s - a.at_s);
  return h('ol', { class: 'deploy-list', id: 'deploy-list' }, list.map((d) => h('li', { class: ['deploy', d.rollback ? 'rollback' : null], dataset: { service: d.service } },
    h('div', { class: 'deploy-head' },
      h('time', { class: 'deploy-time', text: deployWhen(state, d.at_s), attrs: { title: tRel(d.at_s) } }),
      h('strong', { class: 'deploy-service', text: nameOf(d.service) }),
      h('span', { class: 'deploy-version mono', text: d.version }),
      d.rollback ? h('span', { class: 'pill pill-warn-soft', text: t('deploys.rollback') }) : null),
    h('p', { class: 'deploy-meta', text: [d.by, d.note].filter(Boolean).join(' — ') }))));
}

/**
 * The tools panel. open: shown unfolded (engineers); others unfold it
 * when they want it, and nothing is asked while it is folded.
 */
export function toolsPanel(ctx, { open = false } = {}) {
  const tabs = {};
  const panes = {};
  const tablist = h('div', { class: 'tabs', attrs: { role: 'tablist' } });
  trAttr(tablist, 'aria-label', 'panel.tools');
  for (const id of TABS) {
    tabs[id] = h('button', { type: 'button', class: 'tab', id: `tools-tab-${id}`, i18n: `tools.tab_${id}`, attrs: { role: 'tab', 'aria-controls': `tools-pane-${id}` } });
    panes[id] = h('div', { class: 'tab-pane', id: `tools-pane-${id}`, attrs: { role: 'tabpanel', 'aria-labelledby': `tools-tab-${id}` } });
    tablist.appendChild(tabs[id]);
  }

  // Dashboards.
  const dashRefresh = h('button', { type: 'button', class: 'btn btn-small', id: 'dash-refresh', i18n: 'tools.refresh' });
  const dashAsOf = h('p', { class: 'hint tools-asof', id: 'dash-asof', attrs: { role: 'status' } });
  const dashBody = h('div', { class: 'dash', id: 'dash-body' });
  fill(panes.dash, h('div', { class: 'tools-bar' }, dashAsOf, dashRefresh), dashBody);

  // Logs.
  const logService = h('select', { id: 'log-service' });
  const logText = h('input', { id: 'log-text', type: 'search', maxLength: QUERY_TEXT_CHARS_MAX, autocomplete: 'off', spellcheck: false });
  trAttr(logText, 'placeholder', 'logs.placeholder');
  const logSearch = h('button', { type: 'submit', class: 'btn btn-primary btn-small', id: 'log-search', i18n: 'logs.search' });
  const logForm = h('form', { class: 'log-form', id: 'log-form' },
    h('div', { class: 'log-form-row' }, field('logs.service', logService), field('logs.contains', logText)), logSearch);
  const logBody = h('div', { class: 'logs', id: 'log-body', attrs: { 'aria-live': 'polite' } });
  fill(panes.logs, logForm, logBody);

  // Deploys.
  const depRefresh = h('button', { type: 'button', class: 'btn btn-small', id: 'deploys-refresh', i18n: 'tools.refresh' });
  const depAsOf = h('p', { class: 'hint tools-asof', id: 'deploys-asof', attrs: { role: 'status' } });
  const depBody = h('div', { class: 'deploys', id: 'deploys-body' });
  fill(panes.deploys, h('div', { class: 'tools-bar' }, depAsOf, depRefresh), depBody);

  const summary = h('summary', { class: 'panel-title', i18n: 'panel.tools' });
  const el = h('details', { class: 'panel panel-details panel-tools', id: 'tools-panel' }, summary,
    h('p', { class: 'hint', i18n: 'tools.hint' }), tablist, TABS.map((id) => panes[id]));
  el.open = !!open;

  // What each tool last showed: the answer, the tick it was asked at, and
  // when (real time), so that a language switch redraws without asking.
  const last = { dash: null, logs: null, deploys: null };
  const busy = { dash: false, logs: false, deploys: false };
  let tab = ctx.ui.toolsTab && TABS.includes(ctx.ui.toolsTab) ? ctx.ui.toolsTab : 'dash';
  let drawnLang = null;

  function ask(which, query, { quiet = false } = {}) {
    if (busy[which] || !ctx.online()) return false;
    busy[which] = true;
    const tick = ctx.get().pulse ? ctx.get().pulse.tick : 0;
    const sent = ctx.send({ type: 'query', query }, {
      quiet: quiet ? () => true : undefined,
      onAnswer: (answer) => {
        if (!answer || answer.kind !== query.kind) return;
        last[which] = { answer, tick, at: Date.now(), query };
        draw(which);
      },
      onSettled: () => {
        busy[which] = false;
        buttons();
      },
    });
    if (!sent) busy[which] = false;
    buttons();
    return sent;
  }

  const askDash = (opts) => ask('dash', { kind: 'dashboard' }, opts);
  const askDeploys = (opts) => ask('deploys', { kind: 'deploys' }, opts);
  function askLogs() {
    const contains = logText.value.trim();
    ask('logs', { kind: 'logs', service: logService.value || null, contains });
  }

  function asOf(elAsOf, entry) {
    if (!entry) {
      tr(elAsOf, busy.dash || busy.deploys ? 'common.loading' : 'tools.not_yet');
      return;
    }
    const state = ctx.get();
    tr(elAsOf, ['tools.as_of', { time: timeOfDay(timeAt(state, entry.tick)), t: tPlus(entry.tick) }]);
  }

  function draw(which) {
    const state = ctx.get();
    const entry = last[which];
    if (which === 'dash') {
      asOf(dashAsOf, entry);
      if (entry) {
        // Keep the reader's place: the list is redrawn in place.
        const scroller = el.closest('.side');
        const top = scroller ? scroller.scrollTop : 0;
        fill(dashBody, dashboardView(state, entry.answer));
        if (scroller) scroller.scrollTop = top;
      }
    } else if (which === 'logs') {
      if (entry) {
        fill(logBody, logsView(state, entry.answer.lines || []));
        const list = logBody.querySelector('.log-lines');
        if (list) list.scrollTop = list.scrollHeight;
      }
    } else if (which === 'deploys') {
      asOf(depAsOf, entry);
      if (entry) fill(depBody, deploysView(state, entry.answer.deploys || []));
    }
  }

  function buttons() {
    const on = ctx.online();
    dashRefresh.disabled = !on || busy.dash;
    depRefresh.disabled = !on || busy.deploys;
    logSearch.disabled = !on || busy.logs;
    if (!last.dash) asOf(dashAsOf, null);
    if (!last.deploys) asOf(depAsOf, null);
  }

  function select(id, { focus = false } = {}) {
    tab = id;
    ctx.ui.toolsTab = id;
    if (ctx.saveUi) ctx.saveUi();
    for (const k of TABS) {
      const on = k === id;
      tabs[k].setAttribute('aria-selected', String(on));
      tabs[k].tabIndex = on ? 0 : -1;
      tabs[k].classList.toggle('selected', on);
      panes[k].hidden = !on;
    }
    if (focus) tabs[id].focus();
    shown();
  }

  /** Asks for what the selected tab shows when it is stale. */
  function shown({ quiet = false } = {}) {
    if (!el.open || document.hidden) return;
    const stale = (entry) => !entry || Date.now() - entry.at >= REFRESH_MS - 500;
    if (tab === 'dash' && stale(last.dash)) askDash({ quiet });
    if (tab === 'deploys' && !last.deploys) askDeploys({ quiet });
    if (tab === 'logs' && !last.logs) askLogs();
  }

  for (const id of TABS) tabs[id].addEventListener('click', () => select(id));
  tablist.addEventListener('keydown', (e) => {
    const i = TABS.indexOf(tab);
    const next = { ArrowRight: (i + 1) % TABS.length, ArrowLeft: (i + TABS.length - 1) % TABS.length, Home: 0, End: TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    select(TABS[next], { focus: true });
  });
  dashRefresh.addEventListener('click', () => askDash());
  depRefresh.addEventListener('click', () => askDeploys());
  logForm.addEventListener('submit', (e) => {
    e.preventDefault();
    askLogs();
  });
  el.addEventListener('toggle', () => shown());

  // Every few seconds while the dashboards are on screen. The timer ends
  // itself once the panel left the page (another screen, a new role).
  const timer = setInterval(() => {
    if (!el.isConnected) {
      clearInterval(timer);
      return;
    }
    if (tab === 'dash') shown({ quiet: true });
  }, REFRESH_MS);

  select(tab);

  function update(state) {
    const services = state.drill.services || [];
    const key = JSON.stringify([getLang(), services]);
    if (logService.dataset.key !== key) {
      const before = logService.value;
      logService.dataset.key = key;
      fill(logService, h('option', { value: '', i18n: 'logs.all' }), services.map((x) => h('option', { value: x.id, text: x.name })));
      logService.value = services.some((x) => x.id === before) ? before : '';
    }
    buttons();
    if (drawnLang !== getLang()) {
      drawnLang = getLang();
      for (const which of TABS) draw(which);
    }
    // Coming back online, or the first state: fetch what is missing.
    shown({ quiet: true });
  }
  return { el, update };
}
