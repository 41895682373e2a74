// The after-action review (#review=ID): objectives met or missed and by how
// much, situational awareness, the team between the two bot baselines, a
// chart of the world with the team's actions marked, the timeline, scores,
// ratings, the improvement plan, and download links for the exports.
// Everything comes from GET /api/history/{id}/review; all text goes
// through textContent; the chart is plain SVG built node by node.

import { h, fill } from './dom.js';
import { t, getLang } from './i18n.js';
import { drillReview, reviewUrl, reviewFile } from './api.js';
import { drillToken } from './session.js';
import { toast } from './toast.js';
import { tPlus, yen, num, minSec } from './format.js';
import { pulseQuestionText, pulseResultView } from './pulse.js';

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** A bilingual text from the server, in the interface's language. */
function pick(text) {
  if (!text) return '';
  return getLang() === 'ja' ? text.ja : text.en;
}

function margin(m) {
  if (m === null || m === undefined) return '';
  return m < 0 ? t('review.early', { t: minSec(-m) }) : m === 0 ? t('review.on_time') : t('review.late', { t: minSec(m) });
}

function at(tick) {
  return tick === null || tick === undefined ? '' : tPlus(tick);
}

function section(id, titleKey, ...children) {
  return h('section', { class: 'card review-section', id, attrs: { 'aria-labelledby': `${id}-title` } },
    h('h2', { id: `${id}-title`, i18n: titleKey }), ...children);
}

function table(headKeys, rows, cls) {
  return h('table', { class: ['review-table', cls] },
    h('thead', null, h('tr', null, headKeys.map((k) => h('th', { scope: 'col', i18n: k })))),
    h('tbody', null, rows));
}

/** A cell's text, or a dash for "nothing to say" (shares, not applicable). */
const orDash = (text) => text || '—';

function objectivesTable(r) {
  return table(
    ['review.objective', 'review.outcome', 'review.due', 'review.done', 'review.margin', 'review.by', 'review.points'],
    r.objectives.map((o) => h('tr', { dataset: { key: o.key, outcome: o.outcome } },
      h('th', { scope: 'row' }, h('span', { text: pick(o.label) }), h('p', { class: 'hint rule', text: pick(o.rule) })),
      h('td', null, h('span', { class: ['pill', `outcome-${o.outcome}`], i18n: `review.outcome_${o.outcome}` })),
      h('td', { class: 'num', text: orDash(at(o.due_tick)) }),
      h('td', { class: 'num', text: orDash(at(o.done_tick)) }),
      h('td', { class: 'num', text: orDash(margin(o.margin_s)) }),
      // Who did it, else the role it is about (calls, client chats).
      h('td', { class: o.done_by ? null : 'muted', text: o.done_by || (o.role ? t(`role.${o.role}`) : '—') }),
      h('td', { class: 'num', text: o.max ? `${o.points} / ${o.max}` : '—' }))),
    'review-objectives');
}

function awarenessView(a) {
  const overall = a.accuracy_pct === null || a.accuracy_pct === undefined ? t('review.no_reports') : `${a.accuracy_pct} %`;
  return [
    h('p', { class: 'score-big', id: 'review-awareness-pct' }, h('strong', { text: overall })),
    h('p', { class: 'hint', text: pick(a.rule) }),
    a.reports.length ? table(['review.time', 'review.by', 'review.stated', 'review.truth', 'review.accuracy'],
      a.reports.map((c) => h('tr', null,
        h('td', { class: 'num', text: tPlus(c.tick) }),
        h('td', { text: c.by }),
        h('td', { text: [c.stated_services.join(', '), c.stated_regions.join(', ')].join(' / ') }),
        h('td', { text: [c.true_services.join(', '), c.true_regions.join(', ')].join(' / ') }),
        h('td', { class: 'num', text: `${c.accuracy_pct} %` })))) : null,
  ];
}

/** none ← team → perfect, on one bar. */
function baselineBar(o) {
  const W = 600;
  const H = 64;
  const pad = 16;
  const place = o.place_pct === null || o.place_pct === undefined ? null : o.place_pct;
  const x = (pct) => pad + ((W - 2 * pad) * pct) / 100;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'baseline-bar', role: 'img', 'aria-labelledby': 'review-bar-desc' },
    s('desc', { id: 'review-bar-desc' }, t('review.bar_desc', { pct: place === null ? '—' : place })),
    s('rect', { class: 'bar-track', x: pad, y: 24, width: W - 2 * pad, height: 12, rx: 6 }),
    place === null ? null : s('rect', { class: 'bar-fill', x: pad, y: 24, width: x(place) - pad, height: 12, rx: 6 }),
    s('text', { class: 'chart-label', x: pad, y: 16 }, t('review.no_response')),
    s('text', { class: 'chart-label', x: W - pad, y: 16, 'text-anchor': 'end' }, t('review.perfect')),
    place === null ? null : s('circle', { class: 'bar-team', cx: x(place), cy: 30, r: 9 }),
    place === null ? null : s('text', { class: 'chart-label', x: x(place), y: 58, 'text-anchor': 'middle' },
      `${t('review.team')} ${place} %`));
  const row = (key, c) => h('tr', null, h('th', { scope: 'row', i18n: key }),
    h('td', { class: 'num', text: yen(c.lost_revenue_yen) }), h('td', { class: 'num', text: num(c.stores_affected) }));
  return [
    h('div', { class: 'chart-box' }, svg),
    table(['review.run', 'review.lost', 'review.stores'], [
      row('review.no_response', o.no_response), row('review.team', o.team), row('review.perfect', o.perfect)]),
    h('p', { class: 'hint', text: pick(o.rule) }),
  ];
}

/** Orders and errors per minute, lost revenue as bars, the team's actions as ticks. */
function worldChart(chart) {
  const pts = chart.minutes || [];
  const W = 720;
  const H = 240;
  const L = 48;
  const R = 12;
  const T = 12;
  const B = 32;
  const n = Math.max(pts.length, 1);
  const x = (minute) => L + ((W - L - R) * minute) / n;
  const maxOf = (f) => Math.max(1, ...pts.map(f));
  const maxOrders = maxOf((p) => Math.max(p.orders, p.errors));
  const maxLost = maxOf((p) => p.lost_revenue_yen);
  const y = (v) => T + (H - T - B) * (1 - v / maxOrders);
  const line = (f, cls) => s('polyline', { class: cls, points: pts.map((p) => `${x(p.minute).toFixed(1)},${y(f(p)).toFixed(1)}`).join(' ') });
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'review-chart', role: 'img', 'aria-labelledby': 'review-chart-desc' },
    s('desc', { id: 'review-chart-desc' }, t('review.chart_desc', { n: pts.length, marks: (chart.marks || []).length })),
    s('line', { class: 'chart-axis', x1: L, y1: H - B, x2: W - R, y2: H - B }),
    s('text', { class: 'chart-label', x: L - 6, y: T + 10, 'text-anchor': 'end' }, num(maxOrders)),
    s('text', { class: 'chart-label', x: L - 6, y: H - B, 'text-anchor': 'end' }, '0'),
    pts.map((p) => s('rect', {
      class: 'chart-lost', x: x(p.minute - 1) + 1, width: Math.max(1, x(1) - x(0) - 2),
      y: H - B - ((H - T - B) * p.lost_revenue_yen) / maxLost / 3, height: ((H - T - B) * p.lost_revenue_yen) / maxLost / 3,
    }, s('title', null, `${t('review.minute', { n: p.minute })} · ${t('review.lost')} ${yen(p.lost_revenue_yen)}`))),
    line((p) => p.orders, 'chart-line chart-orders'),
    line((p) => p.errors, 'chart-line chart-errors'),
    (chart.marks || []).map((m) => s('line', { class: 'chart-mark', x1: x(m.tick / 60), x2: x(m.tick / 60), y1: T, y2: H - B },
      s('title', null, `${tPlus(m.tick)} · ${m.who} · ${t(`review.kind_${m.kind}`)}`))),
    [0, Math.floor(n / 2), n].map((m) => s('text', { class: 'chart-label', x: x(m), y: H - 10, 'text-anchor': 'middle' }, tPlus(m * 60))));
  return h('div', { class: 'chart-box' }, svg,
    h('ul', { class: 'chart-legend' },
      h('li', { class: 'legend-orders', i18n: 'review.legend_orders' }),
      h('li', { class: 'legend-errors', i18n: 'review.legend_errors' }),
      h('li', { class: 'legend-lost', i18n: 'review.legend_lost' }),
      h('li', { class: 'legend-mark', i18n: 'review.legend_marks' })));
}

function describe(e) {
  const w = e.what || {};
  switch (w.kind) {
    case 'alert': return `${w.service}: ${w.title}`;
    case 'fault_started': return `${w.fault}: ${w.service} (${(w.regions || []).join(', ')})`;
    case 'fault_stopped': return w.fault;
    case 'inject_fired': return `${w.inject}: ${w.text}`;
    case 'phase': return w.phase;
    case 'action_started':
    case 'action_done': return w.label || w.action;
    case 'notice': return `[${w.status}] ${w.text}`;
    case 'status_report': return `${w.affected} / ${w.scope} / ${w.impact}`;
    case 'hypothesis': return w.text;
    case 'message': return `#${w.channel}: ${w.text}`;
    case 'call_taken': return t('review.call_taken', { caller: w.caller, call: w.call, wait: minSec(w.wait_s || 0) });
    case 'call_ended': return t('review.call_ended', { call: w.call, disposition: w.disposition ? t(`disp.${w.disposition}`) : '—' });
    case 'call_abandoned': return t('review.call_abandoned', { caller: w.caller, call: w.call });
    case 'client_answered': return t('review.client_answered', { client: w.client, text: w.text });
    case 'client_escalated': return t('review.client_escalated', { client: w.client });
    case 'pulse': {
      const res = w.result || {};
      return t('review.pulse', { q: res.question ? pulseQuestionText(res.question.kind) : '', accuracy: res.accuracy_pct ?? 0, agreement: res.agreement_pct ?? 0, n: res.answers ?? 0 });
    }
    default: return '';
  }
}

/** A timeline kind in words; a kind newer than this page shows as it is. */
function kindName(kind) {
  const text = t(`review.kind_${kind}`);
  return text === `review.kind_${kind}` ? String(kind || '').replace(/_/g, ' ') : text;
}

/** The pulse questions' results kept in the timeline, or null. */
function pulsesView(r) {
  const results = (r.timeline || []).filter((e) => e.what && e.what.kind === 'pulse' && e.what.result).map((e) => e.what.result);
  if (!results.length) return null;
  return section('review-pulses', 'review.pulses',
    h('p', { class: 'hint', i18n: 'review.pulses_hint' }),
    h('div', { class: 'pulse-results review-pulse-results' }, results.map((res) => pulseResultView(res, (tick) => tPlus(tick)))));
}

function timelineTable(r) {
  return table(['review.time', 'review.who', 'review.what', 'review.detail'],
    r.timeline.map((e) => h('tr', { class: e.who ? 'tl-team' : 'tl-world' },
      h('td', { class: 'num', text: tPlus(e.tick) }),
      h('td', { text: e.who ? (e.role ? `${e.who} (${t(`role.${e.role}`)})` : e.who) : t('review.world') }),
      h('td', { text: kindName(e.what.kind) }),
      h('td', { text: describe(e) }))),
    'review-timeline');
}

function scoresView(sc) {
  return [
    h('p', { class: 'hint', text: pick(sc.rule) }),
    table(['review.role', 'review.points'], sc.roles.map((x) => h('tr', null,
      h('th', { scope: 'row', i18n: `role.${x.role}` }), h('td', { class: 'num', text: `${x.points} / ${x.max}` })))),
    table(['review.person', 'review.points', 'review.did'], sc.people.map((p) => h('tr', null,
      h('th', { scope: 'row', text: p.name }),
      h('td', { class: 'num', text: String(p.points) }),
      h('td', { text: Object.entries(p.did).map(([k, n]) => `${kindName(k)} ×${n}`).join(', ') })))),
  ];
}

/**
 * The export links. The server opens a review only to the drill's people,
 * who prove their seat with a header a plain link cannot send: a click
 * fetches the file with it and saves what came back.
 */
function downloads(id) {
  return h('ul', { class: 'review-downloads' }, ['md', 'html', 'json', 'csv'].map((f) => {
    const a = h('a', { href: f === 'json' ? `${reviewUrl(id, f)}&download=1` : reviewUrl(id, f), attrs: { download: '' }, class: `download-${f}`, i18n: `review.download_${f}` });
    a.addEventListener('click', async (ev) => {
      ev.preventDefault();
      try {
        const { blob, filename } = await reviewFile(id, f);
        const url = URL.createObjectURL(blob);
        const save = h('a', { href: url, class: 'sr-only', attrs: { download: filename } });
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(() => URL.revokeObjectURL(url), 30_000);
      } catch (e) {
        toast(e.message);
      }
    });
    return h('li', null, a);
  }));
}

/** The review screen for one drill. */
export function reviewScreen({ main, id }) {
  const body = h('div', { class: 'history-body' }, h('p', { class: 'loading', i18n: 'common.loading' }));
  fill(main, h('div', { class: 'history review', id: 'review' },
    h('p', { class: 'back-link' }, h('a', { href: `#history=${encodeURIComponent(id)}`, i18n: 'review.back' })),
    body));
  main.classList.remove('main-drill');
  let review = null;
  let gone = false;

  async function load() {
    fill(body, h('p', { class: 'loading', i18n: 'common.loading' }));
    try {
      // A facilitator may read the review while the drill runs; after it,
      // each of the drill's people as far as their seat saw.
      review = await drillReview(id, drillToken(id));
    } catch (e) {
      if (gone) return;
      const retry = h('button', { type: 'button', class: 'btn btn-small', i18n: 'common.retry' });
      retry.addEventListener('click', load);
      fill(body, h('div', { class: 'error-box', attrs: { role: 'alert' } }, h('p', { text: e.message }), retry));
      return;
    }
    if (!gone) render();
  }

  function render() {
    if (!review) return;
    const r = review;
    const sc = r.scores;
    fill(body,
      h('section', { class: 'intro' },
        h('h1', { id: 'review-title', text: `${t('review.title')}: ${r.title}` }),
        h('p', { class: 'lead', text: t('review.lead', { met: sc.met, late: sc.met_late, missed: sc.missed }) }),
        r.ended ? null : h('p', { class: 'notice-box', i18n: 'review.provisional' }),
        h('p', { class: 'score-big', id: 'review-team-score' }, h('strong', { text: `${sc.team_points} / ${sc.team_max}` }),
          h('span', { text: ` (${sc.team_pct} %)` })),
        downloads(id),
        r.ended ? h('p', { class: 'summary-link' }, h('a', { href: `#replay=${encodeURIComponent(id)}`, id: 'review-replay-link', i18n: 'review.replay_link' })) : null),
      section('review-objectives', 'review.objectives', objectivesTable(r)),
      section('review-awareness', 'review.awareness', awarenessView(r.awareness)),
      pulsesView(r),
      section('review-outcome', 'review.outcome_title', baselineBar(r.outcome)),
      section('review-chart', 'review.chart', worldChart(r.chart)),
      section('review-scores', 'review.scores', scoresView(sc)),
      section('review-ratings', 'review.ratings',
        r.ratings.length ? table(['review.capability', 'review.rating', 'review.comment', 'review.by'], r.ratings.map((x) => h('tr', null,
          h('th', { scope: 'row', text: x.capability }),
          h('td', null, h('abbr', { text: x.rating, attrs: { title: t(`review.rating_${x.rating}`) } })),
          h('td', { text: x.comment }), h('td', { text: x.by })))) : h('p', { class: 'hint', i18n: 'review.no_ratings' })),
      section('review-plan', 'review.plan',
        r.improvements.length ? h('ul', { class: 'review-plan' }, r.improvements.map((x) => h('li', null,
          h('span', { text: x.text }), x.owner ? h('span', { class: 'pill', text: x.owner }) : null)))
          : h('p', { class: 'hint', i18n: 'review.no_plan' })),
      section('review-timeline', 'review.timeline', timelineTable(r)));
  }

  load();
  return {
    renderAll: render,
    destroy() {
      gone = true;
    },
  };
}
