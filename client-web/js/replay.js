// The replay (#replay=ID): a finished drill as an observer saw it at any
// moment. A slider over the drill's ticks (10-second steps), play/pause,
// and jump marks for the key moments of the review's timeline (the first
// signal, the declaration, notices, runbook actions, phase changes); at
// the chosen moment: the phase, the live metrics, the faults active (the
// answer key), the notices published so far, the calls waiting and in
// progress, and every channel's posts, rendered by posts.js.
//
// Each moment is GET /api/history/{id}/replay?tick=N, which re-runs the
// drill up to N: requests are debounced and at most one is in flight; the
// latest moment asked for is the one shown last. The answer is a welcome
// snapshot, so it goes through state.js's fromWelcome like a live drill.

import { h, fill, tr, trAttr, metricTile } from './dom.js';
import { t } from './i18n.js';
import { drillReview, drillReplay } from './api.js';
import { timeOfDay, tPlus, num, yen, channelName } from './format.js';
import { fromWelcome, timeAt, actionLabel, isPinned } from './state.js';
import { renderPost, paymentFigure } from './posts.js';
import { serviceName, regionNames, noticeList } from './panels.js';

/** The slider's step, in drill seconds. */
export const REPLAY_STEP_S = 10;
/** Drill seconds that playing moves on by, every PLAY_INTERVAL_MS. */
export const PLAY_STEP_S = 30;
export const PLAY_INTERVAL_MS = 500;
/** Quiet time before a moment is fetched (a slider being dragged). */
const FETCH_DELAY_MS = 150;
/** Timeline kinds that are jump marks, the key moments of a drill. */
export const MARK_KINDS = ['first_signal', 'declared', 'notice', 'action_started', 'action_done', 'phase'];

/** Who a replay is seen as: an observer (what the snapshot was made for). */
const OBSERVER = { id: -1, name: '', seat: { kind: 'participant', role: 'observer' }, online: false };

// --- pure helpers --------------------------------------------------------------

/**
 * The key moments of a review timeline, by tick: [{tick, kind, who,
 * detail}], detail being what the moment was about (a notice's text, the
 * phase, the action), kept as data for the view to word.
 */
export function replayMarks(timeline) {
  return (timeline || [])
    .filter((e) => e && e.what && MARK_KINDS.includes(e.what.kind) && Number.isFinite(e.tick))
    .map((e) => {
      const w = e.what;
      let detail = null;
      if (w.kind === 'notice') detail = { status: w.status, text: w.text };
      else if (w.kind === 'phase') detail = { phase: w.phase };
      else if (w.kind === 'action_started' || w.kind === 'action_done') detail = { action: w.action, label: w.label || w.action };
      return { tick: e.tick, kind: w.kind, who: e.who || null, detail };
    })
    .sort((a, b) => a.tick - b.tick);
}

/** A tick within 0..ticks (whole seconds). */
export function clampTick(tick, ticks) {
  const n = Math.floor(Number(tick) || 0);
  return Math.max(0, Math.min(Math.max(0, ticks), n));
}

/** The slider's top: the last tick, rounded up to a whole step. */
export function sliderMax(ticks) {
  return Math.ceil(Math.max(0, ticks) / REPLAY_STEP_S) * REPLAY_STEP_S;
}

/** Drill seconds that Page Up and Page Down move by. */
export const PAGE_STEP_S = 60;

/**
 * Where a key moves the slider from tick (which may lie between steps,
 * after a jump to a key moment): arrows to the next step either way, Page
 * Up/Down a minute, Home and End to the start and the very end. null for
 * other keys.
 */
export function keyTick(key, tick, ticks) {
  const down = Math.ceil(tick / REPLAY_STEP_S) * REPLAY_STEP_S - REPLAY_STEP_S;
  const up = Math.floor(tick / REPLAY_STEP_S) * REPLAY_STEP_S + REPLAY_STEP_S;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return clampTick(up, ticks);
    case 'ArrowLeft':
    case 'ArrowDown':
      return clampTick(down, ticks);
    case 'PageUp':
      return clampTick(tick + PAGE_STEP_S, ticks);
    case 'PageDown':
      return clampTick(tick - PAGE_STEP_S, ticks);
    case 'Home':
      return 0;
    case 'End':
      return clampTick(ticks, ticks);
    default:
      return null;
  }
}

/** The next tick when playing, or null at the end. */
export function playNext(tick, ticks) {
  if (tick >= ticks) return null;
  return Math.min(ticks, tick + PLAY_STEP_S);
}

/** Calls waiting and in progress (talking or on hold) in a snapshot. */
export function callCounts(calls) {
  let waiting = 0;
  let ongoing = 0;
  for (const c of calls || []) {
    if (c.state === 'waiting') waiting += 1;
    else if (c.state === 'talking' || c.state === 'on_hold') ongoing += 1;
  }
  return { waiting, ongoing };
}

/**
 * Calls fetch(arg) for the latest arg asked for: debounced by delayMs
 * (unless asked with now), at most one call in flight; what is asked for
 * meanwhile waits, and only the latest of that is fetched next. Every
 * answer goes to onResult(result, arg) in the order asked, so the last one
 * shown is the latest asked for. timers: {setTimeout, clearTimeout}.
 */
export function latestOnly(fetch, { onResult, onError, onIdle, delayMs = FETCH_DELAY_MS, timers = globalThis }) {
  let timer = null;
  let inFlight = false;
  let wanted;
  let hasWanted = false;
  let stopped = false;
  function fire() {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    if (inFlight || !hasWanted || stopped) return;
    const arg = wanted;
    hasWanted = false;
    inFlight = true;
    Promise.resolve()
      .then(() => fetch(arg))
      .then((res) => {
        if (!stopped && onResult) onResult(res, arg);
      }, (err) => {
        if (!stopped && onError) onError(err, arg);
      })
      .finally(() => {
        inFlight = false;
        if (stopped) return;
        if (hasWanted && timer === null) fire();
        else if (!hasWanted && onIdle) onIdle();
      });
  }
  return {
    /** Asks for arg (replacing anything not yet sent). */
    request(arg, { now = false } = {}) {
      if (stopped) return;
      wanted = arg;
      hasWanted = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      if (now) fire();
      else timer = timers.setTimeout(fire, delayMs);
    },
    /** Whether something is being fetched or waits to be. */
    busy: () => inFlight || hasWanted,
    stop() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
  };
}

// --- the screen ------------------------------------------------------------------

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** A key moment in words: "Declared", "External notice: text"... */
function markText(m) {
  const kind = t(`review.kind_${m.kind}`);
  const d = m.detail || {};
  let what = '';
  if (m.kind === 'notice') what = d.text || '';
  else if (m.kind === 'phase') what = t(`phase.${d.phase}`);
  else if (m.kind === 'action_started' || m.kind === 'action_done') what = d.label || '';
  return what ? `${kind}: ${what}` : kind;
}


/** The replay screen for one finished drill. */
export function replayScreen({ main, id }) {
  const body = h('div', { class: 'history-body' }, h('p', { class: 'loading', i18n: 'common.loading' }));
  const title = h('h1', { id: 'replay-title', i18n: 'replay.title' });
  fill(main, h('div', { class: 'history replay', id: 'replay' },
    h('p', { class: 'back-link' },
      h('a', { href: `#review=${encodeURIComponent(id)}`, id: 'replay-review-link', i18n: 'replay.back' }), ' · ',
      h('a', { href: '#history', i18n: 'replay.history' })),
    h('section', { class: 'intro' }, title, h('p', { class: 'lead', i18n: 'replay.lead' })),
    body));
  main.classList.remove('main-drill');

  let gone = false;
  let review = null;
  let ticks = 0;
  let tick = 0; // the moment asked for
  let shown = null; // {tick, state} on screen
  let channel = 'ops'; // the channel tab wanted
  let playTimer = null;
  let parts = null;

  const fetcher = latestOnly((at) => drillReplay(id, at), {
    onResult: (res) => {
      if (gone || !res || !res.snapshot) return;
      if (Number.isFinite(res.ticks) && res.ticks !== ticks) {
        ticks = res.ticks;
        parts.slider.max = String(sliderMax(ticks));
        drawStrip();
      }
      const first = !shown;
      shown = { tick: res.tick, state: fromWelcome({ type: 'welcome', v: 1, you: OBSERVER, snapshot: res.snapshot }) };
      parts.error.hidden = true;
      // The marks show clock times once the drill's start time is known.
      if (first) renderMarks();
      renderMoment();
    },
    onError: (e) => {
      if (gone) return;
      stopPlay();
      parts.error.hidden = false;
      parts.errorText.textContent = e.message;
    },
    onIdle: () => {
      if (!gone) setBusy(false);
    },
  });

  async function load() {
    fill(body, h('p', { class: 'loading', i18n: 'common.loading' }));
    try {
      review = await drillReview(id);
    } catch (e) {
      if (gone) return;
      const retry = h('button', { type: 'button', class: 'btn btn-small', i18n: 'common.retry' });
      retry.addEventListener('click', load);
      fill(body, h('div', { class: 'error-box', id: 'replay-load-error', attrs: { role: 'alert' } }, h('p', { text: e.message }), retry));
      return;
    }
    if (gone) return;
    ticks = review.ticks || 0;
    build();
    go(0, { now: true });
  }

  // --- layout, built once -----------------------------------------------------

  function build() {
    tr(title, ['replay.title_of', { title: review.title }]);
    const slider = h('input', { type: 'range', id: 'replay-slider', min: '0', max: String(sliderMax(ticks)), step: String(REPLAY_STEP_S), value: '0' });
    const clock = h('output', { class: 'replay-clock', id: 'replay-clock', htmlFor: slider.id });
    const play = h('button', { type: 'button', class: 'btn btn-primary replay-play', id: 'replay-play', i18n: 'replay.play', attrs: { 'aria-pressed': 'false' } });
    const busy = h('span', { class: 'replay-busy', id: 'replay-busy', hidden: true },
      h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }), h('span', { i18n: 'replay.loading' }));
    const strip = s('svg', { class: 'replay-strip', id: 'replay-strip', viewBox: '0 0 1000 24', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' });
    const marks = h('ol', { class: 'replay-marks', id: 'replay-marks' });
    const errorText = h('span');
    const retry = h('button', { type: 'button', class: 'btn btn-small', i18n: 'common.retry' });
    retry.addEventListener('click', () => go(tick, { now: true }));
    const error = h('p', { class: 'form-error replay-error', id: 'replay-error', hidden: true, attrs: { role: 'alert' } }, errorText, ' ', retry);

    const phase = h('span', { class: 'pill', id: 'replay-phase' });
    const mOrders = metricTile('metric.orders', 'replay-orders');
    const mPay = metricTile('metric.payment', 'replay-pay', 'metric.payment_def');
    const mLost = metricTile('metric.lost', 'replay-lost');
    const mWaiting = metricTile('replay.calls_waiting', 'replay-waiting');
    const mOngoing = metricTile('replay.calls_ongoing', 'replay-ongoing');
    const phaseBox = h('div', { class: 'metric' }, h('span', { class: 'metric-label', i18n: 'header.phase' }), phase);
    const metricsBox = h('section', { class: 'metrics replay-metrics', id: 'replay-now' },
      phaseBox, mOrders.el, mPay.el, mLost.el, mWaiting.el, mOngoing.el);
    trAttr(metricsBox, 'aria-label', 'replay.now');

    const tabs = h('div', { class: 'replay-tabs', id: 'replay-tabs', attrs: { role: 'tablist' } });
    trAttr(tabs, 'aria-label', 'replay.channels');
    const posts = h('div', { class: 'posts replay-posts', id: 'replay-posts', tabIndex: 0, attrs: { role: 'tabpanel' } });
    const faults = h('div', { class: 'replay-faults', id: 'replay-faults' });
    const notices = h('div', { class: 'notices', id: 'replay-notices' });

    slider.addEventListener('input', () => {
      go(clampTick(Number(slider.value), ticks));
    });
    // Keys move from the moment shown, which a key moment may have put
    // between two steps, and End reaches the very last tick.
    slider.addEventListener('keydown', (e) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const next = keyTick(e.key, tick, ticks);
      if (next === null) return;
      e.preventDefault();
      go(next);
    });
    play.addEventListener('click', () => (playTimer ? stopPlay() : startPlay()));
    tabs.addEventListener('keydown', onTabKey);

    const sliderLabel = h('label', { htmlFor: slider.id, class: 'replay-slider-label', i18n: 'replay.time' });
    fill(body,
      h('section', { class: 'card replay-controls', attrs: { 'aria-labelledby': 'replay-controls-title' } },
        h('h2', { class: 'sr-only', id: 'replay-controls-title', i18n: 'replay.controls' }),
        h('div', { class: 'replay-row' }, play, h('div', { class: 'replay-clock-box' }, sliderLabel, clock), busy),
        h('div', { class: 'replay-track' }, slider, strip),
        h('p', { class: 'hint', i18n: 'replay.keys_hint' }),
        error,
        h('h3', { class: 'sub', id: 'replay-marks-title', i18n: 'replay.marks' }),
        marks),
      metricsBox,
      h('div', { class: 'replay-grid' },
        h('section', { class: 'card replay-channels', attrs: { 'aria-labelledby': 'replay-channels-title' } },
          h('h2', { id: 'replay-channels-title', i18n: 'replay.channels' }), tabs, posts),
        h('div', { class: 'replay-side' },
          h('section', { class: 'card', attrs: { 'aria-labelledby': 'replay-faults-title' } },
            h('h2', { id: 'replay-faults-title', i18n: 'replay.faults' }), h('p', { class: 'hint', i18n: 'replay.faults_hint' }), faults),
          h('section', { class: 'card', attrs: { 'aria-labelledby': 'replay-notices-title' } },
            h('h2', { id: 'replay-notices-title', i18n: 'replay.notices' }), notices))));
    parts = { slider, clock, play, busy, strip, marks, error, errorText, phase, mOrders, mPay, mLost, mWaiting, mOngoing, tabs, posts, faults, notices };
    renderMarks();
    drawStrip();
    renderClock();
  }

  // --- moving through the drill -------------------------------------------------

  /** Moves to a tick: the clock at once, the moment once fetched. */
  function go(at, { now = false } = {}) {
    tick = clampTick(at, ticks);
    if (String(parts.slider.value) !== String(tick)) parts.slider.value = String(tick);
    renderClock();
    drawCursor();
    setBusy(true);
    fetcher.request(tick, { now });
  }

  function startPlay() {
    if (tick >= ticks) go(0, { now: true });
    playTimer = setInterval(() => {
      const next = playNext(tick, ticks);
      if (next === null) {
        stopPlay();
        return;
      }
      go(next);
      if (next >= ticks) stopPlay();
    }, PLAY_INTERVAL_MS);
    parts.play.setAttribute('aria-pressed', 'true');
    tr(parts.play, 'replay.pause');
  }

  function stopPlay() {
    if (playTimer) clearInterval(playTimer);
    playTimer = null;
    if (!parts) return;
    parts.play.setAttribute('aria-pressed', 'false');
    tr(parts.play, 'replay.play');
  }

  function setBusy(on) {
    if (parts) parts.busy.hidden = !on;
  }

  // --- drawing ------------------------------------------------------------------

  function start() {
    return shown ? shown.state.drill.start_time_of_day_s || 0 : null;
  }

  function clockText(at) {
    const s0 = start();
    return s0 === null ? tPlus(at) : `${timeOfDay(s0 + at)} · ${tPlus(at)}`;
  }

  function renderClock() {
    const text = clockText(tick);
    parts.clock.textContent = text;
    parts.slider.setAttribute('aria-valuetext', text);
  }

  function x(at) {
    // Scaled like the slider, whose top is rounded up to a whole step.
    return ticks ? (1000 * at) / Math.max(sliderMax(ticks), 1) : 0;
  }

  function drawStrip() {
    if (!parts) return;
    const list = replayMarks(review.timeline);
    fill(parts.strip,
      s('line', { class: 'strip-base', x1: 0, x2: 1000, y1: 12, y2: 12 }),
      ...list.map((m) => {
        const line = s('line', { class: `strip-mark strip-${m.kind}`, x1: x(m.tick), x2: x(m.tick), y1: 2, y2: 22 });
        line.addEventListener('click', () => go(m.tick, { now: true }));
        return line;
      }),
      s('line', { class: 'strip-cursor', id: 'replay-cursor', x1: x(tick), x2: x(tick), y1: 0, y2: 24 }));
  }

  function drawCursor() {
    const c = parts.strip.querySelector('.strip-cursor');
    if (c) {
      c.setAttribute('x1', x(tick));
      c.setAttribute('x2', x(tick));
    }
  }

  function renderMarks() {
    const list = replayMarks(review.timeline);
    if (!list.length) {
      fill(parts.marks, h('li', { class: 'muted', i18n: 'replay.no_marks' }));
      return;
    }
    fill(parts.marks, list.map((m) => {
      const text = markText(m);
      const b = h('button', { type: 'button', class: ['replay-mark', `mark-${m.kind}`], dataset: { tick: m.tick, kind: m.kind } },
        h('span', { class: 'mark-time', text: clockText(m.tick) }),
        h('span', { class: 'mark-text', text }),
        m.who ? h('span', { class: 'mark-who', text: m.who }) : null);
      b.setAttribute('aria-label', t('replay.jump_label', { t: clockText(m.tick), what: text }));
      b.addEventListener('click', () => go(m.tick, { now: true }));
      return h('li', null, b);
    }));
  }

  function renderMoment() {
    if (!shown || !parts) return;
    const st = shown.state;
    renderClock();
    const p = st.pulse || {};
    tr(parts.phase, `phase.${st.phase}`);
    parts.phase.className = `pill phase-${st.phase}`;
    parts.mOrders.set(num(p.orders_per_min));
    const pay = paymentFigure(p);
    parts.mPay.set(pay.text, pay.bad, pay.extra);
    parts.mPay.define(pay.def);
    parts.mLost.set(yen(p.lost_revenue_yen), p.lost_revenue_yen > 0);
    const calls = callCounts(Object.values(st.calls || {}));
    parts.mWaiting.set(num(calls.waiting), calls.waiting > 0);
    parts.mOngoing.set(num(calls.ongoing));
    renderFaults(st);
    fill(parts.notices, noticeList(st));
    renderTabs(st);
    renderPosts(st);
  }

  function renderFaults(st) {
    const active = (st.answer_key || []).filter((f) => f.active);
    if (!active.length) {
      fill(parts.faults, h('p', { class: 'muted', i18n: 'replay.no_faults' }));
      return;
    }
    fill(parts.faults, h('ul', { class: 'fault-list' }, active.map((f) => h('li', { class: 'fault active', dataset: { fault: f.id } },
      h('div', { class: 'fault-head' },
        h('strong', { text: serviceName(st, f.service) }),
        h('span', { class: 'pill pill-bad', i18n: 'key.active' })),
      h('p', { class: 'fault-meta', text: t('key.meta', { regions: regionNames(st, f.regions), t: tPlus(f.starts_tick), time: timeOfDay(timeAt(st, f.starts_tick)) }) }),
      h('p', { class: 'fault-cause', text: f.root_cause }),
      h('p', { class: 'fault-fix', text: t('key.fixed_by', { actions: (f.fixed_by || []).map((a) => actionLabel(st, a)).join(', ') || '—' }) })))));
  }

  /** The channel shown: the one picked, else the first there is. */
  function shownChannel(st) {
    if (st.channels.some((c) => c.channel === channel)) return channel;
    return st.channels.length ? st.channels[0].channel : null;
  }

  function renderTabs(st) {
    const current = shownChannel(st);
    const focused = parts.tabs.contains(document.activeElement) ? document.activeElement.dataset.channel : null;
    fill(parts.tabs, st.channels.map((c) => {
      const selected = c.channel === current;
      const b = h('button', {
        type: 'button',
        class: ['replay-tab', selected ? 'selected' : null],
        id: `replay-tab-${c.channel}`,
        tabIndex: selected ? 0 : -1,
        dataset: { channel: c.channel },
        attrs: { role: 'tab', 'aria-selected': selected ? 'true' : 'false', 'aria-controls': 'replay-posts' },
      }, h('span', { text: channelName(c.channel) }), h('span', { class: 'tab-count', text: String(c.posts.length) }));
      b.addEventListener('click', () => pickChannel(c.channel));
      return b;
    }));
    if (!st.channels.length) fill(parts.tabs, h('p', { class: 'muted', i18n: 'replay.no_channels' }));
    if (current) parts.posts.setAttribute('aria-labelledby', `replay-tab-${current}`);
    if (focused) {
      const again = parts.tabs.querySelector(`[data-channel="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }

  function renderPosts(st) {
    const current = shownChannel(st);
    const c = st.channels.find((x) => x.channel === current);
    if (!c) {
      fill(parts.posts, h('p', { class: 'muted empty', i18n: 'replay.no_channels' }));
      return;
    }
    if (!c.posts.length) {
      fill(parts.posts, h('p', { class: 'muted empty', i18n: 'replay.no_posts' }));
      return;
    }
    // Newest at the bottom, scrolled there: what was just said.
    fill(parts.posts,
      c.more ? h('p', { class: 'hint replay-older', text: t('replay.older_left_out', { n: c.posts.length }) }) : null,
      c.posts.map((post) => renderPost(st, post, { pinned: isPinned(st, c.channel, post.id) })));
    parts.posts.scrollTop = parts.posts.scrollHeight;
  }

  function pickChannel(name) {
    channel = name;
    if (!shown) return;
    renderTabs(shown.state);
    renderPosts(shown.state);
  }

  /** Arrow keys, Home and End move between channel tabs. */
  function onTabKey(e) {
    const tabs = [...parts.tabs.querySelectorAll('[role="tab"]')];
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    let j = null;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = tabs.length - 1;
    if (j === null) return;
    e.preventDefault();
    pickChannel(tabs[j].dataset.channel);
    const again = parts.tabs.querySelector(`[data-channel="${CSS.escape(tabs[j].dataset.channel)}"]`);
    if (again) again.focus();
  }

  function renderAll() {
    if (!parts) return;
    if (review) tr(title, ['replay.title_of', { title: review.title }]);
    renderMarks();
    renderClock();
    renderMoment();
  }

  load();
  return {
    renderAll,
    destroy() {
      gone = true;
      stopPlay();
      fetcher.stop();
    },
  };
}
