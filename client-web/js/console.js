// The facilitator's live controls beyond the clock: the injects timeline
// (fire now, skip, delay, edit before it fires), injects written on the
// spot, and what to do to each fault of the answer key.
//
// Rows are kept per inject (not rebuilt), so an edit in progress, a delay
// being typed or a focused button survive every update.

import { h, fill, tr, trAttr, field } from './dom.js';
import { t } from './i18n.js';
import { hhmm, duration, tPlus } from './format.js';
import { panel } from './panels.js';
import { playing, nowTick, timeAt, injectTimeline, MEDIUMS, FAULT_OPS } from './state.js';
import { LINE_CHARS_MAX } from './desk.js';

const DELAY_MIN_MAX = 120;
const DELAY_DEFAULT_MIN = 5;

const has = (v) => v !== null && v !== undefined;

/** The injects timeline with its buttons. */
export function injectsPanel(ctx) {
  const next = h('p', { class: 'inject-next', id: 'inject-next', attrs: { role: 'status' } });
  const list = h('ol', { class: 'inject-list', id: 'inject-list' });
  const el = panel('panel.injects', next, list);
  el.id = 'injects-panel';
  const rows = new Map();

  function makeRow(id) {
    const r = { id };
    r.when = h('span', { class: 'inject-when' });
    r.medium = h('span', { class: 'pill pill-quiet inject-medium' });
    r.persona = h('span', { class: 'inject-persona' });
    r.status = h('span', { class: 'pill inject-status' });
    r.text = h('p', { class: 'inject-text' });
    r.expect = h('p', { class: 'inject-expect hint' });
    r.trigger = h('button', { type: 'button', class: 'btn btn-small btn-primary', id: `inject-trigger-${id}`, i18n: 'inject.trigger' });
    r.skip = h('button', { type: 'button', class: 'btn btn-small', id: `inject-skip-${id}`, i18n: 'inject.skip' });
    r.minutes = h('input', { type: 'number', id: `inject-minutes-${id}`, min: 1, max: DELAY_MIN_MAX, step: 1, value: String(DELAY_DEFAULT_MIN), class: 'num-input inject-minutes', inputMode: 'numeric' });
    r.delay = h('button', { type: 'button', class: 'btn btn-small', id: `inject-delay-${id}`, i18n: 'inject.delay' });
    r.editBtn = h('button', { type: 'button', class: 'btn btn-small btn-ghost', id: `inject-edit-${id}`, i18n: 'inject.edit' });
    r.editText = h('textarea', { id: `inject-text-${id}`, rows: 3, maxLength: LINE_CHARS_MAX });
    r.save = h('button', { type: 'submit', class: 'btn btn-small btn-primary', id: `inject-save-${id}`, i18n: 'inject.save' });
    r.cancel = h('button', { type: 'button', class: 'btn btn-small', id: `inject-cancel-${id}`, i18n: 'inject.cancel' });
    r.editForm = h('form', { class: 'inject-edit', hidden: true },
      h('label', { htmlFor: r.editText.id, class: 'sr-only', i18n: 'inject.text_label' }), r.editText,
      h('div', { class: 'inject-edit-buttons' }, r.save, r.cancel));
    const minutesLabel = h('label', { htmlFor: r.minutes.id, class: 'sr-only', i18n: 'inject.minutes' });
    r.buttons = h('div', { class: 'inject-buttons' }, r.trigger, r.skip,
      h('span', { class: 'inject-delay' }, minutesLabel, r.minutes, r.delay), r.editBtn);
    r.li = h('li', { class: 'inject', dataset: { inject: id } },
      h('div', { class: 'inject-head' }, r.when, r.status, r.medium),
      r.persona, r.text, r.editForm, r.expect, r.buttons);

    const send = (cmd, after) => ctx.send(cmd, { onAck: after, onSettled: () => update(ctx.get()) });
    r.trigger.addEventListener('click', () => {
      r.trigger.disabled = true;
      send({ type: 'trigger_inject', inject: id });
    });
    r.skip.addEventListener('click', () => {
      // Two clicks: skipping cannot be undone.
      if (r.skip.dataset.armed !== '1') {
        r.skip.dataset.armed = '1';
        tr(r.skip, 'inject.skip_confirm');
        setTimeout(() => {
          delete r.skip.dataset.armed;
          tr(r.skip, 'inject.skip');
        }, 4000);
        return;
      }
      delete r.skip.dataset.armed;
      tr(r.skip, 'inject.skip');
      send({ type: 'skip_inject', inject: id });
    });
    r.delay.addEventListener('click', () => {
      const m = Number(r.minutes.value);
      if (!Number.isInteger(m) || m < 1 || m > DELAY_MIN_MAX) {
        r.minutes.focus();
        return;
      }
      send({ type: 'delay_inject', inject: id, minutes: m });
    });
    r.editBtn.addEventListener('click', () => {
      const inj = (ctx.get().injects || []).find((i) => i.id === id);
      r.editText.value = inj ? inj.text : '';
      r.editForm.hidden = false;
      r.text.hidden = true;
      r.buttons.hidden = true;
      r.editText.focus();
    });
    const closeEdit = () => {
      r.editForm.hidden = true;
      r.text.hidden = false;
      r.buttons.hidden = false;
      r.editBtn.focus();
    };
    r.cancel.addEventListener('click', closeEdit);
    r.editForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = r.editText.value.trim();
      if (!text) {
        r.editText.focus();
        return;
      }
      send({ type: 'edit_inject', inject: id, text }, closeEdit);
    });
    rows.set(id, r);
    return r;
  }

  function update(state) {
    const { fired, pending, skipped, next: upcoming } = injectTimeline(state);
    const now = nowTick(state);
    const live = ctx.online() && state.status !== 'ended';
    const running = playing(state) && ctx.online();
    if (!(state.injects || []).length) {
      tr(next, 'inject.none');
    } else if (upcoming) {
      tr(next, ['inject.next', { persona: upcoming.persona, time: hhmm(timeAt(state, upcoming.due_tick)), left: duration(Math.max(0, upcoming.due_tick - now)) }]);
    } else {
      tr(next, pending.length ? 'inject.next_conditional' : 'inject.all_done');
    }
    const ordered = [...pending, ...fired.slice().reverse(), ...skipped];
    const seen = new Set();
    ordered.forEach((inj, i) => {
      seen.add(inj.id);
      const r = rows.get(inj.id) || makeRow(inj.id);
      if (list.children[i] !== r.li) list.insertBefore(r.li, list.children[i] || null);
      const done = has(inj.fired_tick);
      const isNext = upcoming && upcoming.id === inj.id;
      r.li.className = ['inject', done ? 'fired' : inj.skipped ? 'skipped' : 'pending', isNext ? 'next' : null].filter(Boolean).join(' ');
      r.when.textContent = done
        ? t('inject.fired_at', { time: hhmm(timeAt(state, inj.fired_tick)), t: tPlus(inj.fired_tick) })
        : has(inj.due_tick) ? t('inject.due_at', { time: hhmm(timeAt(state, inj.due_tick)), t: tPlus(inj.due_tick) }) : t('inject.conditional');
      r.status.textContent = t(done ? 'inject.fired' : inj.skipped ? 'inject.skipped' : isNext ? 'inject.next_pill' : 'inject.pending');
      r.status.className = ['pill', 'inject-status', done ? 'pill-ok' : inj.skipped ? 'pill-quiet' : isNext ? 'pill-fresh' : 'pill-quiet'].join(' ');
      r.medium.textContent = t(`medium.${inj.medium}`);
      r.persona.textContent = inj.persona;
      r.text.textContent = inj.text;
      const expect = [];
      if (inj.expect_role) {
        expect.push(has(inj.expect_within_s)
          ? t('inject.expect_within', { role: t(`role.${inj.expect_role}`), t: duration(inj.expect_within_s) })
          : t('inject.expect', { role: t(`role.${inj.expect_role}`) }));
      }
      if (inj.note) expect.push(inj.note);
      r.expect.textContent = expect.join(' — ');
      r.expect.hidden = !expect.length;
      const open = !done && !inj.skipped;
      r.buttons.hidden = !open || !r.editForm.hidden;
      if (!open) {
        r.editForm.hidden = true;
        r.text.hidden = false;
      }
      r.trigger.disabled = !running;
      r.skip.disabled = !live;
      r.delay.disabled = !live;
      r.minutes.disabled = !live;
      r.editBtn.disabled = !live;
      r.save.disabled = !live;
      for (const b of [r.trigger, r.skip, r.delay, r.editBtn]) b.setAttribute('aria-describedby', `inject-persona-${inj.id}`);
      r.persona.id = `inject-persona-${inj.id}`;
    });
    for (const [id, r] of rows) {
      if (!seen.has(id)) {
        r.li.remove();
        rows.delete(id);
      }
    }
  }
  return { el, update, pulse: (state) => {
    const { next: upcoming } = injectTimeline(state);
    if (upcoming) tr(next, ['inject.next', { persona: upcoming.persona, time: hhmm(timeAt(state, upcoming.due_tick)), left: duration(Math.max(0, upcoming.due_tick - nowTick(state))) }]);
  } };
}

/** An inject written now: from a persona, by a medium. */
export function adHocPanel(ctx) {
  const persona = h('select', { id: 'adhoc-persona' });
  const medium = h('select', { id: 'adhoc-medium' }, MEDIUMS.map((m) => h('option', { value: m, i18n: `medium.${m}` })));
  const text = h('textarea', { id: 'adhoc-text', rows: 3, maxLength: LINE_CHARS_MAX });
  trAttr(text, 'placeholder', 'adhoc.placeholder');
  text.value = ctx.ui.drafts.adhoc || '';
  text.addEventListener('input', () => ctx.saveDraft('adhoc', text.value));
  const send = h('button', { type: 'submit', class: 'btn btn-primary', id: 'adhoc-send', i18n: 'adhoc.send' });
  const hint = h('p', { class: 'hint', id: 'adhoc-hint' });
  const form = h('form', { class: 'adhoc-form', id: 'adhoc-form' },
    h('div', { class: 'adhoc-row' }, field('adhoc.persona', persona), field('adhoc.medium', medium)),
    field('adhoc.text', text), send, hint);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = text.value.trim();
    if (!body || !persona.value) {
      (persona.value ? text : persona).focus();
      return;
    }
    send.disabled = true;
    ctx.send({ type: 'ad_hoc_inject', persona: persona.value, medium: medium.value, text: body }, {
      onAck: () => {
        if (text.value.trim() === body) {
          text.value = '';
          ctx.saveDraft('adhoc', '');
        }
      },
      onSettled: () => update(ctx.get()),
    });
  });
  const el = panel('panel.adhoc', form);
  el.id = 'adhoc-panel';
  function update(state) {
    const personas = state.personas || [];
    const key = JSON.stringify(personas);
    if (persona.dataset.key !== key) {
      const before = persona.value;
      persona.dataset.key = key;
      fill(persona, personas.map((p) => h('option', { value: p.id, text: p.name })));
      if (personas.some((p) => p.id === before)) persona.value = before;
    }
    const live = playing(state) && ctx.online();
    send.disabled = !live || !personas.length;
    hint.hidden = live;
    tr(hint, state.status === 'ended' ? 'desk.hint_ended' : 'desk.hint_lobby');
  }
  return { el, update };
}

/** Start / Worsen / Spread / Heal for one fault of the answer key. */
export function faultButtons(ctx, state, fault) {
  const live = playing(state) && ctx.online();
  return h('div', { class: 'fault-ops', attrs: { role: 'group', 'aria-label': t('fault.ops_label', { id: fault.id }) } },
    FAULT_OPS.map((op) => {
      const b = h('button', { type: 'button', class: ['btn', 'btn-small', op === 'heal' ? 'btn-secondary' : null], id: `fault-${op}-${fault.id}`, i18n: `fault.${op}` });
      b.disabled = !live || (op === 'start' && fault.active) || (op === 'heal' && !fault.active);
      b.addEventListener('click', () => {
        b.disabled = true;
        // The key may not change (a fault at its last stage): the button
        // comes back once the server answered.
        ctx.send({ type: 'fault_control', fault: fault.id, op }, { onSettled: () => { b.disabled = false; } });
      });
      return b;
    }));
}
