// History: every finished drill with its results, and charts of the key
// measures across drills, oldest to newest: the time from the first alert
// to the declaration (発令), the measure the team practises for, then the
// time from declaring to the first external notice, the share of calls
// the callers gave up on, and the corporate clients' escalations.
// Drills this browser facilitated (session.js keeps their facilitator
// tokens) can be exported and deleted. #history=ID shows one drill.

import { h, fill } from './dom.js';
import { t } from './i18n.js';
import { listHistory, historyDrill, listScenarios, exportDrill, deleteDrill } from './api.js';
import { yen, minSec, dateTime, shortDate, shortTime } from './format.js';
import { summaryView, timeToDeclare, ttdText, noticeText, trendRows } from './summary.js';
import { facilitatorToken, forgetFacilitator } from './session.js';
import { toast } from './toast.js';

/** How long a download's object URL is kept before it is let go. */
const DOWNLOAD_URL_KEEP_MS = 30_000;

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element (attributes are set one by one; no markup, no style). */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Scenario id -> title, from the server; empty if it cannot be read. */
async function scenarioTitles() {
  try {
    const list = await listScenarios();
    return new Map((list || []).map((x) => [x.id, x.title]));
  } catch {
    return new Map();
  }
}

function backLink(href, key) {
  return h('p', { class: 'back-link' }, h('a', { href, i18n: key }));
}

function errorBox(message, retry) {
  const button = h('button', { type: 'button', class: 'btn btn-small', i18n: 'common.retry' });
  button.addEventListener('click', retry);
  return h('div', { class: 'card' }, h('p', { class: 'form-error', text: message }), button);
}

/** The list of finished drills. */
export function historyScreen({ main }) {
  const body = h('div', { class: 'history-body' }, h('p', { class: 'loading', i18n: 'common.loading' }));
  fill(main, h('div', { class: 'history', id: 'history' },
    backLink('#', 'history.home'),
    h('section', { class: 'intro' },
      h('h1', { i18n: 'history.title' }),
      h('p', { class: 'lead', i18n: 'history.lead' })),
    body));
  main.classList.remove('main-drill');

  let data = null;
  let titles = new Map();
  let gone = false;
  async function load() {
    fill(body, h('p', { class: 'loading', i18n: 'common.loading' }));
    try {
      [data, titles] = await Promise.all([listHistory(), scenarioTitles()]);
    } catch (e) {
      if (!gone) fill(body, errorBox(e.message, load));
      return;
    }
    if (!gone) render();
  }

  function render() {
    if (!data) return;
    if (!Array.isArray(data) || !data.length) {
      fill(body, h('div', { class: 'card' }, h('p', { class: 'muted', id: 'history-empty', i18n: 'history.none' })));
      return;
    }
    const rows = trendRows(data);
    fill(body,
      h('section', { class: 'card chart-card', attrs: { 'aria-labelledby': 'ttd-title' } },
        h('h2', { id: 'ttd-title', i18n: 'history.chart_title' }),
        h('p', { class: 'hint', i18n: 'history.chart_hint' }),
        trendChart(rows, TRENDS[0])),
      h('section', { class: 'card chart-card', id: 'history-trends', attrs: { 'aria-labelledby': 'trends-title' } },
        h('h2', { id: 'trends-title', i18n: 'history.trends_title' }),
        h('p', { class: 'hint', i18n: 'history.trends_hint' }),
        h('div', { class: 'trend-grid' }, TRENDS.slice(1).map((m) => h('figure', { class: 'trend', id: `trend-${m.key}` },
          h('h3', { class: 'trend-title', id: `${m.key}-title`, i18n: `history.trend_${m.key}` }),
          h('p', { class: 'hint', i18n: `history.trend_${m.key}_hint` }),
          trendChart(rows, m, SMALL))))),
      h('section', { class: 'card', attrs: { 'aria-labelledby': 'history-table-title' } },
        h('h2', { id: 'history-table-title', i18n: 'history.table_title', tabIndex: -1 }),
        h('div', { class: 'table-scroll' }, historyTable(data, titles, { onDelete: removed }))));
  }

  /** A drill was deleted: it leaves the list and the charts. */
  function removed(id) {
    data = data.filter((d) => d.id !== id);
    forgetFacilitator(id);
    render();
    toast(t('history.deleted'), 'info');
    const title = document.getElementById('history-table-title');
    if (title) title.focus();
    else body.focus();
  }

  load();
  return {
    renderAll: render,
    destroy() {
      gone = true;
    },
  };
}

function historyTable(data, titles, { onDelete }) {
  const head = ['history.date', 'history.scenario', 'history.score', 'history.ttd', 'history.notice_after', 'history.lost', 'history.actions'];
  return h('table', { class: 'history-table', id: 'history-table' },
    h('thead', null, h('tr', null, head.map((k, i) => h('th', { scope: 'col', class: i >= 2 && i <= 5 ? 'num' : null, i18n: k })))),
    h('tbody', null, data.map((d) => {
      const sum = d.summary || {};
      const ttd = timeToDeclare(sum);
      return h('tr', { dataset: { drill: d.id } },
        h('td', null, h('a', { href: `#history=${encodeURIComponent(d.id)}`, text: dateTime(d.created_ms) })),
        h('td', { text: titles.get(d.scenario_id) || d.scenario_id }),
        h('td', { class: 'num' }, h('strong', { text: String(sum.score ?? '—') })),
        h('td', { class: ['num', ttd === null ? 'muted' : null], text: ttdText(sum) }),
        h('td', { class: 'num', text: noticeText(sum) }),
        h('td', { class: 'num', text: yen(sum.lost_revenue) }),
        h('td', { class: 'history-actions' }, drillActions(d, onDelete)));
    })));
}

/**
 * A drill's row actions: Replay for everyone; Export data and Delete (with
 * a confirm step) when this browser holds the drill's facilitator token.
 */
function drillActions(d, onDelete) {
  const when = dateTime(d.created_ms);
  const replay = h('a', { href: `#replay=${encodeURIComponent(d.id)}`, class: 'history-replay', i18n: 'history.replay' });
  replay.setAttribute('aria-label', t('history.replay_label', { when }));
  const token = facilitatorToken(d.id);
  if (!token) return h('div', { class: 'row-actions' }, replay);

  const exportBtn = h('button', { type: 'button', class: 'btn btn-small history-export', i18n: 'history.export' });
  exportBtn.setAttribute('aria-label', t('history.export_label', { when }));
  exportBtn.addEventListener('click', async () => {
    exportBtn.disabled = true;
    try {
      const { blob, filename } = await exportDrill(d.id, token);
      saveFile(blob, filename);
    } catch (e) {
      toast(e.message);
    } finally {
      exportBtn.disabled = false;
    }
  });

  const del = h('button', { type: 'button', class: 'btn btn-small btn-danger history-delete', i18n: 'history.delete' });
  del.setAttribute('aria-label', t('history.delete_label', { when }));
  const sure = h('span', { class: 'confirm-text', i18n: 'history.delete_sure' });
  const yes = h('button', { type: 'button', class: 'btn btn-small btn-danger history-delete-confirm', i18n: 'history.delete_confirm' });
  yes.setAttribute('aria-label', t('history.delete_confirm_label', { when }));
  const no = h('button', { type: 'button', class: 'btn btn-small history-delete-cancel', i18n: 'history.delete_cancel' });
  const confirm = h('span', { class: 'delete-confirm', hidden: true, attrs: { role: 'group' } }, sure, yes, no);
  confirm.setAttribute('aria-label', t('history.delete_label', { when }));
  const ask = (on) => {
    confirm.hidden = !on;
    del.hidden = on;
    (on ? no : del).focus();
  };
  del.addEventListener('click', () => ask(true));
  no.addEventListener('click', () => ask(false));
  confirm.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') ask(false);
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    no.disabled = true;
    try {
      await deleteDrill(d.id, token);
    } catch (e) {
      toast(e.message);
      yes.disabled = false;
      no.disabled = false;
      // Gone already (another tab deleted it): it leaves the list too.
      if (e.status === 404) onDelete(d.id);
      return;
    }
    onDelete(d.id);
  });
  return h('div', { class: 'row-actions' }, replay, exportBtn, del, confirm);
}

/** Saves a blob as a file, through a download link. */
function saveFile(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, class: 'sr-only', attrs: { download: filename } });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_KEEP_MS);
}

/**
 * The measures charted across drills. value(row) is the number plotted
 * (null: left out); unit says how the axis reads; point(row) is the
 * point's tooltip text.
 */
const TRENDS = [
  { key: 'ttd', id: 'ttd-chart', unit: 'time', value: (r) => r.ttd, point: (r) => minSec(r.ttd) },
  { key: 'notice', id: 'notice-chart', unit: 'time', value: (r) => r.notice, point: (r) => minSec(r.notice) },
  {
    key: 'abandoned',
    id: 'abandoned-chart',
    unit: 'pct',
    value: (r) => (r.abandoned ? r.abandoned.pct : null),
    point: (r) => t('history.abandoned_of', { n: r.abandoned.abandoned, calls: r.abandoned.calls, pct: r.abandoned.pct }),
  },
  { key: 'escalations', id: 'escalations-chart', unit: 'count', value: (r) => r.escalations, point: (r) => t('history.escalations_n', { n: r.escalations }) },
];

/** Axis steps per unit, smallest first; the first that gives at most five lines is used. */
const STEPS = {
  time: [30, 60, 120, 300, 600, 900, 1800, 3600],
  pct: [5, 10, 20, 25, 50],
  count: [1, 2, 5, 10, 20, 50, 100, 200, 500],
};
/** The smallest top of the axis, so that a flat line of zeros still has a scale. */
const AXIS_MIN_TOP = { time: 60, pct: 10, count: 2 };

/** A step that gives at most five grid lines over span. */
function gridStep(span, unit) {
  for (const step of STEPS[unit]) if (span / step <= 5) return step;
  const last = STEPS[unit][STEPS[unit].length - 1];
  return Math.ceil(span / 5 / last) * last;
}

function axisLabel(v, unit) {
  if (unit === 'pct') return `${v} %`;
  if (unit === 'count') return String(v);
  if (v === 0) return '0';
  if (v % 60 === 0) return t('fmt.min', { m: v / 60 });
  return minSec(v);
}

/** Chart sizes (SVG units, about CSS pixels where shown): the large one and the small ones. */
const LARGE = { W: 640, H: 220, pad: { l: 64, r: 20, t: 14, b: 34 } };
const SMALL = { W: 340, H: 180, pad: { l: 52, r: 14, t: 10, b: 30 } };

/** A line chart of one measure, oldest drill on the left. */
function trendChart(rows, m, { W, H, pad } = LARGE) {
  const items = rows.map((r) => ({ r, v: m.value(r) }));
  const values = items.map((x) => x.v).filter((v) => v !== null && v !== undefined);
  const left = items.length - values.length;
  const pw = W - pad.l - pad.r;
  const ph = H - pad.t - pad.b;
  const lo = Math.min(0, ...values);
  const top = Math.max(AXIS_MIN_TOP[m.unit], ...values);
  const step = gridStep(top - lo, m.unit);
  const yMin = Math.floor(lo / step) * step;
  const yMax = Math.max(step, Math.ceil(top / step) * step);
  const x = (i) => (items.length === 1 ? pad.l + pw / 2 : pad.l + (i * pw) / (items.length - 1));
  const y = (v) => pad.t + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const titleId = m.key === 'ttd' ? 'ttd-title' : `${m.key}-title`;

  const svg = s('svg', { class: 'chart', id: m.id, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${titleId} ${m.id}-desc` },
    s('desc', { id: `${m.id}-desc` }, t(`history.chart_desc_${m.key}`, { n: values.length })));
  for (let v = yMin; v <= yMax; v += step) {
    svg.appendChild(s('line', { class: v === 0 ? 'chart-axis' : 'chart-grid', x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v) }));
    svg.appendChild(s('text', { class: 'chart-label', x: pad.l - 8, y: y(v) + 4, 'text-anchor': 'end' }, axisLabel(v, m.unit)));
  }
  // Date labels (times, when every drill was on the same day): all of
  // them when few, else about six.
  const oneDay = new Set(items.map((it) => shortDate(it.r.created_ms))).size === 1 && items.length > 1;
  const every = Math.max(1, Math.ceil(items.length / (W < 400 ? 3 : 6)));
  items.forEach((it, i) => {
    if (i % every !== 0 && i !== items.length - 1) return;
    const label = oneDay ? shortTime(it.r.created_ms) : shortDate(it.r.created_ms);
    svg.appendChild(s('text', { class: 'chart-label', x: x(i), y: H - 10, 'text-anchor': 'middle' }, label));
  });
  // The line, broken where a drill has no value.
  let run = [];
  const flush = () => {
    if (run.length > 1) svg.appendChild(s('polyline', { class: 'chart-line', points: run.join(' ') }));
    run = [];
  };
  items.forEach((it, i) => {
    if (it.v === null || it.v === undefined) flush();
    else run.push(`${x(i).toFixed(1)},${y(it.v).toFixed(1)}`);
  });
  flush();
  items.forEach((it, i) => {
    if (it.v === null || it.v === undefined) return;
    svg.appendChild(s('circle', { class: 'chart-point', cx: x(i), cy: y(it.v), r: 4.5 },
      s('title', null, `${dateTime(it.r.created_ms)} · ${m.point(it.r)} · ${t('history.score_n', { n: it.r.score ?? '—' })}`)));
  });
  return h('div', { class: 'chart-box' },
    svg,
    left ? h('p', { class: 'hint', text: t(`history.chart_left_out_${m.key}`, { n: left }) }) : null);
}

/** One finished drill's results. */
export function historyDrillScreen({ main, id }) {
  const body = h('div', { class: 'history-body' }, h('p', { class: 'loading', i18n: 'common.loading' }));
  fill(main, h('div', { class: 'history', id: 'history-drill' },
    backLink('#history', 'history.back'),
    body));
  main.classList.remove('main-drill');

  let drill = null;
  let titles = new Map();
  let gone = false;
  async function load() {
    fill(body, h('p', { class: 'loading', i18n: 'common.loading' }));
    try {
      [drill, titles] = await Promise.all([historyDrill(id), scenarioTitles()]);
    } catch (e) {
      if (!gone) fill(body, errorBox(e.message, load));
      return;
    }
    if (!gone) render();
  }

  function render() {
    if (!drill) return;
    const sum = drill.summary || {};
    fill(body,
      h('section', { class: 'intro' },
        h('h1', { text: titles.get(drill.scenario_id) || drill.scenario_id }),
        h('p', { class: 'lead', text: dateTime(drill.created_ms) }),
        h('p', { class: 'summary-link' }, h('a', { href: `#review=${encodeURIComponent(drill.id)}`, id: 'history-review-link', i18n: 'history.review_link' })),
        h('p', { class: 'summary-link' }, h('a', { href: `#replay=${encodeURIComponent(drill.id)}`, id: 'history-replay-link', i18n: 'history.replay_link' }))),
      h('section', { class: 'card summary history-summary', attrs: { 'aria-labelledby': 'history-summary-title' } },
        summaryView(sum, { titleId: 'history-summary-title' })),
      h('section', { class: 'card', attrs: { 'aria-labelledby': 'history-measures-title' } },
        h('h2', { id: 'history-measures-title', i18n: 'history.measures' }),
        h('dl', { class: 'summary-times measures' },
          h('dt', { i18n: 'history.ttd' }), h('dd', { id: 'history-ttd', text: ttdText(sum) }),
          h('dt', { i18n: 'history.notice_after' }), h('dd', { text: noticeText(sum) }),
          h('dt', { i18n: 'history.lost' }), h('dd', { text: yen(sum.lost_revenue) }),
          h('dt', { i18n: 'history.drill_id' }), h('dd', null, h('code', { class: 'mono', text: drill.id })))));
  }

  load();
  return {
    renderAll: render,
    destroy() {
      gone = true;
    },
  };
}
