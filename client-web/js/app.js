// Entry point: language, routing between home, join and drill screens.
//
// Every screen has its own address, so that a link can be shared and
// bookmarked: #drill=ID is the drill this tab holds a seat in (another
// tab, or one without that seat, is told how to take part); #join=CODE
// opens the join screen (or the drill, if this tab already holds a seat in
// that drill; &as=facilitator marks a co-facilitator link); #history lists
// finished drills and #history=ID shows one; #review=ID is a drill's
// after-action review; #replay=ID replays a finished drill moment by
// moment; #status=ID is a drill's public status page, as customers see it.
// Anything else, `/` and the logo included, is home, which offers the way
// back into this tab's drill.

import { initLang, setLang, getLang, LANGS } from './i18n.js';
import { applyI18n, fill } from './dom.js';
import { loadSession, newSession, clearSession, rememberFacilitator } from './session.js';
import { homeScreen, noSeatScreen } from './home.js';
import { joinScreen } from './join.js';
import { orientationScreen } from './orientation.js';
import { historyScreen, historyDrillScreen } from './history.js';
import { reviewScreen } from './review.js';
import { replayScreen } from './replay.js';
import { statusScreen } from './status.js';
import { DrillScreen } from './drill.js';
import { toast } from './toast.js';

const main = document.getElementById('main');
const headerSlot = document.getElementById('header-slot');
const banner = document.getElementById('banner');
const langSelect = document.getElementById('lang-select');

let current = null;

function clearHash() {
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
}

/** Shows `hash` in the address bar without routing again. */
function setAddress(hash, { push = false } = {}) {
  if (location.hash === hash) return;
  if (push) history.pushState(null, '', hash);
  else history.replaceState(null, '', hash);
}

const drillHash = (id) => `#drill=${encodeURIComponent(id)}`;

function show(screen) {
  if (current && current.destroy) current.destroy();
  current = null;
  fill(headerSlot);
  banner.hidden = true;
  current = screen();
  main.focus({ preventScroll: true });
}

function goHome() {
  clearHash();
  const session = loadSession();
  show(() => homeScreen({
    main,
    resume: session && session.drillId ? drillHash(session.drillId) : null,
    onCreated: (res) => {
      // The creator is the drill's facilitator: the token is kept past
      // the drill, for exporting or deleting it from the history.
      rememberFacilitator(res.drill_id, res.token);
      newSession({ token: res.token, drillId: res.drill_id, joinCode: res.join_code, seatId: res.seat_id });
      goDrill({ push: true });
    },
    onJoinCode: (code, asFacilitator) => {
      location.hash = `#join=${encodeURIComponent(code)}${asFacilitator ? '&as=facilitator' : ''}`;
    },
  }));
}

/**
 * What to tell someone about the seat they got, when it is not what they
 * asked for: a planned role, or a facilitator seat from a co-facilitator
 * code pasted as a join code.
 */
function joinNote(seat, { picked, newcomer }) {
  if (!seat) return null;
  if (seat.kind === 'facilitator') return picked || newcomer ? { kind: 'facilitator' } : null;
  const asked = picked || (newcomer ? 'support_agent' : null);
  return seat.role !== asked ? { kind: 'planned', role: seat.role, picked: picked || null } : null;
}

function goJoin(code, asFacilitator) {
  show(() => joinScreen({
    main,
    code,
    asFacilitator,
    onJoined: (res, asked) => {
      const seat = res.seat || null;
      if (seat && seat.kind === 'facilitator') rememberFacilitator(res.drill_id, res.token);
      newSession({ token: res.token, drillId: res.drill_id, joinCode: code, seatId: res.seat_id, note: joinNote(seat, asked) });
      setAddress(drillHash(res.drill_id));
      // Newcomers who got support read one screen about it first.
      if (asked.newcomer && seat && seat.kind === 'participant' && seat.role === 'support_agent') goOrientation(asked.name);
      else goDrill();
    },
    onHome: goHome,
  }));
}

function goOrientation(name) {
  show(() => orientationScreen({ main, name: name || '', onEnter: () => goDrill() }));
}

function goHistory(id) {
  show(() => (id ? historyDrillScreen({ main, id }) : historyScreen({ main })));
}

function goDrill({ push = false } = {}) {
  const session = loadSession();
  if (!session) {
    goHome();
    return;
  }
  if (session.drillId) setAddress(drillHash(session.drillId), { push });
  show(() => {
    const screen = new DrillScreen({
      main,
      headerSlot,
      banner,
      session,
      onLeave: () => {
        screen.discard();
        clearSession();
        goHome();
      },
      onFatal: (message) => {
        screen.discard();
        clearSession();
        goHome();
        toast(message);
      },
    });
    screen.start();
    return screen;
  });
}

function route() {
  const m = /^#join=([^&]+)(.*)$/.exec(location.hash);
  const session = loadSession();
  if (m) {
    const code = decodeURIComponent(m[1]);
    if (session && session.joinCode === code) {
      goDrill();
    } else {
      goJoin(code, /[&]as=facilitator\b/.test(m[2]));
    }
    return;
  }
  const drill = /^#drill=([^&]+)$/.exec(location.hash);
  if (drill) {
    const id = decodeURIComponent(drill[1]);
    if (session && session.drillId === id) goDrill();
    else show(() => noSeatScreen({ main, id, own: session && session.drillId ? drillHash(session.drillId) : null }));
    return;
  }
  const rev = /^#review=([^&]+)$/.exec(location.hash);
  if (rev) {
    const id = decodeURIComponent(rev[1]);
    show(() => reviewScreen({ main, id }));
    return;
  }
  const rep = /^#replay=([^&]+)$/.exec(location.hash);
  if (rep) {
    const id = decodeURIComponent(rep[1]);
    show(() => replayScreen({ main, id }));
    return;
  }
  const status = /^#status=([^&]+)$/.exec(location.hash);
  if (status) {
    const id = decodeURIComponent(status[1]);
    show(() => statusScreen({ main, id }));
    return;
  }
  const hist = /^#history(?:=([^&]+))?$/.exec(location.hash);
  if (hist) {
    goHistory(hist[1] ? decodeURIComponent(hist[1]) : null);
    return;
  }
  goHome();
}

function initLanguageSwitch() {
  fill(langSelect, ...LANGS.map(([code, label]) => {
    const o = document.createElement('option');
    o.value = code;
    o.textContent = label;
    return o;
  }));
  langSelect.value = getLang();
  langSelect.addEventListener('change', () => {
    setLang(langSelect.value);
    applyI18n(document);
    if (current && current.renderAll) current.renderAll();
  });
}

initLang();
initLanguageSwitch();
applyI18n(document);
window.addEventListener('hashchange', route);
route();
