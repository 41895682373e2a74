// The support desk and the corporate clients' chats, as each role lives
// them: the agent's queue and the call in progress (with the talk script
// beside it), the lead's assignments, a store calling support, sales and
// the corporate client writing to each other, and the facilitator's view of
// all of it.
//
// Like the other panels, each part is built once and returns
// {el, update(state), pulse?(state)}; inputs are never rebuilt, and lists
// are redrawn only when what they show changed, so focus and typed text
// survive the stream of events a busy desk makes.

import { h, fill, tr, trAttr, field } from './dom.js';
import { t, getLang } from './i18n.js';
import { duration, hhmm } from './format.js';
import { panel } from './panels.js';
import { textView } from './docs.js';
import {
  playing, nowTick, timeAt, findDoc, docKind, TALK_SCRIPT_ID, DISPOSITIONS,
  callQueue, queueCount, activeCall, ownCalls, callsInProgress, closedCalls, waitSeconds, supportAgents, onCall, callOpen,
  chatList, unreadLines, lastTheirTick, rosterNextFrom, addRosterPage,
} from './state.js';

/** The server's limit on a line's text (limits.rs CHAT_TEXT_CHARS_MAX). */
export const LINE_CHARS_MAX = 2000;
/** Waiting calls listed before "and N more". */
const QUEUE_SHOWN_MAX = 8;
/** Closed calls in the short history. */
const HISTORY_SHOWN = 5;

// --- small shared pieces ---------------------------------------------------

/** Enter sends; Shift+Enter is a new line; Enter confirming an IME
 *  conversion (Japanese input) does not send. */
export function enterSends(textarea, send) {
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      send();
    }
  });
}

/**
 * Redraws el with build() only when key changed; the focused control (by
 * id) gets its focus back.
 */
function redraw(el, baseKey, build) {
  // The language is part of the key: a switch redraws everything.
  const key = `${getLang()}|${baseKey}`;
  if (el.dataset.key === key) return false;
  el.dataset.key = key;
  const focused = document.activeElement && el.contains(document.activeElement) ? document.activeElement.id : null;
  fill(el, build());
  if (focused) {
    const again = el.querySelector(`#${CSS.escape(focused)}`);
    if (again) again.focus();
  }
  return true;
}

function moodPill(mood) {
  return h('span', { class: ['pill', `mood-${mood}`], text: t(`mood.${mood}`) });
}

function statePill(call) {
  if (call.state === 'ended' && call.disposition) {
    return h('span', { class: 'pill call-state-ended', text: t(`disp.${call.disposition}`) });
  }
  return h('span', { class: ['pill', `call-state-${call.state}`], text: t(`callstate.${call.state}`) });
}

function regionName(state, id) {
  const r = (state.drill.regions || []).find((x) => x.id === id);
  return r ? r.name : id;
}

/** One line of a call or chat: who, when, what (always text). */
function lineView(state, line, mine) {
  return h('div', { class: ['convo-line', `from-${line.speaker}`, mine ? 'mine' : null] },
    h('div', { class: 'convo-head' },
      h('span', { class: 'convo-name', text: line.name }),
      h('time', { class: 'convo-time', text: hhmm(timeAt(state, line.tick)) })),
    h('p', { class: 'convo-text', text: line.text }));
}

/** Fills a log with lines; keeps it scrolled to the end when it was. */
function showLines(log, state, lines, side, emptyKey) {
  const near = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
  const key = `${lines.length}:${lines.length ? lines[lines.length - 1].tick : ''}:${lines.length ? lines[lines.length - 1].text.length : ''}`;
  if (!redraw(log, key, () => (lines.length
    ? lines.map((l) => lineView(state, l, l.speaker === side))
    : h('p', { class: 'muted convo-empty', i18n: emptyKey })))) return;
  if (near || log.dataset.scrolled !== '1') {
    log.scrollTop = log.scrollHeight;
    log.dataset.scrolled = '1';
  }
}

/**
 * A reply box: a labelled textarea and Send. onSend(text) returns whether
 * it was sent; the text comes back if the server refuses it.
 */
function replyBox(ctx, { id, labelKey, placeholderKey, draftKey }) {
  const text = h('textarea', { id: `${id}-text`, rows: 2, maxLength: LINE_CHARS_MAX });
  trAttr(text, 'placeholder', placeholderKey);
  const send = h('button', { type: 'submit', class: 'btn btn-primary', id: `${id}-send`, i18n: 'desk.send' });
  const label = h('label', { htmlFor: text.id, class: 'sr-only', i18n: labelKey });
  const form = h('form', { class: 'reply-form', id }, label, h('div', { class: 'reply-row' }, text, send));
  let key = null;
  let onSend = null;
  const draft = () => (draftKey && key !== null ? `${draftKey}:${key}` : null);
  text.addEventListener('input', () => {
    if (draft()) ctx.saveDraft(draft(), text.value);
  });
  const submit = () => {
    const body = text.value.trim();
    if (!body || send.disabled || !onSend) return;
    const forKey = key;
    const sent = onSend(body, {
      onError: () => {
        if (key === forKey && !text.value) text.value = body;
      },
    });
    if (sent) {
      text.value = '';
      if (draft()) ctx.saveDraft(draft(), '');
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  enterSends(text, submit);
  return {
    el: form,
    text,
    /** Points the box at a conversation (its draft comes back). */
    target(newKey, fn) {
      onSend = fn;
      if (newKey === key) return;
      key = newKey;
      text.value = (draft() && ctx.ui.drafts[draft()]) || '';
    },
    enable(on) {
      text.disabled = !on;
      send.disabled = !on;
    },
  };
}

// --- support: the queue, the call in progress --------------------------------

/**
 * The support desk's side panel (agents and the lead): how many wait,
 * "Take next call", the queue with each caller's wait and mood, the lead's
 * "give this call to", and the last closed calls.
 */
export function callQueuePanel(ctx, { lead = false } = {}) {
  const count = h('p', { class: 'queue-count', id: 'queue-count', attrs: { role: 'status' } });
  const take = h('button', { type: 'button', class: 'btn btn-primary', id: 'take-call', i18n: 'desk.take_next' });
  const takeHint = h('p', { class: 'hint', id: 'take-call-hint' });
  take.setAttribute('aria-describedby', takeHint.id);
  take.addEventListener('click', () => {
    take.disabled = true;
    ctx.send({ type: 'take_call', call: null }, { onSettled: () => update(ctx.get()) });
  });
  const queue = h('ol', { class: 'call-queue', id: 'call-queue' });
  trAttr(queue, 'aria-label', 'desk.queue');
  const more = h('p', { class: 'hint', id: 'call-queue-more', hidden: true });
  const history = h('ul', { class: 'call-history', id: 'call-history' });

  // The lead: pick a waiting call and an agent.
  let assign = null;
  if (lead) {
    const call = h('select', { id: 'assign-call' });
    const agent = h('select', { id: 'assign-agent' });
    const go = h('button', { type: 'submit', class: 'btn', id: 'assign-button', i18n: 'desk.assign' });
    const form = h('form', { class: 'assign-form', id: 'assign-form' },
      field('desk.assign_call', call), field('desk.assign_agent', agent), go);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!call.value || !agent.value) return;
      go.disabled = true;
      ctx.send({ type: 'assign_call', call: Number(call.value), seat: Number(agent.value) }, { onSettled: () => update(ctx.get()) });
    });
    assign = { form, call, agent, go, paging: false, stuck: false };
  }

  // The lead's welcome carries the first seats of a big drill: the agents
  // the calls can go to page in, one page after the other.
  function pageRoster(state) {
    if (!assign || assign.paging || assign.stuck || !ctx.online()) return;
    const from = rosterNextFrom(state);
    if (from === null) return;
    assign.paging = true;
    ctx.send({ type: 'query', query: { kind: 'roster', from } }, {
      quiet: () => true,
      onAnswer: (answer) => {
        if (!answer || answer.kind !== 'roster' || !(answer.seats || []).length) assign.stuck = true;
        else addRosterPage(ctx.get(), answer);
      },
      onError: () => {
        assign.stuck = true;
      },
      onSettled: () => {
        assign.paging = false;
        update(ctx.get());
      },
    });
  }

  const el = panel('panel.calls', count, h('div', { class: 'take-row' }, take), takeHint,
    queue, more,
    assign ? h('h3', { class: 'sub', i18n: 'desk.assign_title' }) : null, assign ? assign.form : null,
    h('h3', { class: 'sub', i18n: 'desk.history' }), history);
  el.id = 'calls-panel';
  let waits = [];

  function update(state) {
    const waiting = callQueue(state);
    const n = queueCount(state);
    const mine = activeCall(state);
    const live = playing(state) && ctx.online();
    tr(count, n ? ['desk.waiting_n', { n }] : 'desk.waiting_none');
    count.classList.toggle('busy', n > 0);
    take.disabled = !live || !!mine || !n;
    tr(takeHint, mine ? 'desk.hint_on_call' : !playing(state) ? (state.status === 'ended' ? 'desk.hint_ended' : 'desk.hint_lobby') : 'desk.hint_take');

    const shown = waiting.slice(0, QUEUE_SHOWN_MAX);
    more.hidden = n <= shown.length;
    if (!more.hidden) tr(more, ['desk.queue_more', { n: n - shown.length }]);
    const key = JSON.stringify(shown.map((c) => [c.id, c.caller, c.mood, c.region]));
    redraw(queue, key, () => (shown.length
      ? shown.map((c) => h('li', { class: 'call-row', dataset: { call: c.id } },
        h('span', { class: 'call-caller', text: c.caller }),
        c.region ? h('span', { class: 'call-region', text: regionName(state, c.region) }) : null,
        moodPill(c.mood),
        h('span', { class: 'call-wait', dataset: { opened: c.opened_tick } })))
      : h('li', { class: 'muted call-empty', i18n: 'desk.queue_empty' })));
    waits = [...queue.querySelectorAll('.call-wait')];

    if (assign) {
      pageRoster(state);
      const agents = supportAgents(state);
      const callKey = JSON.stringify(waiting.map((c) => [c.id, c.caller]));
      if (assign.call.dataset.key !== callKey) {
        const before = assign.call.value;
        assign.call.dataset.key = callKey;
        fill(assign.call, waiting.map((c) => h('option', { value: String(c.id), text: c.caller })));
        if (waiting.some((c) => String(c.id) === before)) assign.call.value = before;
      }
      const agentKey = JSON.stringify([getLang(), agents.map((a) => [a.id, a.name, onCall(state, a.id)])]);
      if (assign.agent.dataset.key !== agentKey) {
        const before = assign.agent.value;
        assign.agent.dataset.key = agentKey;
        fill(assign.agent, agents.map((a) => h('option', {
          value: String(a.id), text: onCall(state, a.id) ? t('desk.agent_busy', { name: a.name }) : a.name,
        })));
        if (agents.some((a) => String(a.id) === before)) assign.agent.value = before;
      }
      assign.go.disabled = !live || !waiting.length || !agents.length;
      assign.form.hidden = !agents.length && !waiting.length;
    }

    const closed = closedCalls(state, HISTORY_SHOWN);
    redraw(history, JSON.stringify(closed.map((c) => [c.id, c.state, c.disposition, c.agent_name])), () => (closed.length
      ? closed.map((c) => h('li', { class: 'call-past', dataset: { call: c.id } },
        h('span', { class: 'call-caller', text: c.caller }),
        statePill(c),
        h('span', { class: 'call-meta', text: c.agent_name ? t('desk.past_meta', { time: hhmm(timeAt(state, c.ended_tick ?? c.opened_tick)), by: c.agent_name }) : hhmm(timeAt(state, c.ended_tick ?? c.opened_tick)) })))
      : h('li', { class: 'muted', i18n: 'desk.history_none' })));
    pulse(state);
  }

  function pulse(state) {
    const now = nowTick(state);
    for (const w of waits) {
      const text = t('desk.waited', { t: duration(now - Number(w.dataset.opened)) });
      if (w.textContent !== text) w.textContent = text;
    }
  }
  return { el, update, pulse };
}

/**
 * The call in progress, over the conversation in the middle of the screen:
 * who calls, what was said, the reply box, Hold/Resume, and how it ended;
 * the talk script beside it. Hidden when the seat is on no call.
 */
export function activeCallView(ctx) {
  const title = h('h2', { class: 'callview-title', id: 'active-call-title' });
  const meta = h('p', { class: 'callview-meta', id: 'active-call-meta' });
  const mood = h('span', { id: 'active-call-mood' });
  const stateEl = h('span', { id: 'active-call-state' });
  const talkTime = h('span', { class: 'callview-time', id: 'active-call-time' });
  const log = h('div', { class: 'convo-log', id: 'call-lines', tabIndex: 0, attrs: { role: 'log', 'aria-labelledby': 'active-call-title' } });
  const reply = replyBox(ctx, { id: 'call-reply', labelKey: 'desk.reply_label', placeholderKey: 'desk.reply_placeholder', draftKey: 'call' });
  const hold = h('button', { type: 'button', class: 'btn', id: 'call-hold' });
  const disposition = h('select', { id: 'call-disposition', required: true },
    h('option', { value: '', i18n: 'desk.disposition_pick' }),
    DISPOSITIONS.map((d) => h('option', { value: d, i18n: `disp.${d}` })));
  const end = h('button', { type: 'submit', class: 'btn btn-danger', id: 'call-end', i18n: 'desk.end' });
  const endForm = h('form', { class: 'end-form', id: 'call-end-form' },
    h('label', { htmlFor: disposition.id, class: 'end-label', i18n: 'desk.disposition' }), disposition, end);
  const script = h('div', { class: 'callview-script-text', id: 'call-script' });
  const scriptMeta = h('p', { class: 'hint', id: 'call-script-meta' });
  const el = h('section', { class: 'callview', id: 'active-call', hidden: true, attrs: { 'aria-labelledby': 'active-call-title' } },
    h('header', { class: 'callview-head' },
      h('div', { class: 'callview-who' }, title, meta),
      h('div', { class: 'callview-pills' }, stateEl, mood, talkTime)),
    h('div', { class: 'callview-grid' },
      h('div', { class: 'callview-convo' }, log, reply.el,
        h('div', { class: 'callview-controls' }, hold, endForm)),
      h('aside', { class: 'callview-script', attrs: { 'aria-labelledby': 'call-script-title' } },
        h('h3', { class: 'callview-script-title', id: 'call-script-title', i18n: 'talk.title' }), script, scriptMeta)));
  let current = null;

  hold.addEventListener('click', () => {
    if (!current) return;
    hold.disabled = true;
    ctx.send({ type: 'hold_call', call: current.id, hold: current.state === 'talking' }, { onSettled: () => update(ctx.get()) });
  });
  disposition.addEventListener('change', () => update(ctx.get()));
  endForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!current) return;
    if (!disposition.value) {
      disposition.focus();
      return;
    }
    end.disabled = true;
    ctx.send({ type: 'end_call', call: current.id, disposition: disposition.value }, {
      onAck: () => {
        disposition.value = '';
      },
      onSettled: () => update(ctx.get()),
    });
  });

  function update(state) {
    const call = activeCall(state);
    const was = current ? current.id : null;
    current = call;
    el.hidden = !call;
    if (!call) return;
    if (was !== call.id) {
      disposition.value = '';
      delete log.dataset.scrolled;
    }
    title.textContent = call.caller;
    const parts = [];
    if (call.region) parts.push(regionName(state, call.region));
    if (call.client) {
      const c = (state.clients || []).find((x) => x.id === call.client);
      if (c) parts.push(c.name);
    }
    parts.push(t('desk.call_since', { time: hhmm(timeAt(state, call.opened_tick)) }));
    meta.textContent = parts.join(' · ');
    fill(mood, moodPill(call.mood));
    fill(stateEl, statePill(call));
    showLines(log, state, call.lines || [], 'agent', 'desk.no_lines');
    const live = playing(state) && ctx.online();
    const talking = call.state === 'talking';
    reply.target(call.id, (text, opts) => ctx.send({ type: 'call_say', call: call.id, text }, opts));
    reply.enable(live && talking);
    tr(hold, talking ? 'desk.hold' : 'desk.resume');
    hold.classList.toggle('btn-secondary', !talking);
    hold.disabled = !live;
    end.disabled = !live || !disposition.value;
    // The talk script: the declaration's, else any talk script.
    const doc = findDoc(state, TALK_SCRIPT_ID) || (state.docs || []).find((d) => docKind(d) === 'talk_script') || null;
    // Each line with a "Use" button that puts it in the reply box, ready to send or change.
    redraw(script, doc ? `${doc.id}:${doc.version}` : 'none', () => (doc
      ? h('ol', { class: 'script-lines', id: 'call-script-lines' }, scriptLines(doc.text).map((line, i) => {
        const use = h('button', { type: 'button', class: 'btn btn-small script-use', id: `script-use-${i}`, i18n: 'character.use' });
        use.setAttribute('aria-label', t('talk.use_label', { line }));
        use.addEventListener('click', () => {
          reply.text.value = line;
          reply.text.dispatchEvent(new Event('input')); // keeps it as the draft
          reply.text.focus();
        });
        return h('li', { class: 'script-line' }, h('span', { class: 'script-line-text', text: line }), use);
      }))
      : h('p', { class: 'muted', i18n: 'talk.waiting' })));
    scriptMeta.textContent = doc && doc.updated_by ? t('doc.updated_by', { by: doc.updated_by, time: hhmm(timeAt(state, doc.updated_tick || 0)) }) : '';
    pulse(state);
  }

  function pulse(state) {
    if (!current) return;
    const c = current;
    const since = c.answered_tick ?? c.opened_tick;
    const text = c.state === 'on_hold' ? t('desk.on_hold_for', { t: duration(c.hold_s) }) : t('desk.talking_for', { t: duration(nowTick(state) - since) });
    if (talkTime.textContent !== text) talkTime.textContent = text;
  }
  return { el, update, pulse, active: () => !!current };
}

/** The talk script's lines as a caller hears them: no bullets, no blank lines. */
export function scriptLines(text) {
  return String(text || '').split('\n').map((l) => l.replace(/^\s*(?:[-*・•]|\d+[.)])\s*/, '').trim()).filter(Boolean);
}

// --- a store calling support -------------------------------------------------

/** A store actor: "Call support", then the call's conversation. */
export function storeCallPanel(ctx) {
  const opening = h('textarea', { id: 'call-support-text', rows: 3, maxLength: LINE_CHARS_MAX });
  trAttr(opening, 'placeholder', 'store.call_placeholder');
  opening.value = ctx.ui.drafts.call_support || '';
  opening.addEventListener('input', () => ctx.saveDraft('call_support', opening.value));
  const callBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'call-support', i18n: 'store.call' });
  const hint = h('p', { class: 'hint', id: 'call-support-hint' });
  const form = h('form', { class: 'call-support-form', id: 'call-support-form' }, field('store.call_label', opening), callBtn, hint);
  const submit = () => {
    const text = opening.value.trim();
    if (!text) {
      opening.focus();
      return;
    }
    callBtn.disabled = true;
    ctx.send({ type: 'call_support', text }, {
      onAck: () => {
        if (opening.value.trim() === text) {
          opening.value = '';
          ctx.saveDraft('call_support', '');
        }
      },
      onSettled: () => update(ctx.get()),
    });
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  enterSends(opening, submit);

  const status = h('p', { class: 'store-call-status', id: 'store-call-status', attrs: { role: 'status' } });
  const log = h('div', { class: 'convo-log convo-log-side', id: 'store-call-lines', tabIndex: 0, attrs: { role: 'log', 'aria-labelledby': 'store-call-status' } });
  const reply = replyBox(ctx, { id: 'store-reply', labelKey: 'store.reply_label', placeholderKey: 'store.reply_placeholder', draftKey: 'store_call' });
  const inCall = h('div', { class: 'store-call', id: 'store-call', hidden: true }, status, log, reply.el);
  const past = h('ul', { class: 'call-history', id: 'store-call-history' });
  const pastTitle = h('h3', { class: 'sub', i18n: 'store.past' });
  const el = panel('panel.store_call', inCall, form, pastTitle, past);
  el.id = 'store-call-panel';
  let current = null;

  function update(state) {
    const mine = ownCalls(state);
    const open = mine.filter(callOpen).pop() || null;
    const live = playing(state) && ctx.online();
    current = open;
    inCall.hidden = !open;
    form.hidden = !!open;
    callBtn.disabled = !live;
    tr(hint, live ? 'store.call_hint' : state.status === 'ended' ? 'desk.hint_ended' : 'desk.hint_lobby');
    if (open) {
      showLines(log, state, open.lines || [], 'caller', 'desk.no_lines');
      reply.target(open.id, (text, opts) => ctx.send({ type: 'call_say', call: open.id, text }, opts));
      reply.enable(live);
      pulse(state);
    }
    const closed = mine.filter((c) => !callOpen(c)).reverse().slice(0, HISTORY_SHOWN);
    pastTitle.hidden = !closed.length;
    redraw(past, JSON.stringify(closed.map((c) => [c.id, c.state, c.disposition])), () => closed.map((c) => h('li', { class: 'call-past' },
      h('span', { class: 'call-meta', text: hhmm(timeAt(state, c.opened_tick)) }),
      statePill(c),
      c.agent_name ? h('span', { class: 'call-meta', text: c.agent_name }) : null)));
  }

  function pulse(state) {
    const c = current;
    if (!c) return;
    const text = c.state === 'waiting'
      ? t('store.ringing', { t: duration(waitSeconds(c, nowTick(state))) })
      : c.state === 'on_hold' ? t('store.on_hold', { name: c.agent_name }) : t('store.talking', { name: c.agent_name });
    if (status.textContent !== text) status.textContent = text;
  }
  /**
   * Puts text in the box the store speaks through now: the reply box
   * during a call, else the opening line of a new call.
   */
  function useText(text) {
    const box = current ? reply.text : opening;
    box.value = text;
    box.dispatchEvent(new Event('input')); // keeps it as the draft
    box.focus();
  }
  return { el, update, pulse, useText };
}

// --- corporate clients' chats ----------------------------------------------

/**
 * The clients' chats. side 'agent': sales answers every client (list with
 * waiting and unread markers, escalations). side 'caller': the person
 * playing a client (corporate actor: picks their client; facilitator:
 * writes as any client).
 */
export function chatPanel(ctx, { side }) {
  const actor = side === 'caller';
  const list = h('ul', { class: 'chat-list', id: 'chat-list' });
  trAttr(list, 'aria-label', 'chat.clients');
  const pick = h('select', { id: 'chat-client' });
  pick.addEventListener('change', () => select(pick.value));
  const head = h('p', { class: 'chat-head', id: 'chat-head' });
  const log = h('div', { class: 'convo-log convo-log-side', id: 'chat-lines', tabIndex: 0, attrs: { role: 'log', 'aria-labelledby': 'chat-head' } });
  const reply = replyBox(ctx, {
    id: 'chat-reply',
    labelKey: actor ? 'chat.write_label_client' : 'chat.reply_label',
    placeholderKey: actor ? 'chat.write_placeholder_client' : 'chat.reply_placeholder',
    draftKey: 'chat',
  });
  const hint = h('p', { class: 'hint', id: 'chat-hint' });
  const titleKey = actor ? (ctx.role === 'facilitator' ? 'panel.chats_fac' : 'panel.chat_client') : 'panel.chats';
  const el = panel(titleKey,
    ctx.role === 'corporate_actor' ? field('chat.you_are', pick) : list,
    h('div', { class: 'chat-open', id: 'chat-open' }, head, log, reply.el), hint);
  el.id = 'chat-panel';

  function select(client) {
    ctx.ui.chat = client;
    const s = ctx.get();
    const chat = (s.chats || {})[client];
    if (chat) ctx.ui.chatSeen[client] = lastTheirTick(chat, side);
    if (ctx.saveUi) ctx.saveUi();
    update(s);
    if (ctx.role !== 'corporate_actor') reply.text.focus();
  }

  function update(state) {
    const chats = chatList(state);
    const me = state.you.id;
    // Whom this seat talks for / with.
    let selected = chats.find((c) => c.client === ctx.ui.chat) || null;
    // A corporate actor writes as the client it plays (the server's character), else one it took over.
    const mine = state.character && state.character.client;
    if (!selected && ctx.role === 'corporate_actor') {
      selected = chats.find((c) => c.client === mine) || chats.find((c) => c.client_seat === me) || chats[0] || null;
    }
    if (!selected && !actor) selected = chats[0] || null;
    if (!selected && ctx.role === 'facilitator') selected = chats[0] || null;
    const id = selected ? selected.client : null;
    if (id !== ctx.ui.chat && id !== null) ctx.ui.chat = id;
    // Seen while open.
    if (selected && !document.hidden) ctx.ui.chatSeen[id] = lastTheirTick(selected, side);

    if (ctx.role === 'corporate_actor') {
      const key = JSON.stringify(chats.map((c) => [c.client, c.name]));
      if (pick.dataset.key !== key) {
        pick.dataset.key = key;
        fill(pick, chats.map((c) => h('option', { value: c.client, text: c.name })));
      }
      if (id && pick.value !== id) pick.value = id;
    } else {
      const key = JSON.stringify([id, chats.map((c) => [c.client, c.name, c.waiting_since, c.escalations, unreadLines(c, ctx.ui.chatSeen[c.client], side), c.client_seat])]);
      redraw(list, key, () => (chats.length ? chats.map((c) => {
        const unread = c.client === id ? 0 : unreadLines(c, ctx.ui.chatSeen[c.client], side);
        const waiting = c.waiting_since !== null && c.waiting_since !== undefined;
        const b = h('button', { type: 'button', class: ['chat-link', c.client === id ? 'selected' : null, waiting && !actor ? 'waiting' : null], id: `chat-link-${c.client}`, dataset: { client: c.client } },
          h('span', { class: 'chat-name', text: c.name }),
          waiting && !actor ? h('span', { class: 'pill pill-warn-soft', text: t('chat.waiting') }) : null,
          c.escalations ? h('span', { class: 'pill pill-bad', text: t('chat.escalations', { n: c.escalations }) }) : null,
          unread ? h('span', { class: 'badge', text: String(unread), attrs: { 'aria-label': t('drill.unread', { n: unread }) } }) : null);
        if (c.client === id) b.setAttribute('aria-current', 'true');
        b.addEventListener('click', () => select(c.client));
        return h('li', null, b);
      }) : h('li', { class: 'muted', i18n: 'chat.no_clients' })));
    }

    const live = playing(state) && ctx.online();
    if (!selected) {
      head.textContent = '';
      fill(log, h('p', { class: 'muted convo-empty', i18n: 'chat.none' }));
      delete log.dataset.key;
      reply.enable(false);
      hint.hidden = true;
      return;
    }
    const parts = [selected.name];
    if (selected.stores) parts.push(t('chat.stores', { n: selected.stores }));
    if (selected.waiting_since !== null && selected.waiting_since !== undefined) {
      parts.push(t('chat.waiting_since', { time: hhmm(timeAt(state, selected.waiting_since)) }));
    }
    head.textContent = parts.join(' · ');
    showLines(log, state, selected.lines || [], side, actor ? 'chat.empty_client' : 'chat.empty');
    // Someone else plays this client: only they (and facilitators) write as it.
    const playedByOther = actor && ctx.role === 'corporate_actor' && selected.client_seat !== null && selected.client_seat !== undefined && selected.client_seat !== me;
    reply.target(id, (text, opts) => ctx.send({ type: 'chat_say', client: id, text }, opts));
    reply.enable(live && !playedByOther);
    hint.hidden = live && !playedByOther && !(ctx.role === 'facilitator');
    tr(hint, playedByOther ? 'chat.played_by_other' : !live ? (state.status === 'ended' ? 'desk.hint_ended' : 'desk.hint_lobby') : 'chat.fac_hint');
  }

  /** Puts text in the message box, for client (when given: that client's chat). */
  function useText(text, client) {
    if (client && chatList(ctx.get()).some((c) => c.client === client)) select(client);
    reply.text.value = text;
    reply.text.dispatchEvent(new Event('input')); // keeps it as the draft
    reply.text.focus();
  }
  return { el, update, useText };
}

// --- the facilitator's view of the desk -------------------------------------

/**
 * Facilitators: every open call (state, agent, mood, wait), and one call's
 * conversation, where the facilitator can speak as the caller.
 */
export function deskWatchPanel(ctx) {
  const counts = h('p', { class: 'queue-count', id: 'desk-counts' });
  const list = h('ul', { class: 'desk-calls', id: 'desk-calls' });
  const head = h('p', { class: 'chat-head', id: 'desk-call-head' });
  const log = h('div', { class: 'convo-log convo-log-side', id: 'desk-call-lines', tabIndex: 0, attrs: { role: 'log', 'aria-labelledby': 'desk-call-head' } });
  const reply = replyBox(ctx, { id: 'desk-reply', labelKey: 'deskfac.say_label', placeholderKey: 'deskfac.say_placeholder', draftKey: 'deskcall' });
  const open = h('div', { class: 'chat-open', id: 'desk-call-open', hidden: true }, head, log, reply.el);
  const el = panel('panel.desk_watch', counts, list, open);
  el.id = 'desk-panel';
  let waits = [];

  function update(state) {
    const waiting = callQueue(state);
    const talking = callsInProgress(state);
    tr(counts, ['deskfac.counts', { waiting: waiting.length, talking: talking.length }]);
    const shown = [...talking, ...waiting.slice(0, QUEUE_SHOWN_MAX)];
    let selected = shown.find((c) => c.id === ctx.ui.deskCall) || (state.calls || {})[ctx.ui.deskCall] || null;
    const key = JSON.stringify([selected && selected.id, shown.map((c) => [c.id, c.state, c.mood, c.agent_name])]);
    redraw(list, key, () => (shown.length ? shown.map((c) => {
      const b = h('button', { type: 'button', class: ['chat-link', selected && selected.id === c.id ? 'selected' : null], id: `desk-call-${c.id}`, dataset: { call: c.id } },
        h('span', { class: 'chat-name', text: c.caller }),
        statePill(c), moodPill(c.mood),
        c.state === 'waiting'
          ? h('span', { class: 'call-wait', dataset: { opened: c.opened_tick } })
          : h('span', { class: 'call-meta', text: c.agent_name }));
      if (selected && selected.id === c.id) b.setAttribute('aria-current', 'true');
      b.setAttribute('aria-expanded', String(!!selected && selected.id === c.id));
      b.addEventListener('click', () => {
        ctx.ui.deskCall = ctx.ui.deskCall === c.id ? null : c.id;
        update(ctx.get());
      });
      return h('li', null, b);
    }) : h('li', { class: 'muted', i18n: 'deskfac.none' })));
    waits = [...list.querySelectorAll('.call-wait')];
    open.hidden = !selected;
    if (selected) {
      const c = selected;
      head.textContent = `${c.caller} · ${t(`callstate.${c.state}`)}${c.agent_name ? ` · ${c.agent_name}` : ''}`;
      showLines(log, state, c.lines || [], 'caller', 'desk.no_lines');
      reply.target(c.id, (text, opts) => ctx.send({ type: 'call_say', call: c.id, text }, opts));
      reply.enable(playing(state) && ctx.online() && callOpen(c));
    }
    pulse(state);
  }
  function pulse(state) {
    const now = nowTick(state);
    for (const w of waits) {
      const text = t('desk.waited', { t: duration(now - Number(w.dataset.opened)) });
      if (w.textContent !== text) w.textContent = text;
    }
  }
  return { el, update, pulse };
}
