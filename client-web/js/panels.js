// Role panels on the right of the drill screen. Each factory builds its
// controls once (so typed text survives every update) and returns
// {el, update(state), pulse?(state)}.

import { h, fill, tr, field } from './dom.js';
import { t } from './i18n.js';
import { timeOfDay, tPlus, duration, seatLabel } from './format.js';
import { PHASES, STATUSES, SPEEDS, playing, nowTick, timeAt } from './state.js';

function panel(titleKey, ...children) {
  const id = `panel-${titleKey.replace(/\W/g, '-')}`;
  return h('section', { class: 'panel', attrs: { 'aria-labelledby': id } },
    h('h2', { id, class: 'panel-title', i18n: titleKey }), ...children);
}

function actionLabel(state, id) {
  const a = (state.actions || []).find((x) => x.id === id);
  return a ? a.label : id;
}

function serviceName(state, id) {
  const s = (state.drill.services || []).find((x) => x.id === id);
  return s ? s.name : id;
}

function regionNames(state, ids) {
  if (!ids || !ids.length) return t('key.all_regions');
  return ids.map((id) => ((state.drill.regions || []).find((r) => r.id === id) || { name: id }).name).join(', ');
}

/** "Your role" card with a one-line orientation. */
export function rolePanel(role) {
  const el = panel('panel.your_role',
    h('p', { class: 'role-name', i18n: `role.${role}` }),
    h('p', { class: 'hint', i18n: `roledesc.${role}` }));
  el.classList.add('panel-role');
  return { el, update() {} };
}

/** 発令 button; the declaration's time once declared. */
export function declarePanel(ctx) {
  const button = h('button', { type: 'button', class: 'btn btn-declare', id: 'declare-button' },
    h('span', { class: 'declare-jp', text: '発令' }), h('span', { class: 'declare-sub', i18n: 'declare.button' }));
  const hint = h('p', { class: 'hint', id: 'declare-hint' });
  button.setAttribute('aria-describedby', hint.id);
  const done = h('p', { class: 'declared' });
  button.addEventListener('click', () => {
    button.disabled = true;
    ctx.send({ type: 'declare' }, { onSettled: () => update(ctx.get()) });
  });
  const el = panel('panel.declare', button, hint, done);
  function update(state) {
    const declared = state.declared_at_tick !== null && state.declared_at_tick !== undefined;
    button.hidden = declared;
    button.disabled = declared || !playing(state) || !ctx.online();
    tr(hint, declared ? 'declare.hint_done' : playing(state) ? 'declare.hint' : state.status === 'ended' ? 'declare.hint_ended' : 'declare.hint_lobby');
    hint.hidden = declared;
    done.hidden = !declared;
    if (declared) {
      const at = timeOfDay(timeAt(state, state.declared_at_tick));
      done.textContent = state.declared_by
        ? t('declare.done_by', { time: at, t: tPlus(state.declared_at_tick), by: state.declared_by })
        : t('declare.done', { time: at, t: tPlus(state.declared_at_tick) });
    }
  }
  return { el, update };
}

/** The incident owner's phase selector. */
export function phasePanel(ctx) {
  const select = h('select', { id: 'phase-select' },
    PHASES.filter((p) => p !== 'normal').map((p) => h('option', { value: p, i18n: `phase.${p}` })));
  const button = h('button', { type: 'submit', class: 'btn', id: 'phase-button', i18n: 'phase.set' });
  const current = h('p', { class: 'current-phase' });
  const hint = h('p', { class: 'hint' });
  const form = h('form', { class: 'row-form' }, field('phase.label', select), button);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.send({ type: 'set_phase', phase: select.value });
  });
  const el = panel('panel.phase', current, form, hint);
  let lastPhase = null;
  function update(state) {
    fill(current, t('phase.current'), ' ', h('span', { class: ['pill', `phase-${state.phase}`], text: t(`phase.${state.phase}`) }));
    const declared = state.declared_at_tick !== null && state.declared_at_tick !== undefined;
    const ok = declared && playing(state) && ctx.online();
    select.disabled = !declared || state.status === 'ended';
    button.disabled = !ok;
    hint.hidden = declared;
    tr(hint, 'phase.hint_declare_first');
    // Suggest the next phase when the phase moves on.
    if (state.phase !== lastPhase && document.activeElement !== select) {
      const i = PHASES.indexOf(state.phase);
      const next = PHASES[Math.min(PHASES.length - 1, Math.max(1, i + 1))];
      select.value = next;
      lastPhase = state.phase;
    }
  }
  return { el, update };
}

/** Runbook: actions an engineer can run, and the runs in progress. */
export function runbookPanel(ctx, { canRun }) {
  const list = h('ul', { class: 'action-list' });
  const runs = h('div', { class: 'runs' });
  const children = [];
  if (canRun) children.push(h('h3', { class: 'sub', i18n: 'runbook.available' }), list);
  children.push(h('h3', { class: 'sub', i18n: 'runbook.runs' }), runs);
  const el = panel(canRun ? 'panel.runbook' : 'panel.actions', ...children);
  let countdowns = [];

  function update(state) {
    const inProgress = new Set((state.actions_run || []).filter((r) => !r.done).map((r) => r.action));
    if (canRun) {
      fill(list, (state.actions || []).map((a) => {
        const run = h('button', { type: 'button', class: 'btn btn-small', i18n: 'runbook.run' });
        run.setAttribute('aria-label', t('runbook.run_label', { label: a.label }));
        run.disabled = !playing(state) || !ctx.online() || inProgress.has(a.id);
        run.addEventListener('click', () => {
          run.disabled = true;
          ctx.send({ type: 'run_action', action: a.id }, { onSettled: () => update(ctx.get()) });
        });
        return h('li', { class: 'action' },
          h('div', { class: 'action-main' },
            h('span', { class: 'action-label', text: a.label }),
            h('span', { class: 'action-meta', text: t('runbook.meta', { service: serviceName(state, a.service), delay: duration(a.delay_s) }) })),
          run);
      }));
      if (!(state.actions || []).length) fill(list, h('li', { class: 'muted', i18n: 'runbook.none' }));
    }
    countdowns = [];
    const all = (state.actions_run || []).slice().sort((a, b) => b.started_tick - a.started_tick);
    if (!all.length) {
      fill(runs, h('p', { class: 'muted', i18n: 'runbook.no_runs' }));
      return;
    }
    fill(runs, h('ul', { class: 'run-list' }, all.map((r) => {
      const label = actionLabel(state, r.action);
      if (r.done) {
        return h('li', { class: 'run done' },
          h('span', { class: 'run-label', text: label }),
          h('span', { class: 'run-meta', text: t('runbook.done', { time: timeOfDay(timeAt(state, r.effective_tick)), by: r.by }) }));
      }
      const left = h('span', { class: 'countdown' });
      const bar = h('progress', { max: Math.max(1, r.effective_tick - r.started_tick), value: 0 });
      bar.setAttribute('aria-label', t('runbook.progress', { label }));
      countdowns.push({ r, left, bar });
      return h('li', { class: 'run active' },
        h('span', { class: 'run-label', text: label }),
        h('span', { class: 'run-meta', text: t('runbook.started_by', { by: r.by, time: timeOfDay(timeAt(state, r.started_tick)) }) }),
        h('div', { class: 'run-progress' }, bar, left));
    })));
    pulse(state);
  }

  function pulse(state) {
    const now = nowTick(state);
    for (const { r, left, bar } of countdowns) {
      const remaining = Math.max(0, r.effective_tick - now);
      left.textContent = t('runbook.left', { left: duration(remaining) });
      bar.value = Math.min(bar.max, Math.max(0, now - r.started_tick));
    }
  }
  return { el, update, pulse };
}

function noticeList(state) {
  const notices = (state.notices || []).slice().reverse();
  if (!notices.length) return h('p', { class: 'muted', i18n: 'notice.none' });
  return h('ol', { class: 'notice-list', reversed: true }, notices.map((n) => h('li', { class: 'notice' },
    h('div', { class: 'notice-head' },
      h('span', { class: ['pill', `cs-${n.status}`], text: t(`cstatus.${n.status}`) }),
      h('span', { class: 'notice-meta', text: t('notice.meta', { time: timeOfDay(timeAt(state, n.tick)), by: n.by }) })),
    h('p', { class: 'notice-text', text: n.text }))));
}

/** Notice editor (comms lead, incident owner) and the published notices. */
export function noticeEditorPanel(ctx) {
  const status = h('select', { id: 'notice-status' }, STATUSES.map((s) => h('option', { value: s, i18n: `cstatus.${s}` })));
  status.value = 'partial_outage';
  const text = h('textarea', { id: 'notice-text', rows: 4, maxLength: 2000 });
  text.value = ctx.ui.drafts.notice || '';
  text.addEventListener('input', () => ctx.saveDraft('notice', text.value));
  const publish = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'notice.publish' });
  const form = h('form', { class: 'notice-form' },
    field('notice.status', status), field('notice.text', text, 'notice.text_hint'), publish);
  const list = h('div', { class: 'notices' });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = text.value.trim();
    if (!body) {
      text.focus();
      return;
    }
    const sent = ctx.send({ type: 'publish_notice', status: status.value, text: body }, {
      onAck: () => {
        if (text.value.trim() === body) {
          text.value = '';
          ctx.saveDraft('notice', '');
        }
      },
    });
    if (!sent) return;
  });
  const el = panel('panel.notices', form, h('h3', { class: 'sub', i18n: 'notice.published' }), list);
  function update(state) {
    publish.disabled = !playing(state) || !ctx.online();
    fill(list, noticeList(state));
  }
  return { el, update };
}

/** The public status page, read-only. */
export function noticesPanel() {
  const list = h('div', { class: 'notices' });
  const el = panel('panel.status_page', list);
  return { el, update: (state) => fill(list, noticeList(state)) };
}

/** Facilitator controls: clock, speed, end, join link. */
export function controlsPanel(ctx) {
  const start = h('button', { type: 'button', class: 'btn btn-primary', id: 'start-button', i18n: 'fac.start' });
  const pause = h('button', { type: 'button', class: 'btn', id: 'pause-button', i18n: 'fac.pause' });
  const resume = h('button', { type: 'button', class: 'btn btn-primary', id: 'resume-button', i18n: 'fac.resume' });
  const end = h('button', { type: 'button', class: 'btn btn-danger', id: 'end-button', i18n: 'fac.end' });
  const speed = h('select', { id: 'speed-select' }, SPEEDS.map((s) => h('option', { value: String(s), text: `×${s}` })));
  const status = h('p', { class: 'fac-status' });
  let confirmTimer = null;
  start.addEventListener('click', () => ctx.send({ type: 'start' }));
  pause.addEventListener('click', () => ctx.send({ type: 'pause' }));
  resume.addEventListener('click', () => ctx.send({ type: 'resume' }));
  speed.addEventListener('change', () => ctx.send({ type: 'set_speed', speed: Number(speed.value) }));
  end.addEventListener('click', () => {
    // Two steps instead of a dialog: the first click arms the button.
    if (end.dataset.armed !== '1') {
      end.dataset.armed = '1';
      tr(end, 'fac.end_confirm');
      clearTimeout(confirmTimer);
      confirmTimer = setTimeout(() => {
        end.dataset.armed = '0';
        tr(end, 'fac.end');
      }, 5000);
      return;
    }
    clearTimeout(confirmTimer);
    end.dataset.armed = '0';
    tr(end, 'fac.end');
    ctx.send({ type: 'end' });
  });

  const link = h('input', { id: 'join-link', type: 'text', readOnly: true, class: 'mono' });
  const copy = h('button', { type: 'button', class: 'btn btn-small', i18n: 'fac.copy' });
  copy.addEventListener('click', async () => {
    link.select();
    try {
      await navigator.clipboard.writeText(link.value);
    } catch {
      document.execCommand('copy');
    }
    tr(copy, 'fac.copied');
    setTimeout(() => tr(copy, 'fac.copy'), 2000);
  });
  link.addEventListener('focus', () => link.select());

  const el = panel('panel.controls',
    status,
    h('div', { class: 'button-row' }, start, pause, resume),
    field('fac.speed', speed, 'fac.speed_hint'),
    h('div', { class: 'end-row' }, end),
    h('div', { class: 'join-box' }, field('fac.join_link', link, 'fac.join_hint'), copy));
  function update(state) {
    const on = ctx.online();
    start.hidden = state.status !== 'lobby';
    pause.hidden = state.status !== 'running';
    resume.hidden = state.status !== 'paused';
    start.disabled = !on;
    pause.disabled = !on;
    resume.disabled = !on;
    end.disabled = !on || state.status === 'ended';
    speed.disabled = !on || state.status === 'ended';
    if (document.activeElement !== speed) {
      const v = String(state.speed);
      if (![...speed.options].some((o) => o.value === v)) speed.appendChild(h('option', { value: v, text: `×${v}` }));
      speed.value = v;
    }
    status.textContent = t('fac.status_line', { status: t(`status.${state.status}`), speed: state.speed });
    link.value = `${location.origin}/#join=${encodeURIComponent(state.drill.join_code || '')}`;
  }
  return { el, update };
}

/** Who is in the drill, with online dots. */
export function rosterPanel() {
  const summary = h('p', { class: 'hint' });
  const list = h('ul', { class: 'roster' });
  const el = panel('panel.roster', summary, list);
  function update(state) {
    const seats = (state.roster || []).slice().sort((a, b) => Number(b.online) - Number(a.online) || a.id - b.id);
    summary.textContent = t('roster.count', { n: seats.length, online: seats.filter((s) => s.online).length });
    fill(list, seats.map((s) => h('li', { class: 'seat' },
      h('span', { class: ['dot', s.online ? 'on' : 'off'], attrs: { role: 'img', 'aria-label': t(s.online ? 'roster.online' : 'roster.offline') } }),
      h('span', { class: 'seat-name', text: s.name }),
      s.id === state.you.id ? h('span', { class: 'you', i18n: 'roster.you' }) : null,
      h('span', { class: 'seat-role', text: seatLabel(s.seat) }))));
  }
  return { el, update };
}

/** The hidden answer key (facilitators only). */
export function answerKeyPanel() {
  const body = h('div', { class: 'answer-key' });
  const details = h('details', { class: 'panel panel-details' },
    h('summary', { class: 'panel-title', i18n: 'panel.answer_key' }),
    h('p', { class: 'hint', i18n: 'key.hint' }), body);
  function update(state) {
    const faults = state.answer_key || [];
    if (!faults.length) {
      fill(body, h('p', { class: 'muted', i18n: 'key.none' }));
      return;
    }
    fill(body, h('ul', { class: 'fault-list' }, faults.map((f) => h('li', { class: ['fault', f.active ? 'active' : null] },
      h('div', { class: 'fault-head' },
        h('strong', { text: serviceName(state, f.service) }),
        h('span', { class: ['pill', f.active ? 'pill-bad' : 'pill-quiet'], text: t(f.active ? 'key.active' : 'key.inactive') })),
      h('p', { class: 'fault-meta', text: t('key.meta', { regions: regionNames(state, f.regions), t: tPlus(f.starts_tick), time: timeOfDay(timeAt(state, f.starts_tick)) }) }),
      h('p', { class: 'fault-cause', text: f.root_cause }),
      h('p', { class: 'fault-fix', text: t('key.fixed_by', { actions: (f.fixed_by || []).map((a) => actionLabel(state, a)).join(', ') || '—' }) })))));
  }
  return { el: details, update };
}
