// The drill as this seat sees it, kept from the welcome snapshot and the
// events that follow. Plain JSON-able data so that it can be cached in
// sessionStorage. Pure functions (no DOM), so they can be tested in node.

export const CHANNEL_ORDER = ['ops', 'incident-war-room', 'support', 'external', 'sales', 'social', 'facilitators'];
/** The facilitators' private channel: nobody else ever sees it. */
export const PRIVATE_CHANNEL = 'facilitators';
export const PHASES = ['normal', 'investigating', 'identified', 'mitigating', 'monitoring', 'resolved'];
export const STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'];
export const ROLES = [
  'incident_owner',
  'comms_lead',
  'support_lead',
  'support_agent',
  'sales',
  'engineer',
  'store_actor',
  'corporate_actor',
  'observer',
];
export const SPEEDS = [1, 2, 5, 10, 30, 60, 120];
const POSTS_KEPT_MAX = 500;
/** Posts of a channel a welcome carries at most (the server's POSTS_IN_WELCOME_MAX). */
export const POSTS_IN_WELCOME_MAX = 100;
/** Posts of a channel kept at most once older ones were loaded. */
const POSTS_LOADED_MAX = 2000;
/** Seats in one answer to the roster query (the server's ROSTER_PAGE_MAX). */
export const ROSTER_PAGE_MAX = 100;
/** Lines kept per call or chat (the server keeps 40). */
const LINES_KEPT_MAX = 60;
/** Closed calls kept (the open ones are always kept). */
const CLOSED_CALLS_KEPT_MAX = 30;
export const DISPOSITIONS = ['informed', 'workaround', 'callback', 'escalated', 'no_issue'];
export const MEDIUMS = ['phone', 'line_chat', 'email', 'social', 'internal_chat'];
export const FAULT_OPS = ['start', 'worsen', 'spread', 'heal'];

/** State from a welcome message. */
export function fromWelcome(msg) {
  const s = msg.snapshot || {};
  const state = {
    you: msg.you,
    seq: s.seq || 0,
    drill: s.drill || {},
    status: s.status || 'lobby',
    speed: s.speed || 1,
    pulse: s.pulse || null,
    phase: s.phase || 'normal',
    declared_at_tick: s.declared_at_tick ?? null,
    declared_by: null,
    roster: s.roster || [],
    roster_total: s.roster_total || 0,
    channels: [],
    actions: s.actions || [],
    actions_run: s.actions_run || [],
    notices: s.notices || [],
    summary: s.summary || null,
    answer_key: s.answer_key || null,
    planned_roles: s.planned_roles || [],
    roles_locked: !!s.roles_locked,
    facilitator_code: s.facilitator_code || null,
    docs: sortDocs(s.docs || []),
    next_report_due_tick: s.next_report_due_tick ?? null,
    last_report: null,
    report_overdue_for: null,
    calls: {},
    // A support agent's view of the queue (the agent hears no rings).
    desk_queue: s.desk_queue || null,
    chats: {},
    clients: s.clients || [],
    injects: s.injects || [],
    personas: s.personas || [],
    pulses_open: (s.pulses_open || []).map((p) => ({ question: p.question, picks: p.picks ?? null })),
    pulse_results: s.pulse_results || [],
    briefs: s.briefs || [],
    // The character an outside actor plays (given by the server), or null.
    character: s.character || null,
  };
  for (const c of s.calls || []) state.calls[c.id] = { ...c, lines: (c.lines || []).slice(-LINES_KEPT_MAX) };
  trimCalls(state);
  for (const c of s.chats || []) state.chats[c.client] = { ...c, lines: (c.lines || []).slice(-LINES_KEPT_MAX) };
  for (const c of s.channels || []) {
    const ch = openChannel(state, c.channel);
    ch.posts = (c.posts || []).slice(-POSTS_KEPT_MAX);
    // A full welcome may have left older posts out: they can be loaded.
    ch.more = (c.posts || []).length >= POSTS_IN_WELCOME_MAX;
    // Pinned posts come whole: they may be older than the posts above.
    ch.pins = (c.pins || []).filter((p) => p && p.post);
    for (const p of c.posts || []) notePost(state, p);
  }
  return state;
}

/**
 * Keeps the facts a post carries beyond the channel: the latest status
 * report (and so the promised next update) and the latest overdue nudge.
 */
function notePost(state, post) {
  const body = (post && post.body) || {};
  if (body.kind === 'status_report') {
    state.last_report = { ...body, tick: post.tick };
    state.next_report_due_tick = body.next_update_tick;
  } else if (body.kind === 'report_overdue') {
    state.report_overdue_for = body.due_tick;
  }
}

/** The seat's kind: 'facilitator' or the participant's role. */
export function seatRole(state) {
  const seat = state.you && state.you.seat;
  if (!seat) return 'observer';
  return seat.kind === 'facilitator' ? 'facilitator' : seat.role;
}

export function findChannel(state, channel) {
  return state.channels.find((c) => c.channel === channel) || null;
}

function openChannel(state, channel) {
  let c = findChannel(state, channel);
  if (!c) {
    c = { channel, posts: [], more: false, pins: [] };
    state.channels.push(c);
    state.channels.sort((a, b) => order(a.channel) - order(b.channel));
  }
  return c;
}

function order(channel) {
  const i = CHANNEL_ORDER.indexOf(channel);
  return i < 0 ? CHANNEL_ORDER.length : i;
}

function upsert(list, item, same) {
  const i = list.findIndex((x) => same(x, item));
  if (i < 0) list.push(item);
  else list[i] = item;
}

/**
 * Applies one event message ({seq, tick, event}). Returns what changed, for
 * the view: {what, ...} or null if the event was already seen.
 */
export function applyEvent(state, msg) {
  if (typeof msg.seq === 'number') {
    if (msg.seq <= state.seq) return null;
    state.seq = msg.seq;
  }
  const ev = msg.event || {};
  switch (ev.kind) {
    case 'posted': {
      const c = openChannel(state, ev.channel);
      c.posts.push(ev.post);
      const keep = Math.max(POSTS_KEPT_MAX, c.keep || 0);
      if (c.posts.length > keep) c.posts.splice(0, c.posts.length - keep);
      notePost(state, ev.post);
      return { what: 'posted', channel: ev.channel, post: ev.post };
    }
    case 'pin_changed': {
      if (!ev.post) return { what: 'unknown' };
      const c = openChannel(state, ev.channel);
      c.pins = (c.pins || []).filter((p) => p.post.id !== ev.post.id);
      if (ev.pinned) c.pins.push({ post: ev.post, by: ev.by || '', tick: msg.tick ?? 0 });
      return { what: 'pins', channel: ev.channel, post: ev.post.id, pinned: !!ev.pinned };
    }
    case 'channel_opened':
      openChannel(state, ev.channel);
      return { what: 'channels' };
    case 'roster':
      state.roster = ev.seats || [];
      return { what: 'roster' };
    case 'seat_changed':
      if (ev.seat) upsert(state.roster, ev.seat, (a, b) => a.id === b.id);
      return { what: 'roster' };
    case 'status':
      state.status = ev.status;
      state.speed = ev.speed;
      if (state.pulse) {
        state.pulse.status = ev.status;
        state.pulse.speed = ev.speed;
      }
      return { what: 'status' };
    case 'declared':
      state.declared_at_tick = msg.tick ?? state.declared_at_tick;
      state.declared_by = ev.by || null;
      return { what: 'phase' };
    case 'phase_changed':
      state.phase = ev.phase;
      return { what: 'phase' };
    case 'action_updated':
      upsert(state.actions_run, ev.run, (a, b) => a.action === b.action && a.started_tick === b.started_tick);
      return { what: 'actions' };
    case 'notice_published':
      state.notices.push(ev.notice);
      return { what: 'notices' };
    case 'fault_changed':
      state.answer_key = state.answer_key || [];
      upsert(state.answer_key, ev.fault, (a, b) => a.id === b.id);
      return { what: 'answer_key' };
    case 'doc_updated': {
      if (!ev.doc) return { what: 'unknown' };
      state.docs = state.docs || [];
      const before = state.docs.find((d) => d.id === ev.doc.id) || null;
      // A late or replayed copy never replaces a newer one.
      if (before && before.version > ev.doc.version) return { what: 'doc', doc: before, before };
      upsert(state.docs, ev.doc, (a, b) => a.id === b.id);
      state.docs = sortDocs(state.docs);
      return { what: 'doc', doc: ev.doc, before };
    }
    case 'roles_locked':
      state.roles_locked = !!ev.locked;
      return { what: 'planned' };
    case 'role_planned':
      state.planned_roles = state.planned_roles || [];
      if (ev.planned) state.planned_roles.push(ev.planned);
      return { what: 'planned' };
    case 'call_updated': {
      if (!ev.call) return { what: 'unknown' };
      state.calls = state.calls || {};
      const before = state.calls[ev.call.id];
      // The event has no lines (they come as call_line), except the one
      // giving the call to its agent, who did not hear it ring.
      const lines = ev.call.lines && ev.call.lines.length
        ? ev.call.lines.slice(-LINES_KEPT_MAX)
        : before ? before.lines : [];
      state.calls[ev.call.id] = { ...ev.call, lines };
      trimCalls(state);
      return { what: 'calls', call: ev.call.id };
    }
    case 'call_line': {
      const call = (state.calls || {})[ev.call];
      if (call && ev.line) pushLine(call, ev.line);
      return { what: 'calls', call: ev.call, line: ev.line };
    }
    case 'chat_updated': {
      if (!ev.chat) return { what: 'unknown' };
      state.chats = state.chats || {};
      const before = state.chats[ev.chat.client];
      state.chats[ev.chat.client] = { ...ev.chat, lines: before ? before.lines : [] };
      return { what: 'chats', client: ev.chat.client };
    }
    case 'chat_line': {
      state.chats = state.chats || {};
      let chat = state.chats[ev.client];
      if (!chat) {
        // A line before its chat: keep it under the client's name.
        const known = (state.clients || []).find((c) => c.id === ev.client);
        chat = { client: ev.client, name: known ? known.name : ev.client, stores: 0, client_seat: null, waiting_since: null, escalations: 0, lines: [] };
        state.chats[ev.client] = chat;
      }
      if (ev.line) pushLine(chat, ev.line);
      return { what: 'chats', client: ev.client, line: ev.line };
    }
    case 'inject_updated':
      if (!ev.inject) return { what: 'unknown' };
      state.injects = state.injects || [];
      upsert(state.injects, ev.inject, (a, b) => a.id === b.id);
      return { what: 'injects' };
    case 'pulse_asked': {
      if (!ev.question) return { what: 'unknown' };
      state.pulses_open = state.pulses_open || [];
      const known = state.pulses_open.find((p) => p.question.id === ev.question.id);
      if (known) known.question = ev.question;
      else state.pulses_open.push({ question: ev.question, picks: null });
      return { what: 'pulses', asked: ev.question };
    }
    case 'pulse_closed': {
      if (!ev.result || !ev.result.question) return { what: 'unknown' };
      const id = ev.result.question.id;
      state.pulses_open = (state.pulses_open || []).filter((p) => p.question.id !== id);
      state.pulse_results = state.pulse_results || [];
      upsert(state.pulse_results, ev.result, (a, b) => a.question.id === b.question.id);
      state.pulse_results.sort((a, b) => a.question.id - b.question.id);
      return { what: 'pulses' };
    }
    case 'ended':
      state.summary = ev.summary;
      state.status = 'ended';
      if (state.pulse) state.pulse.status = 'ended';
      // Nothing is open any more (the results came as pulse_closed).
      state.pulses_open = [];
      return { what: 'ended' };
    default:
      return { what: 'unknown' };
  }
}

function pushLine(convo, line) {
  convo.lines = convo.lines || [];
  convo.lines.push(line);
  if (convo.lines.length > LINES_KEPT_MAX) convo.lines.splice(0, convo.lines.length - LINES_KEPT_MAX);
}

const OPEN_CALL_STATES = ['waiting', 'talking', 'on_hold'];

/** Whether a call is still going on (waiting, talking or on hold). */
export function callOpen(call) {
  return !!call && OPEN_CALL_STATES.includes(call.state);
}

/** Keeps every open call and only the latest closed ones. */
function trimCalls(state) {
  const closed = Object.values(state.calls).filter((c) => !callOpen(c));
  if (closed.length <= CLOSED_CALLS_KEPT_MAX) return;
  closed.sort((a, b) => closedAt(b) - closedAt(a) || b.id - a.id);
  for (const c of closed.slice(CLOSED_CALLS_KEPT_MAX)) delete state.calls[c.id];
}

function closedAt(call) {
  return call.ended_tick ?? call.opened_tick ?? 0;
}

/** How the server compares names for planned roles. */
export function nameKey(name) {
  return String(name || '').trim().toLowerCase();
}

/**
 * The planned roles as they stand: one per name (the latest plan counts),
 * in the order the names were first planned.
 */
export function currentPlans(state) {
  const byName = new Map();
  for (const p of state.planned_roles || []) {
    const key = nameKey(p.name);
    const before = byName.get(key);
    byName.set(key, before ? { ...p, order: before.order } : { ...p, order: byName.size });
  }
  return [...byName.values()].sort((a, b) => a.order - b.order).map(({ order: _o, ...p }) => p);
}

/** The facilitator who created the drill (the lowest facilitator seat). */
export function leadFacilitator(state) {
  return (state.roster || []).filter((s) => s.seat && s.seat.kind === 'facilitator').sort((a, b) => a.id - b.id)[0] || null;
}

/** Applies a pulse (clock and live metrics). */
/** A desk_queue message: the queue as a support agent sees it. */
export function applyDeskQueue(state, msg) {
  const { type: _type, ...queue } = msg;
  state.desk_queue = { waiting: queue.waiting || 0, oldest_tick: queue.oldest_tick ?? null, moods: queue.moods || {}, calls: queue.calls || [] };
}

export function applyPulse(state, msg) {
  const { type: _type, ...pulse } = msg;
  state.pulse = pulse;
  if (pulse.status) state.status = pulse.status;
  if (pulse.speed) state.speed = pulse.speed;
}

/** Which channels a role may write in (mirrors the server's rule). */
export function canWrite(role, channel) {
  if (role === 'facilitator') return true;
  if (role === 'observer') return false;
  // Outside actors write only on the public feed.
  if (['store_actor', 'corporate_actor'].includes(role)) return channel === 'social';
  switch (channel) {
    case 'ops':
    case 'incident-war-room':
      return true;
    case 'support':
      return ['incident_owner', 'support_lead', 'support_agent'].includes(role);
    case 'external':
      return ['incident_owner', 'comms_lead', 'support_lead'].includes(role);
    case 'sales':
      return ['incident_owner', 'sales', 'comms_lead'].includes(role);
    case 'social':
      return ['incident_owner', 'comms_lead'].includes(role);
    default:
      return false;
  }
}

// --- pinned posts -------------------------------------------------------------

/** Pins per channel the server keeps at most (limits.rs PINS_PER_CHANNEL_MAX). */
export const PINS_PER_CHANNEL_MAX = 20;

/**
 * Whether a role may pin and unpin posts in a channel: the same rule as
 * writing there (the server's authorize).
 */
export function canPin(role, channel) {
  return canWrite(role, channel);
}

/** A channel's pins, the latest pinned first: [{post, by, tick}]. */
export function pinsOf(state, channel) {
  const c = findChannel(state, channel);
  return ((c && c.pins) || []).slice().reverse();
}

/** Whether the post with this id is pinned in the channel. */
export function isPinned(state, channel, id) {
  const c = findChannel(state, channel);
  return !!c && (c.pins || []).some((p) => p.post.id === id);
}

/** Whether the world is playing (commands other than chat are possible). */
export function playing(state) {
  return state.status === 'running' || state.status === 'paused';
}

/** The current tick, from the latest pulse. */
export function nowTick(state) {
  return state.pulse ? state.pulse.tick : 0;
}

/** World time of day (seconds) at a tick. */
export function timeAt(state, tick) {
  return (state.drill.start_time_of_day_s || 0) + tick;
}

// --- shared documents --------------------------------------------------------

/** The order documents are listed in: the status board first. */
const DOC_KIND_ORDER = ['status_board', 'incident_doc', 'talk_script', 'incident_report', 'checklist'];

/** The id of the talk script the declaration creates. */
export const TALK_SCRIPT_ID = 'talk-script';

/** A document's kind name ('status_board', ..., 'checklist'). */
export function docKind(doc) {
  return (doc && doc.kind && doc.kind.kind) || '';
}

function sortDocs(docs) {
  const rank = (d) => {
    const i = DOC_KIND_ORDER.indexOf(docKind(d));
    const r = ROLES.indexOf(d.kind && d.kind.role);
    return (i < 0 ? DOC_KIND_ORDER.length : i) * 100 + (r < 0 ? 99 : r);
  };
  return docs.slice().sort((a, b) => rank(a) - rank(b));
}

export function findDoc(state, id) {
  return (state.docs || []).find((d) => d.id === id) || null;
}

/**
 * Who may edit which document (mirrors the server's doc_writable);
 * facilitators may edit all.
 */
export function docWritable(role, doc) {
  if (role === 'facilitator') return true;
  switch (docKind(doc)) {
    case 'status_board':
      return ['incident_owner', 'comms_lead', 'support_lead'].includes(role);
    case 'incident_doc':
      return ['incident_owner', 'engineer', 'comms_lead'].includes(role);
    case 'talk_script':
      return ['support_lead', 'incident_owner'].includes(role);
    case 'incident_report':
      return ['comms_lead', 'incident_owner'].includes(role);
    case 'checklist':
      return doc.kind.role === role;
    default:
      return false;
  }
}

/** Whether a role sees internal documents at all. */
export function seesDocs(role) {
  return role === 'facilitator' || !['store_actor', 'corporate_actor'].includes(role);
}

/**
 * The documents a seat lists: the shared ones, and among the checklists
 * only its own role's (facilitators see every one).
 */
export function listedDocs(state, role) {
  return (state.docs || []).filter((d) => docKind(d) !== 'checklist' || role === 'facilitator' || d.kind.role === role);
}

const CHECK_LINE = /^(\s*)\[( |x|X)\](\s?)(.*)$/;

/**
 * A checklist's lines: {item: true, checked, text} for "[ ] text" and
 * "[x] text" lines, {item: false, text} for the others.
 */
export function checklistLines(text) {
  return String(text || '').split('\n').map((line) => {
    const m = CHECK_LINE.exec(line);
    return m ? { item: true, checked: m[2] !== ' ', text: m[4] } : { item: false, text: line };
  });
}

/**
 * The text with one item ticked or unticked. The item is found by its
 * text (so that a tick still lands on the right line after someone else
 * saved), else by its line number; null if it is gone.
 */
export function setChecked(text, { line, label }, checked) {
  const lines = String(text || '').split('\n');
  const isItem = (l) => CHECK_LINE.test(l);
  const labelOf = (l) => CHECK_LINE.exec(l)[4];
  let i = lines.findIndex((l) => isItem(l) && labelOf(l) === label);
  if (i < 0 && line < lines.length && isItem(lines[line])) i = line;
  if (i < 0) return null;
  lines[i] = lines[i].replace(CHECK_LINE, (_m, lead, _c, sp, rest) => `${lead}[${checked ? 'x' : ' '}]${sp || ' '}${rest}`);
  return lines.join('\n');
}

/** Whether the promised status report is late at the current tick. */
export function reportLate(state) {
  const due = state.next_report_due_tick;
  return due !== null && due !== undefined && nowTick(state) > due;
}

/**
 * Whether the owner is to be nudged: the server said the promised report
 * is late (a report_overdue post for the current promise), or the clock
 * is past it (the same rule, for a snapshot whose nudge post was trimmed).
 */
export function reportNudged(state) {
  const due = state.next_report_due_tick;
  if (due === null || due === undefined || state.status === 'ended') return false;
  return state.report_overdue_for === due || (reportLate(state) && state.status !== 'lobby');
}

// --- the support desk, client chats, injects ----------------------------------

/** Every call kept, oldest first. */
export function allCalls(state) {
  return Object.values(state.calls || {}).sort((a, b) => a.opened_tick - b.opened_tick || a.id - b.id);
}

/**
 * The calls waiting in the queue, longest-waiting first: from the desk's
 * queue for a support agent (at most the server's 8 longest-waiting), else
 * from the calls. A call this seat already knows was picked up or closed
 * (the queue is at most a second old) is left out.
 */
export function callQueue(state) {
  if (state.desk_queue) {
    const known = state.calls || {};
    return state.desk_queue.calls.filter((c) => !known[c.id] || known[c.id].state === 'waiting');
  }
  return allCalls(state).filter((c) => c.state === 'waiting');
}

/** How many calls wait (all of them, also those callQueue leaves out). */
export function queueCount(state) {
  if (state.desk_queue) {
    const q = state.desk_queue;
    const gone = q.calls.length - callQueue(state).length;
    return Math.max(0, q.waiting - gone);
  }
  return callQueue(state).length;
}

/** The call this seat is on as the agent (talking or on hold), or null. */
export function activeCall(state) {
  const me = state.you && state.you.id;
  return allCalls(state).find((c) => (c.state === 'talking' || c.state === 'on_hold') && c.agent === me) || null;
}

/** The calls this seat placed as the caller (a store actor), oldest first. */
export function ownCalls(state) {
  const me = state.you && state.you.id;
  return allCalls(state).filter((c) => c.caller_seat === me);
}

/** Calls in progress with an agent (talking or on hold), oldest first. */
export function callsInProgress(state) {
  return allCalls(state).filter((c) => c.state === 'talking' || c.state === 'on_hold');
}

/** Ended and abandoned calls, latest first, at most n. */
export function closedCalls(state, n = 5) {
  return allCalls(state).filter((c) => !callOpen(c)).sort((a, b) => closedAt(b) - closedAt(a) || b.id - a.id).slice(0, n);
}

/** Seconds a call has waited (until picked up or closed, else until now). */
export function waitSeconds(call, now) {
  const end = call.answered_tick ?? call.ended_tick ?? now;
  return Math.max(0, end - call.opened_tick);
}

/** Seats that can be given a call: support agents, by join order. */
export function supportAgents(state) {
  return (state.roster || [])
    .filter((s) => s.seat && s.seat.kind === 'participant' && s.seat.role === 'support_agent')
    .sort((a, b) => a.id - b.id);
}

/** Whether a seat is on a call now (as the agent). */
export function onCall(state, seat) {
  return allCalls(state).some((c) => (c.state === 'talking' || c.state === 'on_hold') && c.agent === seat);
}

/**
 * The clients' chats as a list: every known client (with its chat when
 * there is one), those waiting for an answer first (longest first), then
 * the ones with lines, then the rest by name.
 */
export function chatList(state) {
  const chats = state.chats || {};
  const byId = new Map();
  for (const c of state.clients || []) {
    byId.set(c.id, chats[c.id] || { client: c.id, name: c.name, stores: 0, client_seat: null, waiting_since: null, escalations: 0, lines: [] });
  }
  for (const c of Object.values(chats)) byId.set(c.client, c);
  const waiting = (c) => (c.waiting_since === null || c.waiting_since === undefined ? Infinity : c.waiting_since);
  return [...byId.values()].sort((a, b) => waiting(a) - waiting(b)
    || (b.lines || []).length - (a.lines || []).length
    || String(a.name).localeCompare(String(b.name)));
}

/**
 * Lines from the other side said after seenTick (the tick of the last
 * such line the reader saw; undefined when never read). side is the
 * reader's side: 'agent' for sales, 'caller' for the person playing the
 * client.
 */
export function unreadLines(chat, seenTick, side = 'agent') {
  const after = seenTick === null || seenTick === undefined ? -1 : seenTick;
  return (chat.lines || []).filter((l) => l.speaker !== side && l.tick > after).length;
}

/** The tick of the latest line from the other side (what "read" records). */
export function lastTheirTick(chat, side = 'agent') {
  const theirs = (chat.lines || []).filter((l) => l.speaker !== side);
  return theirs.length ? theirs[theirs.length - 1].tick : null;
}

/**
 * The injects timeline: fired ones (in firing order), then those still to
 * come (by due time; conditional ones without a time last), skipped ones
 * at the end. next is the first one still to come that has a time.
 */
export function injectTimeline(state) {
  const injects = state.injects || [];
  const has = (v) => v !== null && v !== undefined;
  const fired = injects.filter((i) => has(i.fired_tick)).sort((a, b) => a.fired_tick - b.fired_tick);
  const pending = injects.filter((i) => !has(i.fired_tick) && !i.skipped)
    .sort((a, b) => (has(a.due_tick) ? a.due_tick : Infinity) - (has(b.due_tick) ? b.due_tick : Infinity));
  const skipped = injects.filter((i) => !has(i.fired_tick) && i.skipped);
  const next = pending.find((i) => has(i.due_tick)) || null;
  return { fired, pending, skipped, next };
}

// --- engineers' tools, approvals, pulse questions, older posts -----------------

/** Roles (besides facilitators) that may look at logs, dashboards and deploys. */
const QUERY_ROLES = ['engineer', 'incident_owner', 'observer'];

/** Whether a role may use the engineers' tools (mirrors the server's authorize). */
export function canQuery(role) {
  return role === 'facilitator' || QUERY_ROLES.includes(role);
}

/** Roles that answer pulse questions (inside the company, not observers). */
const PULSE_ROLES = ['incident_owner', 'comms_lead', 'support_lead', 'support_agent', 'sales', 'engineer'];

/** Whether a role answers pulse questions. */
export function answersPulses(role) {
  return PULSE_ROLES.includes(role);
}

/**
 * How many people are in the drill: the pulse's count (the same on every
 * screen, and up to date), else the welcome's total or the roster.
 */
export function peopleCount(state) {
  const live = state.pulse && Number.isInteger(state.pulse.seats) && state.pulse.seats > 0 ? state.pulse.seats : 0;
  return live || Math.max(state.roster_total || 0, (state.roster || []).length);
}

/**
 * Where the next page of the roster starts (the `roster` query's `from`):
 * the smallest seat id this seat does not know yet (seat ids count up
 * from 0), or null when it knows every seat.
 */
export function rosterNextFrom(state) {
  const known = new Set((state.roster || []).map((s) => s.id));
  const total = peopleCount(state);
  let id = 0;
  while (known.has(id)) id += 1;
  return id < total ? id : null;
}

/** Adds a page of the roster (the `roster` query's answer). */
export function addRosterPage(state, answer) {
  state.roster = state.roster || [];
  for (const seat of (answer && answer.seats) || []) upsert(state.roster, seat, (a, b) => a.id === b.id);
  if (answer && Number.isInteger(answer.total)) state.roster_total = Math.max(state.roster_total || 0, answer.total);
}

/** Whether a person holds the incident owner's role (risky actions wait for them). */
export function ownerPresent(state) {
  return (state.roster || []).some((s) => s.seat && s.seat.kind === 'participant' && s.seat.role === 'incident_owner');
}

/**
 * Risky actions waiting for the owner: [{action, label, by, tick}], oldest
 * first. A request is pending until a decision about the same action
 * follows it. Requests go to #ops before the declaration and to the war
 * room after it, so #ops is read first.
 */
export function pendingApprovals(state) {
  const last = new Map();
  for (const channel of ['ops', 'incident-war-room']) {
    const c = findChannel(state, channel);
    for (const post of (c && c.posts) || []) {
      const body = post.body || {};
      if (body.kind === 'approval_requested') last.set(body.action, { action: body.action, label: body.label, by: body.by, tick: post.tick });
      else if (body.kind === 'approval_decided') last.delete(body.action);
    }
  }
  return [...last.values()].sort((a, b) => a.tick - b.tick);
}

/**
 * A runbook action's label: from the runbook (engineers, facilitators),
 * else from a post that named it (the owner sees posts, not the runbook).
 */
export function actionLabel(state, id) {
  const a = (state.actions || []).find((x) => x.id === id);
  if (a) return a.label;
  for (const c of state.channels || []) {
    for (let i = c.posts.length - 1; i >= 0; i -= 1) {
      const body = c.posts[i].body || {};
      if (body.action === id && body.label) return body.label;
    }
  }
  return id;
}

/** Pulse questions still open by the server's clock, oldest first. */
export function openPulses(state) {
  if (state.status === 'ended') return [];
  const now = nowTick(state);
  return (state.pulses_open || []).filter((p) => p.question.closes_tick > now).sort((a, b) => a.question.id - b.question.id);
}

/** Records this seat's answer to an open pulse question (after the ack). */
export function notePulseAnswer(state, id, picks) {
  const p = (state.pulses_open || []).find((x) => x.question.id === id);
  if (p) p.picks = picks.slice();
  return !!p;
}

/**
 * Older posts of a channel (a history answer), before the ones it has.
 * An empty or short answer means there are no more.
 */
export function prependPosts(state, channel, posts) {
  const c = findChannel(state, channel);
  if (!c) return null;
  const older = posts || [];
  c.posts = older.concat(c.posts);
  c.keep = Math.max(POSTS_KEPT_MAX, c.keep || 0, c.posts.length);
  if (older.length < POSTS_IN_WELCOME_MAX || c.posts.length >= POSTS_LOADED_MAX) c.more = false;
  return c;
}

/** The history query for a channel's older posts: skip what the client has. */
export function historyQuery(state, channel) {
  const c = findChannel(state, channel);
  return { kind: 'history', channel, skip: c ? c.posts.length : 0 };
}

// --- outside actors' characters ------------------------------------------------

/**
 * The brief this seat plays: the one chosen (by persona id) if it is still
 * offered, else the first; null when there is none.
 */
export function pickBrief(state, chosen) {
  const briefs = state.briefs || [];
  const mine = state.character && state.character.persona;
  return briefs.find((b) => b.persona === chosen) || briefs.find((b) => b.persona === mine) || briefs[0] || null;
}

/** Whether a role plays someone outside the company (a store, a corporate client). */
export function isOutside(role) {
  return role === 'store_actor' || role === 'corporate_actor';
}

/**
 * A brief's scripted lines in the order they come: timed ones by due tick,
 * then those that wait for a condition (due_tick null), as written.
 */
export function briefLines(brief) {
  const lines = ((brief && brief.lines) || []).map((l, i) => ({ ...l, i }));
  const due = (l) => (l.due_tick === null || l.due_tick === undefined ? Infinity : l.due_tick);
  return lines.sort((a, b) => due(a) - due(b) || a.i - b.i).map(({ i: _i, ...l }) => l);
}

// --- mentions --------------------------------------------------------------------

/** Mentions that reach every seat. */
export const MENTION_ALL = ['everyone', 'all'];

/** Short handles of each role, besides its id (the id always works). */
const MENTION_ALIASES = {
  facilitator: ['facilitators'],
  incident_owner: ['owner'],
  comms_lead: ['comms'],
  support_lead: ['support'],
  support_agent: ['support', 'agent', 'agents'],
  sales: [],
  engineer: ['engineers', 'eng'],
  store_actor: ['store'],
  corporate_actor: ['corporate'],
  observer: ['observers'],
};

/**
 * The handles that mention a role, lower case and without the '@': its id,
 * its short handles, the shown names given (the role's name in the current
 * language), and @everyone/@all.
 */
export function mentionHandles(role, names = []) {
  const list = [role, ...(MENTION_ALIASES[role] || []), ...names.map((n) => String(n || '').trim().toLowerCase()), ...MENTION_ALL];
  return [...new Set(list.filter(Boolean))];
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * Whether a text mentions one of the handles: '@' then the handle (case
 * does not matter), not inside a word before the '@' (an e-mail address),
 * and, for a handle that ends in a Latin letter or digit, not followed by
 * one (so @sales is not @salesforce, @support is not @support_lead).
 */
export function mentionsHandle(text, handles) {
  const lower = String(text || '').toLowerCase();
  for (let at = lower.indexOf('@'); at >= 0; at = lower.indexOf('@', at + 1)) {
    if (at > 0 && WORD_CHAR.test(lower[at - 1])) continue;
    for (const handle of handles) {
      if (!lower.startsWith(handle, at + 1)) continue;
      const next = lower[at + 1 + handle.length];
      if (/[a-z0-9_]$/.test(handle) && next !== undefined && WORD_CHAR.test(next)) continue;
      return true;
    }
  }
  return false;
}

/**
 * Whether a post mentions the reader's role. Only free text counts (chat
 * and hypotheses), and never one's own posts. names: the role's shown
 * names (see mentionHandles).
 */
export function mentionsYou(state, post, names = []) {
  if (!post) return false;
  const author = post.author || {};
  if (author.kind === 'seat' && state.you && author.id === state.you.id) return false;
  const body = post.body || {};
  if (body.kind !== 'text' && body.kind !== 'hypothesis') return false;
  return mentionsHandle(body.text, mentionHandles(seatRole(state), names));
}

// --- wall clock ------------------------------------------------------------------

/** Clock anchors kept at most (one per change of speed or status). */
const CLOCK_ANCHORS_MAX = 200;

/**
 * Notes when (wall clock, ms) a pulse arrived, so that ticks can be turned
 * into wall-clock times. An anchor is kept only when the clock's pace
 * changed (speed, pause, a jump), so the list stays short.
 */
export function noteClock(state, nowMs) {
  const p = state.pulse;
  if (!p || typeof p.tick !== 'number') return;
  const pace = p.status === 'running' ? p.speed || 1 : 0;
  const anchors = (state.clock = state.clock || []);
  const last = anchors[anchors.length - 1];
  if (last) {
    const expected = last.tick + ((nowMs - last.wall) / 1000) * last.pace;
    if (last.pace === pace && Math.abs(expected - p.tick) < 5 + pace * 2) return;
  }
  anchors.push({ tick: p.tick, wall: nowMs, pace });
  if (anchors.length > CLOCK_ANCHORS_MAX) anchors.splice(0, anchors.length - CLOCK_ANCHORS_MAX);
}

/**
 * The wall-clock time (ms) at which the drill was at a tick, as best this
 * client can tell from the pulses it saw; null before any. The first
 * moment at that tick counts (a pause keeps the tick, not the time).
 */
export function wallAt(state, tick) {
  const anchors = state.clock || [];
  if (!anchors.length) return null;
  let a = anchors[0];
  for (const x of anchors) {
    if (x.tick <= tick) a = x;
    else break;
  }
  // Before the first anchor (a drill joined late), assume it ran at the
  // first known pace; a pause keeps its tick, so the time is when it began.
  const pace = a.pace || (tick < a.tick ? 1 : 0);
  return pace ? a.wall + ((tick - a.tick) / pace) * 1000 : a.wall;
}
