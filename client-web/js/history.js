// History: every finished drill with its results, and a chart of the time
// from the first alert to the declaration (発令) across drills, the measure
// the team practises for. #history=ID shows one drill's results.

import { h, fill } from './dom.js';
import { t } from './i18n.js';
import { listHistory, historyDrill, listScenarios } from './api.js';
import { yen, minSec, dateTime, shortDate, shortTime } from './format.js';
import { summaryView, timeToDeclare, ttdText, noticeText } from './summary.js';

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
    fill(body,
      h('section', { class: 'card chart-card', attrs: { 'aria-labelledby': 'ttd-title' } },
        h('h2', { id: 'ttd-title', i18n: 'history.chart_title' }),
        h('p', { class: 'hint', i18n: 'history.chart_hint' }),
        ttdChart(data)),
      h('section', { class: 'card', attrs: { 'aria-labelledby': 'history-table-title' } },
        h('h2', { id: 'history-table-title', i18n: 'history.table_title' }),
        h('div', { class: 'table-scroll' }, historyTable(data, titles))));
  }

  load();
  return {
    renderAll: render,
    destroy() {
      gone = true;
    },
  };
}

function historyTable(data, titles) {
  const head = ['history.date', 'history.scenario', 'history.score', 'history.ttd', 'history.notice_after', 'history.lost'];
  return h('table', { class: 'history-table', id: 'history-table' },
    h('thead', null, h('tr', null, head.map((k, i) => h('th', { scope: 'col', class: i >= 2 ? 'num' : null, i18n: k })))),
    h('tbody', null, data.map((d) => {
      const sum = d.summary || {};
      const ttd = timeToDeclare(sum);
      return h('tr', { dataset: { drill: d.id } },
        h('td', null, h('a', { href: `#history=${encodeURIComponent(d.id)}`, text: dateTime(d.created_ms) })),
        h('td', { text: titles.get(d.scenario_id) || d.scenario_id }),
        h('td', { class: 'num' }, h('strong', { text: String(sum.score ?? '—') })),
        h('td', { class: ['num', ttd === null ? 'muted' : null], text: ttdText(sum) }),
        h('td', { class: 'num', text: noticeText(sum) }),
        h('td', { class: 'num', text: yen(sum.lost_revenue) }));
    })));
}

/** Round seconds up to a step that gives at most five grid lines. */
function gridStep(span) {
  for (const step of [30, 60, 120, 300, 600, 900, 1800, 3600]) if (span / step <= 5) return step;
  return Math.ceil(span / 5 / 3600) * 3600;
}

function axisLabel(v) {
  if (v === 0) return '0';
  if (v % 60 === 0) return t('fmt.min', { m: v / 60 });
  return minSec(v);
}

/** A line chart of time to declare, oldest drill on the left. */
function ttdChart(newestFirst) {
  const items = newestFirst.slice().reverse().map((d) => ({ d, v: timeToDeclare(d.summary) }));
  const values = items.map((x) => x.v).filter((v) => v !== null);
  const left = items.length - values.length;
  const W = 640;
  const H = 220;
  const m = { l: 64, r: 20, t: 14, b: 34 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const lo = Math.min(0, ...values);
  const step = gridStep(Math.max(60, ...values) - lo);
  const yMin = Math.floor(lo / step) * step;
  const yMax = Math.max(step, Math.ceil(Math.max(60, ...values) / step) * step);
  const x = (i) => (items.length === 1 ? m.l + pw / 2 : m.l + (i * pw) / (items.length - 1));
  const y = (v) => m.t + ph - ((v - yMin) / (yMax - yMin)) * ph;

  const svg = s('svg', { class: 'chart', id: 'ttd-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'ttd-title ttd-desc' },
    s('desc', { id: 'ttd-desc' }, t('history.chart_desc', { n: values.length })));
  for (let v = yMin; v <= yMax; v += step) {
    svg.appendChild(s('line', { class: v === 0 ? 'chart-axis' : 'chart-grid', x1: m.l, x2: W - m.r, y1: y(v), y2: y(v) }));
    svg.appendChild(s('text', { class: 'chart-label', x: m.l - 8, y: y(v) + 4, 'text-anchor': 'end' }, axisLabel(v)));
  }
  // Date labels (times, when every drill was on the same day): all of
  // them when few, else about six.
  const oneDay = new Set(items.map((it) => shortDate(it.d.created_ms))).size === 1 && items.length > 1;
  const every = Math.max(1, Math.ceil(items.length / 6));
  items.forEach((it, i) => {
    if (i % every !== 0 && i !== items.length - 1) return;
    const label = oneDay ? shortTime(it.d.created_ms) : shortDate(it.d.created_ms);
    svg.appendChild(s('text', { class: 'chart-label', x: x(i), y: H - 10, 'text-anchor': 'middle' }, label));
  });
  // The line, broken where a drill has no time to declare.
  let run = [];
  const flush = () => {
    if (run.length > 1) svg.appendChild(s('polyline', { class: 'chart-line', points: run.join(' ') }));
    run = [];
  };
  items.forEach((it, i) => {
    if (it.v === null) flush();
    else run.push(`${x(i).toFixed(1)},${y(it.v).toFixed(1)}`);
  });
  flush();
  items.forEach((it, i) => {
    if (it.v === null) return;
    svg.appendChild(s('circle', { class: 'chart-point', cx: x(i), cy: y(it.v), r: 4.5 },
      s('title', null, `${dateTime(it.d.created_ms)} · ${minSec(it.v)} · ${t('history.score_n', { n: it.d.summary.score })}`)));
  });
  return h('div', { class: 'chart-box' },
    svg,
    left ? h('p', { class: 'hint', text: t('history.chart_left_out', { n: left }) }) : null);
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
        h('p', { class: 'summary-link' }, h('a', { href: `#review=${encodeURIComponent(drill.id)}`, id: 'history-review-link', i18n: 'history.review_link' }))),
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
