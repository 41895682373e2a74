// The drill as this seat sees it, kept from the welcome snapshot and the
// events that follow. Plain JSON-able data so that it can be cached in
// sessionStorage. Pure functions (no DOM), so they can be tested in node.

export const CHANNEL_ORDER = ['ops', 'incident-war-room', 'support', 'external', 'sales', 'facilitators'];
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
    channels: [],
    actions: s.actions || [],
    actions_run: s.actions_run || [],
    notices: s.notices || [],
    summary: s.summary || null,
    answer_key: s.answer_key || null,
    planned_roles: s.planned_roles || [],
    facilitator_code: s.facilitator_code || null,
    docs: sortDocs(s.docs || []),
    next_report_due_tick: s.next_report_due_tick ?? null,
    last_report: null,
    report_overdue_for: null,
  };
  for (const c of s.channels || []) {
    openChannel(state, c.channel).posts = (c.posts || []).slice(-POSTS_KEPT_MAX);
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
    c = { channel, posts: [] };
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
      if (c.posts.length > POSTS_KEPT_MAX) c.posts.splice(0, c.posts.length - POSTS_KEPT_MAX);
      notePost(state, ev.post);
      return { what: 'posted', channel: ev.channel, post: ev.post };
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
    case 'role_planned':
      state.planned_roles = state.planned_roles || [];
      if (ev.planned) state.planned_roles.push(ev.planned);
      return { what: 'planned' };
    case 'ended':
      state.summary = ev.summary;
      state.status = 'ended';
      if (state.pulse) state.pulse.status = 'ended';
      return { what: 'ended' };
    default:
      return { what: 'unknown' };
  }
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
export function applyPulse(state, msg) {
  const { type: _type, ...pulse } = msg;
  state.pulse = pulse;
  if (pulse.status) state.status = pulse.status;
  if (pulse.speed) state.speed = pulse.speed;
}

/** Which channels a role may write in (mirrors the server's rule). */
export function canWrite(role, channel) {
  if (role === 'facilitator') return true;
  if (['observer', 'store_actor', 'corporate_actor'].includes(role)) return false;
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
    default:
      return false;
  }
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
