// Role panels on the right of the drill screen. Each factory builds its
// controls once (so typed text survives every update) and returns
// {el, update(state), pulse?(state)}.

import { h, fill, tr, field } from './dom.js';
import { t, getLang } from './i18n.js';
import { timeOfDay, tPlus, duration, seatLabel } from './format.js';
import {
  PHASES, STATUSES, SPEEDS, ROLES, playing, nowTick, timeAt, currentPlans, nameKey, peopleCount, ownerPresent, pendingApprovals,
  actionLabel, rosterNextFrom, addRosterPage, ROSTER_PAGE_MAX,
} from './state.js';
import { toast } from './toast.js';
import { statusHref } from './status.js';

export function panel(titleKey, ...children) {
  const id = `panel-${titleKey.replace(/\W/g, '-')}`;
  return h('section', { class: 'panel', attrs: { 'aria-labelledby': id } },
    h('h2', { id, class: 'panel-title', i18n: titleKey }), ...children);
}


/** A service's name from the drill's list (its id if unknown). */
export function serviceName(state, id) {
  const s = (state.drill.services || []).find((x) => x.id === id);
  return s ? s.name : id;
}

/** Region names, or "all regions" for none. */
export function regionNames(state, ids) {
  if (!ids || !ids.length) return t('key.all_regions');
  return ids.map((id) => ((state.drill.regions || []).find((r) => r.id === id) || { name: id }).name).join(', ');
}

/**
 * "Your role" card with a one-line orientation. note(state) may return a
 * line about how the role was given (a planned role), or null.
 */
export function rolePanel(role, note) {
  const noteEl = h('p', { class: 'role-note', id: 'role-note', hidden: true, attrs: { role: 'status' } });
  const people = h('p', { class: 'role-people', id: 'people-count' });
  const el = panel('panel.your_role',
    h('p', { class: 'role-name', i18n: `role.${role}` }),
    noteEl,
    h('p', { class: 'hint', i18n: `roledesc.${role}` }),
    people);
  el.classList.add('panel-role');
  function update(state) {
    const text = note ? note(state) : null;
    noteEl.hidden = !text;
    noteEl.textContent = text || '';
    // Only the leads are listed to most seats: the count is the server's.
    const n = peopleCount(state);
    people.hidden = !n;
    tr(people, ['roster.people', { n }]);
  }
  return { el, update };
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
    const pending = pendingApprovals(state);
    const waiting = new Set(pending.map((p) => p.action));
    // Risky actions wait for the owner only when a person holds that role.
    const needsOwner = ownerPresent(state);
    if (canRun) {
      const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id : null;
      fill(list, (state.actions || []).map((a) => {
        const ask = a.risky && needsOwner;
        const run = h('button', { type: 'button', class: 'btn btn-small', id: `run-${a.id}`, i18n: ask ? 'runbook.ask' : 'runbook.run' });
        run.setAttribute('aria-label', t(ask ? 'runbook.ask_label' : 'runbook.run_label', { label: a.label }));
        run.disabled = !playing(state) || !ctx.online() || inProgress.has(a.id) || waiting.has(a.id);
        run.addEventListener('click', () => {
          run.disabled = true;
          ctx.send({ type: 'run_action', action: a.id }, {
            onAck: () => {
              if (ask) toast(t('runbook.asked', { label: a.label }), 'info');
            },
            onSettled: () => update(ctx.get()),
          });
        });
        let mark = null;
        if (waiting.has(a.id)) mark = h('span', { class: 'pill pill-warn-soft action-risky', text: t('runbook.waiting') });
        else if (ask) mark = h('span', { class: 'pill pill-warn-soft action-risky', text: t('runbook.risky') });
        else if (a.risky) mark = h('span', { class: 'pill pill-quiet action-risky', text: t('runbook.risky_plain'), attrs: { title: t('runbook.risky_plain_title') } });
        return h('li', { class: ['action', a.risky ? 'risky' : null], dataset: { action: a.id } },
          h('div', { class: 'action-main' },
            h('span', { class: 'action-label', text: a.label }),
            h('span', { class: 'action-meta', text: t('runbook.meta', { service: serviceName(state, a.service), delay: duration(a.delay_s) }) }),
            mark),
          run);
      }));
      if (!(state.actions || []).length) fill(list, h('li', { class: 'muted', i18n: 'runbook.none' }));
      if (focused) {
        const again = list.querySelector(`#${CSS.escape(focused)}`);
        if (again) again.focus();
      }
    }
    countdowns = [];
    const all = (state.actions_run || []).slice().sort((a, b) => b.started_tick - a.started_tick);
    const waitingList = pending.length ? [
      h('ul', { class: 'run-list run-pending', id: 'runs-pending' }, pending.map((p) => h('li', { class: 'run waiting', dataset: { action: p.action } },
        h('span', { class: 'run-label' }, h('span', { text: p.label }), ' ', h('span', { class: 'pill pill-warn-soft', text: t('runbook.waiting') })),
        h('span', { class: 'run-meta', text: t('runbook.pending_meta', { by: p.by, time: timeOfDay(timeAt(state, p.tick)) }) })))),
    ] : [];
    if (!all.length) {
      fill(runs, waitingList, pending.length ? null : h('p', { class: 'muted', i18n: 'runbook.no_runs' }));
      return;
    }
    fill(runs, waitingList, h('ul', { class: 'run-list' }, all.map((r) => {
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

/**
 * The incident owner: risky actions an engineer asked to run, each with
 * Approve and Reject. Shown only while something waits.
 */
export function approvalsPanel(ctx) {
  const list = h('ul', { class: 'approval-list', id: 'approval-list' });
  const hint = h('p', { class: 'hint', i18n: 'approve.hint' });
  const el = panel('panel.approvals', hint, list);
  el.id = 'approvals-panel';
  el.classList.add('panel-approvals');
  el.hidden = true;
  const busy = new Set();

  function update(state) {
    const pending = pendingApprovals(state);
    el.hidden = !pending.length;
    const live = playing(state) && ctx.online();
    const key = JSON.stringify([getLang(), live, [...busy], pending]);
    if (list.dataset.key === key) return;
    list.dataset.key = key;
    const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id : null;
    fill(list, pending.map((p) => {
      const decide = (approve) => {
        busy.add(p.action);
        update(ctx.get());
        ctx.send({ type: 'decide_action', action: p.action, approve }, {
          onSettled: () => {
            busy.delete(p.action);
            update(ctx.get());
          },
        });
      };
      const yes = h('button', { type: 'button', class: 'btn btn-small btn-primary', id: `approve-${p.action}`, i18n: 'approve.approve' });
      const no = h('button', { type: 'button', class: 'btn btn-small btn-danger', id: `reject-${p.action}`, i18n: 'approve.reject' });
      yes.setAttribute('aria-label', t('approve.approve_label', { label: p.label }));
      no.setAttribute('aria-label', t('approve.reject_label', { label: p.label }));
      yes.disabled = !live || busy.has(p.action);
      no.disabled = !live || busy.has(p.action);
      yes.addEventListener('click', () => decide(true));
      no.addEventListener('click', () => decide(false));
      return h('li', { class: 'approval', dataset: { action: p.action } },
        h('p', { class: 'approval-label', text: p.label }),
        h('p', { class: 'approval-meta', text: t('approve.meta', { by: p.by, time: timeOfDay(timeAt(state, p.tick)) }) }),
        h('div', { class: 'approval-buttons' }, yes, no));
    }));
    if (focused) {
      const again = list.querySelector(`#${CSS.escape(focused)}`);
      if (again) again.focus();
    }
  }
  return { el, update };
}

/** The published notices, newest first. */
export function noticeList(state) {
  const notices = (state.notices || []).slice().reverse();
  if (!notices.length) return h('p', { class: 'muted', i18n: 'notice.none' });
  return h('ol', { class: 'notice-list', reversed: true }, notices.map((n) => h('li', { class: 'notice' },
    h('div', { class: 'notice-head' },
      h('span', { class: ['pill', `cs-${n.status}`], text: t(`cstatus.${n.status}`) }),
      // Outside actors get notices signed by nobody: the company's.
      h('span', { class: 'notice-meta', text: n.by
        ? t('notice.meta', { time: timeOfDay(timeAt(state, n.tick)), by: n.by })
        : t('notice.meta_company', { time: timeOfDay(timeAt(state, n.tick)) }) })),
    h('p', { class: 'notice-text', text: n.text }))));
}

/**
 * A link that opens the drill's public status page in a new tab (the drill
 * tab stays where it is); its address is set once the drill is known.
 */
function statusPageLink(id, key) {
  const a = h('a', { id, i18n: key, attrs: { target: '_blank', rel: 'noopener' } });
  return {
    el: h('p', { class: 'summary-link status-page-link' }, a),
    update(state) {
      if (state.drill && state.drill.id) a.href = statusHref(state.drill.id);
    },
  };
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
  // What customers will see: the public page, beside the editor.
  const preview = statusPageLink('notice-status-link', 'notice.open_status_page');
  const el = panel('panel.notices', form, preview.el, h('h3', { class: 'sub', i18n: 'notice.published' }), list);
  function update(state) {
    publish.disabled = !playing(state) || !ctx.online();
    preview.update(state);
    fill(list, noticeList(state));
  }
  return { el, update };
}

/** The published notices, read-only, with a link to the public page. */
export function noticesPanel() {
  const list = h('div', { class: 'notices' });
  const link = statusPageLink('notices-status-link', 'notice.open_public_page');
  const el = panel('panel.status_page', link.el, list);
  return {
    el,
    update(state) {
      link.update(state);
      fill(list, noticeList(state));
    },
  };
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
  const cofacLink = h('input', { id: 'cofac-link', type: 'text', readOnly: true, class: 'mono' });
  // The co-facilitator link makes a facilitator: closed by default (like
  // the answer key), so that sharing a screen does not give it away.
  const cofac = h('details', { class: 'secret-box', id: 'cofac-box' },
    h('summary', null,
      h('span', { class: 'secret-lock', attrs: { 'aria-hidden': 'true' } }),
      h('span', { i18n: 'fac.cofac_summary' }),
      h('span', { class: 'pill pill-secret', i18n: 'fac.secret' })),
    h('p', { class: 'secret-warning', i18n: 'fac.cofac_hint' }),
    h('div', { class: 'join-box-row' }, field('fac.cofac_link', cofacLink), copyButton(cofacLink, 'cofac-copy')));

  // Inviting people: open before the start, folded once the clock runs
  // (the links stay one click away for latecomers).
  const invite = h('details', { class: 'invite-box', id: 'invite-box', open: true },
    h('summary', { i18n: 'fac.invite' }),
    h('div', { class: 'join-box' }, field('fac.join_link', link, 'fac.join_hint'), copyButton(link, 'join-copy')),
    cofac);
  let lastStatus = null;
  const el = panel('panel.controls',
    status,
    h('div', { class: 'controls-row' },
      h('div', { class: 'button-row' }, start, pause, resume),
      field('fac.speed', speed),
      h('div', { class: 'end-row' }, end)),
    h('p', { class: 'hint', i18n: 'fac.speed_hint' }),
    invite);
  function update(state) {
    if (state.status !== lastStatus) {
      if (lastStatus !== null || state.status !== 'lobby') invite.open = state.status === 'lobby';
      lastStatus = state.status;
    }
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
    cofac.hidden = !state.facilitator_code;
    cofacLink.value = state.facilitator_code ? cofacUrl(state.facilitator_code) : '';
  }
  return { el, update };
}

/** The co-facilitator invite link: the facilitator code and a hint for
 *  the join screen that no role is to be asked for. */
export function cofacUrl(code) {
  return `${location.origin}/#join=${encodeURIComponent(code)}&as=facilitator`;
}

/** A "Copy" button for a read-only input. */
function copyButton(input, id) {
  const copy = h('button', { type: 'button', class: 'btn btn-small', id, i18n: 'fac.copy' });
  copy.addEventListener('click', async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      document.execCommand('copy');
    }
    tr(copy, 'fac.copied');
    setTimeout(() => tr(copy, 'fac.copy'), 2000);
  });
  input.addEventListener('focus', () => input.select());
  return copy;
}

/**
 * Who is in the drill, with online dots. With assign (facilitators, and
 * the incident owner), every participant's role can be changed: pick the
 * role, then Apply. Rows are kept (not rebuilt) so that a select someone
 * is using survives updates; the order is the order people joined.
 */
export function rosterPanel(ctx, { assign = false, owner = false } = {}) {
  const summary = h('p', { class: 'hint' });
  const ownerHint = owner ? h('p', { class: 'hint', i18n: 'roster.owner_hint' }) : null;
  const list = h('ul', { class: ['roster', assign ? 'roster-assign' : null], id: 'roster' });
  // A welcome carries the first seats of a big drill; the rest page in.
  const more = h('button', { type: 'button', class: 'btn btn-small', id: 'roster-more', hidden: true });
  more.addEventListener('click', () => {
    const from = rosterNextFrom(ctx.get());
    if (from === null) return;
    more.disabled = true;
    ctx.send({ type: 'query', query: { kind: 'roster', from } }, {
      onAnswer: (answer) => {
        if (answer && answer.kind === 'roster') addRosterPage(ctx.get(), answer);
      },
      onSettled: () => {
        more.disabled = false;
        update(ctx.get());
      },
    });
  });
  const el = panel('panel.roster', summary, ownerHint, list, more);
  const rows = new Map();
  let selectTemplate = null;

  function makeRow(id) {
    const r = { id, current: null, dirty: false, awaiting: null };
    r.dot = h('span', { class: 'dot', attrs: { role: 'img' } });
    r.name = h('span', { class: 'seat-name' });
    r.you = h('span', { class: 'you', i18n: 'roster.you', hidden: true });
    r.label = h('span', { class: 'seat-role' });
    // One select per row, cloned from a template: a facilitator's roster
    // in a drill of a thousand has a thousand of them, built in the welcome.
    if (!selectTemplate || selectTemplate.lang !== getLang()) {
      selectTemplate = { lang: getLang(), el: h('select', { class: 'seat-role-select' }, ROLES.map((role) => h('option', { value: role, i18n: `role.${role}` }))) };
    }
    r.select = selectTemplate.el.cloneNode(true);
    r.select.id = `seat-role-${id}`;
    r.apply = h('button', { type: 'button', class: 'btn btn-small btn-primary seat-apply', id: `seat-apply-${id}`, i18n: 'roster.apply', hidden: true });
    r.select.addEventListener('change', () => {
      r.dirty = r.select.value !== r.current;
      r.apply.hidden = !r.dirty;
    });
    r.apply.addEventListener('click', () => {
      const role = r.select.value;
      r.apply.disabled = true;
      ctx.send({ type: 'assign_role', seat: id, role }, {
        // Until the roster shows the change, keep showing the new role.
        onAck: () => {
          r.awaiting = role;
        },
        onSettled: () => {
          r.dirty = false;
          r.apply.disabled = false;
          update(ctx.get());
        },
      });
    });
    r.li = h('li', { class: 'seat', dataset: { seat: id } }, r.dot, r.name, r.you, r.label, r.select, r.apply);
    rows.set(id, r);
    return r;
  }

  function update(state) {
    const seats = (state.roster || []).slice().sort((a, b) => a.id - b.id);
    summary.textContent = t('roster.count', { n: Math.max(seats.length, peopleCount(state)), online: seats.filter((s) => s.online).length });
    const editable = ctx.online() && state.status !== 'ended';
    const seen = new Set();
    let i = 0;
    for (const s of seats) {
      seen.add(s.id);
      const r = rows.get(s.id) || makeRow(s.id);
      if (list.children[i] !== r.li) list.insertBefore(r.li, list.children[i] || null);
      i += 1;
      // Only what changed is written: a call ringing or a seat changing
      // updates every panel, and rewriting a thousand rows' text each time
      // costs the main thread a style and layout pass over all of them.
      const role = s.seat && s.seat.kind === 'participant' ? s.seat.role : null;
      const canAssign = assign && role !== null && !(owner && s.id === state.you.id);
      const online = `${!!s.online} ${getLang()}`;
      if (r.online !== online) {
        r.online = online;
        r.dot.className = `dot ${s.online ? 'on' : 'off'}`;
        r.dot.setAttribute('aria-label', t(s.online ? 'roster.online' : 'roster.offline'));
      }
      if (r.name.textContent !== s.name) r.name.textContent = s.name;
      const you = s.id === state.you.id;
      if (r.you.hidden !== !you) r.you.hidden = !you;
      const label = seatLabel(s.seat);
      if (r.label.textContent !== label) r.label.textContent = label;
      if (r.label.hidden !== canAssign) r.label.hidden = canAssign;
      if (r.select.hidden !== !canAssign) r.select.hidden = !canAssign;
      r.current = role;
      if (r.awaiting === role) r.awaiting = null;
      if (canAssign) {
        if (r.ariaName !== `${s.name} ${getLang()}`) {
          r.ariaName = `${s.name} ${getLang()}`;
          r.select.setAttribute('aria-label', t('roster.role_of', { name: s.name }));
        }
        if (r.select.disabled !== !editable) r.select.disabled = !editable;
        const shown = r.awaiting || (r.dirty ? r.select.value : role);
        if (r.select.value !== shown) r.select.value = shown;
        r.dirty = !r.awaiting && r.select.value !== role;
      } else {
        r.dirty = false;
      }
      if (r.apply.hidden !== !r.dirty) r.apply.hidden = !r.dirty;
    }
    for (const [id, r] of rows) {
      if (!seen.has(id)) {
        r.li.remove();
        rows.delete(id);
      }
    }
    const unknown = Math.max(0, peopleCount(state) - seats.length);
    more.hidden = rosterNextFrom(state) === null || !ctx.online();
    if (!more.hidden) tr(more, ['roster.more', { n: Math.min(unknown, ROSTER_PAGE_MAX) || ROSTER_PAGE_MAX }]);
  }
  return { el, update };
}

/** Facilitators: plan roles by name before people join. */
export function planRolesPanel(ctx) {
  const name = h('input', { id: 'plan-name', type: 'text', maxLength: 40, autocomplete: 'off', spellcheck: false });
  const role = h('select', { id: 'plan-role' }, ROLES.map((r) => h('option', { value: r, i18n: `role.${r}` })));
  role.value = 'incident_owner';
  const add = h('button', { type: 'submit', class: 'btn', id: 'plan-add', i18n: 'plan.add' });
  const form = h('form', { class: 'plan-form' }, field('plan.name', name), field('plan.role', role), add);
  const list = h('ul', { class: 'plan-list', id: 'plan-list' });
  // Lead roles kept for the people planned for them: the join code alone
  // then seats nobody else as incident owner or another lead.
  const lock = h('input', { id: 'plan-lock', type: 'checkbox' });
  const lockRow = h('label', { class: 'plan-lock', for: 'plan-lock' }, lock, ' ', h('span', { i18n: 'plan.lock' }));
  const lockHint = h('p', { class: 'hint', i18n: 'plan.lock_hint' });
  let lockAwaiting = null;
  lock.addEventListener('change', () => {
    const locked = lock.checked;
    lockAwaiting = locked;
    const sent = ctx.send({ type: 'lock_roles', locked }, {
      onAck: () => { lockAwaiting = null; },
      onError: () => { lockAwaiting = null; lock.checked = !locked; },
    });
    if (sent === false) { lockAwaiting = null; lock.checked = !locked; }
  });
  const el = panel('panel.plan', h('p', { class: 'hint', i18n: 'plan.hint' }), form, lockRow, lockHint, list);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = name.value.trim();
    if (!value) {
      name.focus();
      return;
    }
    ctx.send({ type: 'plan_role', name: value, role: role.value }, {
      onAck: () => {
        if (name.value.trim() === value) name.value = '';
        name.focus();
      },
    });
  });
  function update(state) {
    add.disabled = !ctx.online() || state.status === 'ended';
    lock.disabled = add.disabled;
    if (lockAwaiting === null) lock.checked = !!state.roles_locked;
    const plans = currentPlans(state);
    if (!plans.length) {
      fill(list, h('li', { class: 'muted', i18n: 'plan.none' }));
      return;
    }
    const joined = new Set((state.roster || []).filter((s) => s.seat && s.seat.kind === 'participant').map((s) => nameKey(s.name)));
    fill(list, plans.map((p) => {
      const here = joined.has(nameKey(p.name));
      return h('li', { class: 'plan' },
        h('span', { class: 'plan-name', text: p.name }),
        h('span', { class: 'plan-role', text: t(`role.${p.role}`) }),
        h('span', { class: ['pill', here ? 'pill-ok' : 'pill-quiet'], text: t(here ? 'plan.joined' : 'plan.waiting') }));
    }));
  }
  return { el, update };
}

/**
 * The hidden answer key (facilitators only). controls(state, fault), if
 * given, adds the facilitator's buttons for each fault.
 */
export function answerKeyPanel({ controls, online } = {}) {
  const body = h('div', { class: 'answer-key', id: 'answer-key' });
  const details = h('details', { class: 'panel panel-details', id: 'answer-key-panel' },
    h('summary', { class: 'panel-title', i18n: 'panel.answer_key' }),
    h('p', { class: 'hint', i18n: 'key.hint' }), body);
  let last = null;
  function update(state) {
    const faults = state.answer_key || [];
    // Redrawn only when it changed, so a focused button keeps its focus.
    const key = JSON.stringify([getLang(), faults, state.status, online ? online() : true]);
    if (key === last) return;
    last = key;
    const focused = document.activeElement && body.contains(document.activeElement) ? document.activeElement.id : null;
    if (!faults.length) {
      fill(body, h('p', { class: 'muted', i18n: 'key.none' }));
      return;
    }
    fill(body, h('ul', { class: 'fault-list' }, faults.map((f) => h('li', { class: ['fault', f.active ? 'active' : null], dataset: { fault: f.id } },
      h('div', { class: 'fault-head' },
        h('strong', { text: serviceName(state, f.service) }),
        h('span', { class: ['pill', f.active ? 'pill-bad' : 'pill-quiet'], text: t(f.active ? 'key.active' : 'key.inactive') })),
      h('p', { class: 'fault-meta', text: t('key.meta', { regions: regionNames(state, f.regions), t: tPlus(f.starts_tick), time: timeOfDay(timeAt(state, f.starts_tick)) }) }),
      h('p', { class: 'fault-cause', text: f.root_cause }),
      h('p', { class: 'fault-fix', text: t('key.fixed_by', { actions: (f.fixed_by || []).map((a) => actionLabel(state, a)).join(', ') || '—' }) }),
      controls ? controls(state, f) : null))));
    if (focused) {
      const again = body.querySelector(`#${CSS.escape(focused)}`);
      if (again) again.focus();
    }
  }
  return { el: details, update };
}

/** Capabilities offered for rating (any other may be typed). */
const CAPABILITIES = ['declaration', 'communication', 'situational_awareness', 'diagnosis', 'coordination', 'customer_support'];

/**
 * Facilitators: rate capabilities (P/S/M/U) and write the improvement plan
 * for the after-action review, during the drill or after it ends.
 */
export function reviewNotesPanel(ctx) {
  const capability = h('select', { id: 'rate-capability' }, CAPABILITIES.map((c) => h('option', { value: c, i18n: `capability.${c}` })));
  const rating = h('select', { id: 'rate-rating' }, ['P', 'S', 'M', 'U'].map((r) => h('option', { value: r, i18n: `review.rating_${r}` })));
  const comment = h('input', { id: 'rate-comment', type: 'text', maxLength: 2000, autocomplete: 'off' });
  const rate = h('button', { type: 'submit', class: 'btn', id: 'rate-add', i18n: 'notes.rate' });
  const rateForm = h('form', { class: 'plan-form' }, field('review.capability', capability), field('review.rating', rating),
    field('review.comment', comment), rate);
  const text = h('input', { id: 'improve-text', type: 'text', maxLength: 2000, autocomplete: 'off' });
  const owner = h('input', { id: 'improve-owner', type: 'text', maxLength: 40, autocomplete: 'off' });
  const add = h('button', { type: 'submit', class: 'btn', id: 'improve-add', i18n: 'notes.add' });
  const planForm = h('form', { class: 'plan-form' }, field('notes.item', text), field('notes.owner', owner), add);
  const el = panel('panel.review_notes', h('p', { class: 'hint', i18n: 'notes.hint' }), rateForm, planForm);
  rateForm.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.send({ type: 'rate_capability', capability: capability.value, rating: rating.value, comment: comment.value.trim() }, {
      onAck: () => {
        comment.value = '';
      },
    });
  });
  planForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = text.value.trim();
    if (!value) {
      text.focus();
      return;
    }
    ctx.send({ type: 'add_improvement', text: value, owner: owner.value.trim() }, {
      onAck: () => {
        text.value = '';
        owner.value = '';
      },
    });
  });
  function update() {
    rate.disabled = !ctx.online();
    add.disabled = !ctx.online();
  }
  return { el, update };
}

/** The response roles a drill needs someone in (or a bot) from the first minute. */
const KEY_ROLES = ['incident_owner', 'comms_lead', 'engineer', 'support_agent'];

/**
 * The facilitator's checklist at the start (docs/facilitating.md), in
 * order, while the drill waits in the lobby: each step says whether it is
 * done, from the drill itself. Hidden once the clock runs.
 */
export function startChecklistPanel(ctx) {
  const items = ['created', 'share', 'plan', 'roles', 'start'].map((step, i) => {
    const mark = h('span', { class: 'check-mark', attrs: { 'aria-hidden': 'true' } });
    const title = h('span', { class: 'check-title', i18n: `checklist.${step}` });
    const detail = h('span', { class: 'check-detail' });
    const state = h('span', { class: 'sr-only' });
    const li = h('li', { class: 'check-item', dataset: { step } },
      h('span', { class: 'check-num', text: String(i + 1), attrs: { 'aria-hidden': 'true' } }), mark, h('span', { class: 'check-text' }, title, detail), state);
    return { step, li, mark, detail, state };
  });
  const list = h('ol', { class: 'checklist', id: 'start-checklist' }, items.map((x) => x.li));
  const el = panel('panel.checklist', h('p', { class: 'hint', i18n: 'checklist.hint' }), list);
  el.id = 'start-checklist-panel';
  function update(state) {
    el.hidden = state.status !== 'lobby';
    if (el.hidden) return;
    const people = (state.roster || []).filter((s) => s.seat && s.seat.kind === 'participant');
    const plans = currentPlans(state);
    const taken = new Set(people.map((s) => s.seat.role));
    const missing = KEY_ROLES.filter((r) => !taken.has(r));
    const done = {
      created: true,
      share: people.length > 0,
      plan: plans.length > 0,
      roles: missing.length === 0,
      start: false,
    };
    const details = {
      created: t('checklist.created_detail', { min: Math.round((state.drill.duration_s || 0) / 60) }),
      share: t('checklist.share_detail', { n: people.length }),
      plan: plans.length ? t('checklist.plan_detail', { n: plans.length }) : t('checklist.plan_none'),
      roles: missing.length
        ? t('checklist.roles_missing', { roles: missing.map((r) => t(`role.${r}`)).join(t('checklist.sep')) })
        : t('checklist.roles_ok'),
      start: t('checklist.start_detail'),
    };
    for (const x of items) {
      x.li.classList.toggle('check-done', done[x.step]);
      x.mark.textContent = done[x.step] ? '✓' : '';
      x.state.textContent = t(done[x.step] ? 'checklist.done' : 'checklist.todo');
      x.detail.textContent = details[x.step];
    }
  }
  return { el, update };
}
