// The end-of-drill result: score, how it was made, the key times. Shown at
// the end of a drill and again in the history.

import { h } from './dom.js';
import { t } from './i18n.js';
import { tPlus, yen, minSec } from './format.js';

/** Seconds from the first alert to the declaration, or null. */
export function timeToDeclare(sum) {
  if (!sum || sum.declared_at_s == null || sum.first_signal_at_s == null) return null;
  return sum.declared_at_s - sum.first_signal_at_s;
}

/** Seconds from the declaration to the first external notice, or null. */
export function noticeAfterDeclare(sum) {
  if (!sum || sum.declared_at_s == null || sum.first_external_notice_at_s == null) return null;
  return sum.first_external_notice_at_s - sum.declared_at_s;
}

/** Calls abandoned: {abandoned, calls, pct}, or null without calls. */
export function callsAbandoned(sum) {
  const desk = sum && sum.desk;
  if (!desk || !desk.calls) return null;
  const abandoned = desk.abandoned || 0;
  return { abandoned, calls: desk.calls, pct: Math.round((abandoned * 1000) / desk.calls) / 10 };
}

/** Corporate clients' escalations, or null for a drill before the desk. */
export function clientEscalations(sum) {
  const desk = sum && sum.desk;
  return desk && Number.isFinite(desk.escalations) ? desk.escalations : null;
}

/**
 * The measures the history follows across drills, oldest first: for each
 * drill {id, created_ms, score, ttd, notice, abandoned, escalations},
 * null where a drill has no such value (nothing declared, no calls...).
 */
export function trendRows(newestFirst) {
  return (newestFirst || []).slice().reverse().map((d) => {
    const sum = d.summary || {};
    return {
      id: d.id,
      created_ms: d.created_ms,
      score: sum.score ?? null,
      ttd: timeToDeclare(sum),
      notice: noticeAfterDeclare(sum),
      abandoned: callsAbandoned(sum),
      escalations: clientEscalations(sum),
    };
  });
}

/** "3 min 20 s", or why there is no such time. */
export function ttdText(sum) {
  const v = timeToDeclare(sum);
  if (v !== null) return v < 0 ? t('history.before_alert', { t: minSec(-v) }) : minSec(v);
  if (!sum || sum.declared_at_s == null) return t('history.not_declared');
  return t('history.no_alert');
}

export function noticeText(sum) {
  const v = noticeAfterDeclare(sum);
  if (v !== null) return v < 0 ? t('history.before_declare', { t: minSec(-v) }) : minSec(v);
  if (!sum || sum.first_external_notice_at_s == null) return t('history.no_notice');
  return t('history.not_declared');
}

/** A score part's name: its objective's, in the seat's language. */
export function partLabel(key) {
  const k = String(key || '');
  if (k.startsWith('inject:')) return t('score.inject', { id: k.slice('inject:'.length) });
  return t(`score.${k}`) === `score.${k}` ? k : t(`score.${k}`);
}

/** The summary's parts: [score, score parts table, times]. */
export function summaryView(sum, { titleId, titleKey = 'summary.title' } = {}) {
  const at = (v) => (v === null || v === undefined ? t('summary.never') : tPlus(v));
  const rows = [
    ['summary.first_signal', at(sum.first_signal_at_s)],
    ['summary.declared', at(sum.declared_at_s)],
    ['summary.first_notice', at(sum.first_external_notice_at_s)],
    ['summary.mitigated', at(sum.mitigated_at_s)],
    ['summary.resolved', at(sum.resolved_at_s) + (sum.resolved_prematurely ? ` (${t('summary.premature')})` : '')],
    ['summary.time_to_declare', ttdText(sum)],
    ['summary.lost_revenue', yen(sum.lost_revenue)],
    ['summary.revenue', yen(sum.revenue_yen)],
  ];
  // The support desk and the client chats (drills since the desk existed).
  const desk = sum.desk;
  if (desk) {
    rows.push(
      ['summary.calls', desk.calls ? t('summary.calls_value', { answered: desk.answered, calls: desk.calls, abandoned: desk.abandoned }) : t('summary.no_calls')],
      ['summary.wait', desk.answered ? t('summary.wait_value', { mean: minSec(desk.wait_s_mean), max: minSec(desk.wait_s_max) }) : '—'],
      ['summary.chats', t('summary.chats_value', { replies: desk.chat_replies, escalations: desk.escalations })],
    );
  }
  return [
    h('div', { class: 'score' },
      h('h2', { id: titleId, class: 'summary-title', i18n: titleKey }),
      h('p', { class: 'score-big' }, h('strong', { text: String(sum.score) }), h('span', { text: ' / 100' }))),
    h('table', { class: 'score-parts' },
      h('caption', { i18n: 'summary.parts' }),
      h('tbody', null, (sum.score_parts || []).map((p) => h('tr', null,
        h('th', { scope: 'row', text: partLabel(p.key) }),
        h('td', { class: 'num' }, h('meter', { min: 0, max: p.max || 1, value: p.points, attrs: { 'aria-hidden': 'true' } })),
        h('td', { class: 'num', text: `${p.points} / ${p.max}` }))))),
    h('dl', { class: 'summary-times' }, rows.map(([k, v]) => [h('dt', { i18n: k }), h('dd', { text: v })])),
  ];
}
