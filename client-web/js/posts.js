// Rendering of one channel post. Every body kind is structured data from
// the server, rendered in the reader's language; free text stays text.

import { h } from './dom.js';
import { t } from './i18n.js';
import { timeOfDay, tPlus, num, yen, ppmPct, seatLabel, hhmm, shortTime } from './format.js';
import { timeAt, wallAt, mentionsYou, seatRole } from './state.js';

/** Payment success below this (ppm) is shown as bad. */
export const PAYMENT_BAD_PPM = 950000;

/**
 * The payment tile of a pulse: {text, bad, extra, def}. A success rate is
 * shown with the payments it was measured on; when none was tried (a dead
 * service, or a store on paper), it says so instead of a healthy 100 %.
 */
export function paymentFigure(p) {
  const def = 'metric.payment_def';
  if (!p || p.payment_success_ppm === undefined) return { text: '—', bad: false, extra: null, def };
  const tried = p.payments_per_min;
  if (tried === 0) {
    return p.tick > 0
      ? { text: t('metric.no_payments'), bad: true, extra: null, def: 'metric.no_payments_def' }
      : { text: '—', bad: false, extra: null, def };
  }
  return {
    text: ppmPct(p.payment_success_ppm),
    bad: p.payment_success_ppm < PAYMENT_BAD_PPM,
    extra: Number.isInteger(tried) ? t('metric.payments_tried', { n: num(tried) }) : null,
    def,
  };
}

function authorView(author) {
  switch (author && author.kind) {
    case 'seat':
      return [h('span', { class: 'post-author', text: author.name }), h('span', { class: 'post-role', text: seatLabel(author.seat) })];
    case 'health_bot':
      return [h('span', { class: 'post-author bot', text: t('post.health_bot') })];
    case 'system':
      return [h('span', { class: 'post-author bot', text: t('post.system') })];
    case 'persona':
      return [h('span', { class: 'post-author persona', text: author.name })];
    default:
      return [h('span', { class: 'post-author', text: '?' })];
  }
}

function regionName(state, id) {
  const r = (state.drill.regions || []).find((x) => x.id === id);
  return r ? r.name : id;
}

function healthBody(state, r) {
  const pctClass = (ppm) => (ppm < PAYMENT_BAD_PPM ? 'bad' : null);
  const ordersClass = r.orders_per_min_expected && r.orders_per_min < r.orders_per_min_expected * 0.85 ? 'bad' : null;
  const head = h('tr', null,
    h('th', { scope: 'col', text: t('health.region') }),
    h('th', { scope: 'col', class: 'num', text: t('health.orders_per_min') }),
    h('th', { scope: 'col', class: 'num', text: t('health.payment_success') }),
    h('th', { scope: 'col', class: 'num', text: t('health.stores_affected') }));
  const total = h('tr', { class: 'total' },
    h('th', { scope: 'row', text: t('health.all_regions') }),
    h('td', { class: ['num', ordersClass], text: t('health.vs_expected', { n: num(r.orders_per_min), e: num(r.orders_per_min_expected) }) }),
    h('td', { class: ['num', pctClass(r.payment_success_ppm)], text: ppmPct(r.payment_success_ppm) }),
    h('td', { class: ['num', r.stores_affected ? 'bad' : null], text: num(r.stores_affected) }));
  const rows = (r.regions || []).map((g) => h('tr', null,
    h('th', { scope: 'row', text: regionName(state, g.region) }),
    h('td', { class: 'num', text: num(g.orders_per_min) }),
    h('td', { class: ['num', pctClass(g.payment_success_ppm)], text: ppmPct(g.payment_success_ppm) }),
    h('td', { class: ['num', g.stores_affected ? 'bad' : null], text: num(g.stores_affected) })));
  return h('div', { class: 'health', attrs: { 'aria-label': t(alertTitle(alertState(r))) } },
    h('table', { class: 'health-table' }, h('thead', null, head), h('tbody', null, total, rows)),
    h('p', { class: 'health-foot' }, t('health.lost_revenue'), ' ', h('strong', { text: yen(r.lost_revenue_yen) })));
}

/** The owner's status report as a card: one row per field. */
function statusReportBody(state, r) {
  const row = (key, value) => [
    h('dt', { text: t(key) }),
    h('dd', { class: value ? null : 'muted', text: value || '—' }),
  ];
  return h('div', { class: 'report-card' },
    h('p', { class: 'report-card-title', text: t('post.status_report') }),
    h('dl', { class: 'report-fields' },
      row('report.affected', r.affected),
      row('report.scope', r.scope),
      row('report.impact', r.impact),
      row('report.actions', r.actions),
      h('dt', { text: t('post.next_update') }),
      h('dd', { class: 'report-next' }, h('strong', { text: hhmm(timeAt(state, r.next_update_tick)) }))));
}

function bodyView(state, body) {
  switch (body && body.kind) {
    case 'text':
      return h('p', { class: 'post-text', text: body.text });
    case 'health':
      return healthBody(state, body);
    case 'kickoff': {
      const items = (body.roster || []).map((s) => h('li', null, h('strong', { text: s.name }), ' — ', seatLabel(s.seat)));
      return h('div', { class: 'kickoff' },
        h('p', { class: 'kickoff-title', text: t('post.kickoff') }),
        items.length ? h('ul', null, items) : h('p', { class: 'muted', text: t('post.kickoff_empty') }));
    }
    case 'phase_changed':
      return h('p', { class: 'post-system', text: t('post.phase_changed', { phase: t(`phase.${body.phase}`), by: body.by }) });
    case 'action':
      return h('p', { class: 'post-system', text: t(body.stage === 'done' ? 'post.action_done' : 'post.action_started', { label: body.label, by: body.by }) });
    case 'notice':
      return h('div', { class: 'notice-post' },
        h('p', { class: 'post-system', text: t('post.notice', { by: body.by }) }),
        h('p', null, h('span', { class: ['pill', `cs-${body.status}`], text: t(`cstatus.${body.status}`) }), ' ', h('span', { class: 'post-text', text: body.text })));
    case 'status_report':
      return statusReportBody(state, body);
    case 'hypothesis':
      return h('div', { class: 'hypothesis' },
        h('span', { class: 'pill pill-hypothesis', text: t('post.hypothesis') }),
        h('p', { class: 'post-text hypothesis-text', text: body.text }));
    case 'report_overdue':
      return h('p', { class: 'overdue' },
        h('span', { class: 'pill pill-warn', text: t('post.overdue') }), ' ',
        h('span', { text: t('post.overdue_text', { time: hhmm(timeAt(state, body.due_tick)) }) }));
    case 'approval_requested':
      return h('p', { class: 'approval-post' },
        h('span', { class: 'pill pill-warn-soft', text: t('post.approval_requested') }), ' ',
        h('span', { text: t('post.approval_requested_text', { by: body.by, label: body.label }) }));
    case 'approval_decided':
      return h('p', { class: ['approval-post', body.approved ? 'approved' : 'rejected'] },
        h('span', { class: ['pill', body.approved ? 'pill-ok' : 'pill-bad'], text: t(body.approved ? 'post.approved' : 'post.rejected') }), ' ',
        h('span', { text: t(body.approved ? 'post.approved_text' : 'post.rejected_text', { by: body.by, label: body.label }) }));
    case 'client_escalated':
      return h('p', { class: 'escalated' },
        h('span', { class: 'pill pill-bad', text: t('post.escalated') }), ' ',
        h('span', { text: t('post.escalated_text', { name: body.name }) }));
    default:
      return h('p', { class: 'muted', text: t('post.unsupported') });
  }
}

/** Post body kinds this page renders (the others show as unsupported). */
export const POST_KINDS = ['text', 'health', 'kickoff', 'phase_changed', 'action', 'notice', 'status_report', 'hypothesis',
  'report_overdue', 'approval_requested', 'approval_decided', 'client_escalated'];

/** Whether a post mentions the reader's role (its id, short handle or shown name). */
export function postMentionsYou(state, post) {
  return mentionsYou(state, post, [t(`role.${seatRole(state)}`)]);
}

/**
 * A health post's alert state, as a monitoring tool shows it: 'firing',
 * 'still_firing', 'resolved' or 'none'. Posts from before the server sent
 * it fall back on `alert`. A recovery is never an alarm.
 */
export function alertState(body) {
  const known = ['none', 'firing', 'still_firing', 'resolved'];
  if (known.includes(body && body.alert_state)) return body.alert_state;
  return body && body.alert ? 'firing' : 'none';
}

function alertTitle(state) {
  if (state === 'firing' || state === 'still_firing') return 'health.alert_title';
  if (state === 'resolved') return 'health.resolved_title';
  return 'health.title';
}

/**
 * The element for one post. opts.pinned marks it as pinned in its
 * channel; opts.onPin(pinned), when given, adds the button that pins or
 * unpins it (for those who may write in the channel).
 */
export function renderPost(state, post, opts = {}) {
  const body = post.body || {};
  const alarm = body.kind === 'health' ? alertState(body) : 'none';
  const alert = alarm === 'firing' || alarm === 'still_firing';
  const tick = post.tick || 0;
  const mention = postMentionsYou(state, post);
  const wall = wallAt(state, tick);
  const wallText = wall === null ? null : shortTime(wall);
  const pinned = !!opts.pinned;
  let pinButton = null;
  if (opts.onPin) {
    pinButton = h('button', {
      type: 'button',
      class: 'btn btn-ghost btn-small pin-toggle',
      text: t(pinned ? 'pins.unpin' : 'pins.pin'),
      title: t(pinned ? 'pins.unpin_title' : 'pins.pin_title'),
      attrs: { 'aria-pressed': pinned ? 'true' : 'false' },
    });
    pinButton.addEventListener('click', () => opts.onPin(!pinned));
  }
  const id = Number.isInteger(post.id) ? { postId: post.id } : null;
  return h('article', { class: ['post', `post-kind-${body.kind || 'unknown'}`, alert ? 'post-alert' : null, mention ? 'post-mention' : null, pinned ? 'post-pinned' : null], dataset: id },
    h('header', { class: 'post-head' },
      authorView(post.author),
      alert ? h('span', { class: 'pill pill-bad health-alert', dataset: { alertState: alarm }, text: t(`health.state_${alarm}`) }) : null,
      alarm === 'resolved' ? h('span', { class: 'pill pill-good health-resolved', dataset: { alertState: alarm }, text: t('health.state_resolved') }) : null,
      mention ? h('span', { class: 'pill pill-mention', text: t('post.mentions_you') }) : null,
      pinned ? h('span', { class: 'pill pill-pinned', text: t('pins.pinned_mark') }) : null,
      h('time', { class: 'post-time', text: timeOfDay(timeAt(state, tick)), attrs: { title: wallText ? t('post.time_title', { t: tPlus(tick), wall: wallText }) : tPlus(tick) } }),
      wallText ? h('span', { class: 'post-wall', text: t('post.wall_short', { time: wallText }) }) : null,
      pinButton),
    bodyView(state, body));
}

/** Characters of a pinned post shown in the channel's pinned list. */
export const PIN_TEXT_CHARS = 90;

/** The text cut to n characters (code points), with an ellipsis if cut. */
export function truncate(text, n) {
  const chars = [...String(text || '').replace(/\s+/g, ' ').trim()];
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : chars.join('');
}

/** A post's author as one short name. */
export function authorName(author) {
  switch (author && author.kind) {
    case 'seat':
    case 'persona':
      return author.name || '?';
    case 'health_bot':
      return t('post.health_bot');
    case 'system':
      return t('post.system');
    default:
      return '?';
  }
}

/** What a post says, as one plain line (for the pinned list). */
export function postSummary(state, post) {
  const body = (post && post.body) || {};
  switch (body.kind) {
    case 'text':
      return body.text || '';
    case 'hypothesis':
      return `${t('post.hypothesis')}: ${body.text || ''}`;
    case 'notice':
      return `${t(`cstatus.${body.status}`)}: ${body.text || ''}`;
    case 'status_report':
      return `${t('post.status_report')}: ${body.affected || ''}`;
    case 'health':
      return t(alertTitle(alertState(body)));
    case 'kickoff':
      return t('post.kickoff');
    case 'phase_changed':
      return t('post.phase_changed', { phase: t(`phase.${body.phase}`), by: body.by });
    case 'action':
      return t(body.stage === 'done' ? 'post.action_done' : 'post.action_started', { label: body.label, by: body.by });
    case 'report_overdue':
      return t('post.overdue_text', { time: hhmm(timeAt(state, body.due_tick)) });
    case 'approval_requested':
      return t('post.approval_requested_text', { by: body.by, label: body.label });
    case 'approval_decided':
      return t(body.approved ? 'post.approved_text' : 'post.rejected_text', { by: body.by, label: body.label });
    case 'client_escalated':
      return t('post.escalated_text', { name: body.name });
    default:
      return t('post.unsupported');
  }
}
