// The response workflow's own tools beyond chat: the incident owner's
// status report with its promised next update (and the nudge when it is
// late), and the hypothesis box for engineers and the owner. Built once,
// like the other panels, so typed text survives every update; every field
// is a draft in ui.drafts.

import { h, fill, tr, field } from './dom.js';
import { t } from './i18n.js';
import { hhmm, duration, channelName } from './format.js';
import { panel } from './panels.js';
import { playing, nowTick, timeAt, reportLate, reportNudged, findChannel } from './state.js';

/** Limits the server holds too (limits.rs). */
const STATUS_FIELD_CHARS_MAX = 500;
const REPORT_INTERVAL_MIN_MAX = 120;
const HYPOTHESIS_CHARS_MAX = 2000;
const REPORT_NEXT_DEFAULT_MIN = 10;

const REPORT_FIELDS = ['affected', 'scope', 'impact', 'actions'];

function declared(state) {
  return state.declared_at_tick !== null && state.declared_at_tick !== undefined;
}

/** The world time by which the next report is promised, "12:10". */
function dueTime(state) {
  return hhmm(timeAt(state, state.next_report_due_tick));
}

/**
 * The incident owner's status report: affected, scope, impact, actions and
 * the next update in minutes; above it, the promise and its countdown.
 */
export function statusReportPanel(ctx) {
  const inputs = {
    affected: h('input', { id: 'report-affected', type: 'text', maxLength: STATUS_FIELD_CHARS_MAX, autocomplete: 'off' }),
    scope: h('input', { id: 'report-scope', type: 'text', maxLength: STATUS_FIELD_CHARS_MAX, autocomplete: 'off' }),
    impact: h('textarea', { id: 'report-impact', rows: 2, maxLength: STATUS_FIELD_CHARS_MAX }),
    actions: h('textarea', { id: 'report-actions', rows: 2, maxLength: STATUS_FIELD_CHARS_MAX }),
  };
  const next = h('input', {
    id: 'report-next', type: 'number', min: 1, max: REPORT_INTERVAL_MIN_MAX, step: 1, inputMode: 'numeric', class: 'num-input',
  });
  const drafts = ctx.ui.drafts;
  for (const k of REPORT_FIELDS) {
    inputs[k].value = drafts[`report:${k}`] || '';
    inputs[k].addEventListener('input', () => ctx.saveDraft(`report:${k}`, inputs[k].value));
  }
  next.value = drafts['report:next'] || String(REPORT_NEXT_DEFAULT_MIN);
  next.addEventListener('input', () => ctx.saveDraft('report:next', next.value));

  const promise = h('div', { class: 'report-promise', id: 'report-promise' });
  const promiseText = h('span', { class: 'promise-text' });
  const countdown = h('span', { class: 'promise-countdown', id: 'report-countdown' });
  fill(promise, promiseText, countdown);
  const error = h('p', { class: 'form-error', id: 'report-error', hidden: true, attrs: { role: 'alert' } });
  const posted = h('p', { class: 'hint report-posted', id: 'report-posted', hidden: true, attrs: { role: 'status' } });
  const hint = h('p', { class: 'hint', id: 'report-hint' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'report-post', i18n: 'report.post' });
  const form = h('form', { class: 'report-form', id: 'report-form', noValidate: true },
    field('report.affected', inputs.affected),
    field('report.scope', inputs.scope),
    field('report.impact', inputs.impact),
    field('report.actions', inputs.actions),
    h('div', { class: 'report-next-row' },
      field('report.next', next, 'report.next_hint'),
      submit),
    error, posted, hint);
  const el = panel('panel.status_report', promise, form);
  el.id = 'status-report-panel';
  let prefilled = false;

  const showError = (key, vars, focus) => {
    error.hidden = false;
    tr(error, [key, vars]);
    if (focus) focus.focus();
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.hidden = true;
    const minutes = Number(next.value);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > REPORT_INTERVAL_MIN_MAX) {
      showError('report.next_range', { max: REPORT_INTERVAL_MIN_MAX }, next);
      return;
    }
    const values = Object.fromEntries(REPORT_FIELDS.map((k) => [k, inputs[k].value.trim()]));
    if (!values.affected) {
      showError('report.affected_required', undefined, inputs.affected);
      return;
    }
    submit.disabled = true;
    ctx.send({ type: 'status_report', ...values, next_update_min: minutes }, {
      onAck: () => {
        // The fields stay: the next report usually changes only a little.
        posted.hidden = false;
        const s = ctx.get();
        tr(posted, ['report.posted', { time: hhmm(timeAt(s, nowTick(s))) }]);
      },
      onSettled: () => update(ctx.get()),
    });
  });

  function update(state) {
    // Start from the last report when nothing was typed yet.
    if (!prefilled && state.last_report) {
      prefilled = true;
      for (const k of REPORT_FIELDS) {
        if (!inputs[k].value && drafts[`report:${k}`] === undefined) inputs[k].value = state.last_report[k] || '';
      }
    }
    const ok = declared(state) && playing(state) && ctx.online();
    submit.disabled = !ok;
    hint.hidden = declared(state) && playing(state);
    tr(hint, !declared(state) ? 'report.hint_declare_first' : state.status === 'ended' ? 'report.hint_ended' : 'report.hint_lobby');
    pulse(state);
  }

  function pulse(state) {
    const due = state.next_report_due_tick;
    const has = due !== null && due !== undefined;
    const late = reportLate(state);
    promise.classList.toggle('late', late && state.status !== 'ended');
    promise.classList.toggle('none', !has);
    if (!has) {
      promiseText.textContent = t(declared(state) ? 'report.no_promise' : 'report.no_promise_yet');
      countdown.textContent = '';
      return;
    }
    const now = nowTick(state);
    if (late) {
      promiseText.textContent = t('report.was_due', { time: dueTime(state) });
      countdown.textContent = state.status === 'ended' ? '' : t('report.late_by', { left: duration(now - due) });
    } else {
      promiseText.textContent = t('report.due', { time: dueTime(state) });
      countdown.textContent = t('report.due_in', { left: duration(due - now) });
    }
  }

  /** Brings the form into view with the first field focused. */
  function focusForm() {
    el.scrollIntoView({ block: 'start', behavior: 'smooth' });
    inputs.affected.focus({ preventScroll: true });
  }

  return { el, update, pulse, focusForm };
}

/**
 * The owner's nudge when the promised report is late: a bar across the
 * drill screen, there until the next report is posted.
 */
export function reportNudge(ctx, { onWrite }) {
  const text = h('span', { class: 'nudge-text', id: 'report-nudge-text' });
  // The running count is not part of the alert: it would be read out
  // again every second.
  const late = h('span', { class: 'nudge-late', attrs: { 'aria-hidden': 'true' } });
  const write = h('button', { type: 'button', class: 'btn btn-small nudge-button', id: 'report-nudge-write', i18n: 'nudge.write' });
  write.addEventListener('click', onWrite);
  const el = h('div', { class: 'nudge', id: 'report-nudge', hidden: true, attrs: { role: 'alert' } },
    h('span', { class: 'nudge-icon', attrs: { 'aria-hidden': 'true' } }),
    h('strong', { class: 'nudge-title', i18n: 'nudge.title' }), text, late, write);
  function update(state) {
    el.hidden = !reportNudged(state);
    if (el.hidden) return;
    const text2 = t('nudge.text', { time: dueTime(state) });
    if (text.textContent !== text2) text.textContent = text2;
    late.textContent = t('nudge.late', { late: duration(Math.max(0, nowTick(state) - state.next_report_due_tick)) });
  }
  return { el, update, pulse: update };
}

/** A hypothesis about the cause, posted for the whole response team. */
export function hypothesisPanel(ctx) {
  const text = h('textarea', { id: 'hypothesis-text', rows: 3, maxLength: HYPOTHESIS_CHARS_MAX });
  text.value = ctx.ui.drafts.hypothesis || '';
  text.addEventListener('input', () => ctx.saveDraft('hypothesis', text.value));
  const post = h('button', { type: 'submit', class: 'btn btn-primary', id: 'hypothesis-post', i18n: 'hypo.post' });
  const where = h('p', { class: 'hint', id: 'hypothesis-where' });
  text.setAttribute('aria-describedby', 'hypothesis-where');
  const form = h('form', { class: 'hypothesis-form' }, field('hypo.label', text), where, post);
  const el = panel('panel.hypothesis', form);
  el.id = 'hypothesis-panel';
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = text.value.trim();
    if (!body) {
      text.focus();
      return;
    }
    post.disabled = true;
    ctx.send({ type: 'hypothesis', text: body }, {
      onAck: () => {
        if (text.value.trim() === body) {
          text.value = '';
          ctx.saveDraft('hypothesis', '');
        }
      },
      onSettled: () => update(ctx.get()),
    });
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  function update(state) {
    post.disabled = !playing(state) || !ctx.online();
    text.placeholder = t('hypo.placeholder');
    // The server posts it in the war room once declared, in #ops before.
    const channel = findChannel(state, 'incident-war-room') ? 'incident-war-room' : 'ops';
    tr(where, ['hypo.where', { name: channelName(channel) }]);
  }
  return { el, update };
}
