// Entry point: language, routing between home, join and drill screens.
//
// Routes: #join=CODE opens the join screen (or the drill, if this tab
// already holds a seat in that drill); otherwise a tab with a session goes
// to its drill, and one without to home.

import { initLang, setLang, getLang, LANGS } from './i18n.js';
import { applyI18n, fill } from './dom.js';
import { loadSession, newSession, clearSession } from './session.js';
import { homeScreen } from './home.js';
import { joinScreen } from './join.js';
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
  show(() => homeScreen({
    main,
    onCreated: (res) => {
      newSession({ token: res.token, drillId: res.drill_id, joinCode: res.join_code, seatId: res.seat_id });
      goDrill();
    },
    onJoinCode: (code) => {
      location.hash = `#join=${encodeURIComponent(code)}`;
    },
  }));
}

function goJoin(code) {
  show(() => joinScreen({
    main,
    code,
    onJoined: (res) => {
      newSession({ token: res.token, drillId: res.drill_id, joinCode: code, seatId: res.seat_id });
      clearHash();
      goDrill();
    },
    onHome: goHome,
  }));
}

function goDrill() {
  const session = loadSession();
  if (!session) {
    goHome();
    return;
  }
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
  const m = /^#join=([^&]+)/.exec(location.hash);
  const session = loadSession();
  if (m) {
    const code = decodeURIComponent(m[1]);
    if (session && session.joinCode === code) {
      clearHash();
      goDrill();
    } else {
      goJoin(code);
    }
    return;
  }
  if (session) goDrill();
  else goHome();
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
