// The drill screen: header clock and status, live metrics, channels and
// their posts, the message box, the role panels and the final summary.
//
// The layout is built once, when the first state arrives; after that only
// the parts that changed are redrawn, and inputs are never rebuilt, so what
// someone is typing survives every update and every reconnect.

import { h, fill, tr, trAttr, metricTile } from './dom.js';
import { t, serverError } from './i18n.js';
import { timeOfDay, tPlus, num, yen, seatLabel, channelName } from './format.js';
import { summaryView } from './summary.js';
import { Connection } from './connection.js';
import {
  fromWelcome, applyEvent, applyPulse, seatRole, findChannel, canWrite, leadFacilitator, seesDocs, findDoc, PRIVATE_CHANNEL,
  canQuery, answersPulses, prependPosts, historyQuery, nowTick, noteClock, canPin, pinsOf, isPinned, PINS_PER_CHANNEL_MAX, isOutside,
} from './state.js';
import { saveSession, loadState, saveState, loadUi, saveUi, rememberFacilitator } from './session.js';
import { renderPost, postMentionsYou, postSummary, authorName, truncate, PIN_TEXT_CHARS, paymentFigure } from './posts.js';
import {
  rolePanel, declarePanel, phasePanel, runbookPanel, noticeEditorPanel, noticesPanel,
  controlsPanel, rosterPanel, answerKeyPanel, planRolesPanel, reviewNotesPanel, approvalsPanel, startChecklistPanel,
} from './panels.js';
import { toolsPanel } from './engineer.js';
import { pulseAnswerPanel, pulseFacilitatorPanel, pulseResultsPanel, pulseQuestionText } from './pulse.js';
import { docsNav, DocView, talkScriptPanel } from './docs.js';
import { statusReportPanel, hypothesisPanel, reportNudge } from './workflow.js';
import { callQueuePanel, activeCallView, storeCallPanel, chatPanel, deskWatchPanel } from './desk.js';
import { characterPanel } from './character.js';
import { injectsPanel, adHocPanel, faultButtons } from './console.js';
import { boardPanel, scorePanel } from './board.js';
import { toast } from './toast.js';

const PERSIST_DELAY_MS = 800;
const NEAR_BOTTOM_PX = 80;
/** How long a post jumped to from the pinned list stays highlighted. */
const PIN_FLASH_MS = 2400;
const CHAT_TEXT_CHARS_MAX = 2000;
const WAR_ROOM = 'incident-war-room';

export class DrillScreen {
  constructor({ main, headerSlot, banner, session, onLeave, onFatal }) {
    this.main = main;
    this.headerSlot = headerSlot;
    this.banner = banner;
    this.session = session;
    this.onLeave = onLeave;
    this.state = loadState(session);
    this.ui = loadUi();
    this.pending = new Map(); // cid -> {cmd, opts}
    this.built = false;
    this.persistTimer = null;
    this.bannerTimer = null;
    this.conn = new Connection({
      hello: () => ({
        type: 'hello',
        v: 1,
        token: this.session.token,
        last_seq: this.state && !this.needSnapshot ? this.state.seq : null,
      }),
      onMessage: (m) => this.onMessage(m),
      onState: (s, info) => this.onConnState(s, info),
      onFatal: (code, message) => onFatal(message ? serverError(code, message) : t('error.session')),
    });
    this.onPageHide = () => this.persistNow();
    window.addEventListener('pagehide', this.onPageHide);
    this.onVisible = () => {
      if (!document.hidden && this.built && !this.ui.doc) this.markRead(this.ui.channel);
    };
    document.addEventListener('visibilitychange', this.onVisible);
  }

  start() {
    if (this.state) this.build();
    else fill(this.main, h('div', { class: 'center-card' }, h('p', { class: 'loading', i18n: 'drill.connecting' })));
    this.conn.start();
  }

  /** Forget this drill: nothing is saved any more (leaving, or refused). */
  discard() {
    this.discarded = true;
    clearTimeout(this.persistTimer);
    this.persistTimer = null;
  }

  destroy() {
    this.persistNow();
    this.conn.stop();
    clearTimeout(this.persistTimer);
    clearInterval(this.bannerTimer);
    document.title = 'Firedrill';
    window.removeEventListener('pagehide', this.onPageHide);
    document.removeEventListener('visibilitychange', this.onVisible);
    this.banner.hidden = true;
    fill(this.headerSlot);
  }

  // --- messages ------------------------------------------------------------

  /** Continues command numbering after the server's last accepted id, so a
   *  tab that lost its counter is never mistaken for a resend. */
  adoptLastCid(msg) {
    if (Number.isSafeInteger(msg.last_cid) && msg.last_cid > this.session.cid) this.session.cid = msg.last_cid;
  }

  onMessage(msg) {
    switch (msg.type) {
      case 'welcome': {
        // A welcome can also arrive mid-session (the seat's role changed):
        // the screen is rebuilt around the new role.
        const roleBefore = this.state ? seatRole(this.state) : null;
        const clock = this.state && this.state.clock;
        this.needSnapshot = false;
        this.state = fromWelcome(msg);
        // What this tab saw of the clock still dates the earlier posts.
        if (clock) this.state.clock = clock;
        noteClock(this.state, Date.now());
        this.adoptLastCid(msg);
        // A facilitator keeps the token past the drill (export, delete).
        if (msg.you && msg.you.seat && msg.you.seat.kind === 'facilitator') rememberFacilitator(this.session.drillId, this.session.token);
        if (!findChannel(this.state, this.ui.channel) && this.state.channels.length) this.ui.channel = this.state.channels[0].channel;
        const roleNow = seatRole(this.state);
        if (!this.built || roleNow !== roleBefore) this.build();
        else this.renderAll();
        if (roleBefore && roleNow !== roleBefore) {
          toast(t('drill.role_changed', { role: seatLabel(this.state.you.seat) }), 'info');
        }
        this.announceNote();
        this.persistNow();
        this.resendPending();
        break;
      }
      case 'resumed':
        if (!this.state) {
          this.conn.reconnect(); // nothing to resume onto: ask for a snapshot
          return;
        }
        this.adoptLastCid(msg);
        if (seatRole({ you: msg.you }) !== seatRole(this.state)) {
          // The role changed while this tab was away: what it may see
          // changed too, so it asks for a whole new snapshot.
          this.needSnapshot = true;
          this.conn.reconnect();
          return;
        }
        this.state.you = msg.you;
        this.resendPending();
        break;
      case 'event': {
        if (!this.state) return;
        const change = applyEvent(this.state, msg);
        if (change) this.onChange(change);
        this.schedulePersist();
        break;
      }
      case 'pulse':
        if (!this.state) return;
        {
          const before = this.state.status;
          const seatsBefore = this.state.pulse && this.state.pulse.seats;
          applyPulse(this.state, msg);
          noteClock(this.state, Date.now());
          if (this.built) {
            this.renderPulse();
            if (before !== this.state.status) this.onChange({ what: 'status' });
            // Someone joined: every screen's count of people follows.
            else if (msg.seats !== seatsBefore) this.updatePanels();
          }
        }
        break;
      case 'answer': {
        // A query's answer comes instead of an ack.
        const p = this.pending.get(msg.cid);
        this.pending.delete(msg.cid);
        if (p && p.opts.onAnswer) p.opts.onAnswer(msg.answer);
        if (p && p.opts.onSettled) p.opts.onSettled();
        break;
      }
      case 'ack': {
        const p = this.pending.get(msg.cid);
        this.pending.delete(msg.cid);
        if (p && p.opts.onAck) p.opts.onAck();
        if (p && p.opts.onSettled) p.opts.onSettled();
        break;
      }
      case 'error': {
        const p = msg.cid !== undefined ? this.pending.get(msg.cid) : null;
        if (p) this.pending.delete(msg.cid);
        if (!(p && p.opts.quiet && p.opts.quiet(msg))) toast(serverError(msg.code, msg.message));
        if (p && p.opts.onError) p.opts.onError(msg);
        if (p && p.opts.onSettled) p.opts.onSettled();
        break;
      }
      case 'store_status':
        this.storeDown = msg.writable === false;
        this.renderStoreBanner();
        break;
      default:
        break; // pong and anything newer
    }
  }

  /** While the drill cannot save, a banner says so (unless the connection banner shows). */
  renderStoreBanner() {
    if (this.banner.dataset.state === 'reconnecting') return;
    if (this.storeDown) {
      fill(this.banner, h('span', { i18n: 'store.down' }));
      this.banner.hidden = false;
      this.banner.dataset.state = 'store';
    } else if (this.banner.dataset.state === 'store') {
      this.banner.hidden = true;
      this.banner.dataset.state = 'open';
      fill(this.banner);
    }
  }

  onChange(change) {
    if (!this.built) return;
    switch (change.what) {
      case 'posted':
        this.onPosted(change.channel, change.post);
        break;
      case 'pins':
        if (change.channel === this.ui.channel) {
          this.renderPins();
          this.refreshPost(change.channel, change.post);
        }
        break;
      case 'channels':
        this.renderChannels();
        this.enterWarRoom();
        break;
      case 'doc':
        this.renderDocs();
        this.updatePanels();
        break;
      case 'calls':
      case 'chats':
      case 'injects':
        this.updatePanels();
        break;
      case 'pulses':
        this.updatePanels();
        // Said once, when it is asked (not for a replayed question that closed meanwhile).
        if (change.asked && answersPulses(this.role) && this.state.status !== 'ended' && change.asked.closes_tick > nowTick(this.state)) {
          toast(t('pulse.toast', { q: pulseQuestionText(change.asked.kind) }), 'info');
        }
        break;
      case 'ended':
        this.renderSummary();
        this.renderHeader();
        // Nothing is pinned or unpinned after the end.
        this.renderPosts();
        this.renderComposer();
        this.updatePanels();
        this.renderDocs();
        break;
      default:
        if (change.what === 'phase' && this.declaredBefore === false && this.isDeclared()) {
          // The owner (and whoever declared) goes where the response is run.
          const by = this.state.declared_by;
          this.toWarRoom = this.role === 'incident_owner' || (by && this.state.you && by === this.state.you.name);
          this.enterWarRoom();
        }
        this.declaredBefore = this.isDeclared();
        this.renderHeader();
        this.updatePanels();
        if (change.what === 'status') this.renderDocs();
        break;
    }
  }

  isDeclared() {
    return this.state.declared_at_tick !== null && this.state.declared_at_tick !== undefined;
  }

  /** Opens the war room once, after a declaration this seat runs, as soon as the channel is there. */
  enterWarRoom() {
    if (!this.toWarRoom || !findChannel(this.state, WAR_ROOM)) return;
    this.toWarRoom = false;
    this.closeDoc();
    this.selectChannel(WAR_ROOM);
  }

  onConnState(state, info) {
    clearInterval(this.bannerTimer);
    if (state === 'reconnecting') {
      // Built once and kept, so that focus on "Retry now" survives the
      // countdown; only the (aria-hidden) seconds change every second.
      if (!this.bannerParts) {
        const retry = h('button', { type: 'button', class: 'btn btn-small', i18n: 'conn.retry' });
        retry.addEventListener('click', () => this.conn.retryNow());
        this.bannerParts = {
          text: h('span', { i18n: 'conn.lost' }),
          secs: h('span', { class: 'banner-secs', attrs: { 'aria-hidden': 'true' } }),
          retry,
        };
      }
      const parts = this.bannerParts;
      if (!this.banner.contains(parts.text)) {
        fill(this.banner, h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }), parts.text, parts.secs, parts.retry);
      }
      const draw = () => {
        const secs = Math.max(0, Math.ceil((info.at - Date.now()) / 1000));
        parts.secs.textContent = secs > 0 ? t('conn.in_seconds', { s: secs }) : '';
      };
      draw();
      this.bannerTimer = setInterval(draw, 1000);
      this.banner.hidden = false;
      this.banner.dataset.state = 'reconnecting';
      // The server says again on connecting if it still cannot save.
      this.storeDown = false;
    } else {
      this.banner.hidden = true;
      this.banner.dataset.state = state;
      fill(this.banner);
      this.renderStoreBanner();
    }
    if (this.built) {
      this.renderConn();
      this.renderComposer();
      this.renderOlder();
      this.updatePanels();
      this.renderDocs();
    }
  }

  // --- commands ------------------------------------------------------------

  /**
   * Sends a command with the next cid. Returns false (and says why) when
   * offline. opts: onAck, onError, onSettled, and quiet(error) which says
   * whether an error is handled by the caller rather than shown as a toast.
   */
  send(cmd, opts = {}) {
    if (!this.conn.isOpen) {
      toast(t('conn.offline_cmd'));
      if (opts.onSettled) opts.onSettled();
      return false;
    }
    this.session.cid += 1;
    const cid = this.session.cid;
    saveSession(this.session);
    this.pending.set(cid, { cmd, opts });
    this.conn.send({ type: 'cmd', cid, cmd });
    return true;
  }

  /** After a reconnect: commands that were never answered are sent again
   * with the same cid, and the server applies each one once. */
  resendPending() {
    for (const cid of [...this.pending.keys()].sort((a, b) => a - b)) {
      this.conn.send({ type: 'cmd', cid, cmd: this.pending.get(cid).cmd });
    }
  }

  /** What the join said about this seat, as one line, or null. */
  noteText(state) {
    const note = this.session.note;
    if (!note || !state) return null;
    const role = seatRole(state);
    if (note.kind === 'planned' && note.role === role) {
      const lead = leadFacilitator(state);
      const line = lead
        ? t('join.planned_you', { by: lead.name, role: t(`role.${note.role}`) })
        : t('join.planned_you_anon', { role: t(`role.${note.role}`) });
      // The separator is in the string: English puts a space, Japanese none.
      return note.picked && note.picked !== note.role ? line + t('join.you_picked', { role: t(`role.${note.picked}`) }) : line;
    }
    if (note.kind === 'facilitator' && role === 'facilitator') return t('join.cofac_joined');
    return null;
  }

  /** Says once, as a toast, what the join did (e.g. a planned role). */
  announceNote() {
    const note = this.session.note;
    if (!note || note.shown) return;
    const text = this.noteText(this.state);
    note.shown = true;
    saveSession(this.session);
    if (text) toast(text, 'info');
  }

  ctx() {
    const screen = this;
    return {
      get: () => this.state,
      send: (cmd, opts) => this.send(cmd, opts),
      online: () => this.conn.isOpen,
      ui: this.ui,
      /** The drill's id, and this seat's session token (the live review asks for a facilitator's). */
      drillId: this.session.drillId,
      token: () => this.session.token,
      get role() {
        return screen.role;
      },
      saveDraft: (key, value) => this.saveDraft(key, value),
      saveUi: () => this.saveUiNow(),
      openDoc: (id, opts) => this.openDoc(id, opts),
      /** A document was seen at this version (clears its "changed" dot). */
      markSeen: (id, version) => {
        this.ui.docSeen[id] = version;
        this.saveUiNow();
        if (this.docsNav) this.docsNav.update(this.state);
      },
      /** A document's draft appeared or went: the list shows it. */
      docsChanged: () => {
        if (this.docsNav) this.docsNav.update(this.state);
      },
    };
  }

  // --- persistence -----------------------------------------------------------

  schedulePersist() {
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => this.persistNow(), PERSIST_DELAY_MS);
  }

  persistNow() {
    clearTimeout(this.persistTimer);
    this.persistTimer = null;
    if (this.discarded) return;
    if (this.state) saveState(this.session, this.state);
    saveUi(this.ui);
  }

  saveUiNow() {
    if (!this.discarded) saveUi(this.ui);
  }

  saveDraft(key, value) {
    if (value) this.ui.drafts[key] = value;
    else delete this.ui.drafts[key];
    if (!this.discarded) saveUi(this.ui);
  }

  // --- layout --------------------------------------------------------------

  build() {
    this.built = true;
    const role = seatRole(this.state);
    this.role = role;
    this.declaredBefore = this.isDeclared();

    // Header: title, clock, status, phase, connection, who I am.
    this.hTitle = h('h1', { class: 'drill-title' });
    this.hClock = h('span', { class: 'clock-time' });
    trAttr(this.hClock, 'title', 'header.world_time');
    this.hT = h('span', { class: 'clock-t' });
    this.hStatus = h('span', { class: 'pill', id: 'drill-status' });
    this.hPhase = h('span', { class: 'pill', id: 'drill-phase' });
    this.hConn = h('span', { class: 'conn', id: 'conn-state', attrs: { role: 'status' } });
    this.hYou = h('span', { class: 'you-name' });
    const leave = h('button', { type: 'button', class: 'btn btn-ghost btn-small', i18n: 'drill.leave' });
    let armed = false;
    leave.addEventListener('click', () => {
      if (!armed) {
        armed = true;
        tr(leave, 'drill.leave_confirm');
        setTimeout(() => {
          armed = false;
          tr(leave, 'drill.leave');
        }, 4000);
        return;
      }
      this.onLeave();
    });
    const clock = h('div', { class: 'clock', attrs: { role: 'timer' } }, this.hClock, this.hT);
    trAttr(clock, 'aria-label', 'header.clock');
    fill(this.headerSlot,
      h('div', { class: 'head-title' }, this.hTitle),
      clock,
      h('div', { class: 'head-pills' }, this.hStatus, this.hPhase),
      h('div', { class: 'head-you' }, this.hConn, this.hYou, leave));

    // Live metrics.
    this.mOrders = metricTile('metric.orders');
    this.mPay = metricTile('metric.payment', 'metric-payment', 'metric.payment_def');
    this.mLost = metricTile('metric.lost');
    this.mGuests = metricTile('metric.guests', 'metric-guests', 'metric.guests_def');
    // The company's own figures: an outside actor (a store, a client) is
    // not sent them, and gets no metrics bar.
    const metrics = isOutside(role) ? null : h('section', { class: 'metrics', id: 'metrics' },
      this.mOrders.el, this.mPay.el, this.mLost.el, this.mGuests.el);
    if (metrics) trAttr(metrics, 'aria-label', 'metric.label');

    this.summarySlot = h('section', { class: 'summary', id: 'summary', hidden: true, attrs: { 'aria-labelledby': 'summary-title' } });

    // Channels, and the shared documents under them.
    this.channelList = h('ul', { class: 'channel-list' });
    this.docsNav = seesDocs(role) ? docsNav(this.ctx(), { onOpen: (id) => this.openDoc(id) }) : null;
    const channels = h('div', { class: 'channels' },
      h('nav', { class: 'channel-nav', attrs: { 'aria-labelledby': 'channels-title' } },
        h('h2', { id: 'channels-title', class: 'col-title', i18n: 'drill.channels' }), this.channelList),
      this.docsNav ? this.docsNav.el : null);

    // Conversation.
    this.convTitle = h('h2', { class: 'conv-title', id: 'conv-title' });
    this.convPrivate = h('p', { class: 'private-note', id: 'private-note', hidden: true },
      h('span', { class: 'lock', attrs: { 'aria-hidden': 'true' } }), h('span', { i18n: 'drill.private_note' }));
    this.posts = h('div', { class: 'posts', id: 'posts', tabIndex: 0, attrs: { role: 'log', 'aria-labelledby': 'conv-title' } });
    // A welcome carries only the latest posts of each channel.
    this.olderButton = h('button', { type: 'button', class: 'btn btn-ghost btn-small', id: 'load-older', i18n: 'drill.load_older' });
    this.olderButton.addEventListener('click', () => this.loadOlder());
    this.older = h('div', { class: 'older', id: 'older', hidden: true }, this.olderButton);
    // The channel's pinned posts, over its feed: folded to one line or
    // unfolded, each a button that jumps to the post.
    this.pinsToggle = h('button', { type: 'button', class: 'pins-toggle', id: 'pins-toggle', attrs: { 'aria-controls': 'pins-body' } });
    this.pinsToggle.addEventListener('click', () => {
      this.ui.pinsFolded = !this.ui.pinsFolded;
      this.saveUiNow();
      this.renderPins();
    });
    this.pinsList = h('ul', { class: 'pins-list', id: 'pins-list' });
    this.pinsFull = h('p', { class: 'hint pins-full', id: 'pins-full', hidden: true });
    this.pinDetail = h('div', { class: 'pin-detail', id: 'pin-detail', hidden: true, tabIndex: -1, attrs: { role: 'region' } });
    trAttr(this.pinDetail, 'aria-label', 'pins.detail_label');
    this.pinsBody = h('div', { class: 'pins-body', id: 'pins-body' }, this.pinsList, this.pinsFull, this.pinDetail);
    this.pinsBox = h('section', { class: 'pins', id: 'pins', hidden: true, attrs: { 'aria-labelledby': 'pins-toggle' } },
      h('h3', { class: 'pins-title' }, this.pinsToggle), this.pinsBody);
    this.composerLabel = h('label', { htmlFor: 'composer-text', class: 'sr-only' });
    this.composerText = h('textarea', { id: 'composer-text', rows: 2, maxLength: CHAT_TEXT_CHARS_MAX });
    this.composerSend = h('button', { type: 'submit', class: 'btn btn-primary', id: 'composer-send', i18n: 'composer.send' });
    this.composerHint = h('p', { class: 'hint composer-hint', id: 'composer-hint' });
    this.composerText.setAttribute('aria-describedby', 'composer-hint');
    this.composer = h('form', { class: 'composer' },
      this.composerLabel, h('div', { class: 'composer-row' }, this.composerText, this.composerSend), this.composerHint);
    this.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.sendChat();
    });
    this.composerText.addEventListener('keydown', (e) => {
      // Enter sends; Shift+Enter is a new line; Enter that confirms an IME
      // conversion (Japanese input) must not send.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        this.sendChat();
      }
    });
    this.composerText.addEventListener('input', () => this.saveDraft(`chat:${this.ui.channel}`, this.composerText.value));
    this.lobbyNote = h('p', { class: 'lobby-note', id: 'lobby-note', attrs: { role: 'status' } });
    this.conversation = h('section', { class: 'conversation', attrs: { 'aria-labelledby': 'conv-title' } },
      this.convTitle, this.convPrivate, this.lobbyNote, this.pinsBox, this.older, this.posts, this.composer);
    this.docView = this.docsNav ? new DocView(this.ctx(), { onClose: () => this.closeDoc() }) : null;
    // Support seats: the call in progress, over the conversation.
    this.callView = role === 'support_agent' || role === 'support_lead' ? activeCallView(this.ctx()) : null;
    const workFirst = WORK_FIRST.has(role);
    const center = h('div', { class: 'center' }, this.callView && !workFirst ? this.callView.el : null, this.conversation, this.docView ? this.docView.el : null);

    // Role panels: in tabs for the facilitator.
    this.panels = makePanels(role, this.ctx(), (state) => this.noteText(state));
    const aside = this.panels.some((p) => p.tab)
      ? h('aside', { class: 'side side-tabbed' }, this.sideTabs())
      : h('aside', { class: 'side' }, this.panels.map((p) => p.el));
    trAttr(aside, 'aria-label', 'drill.panels');
    // The owner's nudge when a promised status report is late.
    const report = this.panels.find((p) => p.focusForm);
    this.nudge = role === 'incident_owner' && report ? reportNudge(this.ctx(), { onWrite: () => report.focusForm() }) : null;

    fill(this.main, h('div', { class: 'drill' },
      metrics, this.nudge ? this.nudge.el : null, this.summarySlot,
      workFirst
        ? h('div', { class: ['drill-grid', 'work-first', role === 'facilitator' ? 'work-console' : null] }, channels,
          h('div', { class: 'work' }, this.callView ? this.callView.el : null, aside), center)
        : h('div', { class: 'drill-grid' }, channels, center, aside)));
    this.main.classList.add('main-drill');

    this.composerText.value = this.ui.drafts[`chat:${this.ui.channel}`] || '';
    if (this.ui.doc && this.docView) this.docView.open(this.ui.doc);
    else this.ui.doc = null;
    this.renderAll();
  }

  /** The facilitator's tab list and tab panels, keyboard-operable (arrows, Home, End). */
  sideTabs() {
    const tabs = FAC_TABS.map(([id, key]) => {
      const button = h('button', { type: 'button', class: 'side-tab', id: `side-tab-${id}`, dataset: { tab: id }, i18n: key,
        attrs: { role: 'tab', 'aria-controls': `side-group-${id}` } });
      const mine = this.panels.filter((p) => p.tab === id);
      const cols = [...new Set(mine.map((p) => p.col).filter(Boolean))];
      const body = cols.length
        ? cols.map((c) => h('div', { class: 'side-col' }, mine.filter((p) => p.col === c).map((p) => p.el)))
        : mine.map((p) => p.el);
      const group = h('div', { class: ['side-group', `side-group-${id}`, cols.length ? 'side-cols' : null], id: `side-group-${id}`,
        attrs: { role: 'tabpanel', 'aria-labelledby': `side-tab-${id}` } }, body);
      return { id, button, group };
    });
    const select = (id, focus) => {
      this.ui.sideTab = id;
      this.saveUiNow();
      for (const x of tabs) {
        const on = x.id === id;
        x.button.setAttribute('aria-selected', String(on));
        x.button.tabIndex = on ? 0 : -1;
        x.group.hidden = !on;
        if (on && focus) x.button.focus();
      }
    };
    tabs.forEach((x, i) => {
      x.button.addEventListener('click', () => select(x.id, false));
      x.button.addEventListener('keydown', (e) => {
        const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
        if (j === undefined) return;
        e.preventDefault();
        select(tabs[(j + tabs.length) % tabs.length].id, true);
      });
    });
    const list = h('div', { class: 'side-tabs', attrs: { role: 'tablist' } }, tabs.map((x) => x.button));
    trAttr(list, 'aria-label', 'fac.tabs');
    select(tabs.some((x) => x.id === this.ui.sideTab) ? this.ui.sideTab : tabs[0].id, false);
    return [list, ...tabs.map((x) => x.group)];
  }

  // --- documents -------------------------------------------------------------

  /** Opens a document in place of the conversation (edit: start editing). */
  openDoc(id, { edit = false } = {}) {
    if (!this.docView) return;
    this.ui.doc = id;
    this.saveUiNow();
    this.docView.open(id);
    this.renderDocs();
    this.renderChannels();
    if (edit && findDoc(this.state, id)) this.docView.startEdit();
    else this.docView.title.focus();
  }

  /** Back to the conversation. */
  closeDoc() {
    if (!this.ui.doc) return;
    this.ui.doc = null;
    this.saveUiNow();
    if (this.docView) this.docView.close();
    this.renderDocs();
    this.markRead(this.ui.channel);
    this.composerText.focus();
  }

  renderDocs() {
    const open = !!(this.ui.doc && this.docView);
    this.conversation.hidden = open;
    if (this.docView) {
      this.docView.el.hidden = !open;
      if (open) this.docView.update(this.state);
    }
    if (this.docsNav) this.docsNav.update(this.state);
  }

  /** Redraws everything (new snapshot, language switch). */
  renderAll() {
    if (!this.built) return;
    this.renderHeader();
    this.renderPulse();
    this.renderSummary();
    this.renderChannels();
    this.renderPosts();
    this.renderComposer();
    this.updatePanels();
    this.renderDocs();
  }

  renderHeader() {
    const s = this.state;
    this.hTitle.textContent = s.drill.title || '';
    this.hTitle.title = s.drill.summary || '';
    this.hStatus.textContent = t(`status.${s.status}`) + (s.status === 'running' && s.speed !== 1 ? ` ×${s.speed}` : '');
    this.hStatus.className = `pill status-${s.status}`;
    // Outside actors are not told the internal phase.
    this.hPhase.hidden = isOutside(this.role);
    this.hPhase.textContent = t(`phase.${s.phase}`);
    this.hPhase.className = `pill phase-${s.phase}`;
    this.hPhase.title = t('header.phase');
    this.hYou.textContent = `${s.you.name} · ${seatLabel(s.you.seat)}`;
    this.lobbyNote.hidden = s.status !== 'lobby';
    tr(this.lobbyNote, this.role === 'facilitator' ? 'drill.lobby_facilitator' : 'drill.lobby_participant');
    this.renderConn();
  }

  renderConn() {
    const st = this.conn.state;
    const key = st === 'open' ? 'conn.live' : st === 'reconnecting' ? 'conn.reconnecting' : st === 'closed' ? 'conn.closed' : 'conn.connecting';
    this.hConn.dataset.state = st;
    fill(this.hConn, h('span', { class: 'dot', attrs: { 'aria-hidden': 'true' } }), h('span', { text: t(key) }));
  }

  renderPulse() {
    const s = this.state;
    const p = s.pulse || { tick: 0, time_of_day_s: s.drill.start_time_of_day_s || 0 };
    this.hClock.textContent = timeOfDay(p.time_of_day_s);
    this.hT.textContent = tPlus(p.tick);
    if (isOutside(this.role)) {
      this.renderPulseRest(s);
      return;
    }
    this.mOrders.set(num(p.orders_per_min));
    const pay = paymentFigure(p);
    this.mPay.set(pay.text, pay.bad, pay.extra);
    this.mPay.define(pay.def);
    this.mLost.set(yen(p.lost_revenue_yen), p.lost_revenue_yen > 0);
    this.mGuests.set(num(p.guests_waiting));
    this.renderPulseRest(s);
  }

  /** What a pulse changes besides the metrics bar. */
  renderPulseRest(s) {
    if (s.status !== this.lastHeaderStatus || s.speed !== this.lastHeaderSpeed) {
      this.lastHeaderStatus = s.status;
      this.lastHeaderSpeed = s.speed;
      this.renderHeader();
    }
    for (const panel of this.panels) if (panel.pulse) panel.pulse(s);
    if (this.callView) this.callView.pulse(s);
    if (this.nudge) this.nudge.pulse(s);
  }

  renderSummary() {
    const sum = this.state.summary;
    this.summarySlot.hidden = !sum;
    if (!sum) {
      fill(this.summarySlot);
      return;
    }
    const [score, parts, times] = summaryView(sum, { titleId: 'summary-title' });
    score.appendChild(h('p', { class: 'summary-link' }, h('a', { href: '#history', i18n: 'summary.history_link' })));
    score.appendChild(h('p', { class: 'summary-link' },
      h('a', { href: `#review=${encodeURIComponent(this.session.drillId)}`, id: 'summary-review-link', i18n: 'summary.review_link' })));
    fill(this.summarySlot, score, parts, times);
  }

  renderChannels() {
    const s = this.state;
    if (!findChannel(s, this.ui.channel) && s.channels.length) this.selectChannel(s.channels[0].channel);
    fill(this.channelList, s.channels.map((c) => {
      const unread = this.ui.unread[c.channel] || 0;
      const mentions = Math.min(unread, this.ui.mentions[c.channel] || 0);
      const count = (n) => (n > 99 ? '99+' : String(n));
      const badgeText = mentions ? `${count(unread)} · @${count(mentions)}` : count(unread);
      const badgeLabel = mentions ? t('drill.unread_mentions', { n: unread, m: mentions }) : t('drill.unread', { n: unread });
      const selected = c.channel === this.ui.channel && !this.ui.doc;
      const priv = c.channel === PRIVATE_CHANNEL;
      const b = h('button', { type: 'button', class: ['channel', selected ? 'selected' : null, priv ? 'channel-private' : null], dataset: { channel: c.channel } },
        h('span', { class: 'channel-name', text: channelName(c.channel) }),
        priv ? h('span', { class: 'pill pill-private', i18n: 'drill.private' }) : null,
        unread ? h('span', { class: ['badge', mentions ? 'badge-mention' : null], text: badgeText, attrs: { 'aria-label': badgeLabel } }) : null);
      if (selected) b.setAttribute('aria-current', 'true');
      if (priv) b.title = t('drill.private_note');
      b.addEventListener('click', () => {
        this.closeDoc();
        this.selectChannel(c.channel);
      });
      return h('li', null, b);
    }));
    if (!s.channels.length) fill(this.channelList, h('li', { class: 'muted', i18n: 'drill.no_channels' }));
    const unread = Object.values(this.ui.unread).reduce((a, b) => a + b, 0);
    document.title = `${unread ? `(${unread}) ` : ''}${s.drill.title || ''} — Firedrill`;
  }

  selectChannel(channel) {
    if (channel === this.ui.channel && this.posts.childElementCount) {
      this.markRead(channel);
      return;
    }
    this.ui.channel = channel;
    this.composerText.value = this.ui.drafts[`chat:${channel}`] || '';
    this.markRead(channel);
    this.renderPosts();
    this.renderComposer();
  }

  markRead(channel) {
    if (this.ui.unread[channel] || this.ui.mentions[channel]) {
      delete this.ui.unread[channel];
      delete this.ui.mentions[channel];
      if (!this.discarded) saveUi(this.ui);
    }
    this.renderChannels();
  }

  /** Asks for the posts before the ones this channel has, and puts them on top. */
  loadOlder() {
    const channel = this.ui.channel;
    if (this.loadingOlder) return;
    this.loadingOlder = true;
    this.renderOlder();
    this.send({ type: 'query', query: historyQuery(this.state, channel) }, {
      onAnswer: (answer) => {
        if (!answer || answer.kind !== 'history' || answer.channel !== channel) return;
        prependPosts(this.state, channel, answer.posts || []);
        this.schedulePersist();
        if (this.ui.channel !== channel || !this.built) return;
        // Keep the reader where they were: the new posts go above.
        const fromBottom = this.posts.scrollHeight - this.posts.scrollTop;
        const c = findChannel(this.state, channel);
        if ((answer.posts || []).length && c) {
          const empty = this.posts.querySelector('.empty');
          if (empty) empty.remove();
          const first = this.posts.firstChild;
          for (const p of answer.posts) this.posts.insertBefore(renderPost(this.state, p, this.postOpts(channel, p)), first);
          this.posts.scrollTop = this.posts.scrollHeight - fromBottom;
        }
      },
      onSettled: () => {
        this.loadingOlder = false;
        this.renderOlder();
      },
    });
  }

  renderOlder() {
    const c = findChannel(this.state, this.ui.channel);
    this.older.hidden = !(c && c.more);
    this.olderButton.disabled = !!this.loadingOlder || !this.conn.isOpen;
    tr(this.olderButton, this.loadingOlder ? 'drill.loading_older' : 'drill.load_older');
    if (this.older.hidden && this.olderButton === document.activeElement) this.posts.focus();
  }

  renderPosts() {
    this.renderOlder();
    this.renderPins();
    const c = findChannel(this.state, this.ui.channel);
    if (!this.state.channels.length) tr(this.convTitle, 'drill.no_channels_title');
    else tr(this.convTitle, ['drill.channel_title', { name: channelName(this.ui.channel) }]);
    this.convPrivate.hidden = this.ui.channel !== PRIVATE_CHANNEL || !c;
    if (!c) {
      fill(this.posts, h('p', { class: 'muted empty', i18n: this.state.channels.length ? 'drill.pick_channel' : 'drill.no_channels_long' }));
      return;
    }
    if (!c.posts.length) {
      fill(this.posts, h('p', { class: 'muted empty', i18n: 'drill.no_posts' }));
      return;
    }
    fill(this.posts, c.posts.map((p) => renderPost(this.state, p, this.postOpts(c.channel, p))));
    this.posts.scrollTop = this.posts.scrollHeight;
  }

  onPosted(channel, post) {
    const mine = post.author && post.author.kind === 'seat' && post.author.id === this.state.you.id;
    if (channel === this.ui.channel) {
      const near = this.posts.scrollHeight - this.posts.scrollTop - this.posts.clientHeight < NEAR_BOTTOM_PX;
      const empty = this.posts.querySelector('.empty');
      if (empty) empty.remove();
      this.posts.appendChild(renderPost(this.state, post, this.postOpts(channel, post)));
      const c = findChannel(this.state, channel);
      while (c && this.posts.childElementCount > c.posts.length) this.posts.firstChild.remove();
      if (near || mine) this.posts.scrollTop = this.posts.scrollHeight;
      if ((document.hidden || this.ui.doc) && !mine) this.bumpUnread(channel, post);
    } else if (!mine) {
      this.bumpUnread(channel, post);
    }
    // Notices, actions and phase changes also arrive as their own events;
    // status reports and their nudges change the owner's panels.
    const kind = post.body && post.body.kind;
    if (['status_report', 'report_overdue', 'approval_requested', 'approval_decided'].includes(kind)) this.updatePanels();
  }

  bumpUnread(channel, post) {
    this.ui.unread[channel] = (this.ui.unread[channel] || 0) + 1;
    if (post && postMentionsYou(this.state, post)) this.ui.mentions[channel] = (this.ui.mentions[channel] || 0) + 1;
    this.renderChannels();
  }

  // --- pinned posts ----------------------------------------------------------

  /** How a post of a channel is drawn: pinned or not, and whether this seat may (un)pin it. */
  postOpts(channel, post) {
    const may = Number.isInteger(post.id) && canPin(this.role, channel) && this.state.status !== 'ended';
    return {
      pinned: Number.isInteger(post.id) && isPinned(this.state, channel, post.id),
      onPin: may ? (pinned) => this.pinPost(channel, post.id, pinned) : null,
    };
  }

  /** Pins or unpins a post; the pin_changed event redraws it. */
  pinPost(channel, id, pinned) {
    this.send({ type: 'pin_post', channel, post: id, pinned });
  }

  /** Redraws one post of the feed (its pin changed), keeping focus on its pin button. */
  refreshPost(channel, id) {
    const old = this.posts.querySelector(`[data-post-id="${Number(id)}"]`);
    const c = findChannel(this.state, channel);
    const post = c && c.posts.find((p) => p.id === id);
    if (!old || !post) return;
    const focused = old.contains(document.activeElement) && document.activeElement.classList.contains('pin-toggle');
    const fresh = renderPost(this.state, post, this.postOpts(channel, post));
    old.replaceWith(fresh);
    if (focused) {
      const button = fresh.querySelector('.pin-toggle');
      if (button) button.focus();
    }
  }

  /** The shown channel's pinned posts, the latest pinned first. */
  renderPins() {
    const channel = this.ui.channel;
    const pins = findChannel(this.state, channel) ? pinsOf(this.state, channel) : [];
    const hadFocus = this.pinsBox.contains(document.activeElement);
    this.pinsBox.hidden = !pins.length;
    const folded = !!this.ui.pinsFolded;
    tr(this.pinsToggle, ['pins.title', { n: pins.length }]);
    this.pinsToggle.setAttribute('aria-expanded', folded ? 'false' : 'true');
    this.pinsBody.hidden = folded;
    const mayUnpin = canPin(this.role, channel) && this.state.status !== 'ended';
    fill(this.pinsList, pins.map((pin) => {
      const text = truncate(postSummary(this.state, pin.post), PIN_TEXT_CHARS);
      const jump = h('button', {
        type: 'button',
        class: 'pin-item',
        dataset: { postId: pin.post.id },
        title: t('pins.jump_title', { by: pin.by }),
      }, h('span', { class: 'pin-author', text: authorName(pin.post.author) }), h('span', { class: 'pin-text', text }));
      jump.addEventListener('click', () => this.jumpToPost(channel, pin.post.id));
      let unpin = null;
      if (mayUnpin) {
        unpin = h('button', { type: 'button', class: 'btn btn-ghost btn-small pin-unpin', text: t('pins.unpin'), attrs: { 'aria-label': t('pins.unpin_label', { text }) } });
        unpin.addEventListener('click', () => this.pinPost(channel, pin.post.id, false));
      }
      return h('li', { class: 'pin' }, jump, unpin);
    }));
    this.pinsFull.hidden = !mayUnpin || pins.length < PINS_PER_CHANNEL_MAX;
    tr(this.pinsFull, ['pins.full', { n: PINS_PER_CHANNEL_MAX }]);
    const open = this.openPin;
    if (open && (open.channel !== channel || !pins.some((p) => p.post.id === open.id))) this.openPin = null;
    this.renderPinDetail();
    // A pin that went away (unpinned from here) took the focus with it.
    if (hadFocus && !this.pinsBox.contains(document.activeElement)) {
      if (this.pinsBox.hidden) this.posts.focus();
      else this.pinsToggle.focus();
    }
  }

  /**
   * From the pinned list to the post: highlighted in the feed when it is
   * there, else (older than the posts shown) shown under the list.
   */
  jumpToPost(channel, id) {
    const el = this.posts.querySelector(`[data-post-id="${Number(id)}"]`);
    if (el) {
      this.openPin = null;
      this.renderPinDetail();
      el.tabIndex = -1;
      el.scrollIntoView({ block: 'center' });
      el.classList.remove('post-flash');
      void el.offsetWidth; // restarts the animation
      el.classList.add('post-flash');
      el.focus({ preventScroll: true });
      clearTimeout(this.flashTimer);
      this.flashTimer = setTimeout(() => el.classList.remove('post-flash'), PIN_FLASH_MS);
      return;
    }
    const same = this.openPin && this.openPin.channel === channel && this.openPin.id === id;
    this.openPin = same ? null : { channel, id };
    this.renderPinDetail();
    if (this.openPin) this.pinDetail.focus();
  }

  /** The pinned post opened from the list that the feed does not show. */
  renderPinDetail() {
    const open = this.openPin;
    const pin = open ? pinsOf(this.state, open.channel).find((p) => p.post.id === open.id) : null;
    this.pinDetail.hidden = !pin;
    if (!pin) {
      fill(this.pinDetail);
      return;
    }
    fill(this.pinDetail,
      h('p', { class: 'hint pin-detail-note', text: t('pins.not_shown', { by: pin.by }) }),
      renderPost(this.state, pin.post, this.postOpts(open.channel, pin.post)));
  }

  renderComposer() {
    const channel = this.ui.channel;
    const writable = canWrite(this.role, channel) && !!findChannel(this.state, channel);
    const ended = this.state.status === 'ended';
    this.composer.hidden = !this.state.channels.length;
    tr(this.composerLabel, ['composer.label', { name: channelName(channel) }]);
    this.composerText.placeholder = t(channel === PRIVATE_CHANNEL ? 'composer.placeholder_private' : 'composer.placeholder', { name: channelName(channel) });
    this.composerText.disabled = !writable || ended;
    this.composerSend.disabled = !writable || ended || !this.conn.isOpen;
    const hint = ended ? 'composer.ended' : !writable ? 'composer.read_only' : !this.conn.isOpen ? 'composer.offline' : 'composer.hint';
    tr(this.composerHint, hint);
  }

  sendChat() {
    const channel = this.ui.channel;
    const text = this.composerText.value.trim();
    if (!text || this.composerSend.disabled) return;
    if ([...text].length > CHAT_TEXT_CHARS_MAX) {
      toast(t('composer.too_long', { n: CHAT_TEXT_CHARS_MAX }));
      return;
    }
    const sent = this.send({ type: 'chat', channel, text }, {
      onError: () => {
        // Give the text back so it is not lost.
        if (this.ui.channel === channel && !this.composerText.value) {
          this.composerText.value = text;
          this.saveDraft(`chat:${channel}`, text);
        }
      },
    });
    if (sent) {
      this.composerText.value = '';
      this.saveDraft(`chat:${channel}`, '');
    }
  }

  updatePanels() {
    for (const p of this.panels) p.update(this.state);
    if (this.callView) {
      this.callView.update(this.state);
      // On a call, the script is shown beside it: once is enough.
      const talk = this.panels.find((p) => p.el.id === 'talk-script-panel');
      if (talk) talk.el.hidden = this.callView.active();
    }
    if (this.nudge) this.nudge.update(this.state);
  }
}


/** Marks panels as belonging to one of the facilitator's tabs (and to a column of it). */
function inTab(tab, panels, col = null) {
  for (const p of panels) Object.assign(p, { tab, col });
  return panels;
}

/** The facilitator's tabs, in order: [id, label key]. */
const FAC_TABS = [['console', 'fac.tab_console'], ['people', 'fac.tab_people']];

/**
 * Roles whose main tool (console, engineering tools, the desk, the notice
 * editor, a client chat or store call) takes the main area, with the
 * conversation beside it. The others (the owner, observers) work in the
 * conversation itself, with their panels beside it.
 */
const WORK_FIRST = new Set(['facilitator', 'engineer', 'support_lead', 'support_agent', 'sales', 'comms_lead', 'store_actor', 'corporate_actor']);

/**
 * The panels for a role, in the order they matter to it. An open pulse
 * question (under the phones for support) and a risky action waiting for
 * the owner come first, and only while they wait; the pulse results
 * appear after the end.
 */
function makePanels(role, ctx, note) {
  const pulse = answersPulses(role) ? [pulseAnswerPanel(ctx)] : [];
  const results = role !== 'facilitator' && seesDocs(role) ? [pulseResultsPanel()] : [];
  // The engineers' tools: unfolded for engineers, folded for the others who may use them.
  const tools = (open) => (canQuery(role) ? [toolsPanel(ctx, { open })] : []);
  switch (role) {
    case 'facilitator':
      // The clock, then the world behind the incident and the score so far.
      // At a glance (the console tab): the clock and controls, the inject
      // timeline, the score so far and the board, then the live tools (fault
      // controls, ad-hoc injects, the desk, pulse questions); the people,
      // the review notes and the reference in the second tab.
      return [
        ...inTab('console', [startChecklistPanel(ctx), controlsPanel(ctx), injectsPanel(ctx),
          answerKeyPanel({ controls: (state, fault) => faultButtons(ctx, state, fault), online: () => ctx.online() }), adHocPanel(ctx),
          deskWatchPanel(ctx)], 'a'),
        ...inTab('console', [scorePanel(ctx), boardPanel(ctx), pulseFacilitatorPanel(ctx), chatPanel(ctx, { side: 'caller' })], 'b'),
        ...inTab('people', [rosterPanel(ctx, { assign: true }), planRolesPanel(ctx), reviewNotesPanel(ctx),
          runbookPanel(ctx, { canRun: false }), ...tools(false), noticesPanel()]),
      ];
    case 'incident_owner':
      return [...pulse, approvalsPanel(ctx), rolePanel(role, note), declarePanel(ctx), phasePanel(ctx), statusReportPanel(ctx), hypothesisPanel(ctx),
        rosterPanel(ctx, { assign: true, owner: true }), noticeEditorPanel(ctx), runbookPanel(ctx, { canRun: false }), ...tools(false), ...results];
    case 'comms_lead':
      return [...pulse, rolePanel(role, note), noticeEditorPanel(ctx), ...results];
    case 'engineer':
      return [...pulse, rolePanel(role, note), declarePanel(ctx), ...tools(true), hypothesisPanel(ctx), runbookPanel(ctx, { canRun: true }), ...results];
    case 'support_lead':
      // The talk script first: it is what the phones say.
      // A question waits under the phones, not over them.
      return [talkScriptPanel(ctx, { canEdit: true }), callQueuePanel(ctx, { lead: true }), ...pulse, rolePanel(role, note),
        declarePanel(ctx), noticesPanel(), ...results];
    case 'support_agent':
      return [talkScriptPanel(ctx, { canEdit: false }), callQueuePanel(ctx), ...pulse, rolePanel(role, note), noticesPanel(), ...results];
    case 'sales':
      return [...pulse, chatPanel(ctx, { side: 'agent' }), rolePanel(role, note), noticesPanel(), ...results];
    case 'store_actor': {
      // The character's scripted lines go into the call box.
      const call = storeCallPanel(ctx);
      return [call, characterPanel(ctx, { use: (line) => call.useText(line.text) }), rolePanel(role, note), noticesPanel()];
    }
    case 'corporate_actor': {
      // ... or into the chat with sales, as the persona's client.
      const chat = chatPanel(ctx, { side: 'caller' });
      return [chat, characterPanel(ctx, { use: (line, brief) => chat.useText(line.text, brief.client) }), rolePanel(role, note), noticesPanel()];
    }
    default:
      return [rolePanel(role, note), ...tools(false), noticesPanel(), ...results];
  }
}
