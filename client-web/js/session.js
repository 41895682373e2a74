// Per-tab persistence in sessionStorage, so that two tabs can be two people
// and a reloaded tab resumes where it was.
//
// firedrill.session  {token, lastSeq, cid, drillId, joinCode, seatId, note}
//                    note: what the join said about the seat, shown in the
//                    drill ({kind: 'planned', role, picked} or
//                    {kind: 'facilitator'}), or null.
// firedrill.state    {seq, state}: the drill as this tab last saw it, so a
//                    reload can resume with last_seq and apply only the
//                    missed events. lastSeq and the cached state are written
//                    together, so they always agree.
// firedrill.ui       {channel, unread, drafts, doc, docSeen}: view state.
//                    drafts: text being typed, by input (chat:CHANNEL,
//                    notice, hypothesis, report:FIELD, and doc:ID as
//                    {mode, base, baseText, text, theirs}); doc: the
//                    document open in place of the conversation, or null;
//                    docSeen: the last version of each document seen;
//                    persona: the character an outside actor plays;
//                    sideTab: the facilitator's open tab.
//
// And in localStorage, kept after the drill (so that its organiser can
// later export or delete it from the history):
// firedrill.facilitated  {DRILL_ID: token}: the facilitator token of each
//                    drill this browser created or joined as a
//                    facilitator, the newest FACILITATED_MAX.

const SESSION_KEY = 'firedrill.session';
const STATE_KEY = 'firedrill.state';
const UI_KEY = 'firedrill.ui';
const FACILITATED_KEY = 'firedrill.facilitated';
/** Drills whose facilitator token is kept at most (the oldest go first). */
export const FACILITATED_MAX = 200;

function read(key) {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false; // quota or storage disabled: keep working in memory
  }
}

/** The session of this tab, or null. */
export function loadSession() {
  const s = read(SESSION_KEY);
  if (!s || typeof s.token !== 'string' || !s.token) return null;
  return {
    token: s.token,
    lastSeq: Number.isSafeInteger(s.lastSeq) ? s.lastSeq : null,
    cid: Number.isSafeInteger(s.cid) ? s.cid : 0,
    drillId: s.drillId || '',
    joinCode: s.joinCode || '',
    seatId: s.seatId ?? null,
    note: s.note && typeof s.note === 'object' ? s.note : null,
  };
}

export function saveSession(session) {
  write(SESSION_KEY, session);
}

/** Starts a new session (after create or join); forgets any old drill. */
export function newSession({ token, drillId, joinCode, seatId, note }) {
  clearSession();
  const s = { token, lastSeq: null, cid: 0, drillId, joinCode: joinCode || '', seatId, note: note || null };
  saveSession(s);
  return s;
}

export function clearSession() {
  try {
    sessionStorage.removeItem(SESSION_KEY);
    sessionStorage.removeItem(STATE_KEY);
    sessionStorage.removeItem(UI_KEY);
  } catch {
    /* storage disabled */
  }
}

/** The cached drill state if it matches session.lastSeq, else null. */
export function loadState(session) {
  const c = read(STATE_KEY);
  if (!c || !c.state || session.lastSeq === null || c.seq !== session.lastSeq) return null;
  return c.state;
}

/**
 * Saves the drill state and the session's lastSeq together. If the state
 * does not fit, lastSeq is cleared so that a reload asks for a snapshot.
 */
export function saveState(session, state) {
  if (write(STATE_KEY, { seq: state.seq, state })) {
    session.lastSeq = state.seq;
  } else {
    try {
      sessionStorage.removeItem(STATE_KEY);
    } catch {
      /* ignore */
    }
    session.lastSeq = null;
  }
  saveSession(session);
}

export function loadUi() {
  const u = read(UI_KEY) || {};
  return {
    channel: typeof u.channel === 'string' ? u.channel : 'ops',
    unread: u.unread && typeof u.unread === 'object' ? u.unread : {},
    mentions: u.mentions && typeof u.mentions === 'object' ? u.mentions : {},
    drafts: u.drafts && typeof u.drafts === 'object' ? u.drafts : {},
    doc: typeof u.doc === 'string' ? u.doc : null,
    docSeen: u.docSeen && typeof u.docSeen === 'object' ? u.docSeen : {},
    chat: typeof u.chat === 'string' ? u.chat : null,
    chatSeen: u.chatSeen && typeof u.chatSeen === 'object' ? u.chatSeen : {},
    deskCall: Number.isInteger(u.deskCall) ? u.deskCall : null,
    persona: typeof u.persona === 'string' ? u.persona : null,
    pinsFolded: u.pinsFolded === true,
    sideTab: typeof u.sideTab === 'string' ? u.sideTab : null,
  };
}

export function saveUi(ui) {
  write(UI_KEY, ui);
}

// --- facilitator tokens, kept after the drill -----------------------------------

function readFacilitated() {
  try {
    const raw = localStorage.getItem(FACILITATED_KEY);
    const v = raw ? JSON.parse(raw) : null;
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

function writeFacilitated(map) {
  try {
    localStorage.setItem(FACILITATED_KEY, JSON.stringify(map));
  } catch {
    /* quota or storage disabled: export and delete are not offered */
  }
}

/** Remembers that this browser facilitates drillId with token. */
export function rememberFacilitator(drillId, token) {
  if (typeof drillId !== 'string' || !drillId || typeof token !== 'string' || !token) return;
  const map = readFacilitated();
  if (map[drillId] === token) return;
  delete map[drillId]; // re-inserted last: the newest
  map[drillId] = token;
  const ids = Object.keys(map);
  for (const id of ids.slice(0, Math.max(0, ids.length - FACILITATED_MAX))) delete map[id];
  writeFacilitated(map);
}

/** The facilitator token this browser holds for drillId, or null. */
export function facilitatorToken(drillId) {
  const token = readFacilitated()[drillId];
  return typeof token === 'string' && token ? token : null;
}

/**
 * The token that proves this browser's seat in drillId after the drill (to
 * read its review, replay and result): the facilitator token kept for it,
 * else this tab's session token if the session is in that drill; or null.
 */
export function drillToken(drillId) {
  const s = loadSession();
  return facilitatorToken(drillId) || (s && s.drillId === drillId ? s.token : null);
}

/** Every token this browser holds a seat with, for listing the history. */
export function knownTokens() {
  const s = loadSession();
  const all = Object.values(readFacilitated()).filter((x) => typeof x === 'string' && x);
  if (s && !all.includes(s.token)) all.push(s.token);
  return all;
}

/** Forgets a drill's facilitator token (the drill was deleted). */
export function forgetFacilitator(drillId) {
  const map = readFacilitated();
  if (!(drillId in map)) return;
  delete map[drillId];
  writeFacilitated(map);
}
