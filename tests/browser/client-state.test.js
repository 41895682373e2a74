// Unit tests of the client's pure modules (no browser): the state kept
// from the server's messages, and the completeness of the UI strings.
// Messages are written as the server's serde JSON (server/src/protocol.rs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = path.resolve(HERE, '../../client-web/js');
const {
  fromWelcome, applyEvent, applyPulse, canWrite, seatRole, currentPlans, leadFacilitator,
  docWritable, listedDocs, findDoc, checklistLines, setChecked, reportLate, reportNudged, ROLES,
  callQueue, queueCount, applyDeskQueue, rosterNextFrom, addRosterPage, activeCall, ownCalls, callsInProgress, closedCalls, waitSeconds, supportAgents, onCall, callOpen,
  chatList, unreadLines, lastTheirTick, injectTimeline, CHANNEL_ORDER,
  canQuery, answersPulses, peopleCount, ownerPresent, pendingApprovals, openPulses, notePulseAnswer, prependPosts, historyQuery,
  POSTS_IN_WELCOME_MAX, actionLabel, pickBrief, briefLines, canPin, pinsOf, isPinned,
} = await import(path.join(CLIENT, 'state.js'));
const { POST_KINDS, truncate, postSummary, authorName, paymentFigure, alertState } = await import(path.join(CLIENT, 'posts.js'));
const { timeToDeclare, noticeAfterDeclare, callsAbandoned, clientEscalations, trendRows, partLabel } = await import(path.join(CLIENT, 'summary.js'));
const {
  replayMarks, clampTick, sliderMax, playNext, keyTick, callCounts, latestOnly, PLAY_STEP_S,
} = await import(path.join(CLIENT, 'replay.js'));
const { keys } = await import(path.join(CLIENT, 'i18n.js'));
const {
  mixSegments, retryDelayMs, objectiveCounts, MIX_PARTS, SCORE_REFRESH_MS, SCORE_RETRY_MAX_MS,
} = await import(path.join(CLIENT, 'board.js'));
const { headlineKey, statusHref, isNewerPage } = await import(path.join(CLIENT, 'status.js'));

const pulse = {
  tick: 0, time_of_day_s: 42300, status: 'lobby', speed: 1, orders_per_min: 0,
  payment_success_ppm: 1000000, revenue_yen: 0, lost_revenue_yen: 0, guests_waiting: 0,
};

function welcome() {
  return {
    type: 'welcome',
    v: 1,
    you: { id: 1, name: 'Ken', seat: { kind: 'participant', role: 'engineer' }, online: true },
    snapshot: {
      seq: 4,
      drill: {
        id: 'd1', scenario: 's', title: 'T', summary: 'S', language: 'en', start_time_of_day_s: 42300,
        duration_s: 1800, join_code: 'c', regions: [{ id: 'kanto', name: 'Kanto' }], services: [],
      },
      status: 'lobby',
      speed: 1,
      pulse,
      phase: 'normal',
      declared_at_tick: null,
      roster: [{ id: 0, name: 'Aiko', seat: { kind: 'facilitator' }, online: true }],
      channels: [{ channel: 'ops', posts: [{ author: { kind: 'health_bot' }, body: { kind: 'text', text: 'x' }, tick: 0 }] }],
      actions: [{ id: 'rollback', label: 'Roll back', service: 'payments', delay_s: 180 }],
      actions_run: [],
      notices: [],
      summary: null,
      answer_key: null,
    },
  };
}

test('a welcome becomes the state', () => {
  const s = fromWelcome(welcome());
  assert.equal(s.seq, 4);
  assert.equal(seatRole(s), 'engineer');
  assert.deepEqual(s.channels.map((c) => c.channel), ['ops']);
  assert.equal(s.channels[0].posts.length, 1);
});

test('events apply once, in seq order', () => {
  const s = fromWelcome(welcome());
  const post = { author: { kind: 'seat', id: 0, name: 'Aiko', seat: { kind: 'facilitator' } }, body: { kind: 'text', text: 'hi' }, tick: 3 };
  const msg = { type: 'event', seq: 5, tick: 3, event: { kind: 'posted', channel: 'ops', post } };
  assert.equal(applyEvent(s, msg).what, 'posted');
  assert.equal(applyEvent(s, msg), null, 'a replayed event is ignored');
  assert.equal(s.channels[0].posts.length, 2);
  assert.equal(s.seq, 5);
});

test('every event kind updates the state', () => {
  const s = fromWelcome(welcome());
  let seq = 10;
  const ev = (event, tick = 60) => applyEvent(s, { type: 'event', seq: seq++, tick, event });

  ev({ kind: 'status', status: 'running', speed: 10 });
  assert.equal(s.status, 'running');
  assert.equal(s.speed, 10);

  ev({ kind: 'declared', by: 'Mei' }, 240);
  assert.equal(s.declared_at_tick, 240);
  assert.equal(s.declared_by, 'Mei');

  for (const channel of ['sales', 'incident-war-room', 'external', 'support']) ev({ kind: 'channel_opened', channel });
  assert.deepEqual(s.channels.map((c) => c.channel), ['ops', 'incident-war-room', 'support', 'external', 'sales']);

  ev({ kind: 'phase_changed', phase: 'identified' });
  assert.equal(s.phase, 'identified');

  const run = { action: 'rollback', by: 'Ken', started_tick: 300, effective_tick: 480, done: false };
  ev({ kind: 'action_updated', run });
  ev({ kind: 'action_updated', run: { ...run, done: true } });
  assert.equal(s.actions_run.length, 1);
  assert.equal(s.actions_run[0].done, true);

  ev({ kind: 'notice_published', notice: { status: 'partial_outage', text: 'n', by: 'Sora', tick: 310 } });
  assert.equal(s.notices.length, 1);

  ev({ kind: 'seat_changed', seat: { id: 1, name: 'Ken', seat: { kind: 'participant', role: 'engineer' }, online: true } });
  ev({ kind: 'seat_changed', seat: { id: 0, name: 'Aiko', seat: { kind: 'facilitator' }, online: false } });
  assert.equal(s.roster.length, 2);
  assert.equal(s.roster.find((x) => x.id === 0).online, false);

  const fault = { id: 'f', service: 'payments', regions: [], root_cause: 'r', fixed_by: ['rollback'], starts_tick: 180, active: true };
  ev({ kind: 'fault_changed', fault });
  ev({ kind: 'fault_changed', fault: { ...fault, active: false } });
  assert.deepEqual(s.answer_key.map((f) => f.active), [false]);

  const summary = { scenario: 's', seed: 1, ticks: 600, state_hash: 'h', first_signal_at_s: 190, declared_at_s: 240,
    first_external_notice_at_s: 310, mitigated_at_s: 480, resolved_at_s: null, resolved_prematurely: false,
    revenue_yen: 1, lost_revenue: 2, score: 80, score_parts: [] };
  ev({ kind: 'ended', summary });
  assert.equal(s.status, 'ended');
  assert.equal(s.summary.score, 80);

  assert.equal(ev({ kind: 'something_new' }).what, 'unknown', 'unknown kinds do not throw');
});

test('planned roles: the latest plan per name counts, in first-planned order', () => {
  const s = fromWelcome(welcome());
  assert.deepEqual(s.planned_roles, []);
  let seq = 10;
  const plan = (name, role) => applyEvent(s, { type: 'event', seq: seq++, tick: 0, event: { kind: 'role_planned', planned: { name, role } } });
  assert.equal(plan('Kenji', 'engineer').what, 'planned');
  plan('Mei', 'comms_lead');
  plan(' kenji ', 'incident_owner');
  assert.deepEqual(currentPlans(s), [{ name: ' kenji ', role: 'incident_owner' }, { name: 'Mei', role: 'comms_lead' }]);
  assert.equal(leadFacilitator(s).name, 'Aiko');
  // Locking the lead roles, and unlocking them.
  assert.equal(s.roles_locked, false);
  const lock = (locked) => applyEvent(s, { type: 'event', seq: seq++, tick: 0, event: { kind: 'roles_locked', locked } });
  assert.equal(lock(true).what, 'planned');
  assert.equal(s.roles_locked, true);
  lock(false);
  assert.equal(s.roles_locked, false);
  assert.equal(fromWelcome({ ...welcome(), snapshot: { ...welcome().snapshot, roles_locked: true } }).roles_locked, true);
});

test('the history measures come from the summary', () => {
  const sum = { first_signal_at_s: 190, declared_at_s: 250, first_external_notice_at_s: 310 };
  assert.equal(timeToDeclare(sum), 60);
  assert.equal(noticeAfterDeclare(sum), 60);
  assert.equal(timeToDeclare({ ...sum, declared_at_s: null }), null);
  assert.equal(timeToDeclare({ ...sum, first_signal_at_s: null }), null);
  assert.equal(noticeAfterDeclare({ ...sum, first_external_notice_at_s: null }), null);
});

test('a pulse replaces the clock and metrics', () => {
  const s = fromWelcome(welcome());
  applyPulse(s, { type: 'pulse', ...pulse, tick: 90, status: 'running', speed: 60 });
  assert.equal(s.pulse.tick, 90);
  assert.equal(s.pulse.type, undefined);
  assert.equal(s.status, 'running');
  assert.equal(s.speed, 60);
});

test('the client mirrors who may write where', () => {
  assert.equal(canWrite('engineer', 'ops'), true);
  assert.equal(canWrite('engineer', 'support'), false);
  assert.equal(canWrite('support_agent', 'support'), true);
  assert.equal(canWrite('comms_lead', 'external'), true);
  assert.equal(canWrite('sales', 'sales'), true);
  assert.equal(canWrite('observer', 'ops'), false);
  assert.equal(canWrite('store_actor', 'ops'), false);
  assert.equal(canWrite('facilitator', 'sales'), true);
  // #social: outside actors, the owner and the comms lead (server's channel_writable and authorize).
  for (const role of ROLES) {
    assert.equal(canWrite(role, 'social'), ['store_actor', 'corporate_actor', 'incident_owner', 'comms_lead'].includes(role), `${role} social`);
  }
  for (const channel of CHANNEL_ORDER.filter((c) => c !== 'social')) {
    assert.equal(canWrite('store_actor', channel), false, `store_actor ${channel}`);
    assert.equal(canWrite('corporate_actor', channel), false, `corporate_actor ${channel}`);
  }
  assert.equal(canWrite('facilitator', 'social'), true);
});

// --- the declaration's workflow ------------------------------------------------

const doc = (id, kind, version = 1, text = '') => ({ id, kind, title: id, text, version, updated_by: '', updated_tick: 60 });
const DOCS = [
  doc('checklist-engineer', { kind: 'checklist', role: 'engineer' }),
  doc('talk-script', { kind: 'talk_script' }),
  doc('incident-report', { kind: 'incident_report' }),
  doc('checklist-incident_owner', { kind: 'checklist', role: 'incident_owner' }),
  doc('status-board', { kind: 'status_board' }),
  doc('incident-doc', { kind: 'incident_doc' }),
];

test('documents: a snapshot and doc_updated events keep them, newest wins, in a fixed order', () => {
  const w = welcome();
  w.snapshot.docs = DOCS.slice(0, 3);
  w.snapshot.next_report_due_tick = null;
  const s = fromWelcome(w);
  assert.deepEqual(s.docs.map((d) => d.id), ['talk-script', 'incident-report', 'checklist-engineer']);
  let seq = 10;
  const ev = (d) => applyEvent(s, { type: 'event', seq: seq++, tick: 90, event: { kind: 'doc_updated', doc: d } });
  for (const d of DOCS.slice(3)) assert.equal(ev(d).what, 'doc');
  assert.deepEqual(s.docs.map((d) => d.id),
    ['status-board', 'incident-doc', 'talk-script', 'incident-report', 'checklist-incident_owner', 'checklist-engineer']);
  const change = ev({ ...DOCS[1], version: 2, text: 'new', updated_by: 'Haru' });
  assert.equal(change.before.version, 1);
  assert.equal(findDoc(s, 'talk-script').text, 'new');
  ev({ ...DOCS[1], version: 1, text: 'old' });
  assert.equal(findDoc(s, 'talk-script').text, 'new', 'an older copy never replaces a newer one');
  assert.equal(s.docs.length, 6);
});

test('who may edit which document mirrors the server (doc_writable)', () => {
  // server/src/protocol.rs doc_writable; facilitators may edit all.
  const rule = {
    status_board: ['incident_owner', 'comms_lead', 'support_lead'],
    incident_doc: ['incident_owner', 'engineer', 'comms_lead'],
    talk_script: ['support_lead', 'incident_owner'],
    incident_report: ['comms_lead', 'incident_owner'],
  };
  for (const role of ROLES) {
    for (const [kind, who] of Object.entries(rule)) {
      assert.equal(docWritable(role, { kind: { kind } }), who.includes(role), `${role} ${kind}`);
    }
    for (const owner of ROLES) {
      assert.equal(docWritable(role, { kind: { kind: 'checklist', role: owner } }), role === owner, `${role} checklist of ${owner}`);
    }
  }
  for (const d of DOCS) assert.equal(docWritable('facilitator', d), true);
});

test('a seat lists the shared documents and its own checklist', () => {
  const s = { docs: DOCS };
  assert.deepEqual(listedDocs(s, 'engineer').map((d) => d.id), ['checklist-engineer', 'talk-script', 'incident-report', 'status-board', 'incident-doc']);
  assert.deepEqual(listedDocs(s, 'support_agent').map((d) => d.id), ['talk-script', 'incident-report', 'status-board', 'incident-doc']);
  assert.equal(listedDocs(s, 'facilitator').length, DOCS.length);
});

test('checklists: "[ ] item" lines are items; ticking changes only that line', () => {
  const text = 'Before calls:\n[ ] Read the talk script\n[x] Answer with the script\n  [ ] Log a disposition';
  assert.deepEqual(checklistLines(text), [
    { item: false, text: 'Before calls:' },
    { item: true, checked: false, text: 'Read the talk script' },
    { item: true, checked: true, text: 'Answer with the script' },
    { item: true, checked: false, text: 'Log a disposition' },
  ]);
  assert.equal(setChecked(text, { line: 1, label: 'Read the talk script' }, true),
    'Before calls:\n[x] Read the talk script\n[x] Answer with the script\n  [ ] Log a disposition');
  assert.equal(setChecked(text, { line: 2, label: 'Answer with the script' }, false),
    'Before calls:\n[ ] Read the talk script\n[ ] Answer with the script\n  [ ] Log a disposition');
  // Someone added a line above: the tick still finds its item by label.
  const moved = `New first line\n${text}`;
  assert.match(setChecked(moved, { line: 3, label: 'Log a disposition' }, true), /\n {2}\[x\] Log a disposition$/);
  assert.equal(setChecked('[ ] a', { line: 5, label: 'gone' }, true), null, 'an item that is gone is not guessed');
  assert.equal(setChecked('[ ]a', { line: 0, label: 'a' }, true), '[x] a');
});

test('status reports keep the promise; a report_overdue post nudges', () => {
  const w = welcome();
  w.snapshot.status = 'running';
  w.snapshot.next_report_due_tick = 400;
  const s = fromWelcome(w);
  assert.equal(s.next_report_due_tick, 400);
  applyPulse(s, { type: 'pulse', ...pulse, tick: 300, status: 'running', speed: 120 });
  assert.equal(reportLate(s), false);
  assert.equal(reportNudged(s), false);

  let seq = 10;
  const post = (body, tick) => applyEvent(s, { type: 'event', seq: seq++, tick,
    event: { kind: 'posted', channel: 'incident-war-room', post: { author: { kind: 'system' }, body, tick } } });
  const report = { kind: 'status_report', affected: 'Card payments', scope: 'Kanto', impact: '40%', actions: 'rollback', next_update_tick: 360, by: 'Kenji' };
  post(report, 300);
  assert.equal(s.next_report_due_tick, 360);
  assert.equal(s.last_report.scope, 'Kanto');
  post({ kind: 'report_overdue', due_tick: 360 }, 361);
  assert.equal(s.report_overdue_for, 360);
  assert.equal(reportNudged(s), true, 'nudged as soon as the post says so');
  post({ ...report, next_update_tick: 961 }, 362);
  assert.equal(reportNudged(s), false, 'a new report ends the nudge');
  applyPulse(s, { type: 'pulse', ...pulse, tick: 962, status: 'running', speed: 120 });
  assert.equal(reportLate(s), true);
  assert.equal(reportNudged(s), true, 'late by the clock too (a snapshot may have lost the post)');
  s.status = 'ended';
  assert.equal(reportNudged(s), false, 'no nudge once the drill is over');

  // A snapshot's posts give the latest report and nudge.
  const w2 = welcome();
  w2.snapshot.next_report_due_tick = 360;
  w2.snapshot.channels.push({ channel: 'incident-war-room', posts: [
    { author: { kind: 'system' }, body: report, tick: 300 },
    { author: { kind: 'system' }, body: { kind: 'report_overdue', due_tick: 360 }, tick: 361 },
  ] });
  const s2 = fromWelcome(w2);
  assert.equal(s2.last_report.actions, 'rollback');
  assert.equal(s2.report_overdue_for, 360);
});

test('the facilitators\' channel comes last and is theirs alone', () => {
  const w = welcome();
  w.you = { id: 0, name: 'Aiko', seat: { kind: 'facilitator' }, online: true };
  w.snapshot.channels = [{ channel: 'facilitators', posts: [] }, { channel: 'ops', posts: [] }];
  const s = fromWelcome(w);
  applyEvent(s, { type: 'event', seq: 10, tick: 1, event: { kind: 'channel_opened', channel: 'incident-war-room' } });
  assert.deepEqual(s.channels.map((c) => c.channel), ['ops', 'incident-war-room', 'facilitators']);
  assert.equal(canWrite('facilitator', 'facilitators'), true);
  for (const role of ROLES) assert.equal(canWrite(role, 'facilitators'), false, role);
});

// --- the support desk, client chats, injects ------------------------------------

const line = (tick, speaker, text, name = speaker === 'caller' ? 'Ramen Tanaka' : 'Yui') => ({ tick, speaker, name, text });
function call(id, fields = {}) {
  return {
    id, caller: `Store ${id}`, store: id, region: 'kanto', client: null, inject: null, caller_seat: null,
    state: 'waiting', agent: null, agent_name: '', opened_tick: 100 + id, answered_tick: null, ended_tick: null,
    hold_s: 0, mood: 'calm', disposition: null, lines: [], ...fields,
  };
}

function deskWelcome(you) {
  const w = welcome();
  w.you = you;
  w.snapshot.status = 'running';
  w.snapshot.roster = [
    { id: 0, name: 'Aiko', seat: { kind: 'facilitator' }, online: true },
    { id: 3, name: 'Yui', seat: { kind: 'participant', role: 'support_agent' }, online: true },
    { id: 2, name: 'Haru', seat: { kind: 'participant', role: 'support_lead' }, online: true },
    { id: 4, name: 'Mio', seat: { kind: 'participant', role: 'support_agent' }, online: false },
    { id: 5, name: 'Sho', seat: { kind: 'participant', role: 'store_actor' }, online: true },
  ];
  w.snapshot.calls = [
    call(1, { lines: [line(101, 'caller', 'Cards fail')] }),
    call(2, { state: 'talking', agent: 3, agent_name: 'Yui', answered_tick: 130, mood: 'upset', lines: [line(102, 'caller', 'Help')] }),
    call(3, { state: 'abandoned', ended_tick: 200 }),
    call(4, { state: 'ended', agent: 4, agent_name: 'Mio', answered_tick: 110, ended_tick: 190, disposition: 'workaround' }),
  ];
  w.snapshot.chats = [{ client: 'kanto-ramen-hd', name: 'Kanto Ramen Holdings', stores: 80, client_seat: null, waiting_since: 150, escalations: 0,
    lines: [line(150, 'caller', '80 stores down', 'Ms Ito')] }];
  w.snapshot.clients = [{ id: 'hikari-cafe', name: 'Hikari Cafe Group' }, { id: 'kanto-ramen-hd', name: 'Kanto Ramen Holdings' }];
  return w;
}

const YUI = { id: 3, name: 'Yui', seat: { kind: 'participant', role: 'support_agent' }, online: true };

test('calls: a snapshot keeps them by id with their lines; the queue, my call and the history', () => {
  const s = fromWelcome(deskWelcome(YUI));
  assert.deepEqual(Object.keys(s.calls).map(Number).sort(), [1, 2, 3, 4]);
  assert.deepEqual(callQueue(s).map((c) => c.id), [1]);
  assert.equal(activeCall(s).id, 2);
  assert.deepEqual(callsInProgress(s).map((c) => c.id), [2]);
  assert.deepEqual(closedCalls(s).map((c) => c.id), [3, 4], 'latest closed first');
  assert.equal(callOpen(s.calls[1]), true);
  assert.equal(callOpen(s.calls[3]), false);
  assert.equal(waitSeconds(s.calls[1], 160), 59, 'still waiting: until now');
  assert.equal(waitSeconds(s.calls[2], 500), 28, 'picked up: until then');
  assert.deepEqual(supportAgents(s).map((a) => a.name), ['Yui', 'Mio'], 'agents only, by seat id');
  assert.equal(onCall(s, 3), true);
  assert.equal(onCall(s, 4), false);
});

test('calls: call_updated merges into the known call and keeps its lines; call_line adds one', () => {
  const s = fromWelcome(deskWelcome(YUI));
  let seq = 10;
  const ev = (event) => applyEvent(s, { type: 'event', seq: seq++, tick: 170, event });
  // Yui ends call 2, takes call 1.
  assert.equal(ev({ kind: 'call_updated', call: call(2, { state: 'ended', agent: 3, agent_name: 'Yui', answered_tick: 130, ended_tick: 170, disposition: 'informed' }) }).what, 'calls');
  assert.equal(s.calls[2].lines.length, 1, 'lines kept');
  assert.equal(s.calls[2].disposition, 'informed');
  assert.equal(activeCall(s), null);
  ev({ kind: 'call_updated', call: call(1, { state: 'talking', agent: 3, agent_name: 'Yui', answered_tick: 171 }) });
  assert.equal(activeCall(s).id, 1);
  assert.equal(s.calls[1].lines[0].text, 'Cards fail');
  const change = ev({ kind: 'call_line', call: 1, line: line(172, 'agent', 'We are on it') });
  assert.deepEqual([change.what, change.call], ['calls', 1]);
  ev({ kind: 'call_line', call: 1, line: line(176, 'caller', '<script>alert(1)</script>') });
  assert.deepEqual(s.calls[1].lines.map((l) => l.speaker), ['caller', 'agent', 'caller']);
  assert.equal(s.calls[1].lines[2].text, '<script>alert(1)</script>', 'text kept as it is');
  // A new call, and a line for a call never seen, do not throw.
  ev({ kind: 'call_updated', call: call(9, { opened_tick: 175 }) });
  assert.deepEqual(callQueue(s).map((c) => c.id), [9]);
  assert.equal(ev({ kind: 'call_line', call: 77, line: line(177, 'caller', 'x') }).what, 'calls');
  assert.equal(s.calls[77], undefined);
  // Replayed events are ignored.
  assert.equal(applyEvent(s, { type: 'event', seq: 10, tick: 170, event: { kind: 'call_line', call: 1, line: line(1, 'agent', 'again') } }), null);
  assert.equal(s.calls[1].lines.length, 3);
});

test('calls: an agent follows the desk_queue, and the call it picks up comes with its lines', () => {
  const w = deskWelcome(YUI);
  // An agent's welcome: its own calls and the queue, not every call.
  w.snapshot.calls = [];
  w.snapshot.desk_queue = { waiting: 0, oldest_tick: null, moods: { calm: 0, upset: 0, angry: 0 }, calls: [] };
  const s = fromWelcome(w);
  assert.deepEqual(callQueue(s), []);
  assert.equal(queueCount(s), 0);
  const queued = (id, opened) => ({ id, caller: `Caller ${id}`, region: 'kanto', opened_tick: opened, mood: 'upset' });
  applyDeskQueue(s, { type: 'desk_queue', waiting: 12, oldest_tick: 100, moods: { calm: 2, upset: 9, angry: 1 },
    calls: [1, 2, 3, 4, 5, 6, 7, 8].map((id) => queued(id, 100 + id)) });
  assert.deepEqual(callQueue(s).map((c) => c.id), [1, 2, 3, 4, 5, 6, 7, 8], 'the longest-waiting, from the queue');
  assert.equal(queueCount(s), 12, 'every waiting call counts, also those not listed');
  assert.equal(waitSeconds(callQueue(s)[0], 160), 59);
  // Yui takes call 1: the update carries what the caller said.
  applyEvent(s, { type: 'event', seq: 20, tick: 161, event: { kind: 'call_updated',
    call: call(1, { state: 'talking', agent: 3, agent_name: 'Yui', answered_tick: 161, lines: [line(101, 'caller', 'Cards fail')] }) } });
  assert.equal(activeCall(s).id, 1);
  assert.deepEqual(s.calls[1].lines.map((l) => l.text), ['Cards fail']);
  // Until the next queue (at most a second), the call she took is not offered.
  assert.deepEqual(callQueue(s).map((c) => c.id), [2, 3, 4, 5, 6, 7, 8]);
  assert.equal(queueCount(s), 11);
  // Later updates have no lines: the known ones stay.
  applyEvent(s, { type: 'event', seq: 21, tick: 170, event: { kind: 'call_updated', call: call(1, { state: 'on_hold', agent: 3, agent_name: 'Yui', answered_tick: 161 }) } });
  assert.equal(s.calls[1].lines.length, 1);
  applyDeskQueue(s, { type: 'desk_queue', waiting: 0, oldest_tick: null, moods: { calm: 0, upset: 0, angry: 0 }, calls: [] });
  assert.equal(queueCount(s), 0);
});

test('roster: those who manage it page in the seats their welcome left out', () => {
  const seat = (id) => ({ id, name: `P${id}`, seat: { kind: 'participant', role: 'engineer' }, online: false });
  const w = deskWelcome(YUI);
  w.snapshot.roster = [0, 1, 2, 4].map(seat);
  w.snapshot.roster_total = 250;
  w.snapshot.pulse = null;
  const s = fromWelcome(w);
  assert.equal(rosterNextFrom(s), 3, 'the first seat it does not know');
  addRosterPage(s, { kind: 'roster', from: 3, seats: Array.from({ length: 100 }, (_, i) => seat(3 + i)), total: 250 });
  assert.equal(s.roster.length, 103, 'seat 4 once');
  assert.equal(rosterNextFrom(s), 103);
  addRosterPage(s, { kind: 'roster', from: 103, seats: Array.from({ length: 147 }, (_, i) => seat(103 + i)), total: 250 });
  assert.equal(rosterNextFrom(s), null, 'every seat known');
});

test('calls: closed calls are trimmed, open ones never; lines are bounded', () => {
  const s = fromWelcome(deskWelcome(YUI));
  let seq = 10;
  for (let id = 100; id < 180; id += 1) {
    applyEvent(s, { type: 'event', seq: seq++, tick: id, event: { kind: 'call_updated', call: call(id, { state: 'abandoned', ended_tick: id * 2 }) } });
  }
  const closed = Object.values(s.calls).filter((c) => !callOpen(c));
  assert.ok(closed.length <= 30, `kept ${closed.length} closed calls`);
  assert.ok(s.calls[179], 'the latest closed call is kept');
  assert.ok(s.calls[1] && s.calls[2], 'open calls are kept');
  for (let i = 0; i < 100; i += 1) applyEvent(s, { type: 'event', seq: seq++, tick: 300 + i, event: { kind: 'call_line', call: 2, line: line(300 + i, 'caller', `l${i}`) } });
  assert.ok(s.calls[2].lines.length <= 60);
  assert.equal(s.calls[2].lines.at(-1).text, 'l99');
});

test('a store actor sees its own calls', () => {
  const w = deskWelcome({ id: 5, name: 'Sho', seat: { kind: 'participant', role: 'store_actor' }, online: true });
  w.snapshot.calls = [call(7, { caller: 'Sho', caller_seat: 5, store: null, lines: [line(140, 'caller', 'Our cards fail', 'Sho')] })];
  const s = fromWelcome(w);
  assert.deepEqual(ownCalls(s).map((c) => c.id), [7]);
  assert.equal(activeCall(s), null, 'the caller is not the agent');
  applyEvent(s, { type: 'event', seq: 10, tick: 150, event: { kind: 'call_updated', call: call(7, { caller: 'Sho', caller_seat: 5, state: 'talking', agent: 3, agent_name: 'Yui' }) } });
  applyEvent(s, { type: 'event', seq: 11, tick: 151, event: { kind: 'call_line', call: 7, line: line(151, 'agent', 'Hello') } });
  assert.deepEqual(s.calls[7].lines.map((l) => l.text), ['Our cards fail', 'Hello']);
  assert.equal(ownCalls(s)[0].agent_name, 'Yui');
});

test('chats: kept by client; chat_updated keeps lines; the list puts waiting clients first; unread lines', () => {
  const s = fromWelcome(deskWelcome({ id: 6, name: 'Rin', seat: { kind: 'participant', role: 'sales' }, online: true }));
  assert.deepEqual(chatList(s).map((c) => c.client), ['kanto-ramen-hd', 'hikari-cafe'], 'every client, waiting first');
  assert.equal(chatList(s)[1].lines.length, 0);
  let seq = 10;
  const ev = (event) => applyEvent(s, { type: 'event', seq: seq++, tick: 160, event });
  assert.equal(unreadLines(s.chats['kanto-ramen-hd'], undefined), 1);
  const seen = lastTheirTick(s.chats['kanto-ramen-hd']);
  assert.equal(seen, 150);
  assert.equal(unreadLines(s.chats['kanto-ramen-hd'], seen), 0);
  assert.equal(ev({ kind: 'chat_line', client: 'kanto-ramen-hd', line: line(160, 'agent', 'Update by 12:30', 'Rin') }).what, 'chats');
  assert.equal(ev({ kind: 'chat_updated', chat: { client: 'kanto-ramen-hd', name: 'Kanto Ramen Holdings', stores: 80, client_seat: null, waiting_since: null, escalations: 1, lines: [] } }).client, 'kanto-ramen-hd');
  assert.equal(s.chats['kanto-ramen-hd'].lines.length, 2, 'lines kept');
  assert.equal(s.chats['kanto-ramen-hd'].escalations, 1);
  assert.equal(unreadLines(s.chats['kanto-ramen-hd'], seen), 0, 'my own line is not unread');
  ev({ kind: 'chat_line', client: 'kanto-ramen-hd', line: line(170, 'caller', 'Thanks', 'Ms Ito') });
  assert.equal(unreadLines(s.chats['kanto-ramen-hd'], seen), 1);
  assert.equal(unreadLines(s.chats['kanto-ramen-hd'], seen, 'caller'), 1, 'the client side reads sales\' lines');
  // A line for a client whose chat is not known yet opens it.
  ev({ kind: 'chat_line', client: 'hikari-cafe', line: line(171, 'caller', 'Us too', 'Mr Abe') });
  assert.equal(s.chats['hikari-cafe'].name, 'Hikari Cafe Group');
  assert.equal(s.chats['hikari-cafe'].lines.length, 1);
});

test('injects: inject_updated replaces by id; the timeline orders fired, to come and skipped', () => {
  const inj = (id, fields = {}) => ({ id, persona: id, medium: 'phone', text: 't', due_tick: null, fired_tick: null, skipped: false,
    expect_role: null, expect_within_s: null, note: '', ...fields });
  const w = deskWelcome({ id: 0, name: 'Aiko', seat: { kind: 'facilitator' }, online: true });
  w.snapshot.injects = [inj('late', { due_tick: 480 }), inj('cond'), inj('early', { due_tick: 240 }), inj('gone', { due_tick: 300, skipped: true })];
  w.snapshot.personas = [{ id: 'tanaka-ramen', name: 'Mr Tanaka' }];
  const s = fromWelcome(w);
  assert.equal(s.personas[0].name, 'Mr Tanaka');
  let tl = injectTimeline(s);
  assert.deepEqual(tl.pending.map((i) => i.id), ['early', 'late', 'cond']);
  assert.deepEqual(tl.skipped.map((i) => i.id), ['gone']);
  assert.equal(tl.next.id, 'early');
  assert.equal(applyEvent(s, { type: 'event', seq: 10, tick: 250, event: { kind: 'inject_updated', inject: inj('early', { due_tick: 240, fired_tick: 250 }) } }).what, 'injects');
  applyEvent(s, { type: 'event', seq: 11, tick: 260, event: { kind: 'inject_updated', inject: inj('adhoc-1', { fired_tick: 260, medium: 'social' }) } });
  tl = injectTimeline(s);
  assert.deepEqual(tl.fired.map((i) => i.id), ['early', 'adhoc-1']);
  assert.equal(tl.next.id, 'late');
  assert.equal(s.injects.length, 5);
});

test('a snapshot from before the desk has none of it', () => {
  const s = fromWelcome(welcome());
  assert.deepEqual(s.calls, {});
  assert.deepEqual(s.chats, {});
  assert.deepEqual([s.injects, s.personas, s.clients], [[], [], []]);
  assert.deepEqual(callQueue(s), []);
  assert.deepEqual(injectTimeline(s).pending, []);
});

// --- engineers' tools, approvals, pulse questions, older posts, the roster ------

test('who may use the engineers\' tools and who answers pulse questions (mirrors authorize)', () => {
  for (const role of ROLES) {
    assert.equal(canQuery(role), ['engineer', 'incident_owner', 'observer'].includes(role), `${role} query`);
    // Inside the company, not observers; outside actors never.
    assert.equal(answersPulses(role), !['observer', 'store_actor', 'corporate_actor'].includes(role), `${role} pulse`);
  }
  assert.equal(canQuery('facilitator'), true);
  assert.equal(answersPulses('facilitator'), false, 'the facilitator asks, and knows the truth');
});

test('the roster: a small welcome counts everyone; the owner is known from the leads', () => {
  const w = welcome();
  w.snapshot.roster_total = 1200;
  w.snapshot.roster.push({ id: 3, name: 'Kenji', seat: { kind: 'participant', role: 'incident_owner' }, online: true });
  const s = fromWelcome(w);
  assert.equal(s.roster_total, 1200);
  assert.equal(peopleCount(s), 1200, 'the total, not the few seats listed');
  assert.equal(ownerPresent(s), true);
  const old = fromWelcome(welcome());
  assert.equal(peopleCount(old), 1, 'a snapshot without a total counts its roster');
  assert.equal(ownerPresent(old), false);
  // A manager's roster grows with seat_changed beyond the welcome's total.
  old.roster_total = 1;
  applyEvent(old, { type: 'event', seq: 10, tick: 0, event: { kind: 'seat_changed', seat: { id: 9, name: 'New', seat: { kind: 'participant', role: 'sales' }, online: true } } });
  assert.equal(peopleCount(old), 2);
});

const sys = (body, tick) => ({ author: { kind: 'system' }, body, tick });
const requested = (action, tick, by = 'Ken') => sys({ kind: 'approval_requested', action, label: `Label ${action}`, by }, tick);
const decided = (action, tick, approved = true) => sys({ kind: 'approval_decided', action, label: `Label ${action}`, approved, by: 'Kenji' }, tick);

test('approvals: a request is pending until a decision follows it, across #ops and the war room', () => {
  const w = welcome();
  w.snapshot.channels = [
    { channel: 'ops', posts: [requested('restart-pos', 100), decided('restart-pos', 110, false), requested('restart-pos', 200)] },
  ];
  const s = fromWelcome(w);
  assert.deepEqual(pendingApprovals(s), [{ action: 'restart-pos', label: 'Label restart-pos', by: 'Ken', tick: 200 }]);
  let seq = 10;
  const post = (channel, p) => applyEvent(s, { type: 'event', seq: seq++, tick: p.tick, event: { kind: 'posted', channel, post: p } });
  // Declared: the war room opens and the decision lands there.
  applyEvent(s, { type: 'event', seq: seq++, tick: 240, event: { kind: 'channel_opened', channel: 'incident-war-room' } });
  post('incident-war-room', decided('restart-pos', 250));
  assert.deepEqual(pendingApprovals(s), []);
  post('incident-war-room', requested('failover', 260, 'Mei'));
  post('incident-war-room', requested('restart-pos', 270));
  assert.deepEqual(pendingApprovals(s).map((p) => [p.action, p.by]), [['failover', 'Mei'], ['restart-pos', 'Ken']], 'oldest first');
  post('incident-war-room', decided('failover', 280, false));
  assert.deepEqual(pendingApprovals(s).map((p) => p.action), ['restart-pos']);
  // Text that only looks like a request is not one.
  post('incident-war-room', sys({ kind: 'text', text: 'approval_requested' }, 290));
  assert.equal(pendingApprovals(s).length, 1);
});

test('an action\'s label comes from the runbook, else from a post that named it', () => {
  const w = welcome();
  w.snapshot.actions = [];
  w.snapshot.channels = [{ channel: 'ops', posts: [requested('restart-pos', 100)] }];
  const s = fromWelcome(w);
  assert.equal(actionLabel(s, 'restart-pos'), 'Label restart-pos', 'the owner has no runbook');
  assert.equal(actionLabel(s, 'unknown'), 'unknown');
  assert.equal(actionLabel(fromWelcome(welcome()), 'rollback'), 'Roll back');
});

test('approvals: the post kinds are rendered by posts.js', () => {
  for (const kind of ['approval_requested', 'approval_decided', 'client_escalated', 'report_overdue']) assert.ok(POST_KINDS.includes(kind), kind);
});

const question = (id, kind, asked, options = [{ id: 'kanto', name: 'Kanto' }, { id: 'kansai', name: 'Kansai' }]) => ({
  id, kind, options, asked_tick: asked, closes_tick: asked + 120,
});
const result = (q, fields = {}) => ({ question: q, truth: ['kanto'], answers: 4, accuracy_pct: 75, agreement_pct: 50, picks: [3, 1], ...fields });

test('pulse questions: asked, answered, closed by the clock, results kept; a snapshot restores them', () => {
  const w = welcome();
  w.snapshot.status = 'running';
  w.snapshot.pulses_open = [{ question: question(0, 'regions', 1000), picks: ['kanto'] }];
  const s = fromWelcome(w);
  applyPulse(s, { type: 'pulse', ...pulse, tick: 1010, status: 'running', speed: 60 });
  assert.deepEqual(openPulses(s).map((p) => [p.question.id, p.picks]), [[0, ['kanto']]], 'restored with my picks');
  let seq = 10;
  const ev = (event, tick) => applyEvent(s, { type: 'event', seq: seq++, tick, event });
  const change = ev({ kind: 'pulse_asked', question: question(1, 'services', 1050, [{ id: 'pos', name: 'POS' }]) }, 1050);
  assert.equal(change.what, 'pulses');
  assert.equal(change.asked.id, 1);
  assert.deepEqual(openPulses(s).map((p) => [p.question.id, p.picks]), [[0, ['kanto']], [1, null]]);
  assert.equal(notePulseAnswer(s, 1, ['pos']), true);
  assert.equal(notePulseAnswer(s, 7, []), false, 'an unknown question is not invented');
  assert.deepEqual(s.pulses_open[1].picks, ['pos']);
  // Participants get no live close: the clock closes it for them.
  applyPulse(s, { type: 'pulse', ...pulse, tick: 1120, status: 'running', speed: 60 });
  assert.deepEqual(openPulses(s).map((p) => p.question.id), [1]);
  // Facilitators (and everyone at the end) get the result.
  assert.equal(ev({ kind: 'pulse_closed', result: result(question(0, 'regions', 1000)) }, 1120).what, 'pulses');
  ev({ kind: 'pulse_closed', result: result(question(0, 'regions', 1000)) }, 1121);
  assert.equal(s.pulse_results.length, 1, 'a result is kept once');
  assert.equal(s.pulses_open.length, 1);
  ev({ kind: 'ended', summary: { score: 1 } }, 1130);
  assert.deepEqual(openPulses(s), [], 'nothing is open after the end');
  // A snapshot after the end carries the results.
  const w2 = welcome();
  w2.snapshot.status = 'ended';
  w2.snapshot.pulse_results = [result(question(0, 'regions', 1000))];
  assert.equal(fromWelcome(w2).pulse_results[0].accuracy_pct, 75);
  assert.deepEqual(fromWelcome(welcome()).pulses_open, [], 'a snapshot from before pulses has none');
});

test('older posts: a full welcome can load more; history answers go on top until one is short', () => {
  const posts = (from, n) => Array.from({ length: n }, (_, i) => sys({ kind: 'text', text: `p${from + i}` }, from + i));
  const w = welcome();
  w.snapshot.channels = [
    { channel: 'ops', posts: posts(300, POSTS_IN_WELCOME_MAX) },
    { channel: 'incident-war-room', posts: posts(0, 3) },
  ];
  const s = fromWelcome(w);
  assert.equal(findChannelOf(s, 'ops').more, true);
  assert.equal(findChannelOf(s, 'incident-war-room').more, false, 'a short channel is complete');
  assert.deepEqual(historyQuery(s, 'ops'), { kind: 'history', channel: 'ops', skip: POSTS_IN_WELCOME_MAX });
  // New posts count too: skip is how many the client has.
  applyEvent(s, { type: 'event', seq: 10, tick: 400, event: { kind: 'posted', channel: 'ops', post: sys({ kind: 'text', text: 'new' }, 400) } });
  assert.equal(historyQuery(s, 'ops').skip, POSTS_IN_WELCOME_MAX + 1);
  prependPosts(s, 'ops', posts(200, POSTS_IN_WELCOME_MAX));
  const ops = findChannelOf(s, 'ops');
  assert.equal(ops.posts.length, 2 * POSTS_IN_WELCOME_MAX + 1);
  assert.equal(ops.posts[0].body.text, 'p200');
  assert.equal(ops.posts.at(-1).body.text, 'new');
  assert.equal(ops.more, true, 'a full page may have more before it');
  prependPosts(s, 'ops', posts(190, 10));
  assert.equal(ops.more, false, 'a short page is the beginning');
  assert.equal(ops.posts[0].body.text, 'p190');
  // Loaded posts stay when new ones come.
  for (let i = 0; i < 50; i += 1) {
    applyEvent(s, { type: 'event', seq: 11 + i, tick: 500 + i, event: { kind: 'posted', channel: 'ops', post: sys({ kind: 'text', text: `n${i}` }, 500 + i) } });
  }
  assert.equal(ops.posts[0].body.text, 'p190');
  assert.equal(prependPosts(s, 'sales', []), null, 'a channel this seat does not have');
  const w2 = welcome();
  w2.snapshot.channels = [{ channel: 'ops', posts: posts(0, POSTS_IN_WELCOME_MAX) }];
  const s2 = fromWelcome(w2);
  prependPosts(s2, 'ops', []);
  assert.equal(findChannelOf(s2, 'ops').more, false, 'an empty answer: no more');
});

function findChannelOf(state, channel) {
  return state.channels.find((c) => c.channel === channel);
}

test('pins: a welcome carries them whole; pin_changed adds and removes them by post id', () => {
  const post = (id, text) => ({ id, author: { kind: 'seat', id: 2, name: 'Mai', seat: { kind: 'participant', role: 'engineer' } }, body: { kind: 'text', text }, tick: id });
  const w = welcome();
  // The pinned post is older than every post the welcome carries.
  w.snapshot.channels = [
    { channel: 'ops', posts: [post(200, 'new')], pins: [{ post: post(3, 'bridge'), by: 'Kenji', tick: 5 }] },
    { channel: 'social', posts: [] },
  ];
  const s = fromWelcome(w);
  assert.deepEqual(pinsOf(s, 'ops').map((p) => p.post.body.text), ['bridge']);
  assert.equal(isPinned(s, 'ops', 3), true);
  assert.equal(isPinned(s, 'ops', 200), false);
  assert.deepEqual(pinsOf(s, 'social'), [], 'a snapshot without pins has none');
  assert.deepEqual(pinsOf(s, 'sales'), [], 'a channel this seat does not read');

  let seq = 10;
  const ev = (event, tick = 60) => applyEvent(s, { type: 'event', seq: seq++, tick, event });
  const change = ev({ kind: 'pin_changed', channel: 'ops', post: post(200, 'new'), pinned: true, by: 'Yui' }, 61);
  assert.deepEqual(change, { what: 'pins', channel: 'ops', post: 200, pinned: true });
  assert.deepEqual(pinsOf(s, 'ops').map((p) => [p.post.id, p.by, p.tick]), [[200, 'Yui', 61], [3, 'Kenji', 5]], 'the latest pinned first');
  ev({ kind: 'pin_changed', channel: 'ops', post: post(200, 'new'), pinned: true, by: 'Yui' });
  assert.equal(pinsOf(s, 'ops').length, 2, 'a pin is kept once');
  ev({ kind: 'pin_changed', channel: 'ops', post: post(3, 'bridge'), pinned: false, by: 'Kenji' });
  assert.deepEqual(pinsOf(s, 'ops').map((p) => p.post.id), [200]);
  assert.equal(isPinned(s, 'ops', 3), false);
  // A pin in a channel opened meanwhile.
  ev({ kind: 'pin_changed', channel: 'incident-war-room', post: post(1, 'war'), pinned: true, by: 'Kenji' });
  assert.equal(isPinned(s, 'incident-war-room', 1), true);
  assert.equal(ev({ kind: 'pin_changed', channel: 'ops', pinned: true, by: 'x' }).what, 'unknown', 'no post, no change');
});

test('pins: who may pin mirrors who may write; the pinned list shows one short line', () => {
  for (const role of ['facilitator', ...ROLES]) {
    for (const channel of CHANNEL_ORDER) assert.equal(canPin(role, channel), canWrite(role, channel), `${role} ${channel}`);
  }
  assert.equal(canPin('store_actor', 'social'), true);
  assert.equal(canPin('store_actor', 'support'), false);
  assert.equal(canPin('observer', 'ops'), false);
  assert.equal(truncate('short', 10), 'short');
  assert.equal(truncate('a  b\n\nc', 10), 'a b c', 'white space folds to one line');
  assert.equal(truncate('0123456789abc', 10), '012345678…');
  assert.equal([...truncate('緊急'.repeat(80), 90)].length, 90, 'counted in characters, not bytes');
  const s = fromWelcome(welcome());
  assert.equal(postSummary(s, sys({ kind: 'text', text: '<img src=x onerror=alert(1)>' }, 0)), '<img src=x onerror=alert(1)>', 'text stays text');
  assert.match(postSummary(s, sys({ kind: 'hypothesis', text: 'TLS', by: 'Mai' }, 0)), /TLS/);
  assert.match(postSummary(s, sys({ kind: 'status_report', affected: 'Cards', scope: '', impact: '', actions: '', next_update_tick: 9, by: 'K' }, 0)), /Cards/);
  for (const kind of POST_KINDS) assert.equal(typeof postSummary(s, sys({ kind }, 0)), 'string', kind);
  assert.equal(authorName({ kind: 'seat', id: 1, name: 'Ken', seat: { kind: 'facilitator' } }), 'Ken');
  assert.equal(authorName({ kind: 'persona', name: '@ramen' }), '@ramen');
});

// --- the facilitator's board and scoreboard ----------------------------------------

test('a store mix fills its bar once, worst part first', () => {
  const segs = mixSegments({ calling: 3, angry: 18, on_paper: 0, affected: 68, ok: 511 }, 1000);
  assert.deepEqual(segs.map((x) => x.key), MIX_PARTS);
  assert.deepEqual(segs.map((x) => x.n), [3, 18, 0, 68, 511]);
  assert.deepEqual(segs.map((x) => x.x), [0, 5, 35, 35, 148]);
  assert.equal(segs.reduce((a, x) => a + x.w, 0), 1000, 'the parts fill the bar');
  assert.equal(segs[2].w, 0, 'no stores, no width');
  // Rounding goes to the last part that has stores, even if it is not `ok`.
  const thirds = mixSegments({ calling: 1, angry: 1, on_paper: 1, affected: 0, ok: 0 }, 1000);
  assert.deepEqual(thirds.map((x) => x.w), [333, 333, 334, 0, 0]);
  assert.ok(mixSegments({}, 1000).every((x) => x.w === 0 && x.x === 0), 'an empty mix draws nothing');
  assert.ok(mixSegments(null).every((x) => x.n === 0));
});

test('the scoreboard backs off after failures, up to a ceiling', () => {
  assert.equal(retryDelayMs(0), SCORE_REFRESH_MS);
  assert.equal(retryDelayMs(1), 2 * SCORE_REFRESH_MS);
  assert.equal(retryDelayMs(2), 4 * SCORE_REFRESH_MS);
  assert.equal(retryDelayMs(50), SCORE_RETRY_MAX_MS);
  for (let n = 1; n < 12; n += 1) assert.ok(retryDelayMs(n) >= retryDelayMs(n - 1), `never shorter after ${n}`);
});

test('objectives are counted by outcome', () => {
  const o = (outcome) => ({ outcome });
  assert.deepEqual(objectiveCounts([o('met'), o('met'), o('met_late'), o('missed'), o('pending'), o('not_applicable')]),
    { met: 2, met_late: 1, missed: 1, pending: 1 });
  assert.deepEqual(objectiveCounts(undefined), { met: 0, met_late: 0, missed: 0, pending: 0 });
});

test('English and Japanese have the same strings', () => {
  const en = new Set(keys('en'));
  const ja = new Set(keys('ja'));
  assert.deepEqual([...en].filter((k) => !ja.has(k)), [], 'missing in Japanese');
  assert.deepEqual([...ja].filter((k) => !en.has(k)), [], 'missing in English');
});

// The protocol's golden fixtures (docs/protocol/{server,client}/*.json),
// shared with the server's tests: every server message must go through the
// client's state without surprises, and the client must send the same
// shapes as the client fixtures.
const FIXTURES = path.resolve(HERE, '../../docs/protocol');
const noFixtures = !fs.existsSync(path.join(FIXTURES, 'server')) && 'no docs/protocol fixtures yet';

function fixtures(side) {
  const dir = path.join(FIXTURES, side);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))]);
}

test('golden server messages are understood', { skip: noFixtures }, () => {
  const all = fixtures('server');
  assert.ok(all.length > 0);
  for (const [f, msg] of all) {
    let state = fromWelcome(welcome());
    switch (msg.type) {
      case 'welcome':
        state = fromWelcome(msg);
        assert.equal(state.seq, msg.snapshot.seq, f);
        assert.ok(state.you && state.you.seat, f);
        break;
      case 'event': {
        state.seq = msg.seq - 1;
        const change = applyEvent(state, msg);
        assert.ok(change, f);
        assert.notEqual(change.what, 'unknown', `${f}: event kind ${msg.event.kind} is not handled`);
        if (msg.event.kind === 'posted') {
          const kind = msg.event.post.body.kind;
          assert.ok(POST_KINDS.includes(kind), `${f}: post kind ${kind} is not rendered by posts.js`);
        }
        break;
      }
      case 'answer': {
        // Queries' answers: the tools draw them; history goes into the state.
        assert.ok(Number.isInteger(msg.cid), f);
        const a = msg.answer;
        switch (a.kind) {
          case 'dashboard':
            for (const k of ['services', 'regions', 'alerts', 'metrics']) assert.ok(Array.isArray(a[k]), `${f}: ${k}`);
            for (const svc of a.services) assert.ok(Array.isArray(svc.series), `${f}: service series`);
            for (const r of a.regions) assert.ok(Array.isArray(r.series), `${f}: region series`);
            break;
          case 'logs':
            assert.ok(Array.isArray(a.lines), f);
            for (const l of a.lines) assert.equal(typeof l.text, 'string', f);
            break;
          case 'deploys':
            assert.ok(Array.isArray(a.deploys), f);
            for (const d of a.deploys) assert.ok(Number.isInteger(d.at_s) && typeof d.rollback === 'boolean', f);
            break;
          case 'history': {
            if (!state.channels.some((c) => c.channel === a.channel)) state.channels.push({ channel: a.channel, posts: [], more: true });
            const before = state.channels.find((c) => c.channel === a.channel).posts.length;
            prependPosts(state, a.channel, a.posts);
            assert.equal(state.channels.find((c) => c.channel === a.channel).posts.length, before + a.posts.length, f);
            for (const p of a.posts) assert.ok(POST_KINDS.includes(p.body.kind), `${f}: post kind ${p.body.kind}`);
            break;
          }
          case 'board':
            // js/board.js draws every region and client with its store mix.
            assert.ok(Number.isInteger(a.tick) && Array.isArray(a.regions) && Array.isArray(a.clients), f);
            for (const row of [...a.regions, ...a.clients]) {
              const segs = mixSegments(row.mix, 1000);
              assert.equal(segs.reduce((n, x) => n + x.n, 0), row.stores, `${f}: every store counted once`);
              assert.equal(segs.reduce((n, x) => n + x.w, 0), 1000, f);
            }
            for (const r of a.regions) assert.equal(typeof r.alerting, 'boolean', f);
            for (const c of a.clients) assert.equal(typeof c.name, 'string', f);
            break;
          case 'store':
            assert.ok(Number.isInteger(a.store.index) && typeof a.store.region === 'string', f);
            break;
          case 'roster': {
            // js/panels.js and js/desk.js add the page to the roster.
            const before = state.roster.length;
            addRosterPage(state, a);
            assert.ok(state.roster.length >= before && a.seats.every((x) => state.roster.some((r) => r.id === x.id)), f);
            break;
          }
          default:
            assert.fail(`${f}: answer kind ${a.kind} is not handled`);
        }
        break;
      }
      case 'pulse':
        applyPulse(state, msg);
        assert.equal(state.pulse.tick, msg.tick, f);
        break;
      case 'resumed':
        assert.ok(msg.you && Number.isInteger(msg.replayed), f);
        break;
      case 'desk_queue':
        // js/desk.js draws the agent's queue from it.
        applyDeskQueue(state, msg);
        assert.equal(queueCount(state), msg.waiting, f);
        assert.deepEqual(callQueue(state).map((c) => c.id), msg.calls.map((c) => c.id), f);
        break;
      case 'store_status':
        // js/drill.js shows a banner while the store refuses writes.
        assert.equal(typeof msg.writable, 'boolean', f);
        break;
      case 'ack':
      case 'pong':
        break;
      case 'store_status':
        // drill.js shows a banner while the drill cannot save.
        assert.equal(typeof msg.writable, 'boolean', f);
        for (const lang of ['en', 'ja']) assert.ok(keys(lang).includes('store.down'), `${f}: banner text in ${lang}`);
        break;
      case 'error':
        assert.equal(typeof msg.message, 'string', f);
        for (const lang of ['en', 'ja']) assert.ok(keys(lang).includes(`errcode.${msg.code}`), `${f}: ${msg.code} in ${lang}`);
        break;
      default:
        assert.fail(`${f}: unknown server message type ${msg.type}`);
    }
  }
});

test('the client sends the shapes of the golden client messages', { skip: noFixtures }, () => {
  // What js/drill.js, js/panels.js and js/connection.js send (drill.js also pins posts).
  // js/desk.js and js/console.js send the desk's and the facilitator's live commands.
  // js/engineer.js and drill.js ask queries, js/board.js the facilitators' board; panels.js decides risky actions;
  // js/pulse.js asks and answers pulses.
  const sent = new Set(['chat', 'pin_post', 'declare', 'set_phase', 'run_action', 'publish_notice', 'start', 'pause', 'resume', 'set_speed', 'end',
    'assign_role', 'plan_role', 'lock_roles', 'edit_doc', 'status_report', 'hypothesis',
    'take_call', 'call_say', 'hold_call', 'end_call', 'assign_call', 'call_support', 'chat_say',
    'trigger_inject', 'skip_inject', 'delay_inject', 'edit_inject', 'ad_hoc_inject', 'fault_control',
    'rate_capability', 'add_improvement', 'query', 'decide_action', 'ask_pulse', 'answer_pulse']);
  for (const [f, msg] of fixtures('client')) {
    switch (msg.type) {
      case 'hello':
        assert.deepEqual(Object.keys(msg).sort(), ['last_seq', 'token', 'type', 'v'].filter((k) => k in msg).sort(), f);
        assert.equal(msg.v, 1, f);
        break;
      case 'ping':
        assert.deepEqual(Object.keys(msg).sort(), ['t', 'type'], f);
        break;
      case 'cmd':
        assert.deepEqual(Object.keys(msg).sort(), ['cid', 'cmd', 'type'], f);
        assert.ok(sent.has(msg.cmd.type), `${f}: the client never sends ${msg.cmd.type}`);
        if (msg.cmd.type === 'query') {
          assert.ok(['dashboard', 'logs', 'deploys', 'history', 'board', 'store', 'roster'].includes(msg.cmd.query.kind), `${f}: the client never asks ${msg.cmd.query.kind}`);
        }
        break;
      default:
        assert.fail(`${f}: unknown client message type ${msg.type}`);
    }
  }
});

// --- the history's trends, the replay, facilitator tokens, characters --------------

test('the public status page: the headline follows the latest notice, and the all-clear resolves it', () => {
  assert.equal(headlineKey(null), 'statuspage.headline_loading', 'nothing is claimed before the first answer');
  assert.equal(headlineKey({ status: 'operational', resolved: false, notices: [] }), 'statuspage.headline_operational');
  assert.equal(headlineKey({ status: 'partial_outage', resolved: false }), 'statuspage.headline_partial_outage');
  assert.equal(headlineKey({ status: 'operational', resolved: true }), 'statuspage.headline_resolved');
  assert.equal(headlineKey({ status: 'something_new', resolved: false }), 'statuspage.headline_operational');
  for (const k of ['operational', 'resolved', 'degraded_performance', 'partial_outage', 'major_outage']) {
    assert.ok(keys('en').includes(`statuspage.headline_${k}`), k);
  }
  assert.equal(statusHref('ab cd'), '#status=ab%20cd');
});

test('the public status page never steps back to an older answer', () => {
  const one = { status: 'partial_outage', notices_total: 1, ended: false };
  const none = { status: 'operational', notices_total: 0, ended: false };
  assert.equal(isNewerPage(null, none), true, 'the first answer is shown');
  assert.equal(isNewerPage(one, none), false, 'fewer notices: an older answer');
  assert.equal(isNewerPage(one, { ...one }), true, 'the same page again');
  assert.equal(isNewerPage(one, { status: 'operational', notices_total: 2, ended: false }), true);
  assert.equal(isNewerPage({ ...one, ended: true }, one), false, 'an ended drill stays ended');
  assert.equal(isNewerPage(one, null), false);
});

test('a health post shows its alert state; a recovery is not an alarm', () => {
  assert.equal(alertState({ kind: 'health', alert: true, alert_state: 'firing' }), 'firing');
  assert.equal(alertState({ kind: 'health', alert: true, alert_state: 'resolved' }), 'resolved');
  assert.equal(alertState({ kind: 'health', alert: false, alert_state: 'still_firing' }), 'still_firing');
  assert.equal(alertState({ kind: 'health', alert: true }), 'firing', 'older posts fall back on alert');
  assert.equal(alertState({ kind: 'health', alert: false }), 'none');
  assert.ok(postSummary({}, { body: { kind: 'health', alert: true, alert_state: 'resolved' } }).startsWith('Resolved'));
});

test('score parts are named after the review objectives they come from', () => {
  // Every objective key the server scores (review/objectives.rs RULES) has a name.
  for (const k of ['declare', 'first_notice', 'scoping_notice', 'notice_cadence', 'report_cadence', 'identify', 'mitigate',
    'resolve', 'final_notice', 'premature_resolve', 'calls_answered', 'calls_abandoned', 'client_escalations']) {
    assert.notEqual(partLabel(k), k, k);
  }
  assert.equal(partLabel('inject:cto-eta'), 'Inject "cto-eta"');
  assert.equal(partLabel('something_new'), 'something_new', 'an unknown key shows as it is');
});

test('trend rows: oldest first, null where a drill has no value', () => {
  const desk = { calls: 14, answered: 12, abandoned: 2, busy: 0, wait_s_mean: 9, wait_s_max: 31, hold_s_total: 12, chat_replies: 3, escalations: 1 };
  const newestFirst = [
    { id: 'b', created_ms: 2, summary: { score: 80, first_signal_at_s: 190, declared_at_s: 250, first_external_notice_at_s: 300, desk } },
    { id: 'a', created_ms: 1, summary: { score: 40, first_signal_at_s: 190, declared_at_s: null, first_external_notice_at_s: 200 } },
  ];
  const rows = trendRows(newestFirst);
  assert.deepEqual(rows.map((r) => r.id), ['a', 'b']);
  assert.deepEqual(rows[1], {
    id: 'b', created_ms: 2, score: 80, ttd: 60, notice: 50, abandoned: { abandoned: 2, calls: 14, pct: 14.3 }, escalations: 1,
  });
  assert.equal(rows[0].ttd, null);
  assert.equal(rows[0].notice, null, 'no notice time without a declaration');
  assert.equal(rows[0].abandoned, null, 'no desk: no calls to abandon');
  assert.equal(rows[0].escalations, null);
  assert.equal(callsAbandoned({ desk: { ...desk, calls: 0, abandoned: 0 } }), null, 'no calls: left out');
  assert.equal(clientEscalations({ desk: { ...desk, escalations: 0 } }), 0);
  assert.deepEqual(trendRows([]), []);
  assert.equal(noticeAfterDeclare({ declared_at_s: 100, first_external_notice_at_s: 90 }), -10);
});

test('replay: key moments, ticks, keys, calls', () => {
  const timeline = [
    { tick: 300, who: 'Sora', role: 'comms_lead', what: { kind: 'notice', status: 'partial_outage', text: 'Cards fail' } },
    { tick: 190, who: null, role: null, what: { kind: 'first_signal' } },
    { tick: 191, who: 'Kenji', role: 'incident_owner', what: { kind: 'declared' } },
    { tick: 200, who: null, role: null, what: { kind: 'alert', service: 'payments', title: 'x' } },
    { tick: 196, who: 'Kenji', role: 'incident_owner', what: { kind: 'phase', phase: 'identified' } },
    { tick: 210, who: 'Mai', role: 'engineer', what: { kind: 'action_started', action: 'rollback', label: 'Roll back' } },
    { tick: 220, who: 'Kenji', role: 'incident_owner', what: { kind: 'message', channel: 'ops', text: 'hi' } },
  ];
  const marks = replayMarks(timeline);
  assert.deepEqual(marks.map((m) => [m.tick, m.kind]), [[190, 'first_signal'], [191, 'declared'], [196, 'phase'], [210, 'action_started'], [300, 'notice']]);
  assert.deepEqual(marks[4], { tick: 300, kind: 'notice', who: 'Sora', detail: { status: 'partial_outage', text: 'Cards fail' } });
  assert.deepEqual(marks[3].detail, { action: 'rollback', label: 'Roll back' });
  assert.deepEqual(replayMarks(undefined), []);

  assert.equal(clampTick(-5, 100), 0);
  assert.equal(clampTick(105, 100), 100);
  assert.equal(clampTick('42.7', 100), 42);
  assert.equal(sliderMax(1803), 1810, 'the slider reaches the last tick');
  assert.equal(sliderMax(1800), 1800);
  assert.equal(playNext(0, 100), PLAY_STEP_S);
  assert.equal(playNext(90, 100), 100);
  assert.equal(playNext(100, 100), null);

  // From a tick between steps (after a key moment), arrows go to the next step.
  assert.equal(keyTick('ArrowRight', 193, 1803), 200);
  assert.equal(keyTick('ArrowLeft', 193, 1803), 190);
  assert.equal(keyTick('ArrowRight', 190, 1803), 200);
  assert.equal(keyTick('ArrowLeft', 190, 1803), 180);
  assert.equal(keyTick('ArrowLeft', 0, 1803), 0);
  assert.equal(keyTick('ArrowRight', 1800, 1803), 1803);
  assert.equal(keyTick('PageUp', 100, 1803), 160);
  assert.equal(keyTick('PageDown', 30, 1803), 0);
  assert.equal(keyTick('Home', 500, 1803), 0);
  assert.equal(keyTick('End', 5, 1803), 1803);
  assert.equal(keyTick('a', 5, 1803), null);

  assert.deepEqual(callCounts([{ state: 'waiting' }, { state: 'talking' }, { state: 'on_hold' }, { state: 'ended' }, { state: 'waiting' }, { state: 'abandoned' }]),
    { waiting: 2, ongoing: 2 });
  assert.deepEqual(callCounts(undefined), { waiting: 0, ongoing: 0 });
});

/** Timers a test moves by hand. */
function fakeTimers() {
  let now = 0;
  let next = 1;
  const due = new Map();
  return {
    setTimeout(fn, ms) {
      const id = next++;
      due.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(id) {
      due.delete(id);
    },
    advance(ms) {
      now += ms;
      for (const [id, x] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (x.at <= now) {
          due.delete(id);
          x.fn();
        }
      }
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

test('replay requests: debounced, one in flight, the latest wins', async () => {
  const timers = fakeTimers();
  const calls = [];
  const shown = [];
  let idle = 0;
  const fetcher = latestOnly((tick) => new Promise((resolve) => calls.push({ tick, resolve })), {
    onResult: (res, tick) => shown.push([res, tick]),
    onIdle: () => { idle += 1; },
    delayMs: 100,
    timers,
  });
  // Dragging: only the last position is fetched, after the quiet time.
  fetcher.request(10);
  fetcher.request(20);
  timers.advance(50);
  fetcher.request(30);
  timers.advance(99);
  await settle();
  assert.equal(calls.length, 0, 'still debouncing');
  timers.advance(1);
  await settle();
  assert.deepEqual(calls.map((c) => c.tick), [30]);
  assert.ok(fetcher.busy());
  // More asks while one is in flight: none is sent, and only the latest follows.
  fetcher.request(40);
  timers.advance(100);
  fetcher.request(50);
  timers.advance(100);
  await settle();
  assert.equal(calls.length, 1, 'one request in flight at a time');
  calls[0].resolve('at30');
  await settle();
  await settle();
  assert.deepEqual(calls.map((c) => c.tick), [30, 50], 'the latest asked goes next, 40 is skipped');
  calls[1].resolve('at50');
  await settle();
  await settle();
  assert.deepEqual(shown, [['at30', 30], ['at50', 50]], 'answers in the order asked: the latest is shown last');
  assert.equal(idle, 1);
  assert.equal(fetcher.busy(), false);
  // now: no debounce; errors go to onError; stop drops what is pending.
  const errors = [];
  const failing = latestOnly(() => Promise.reject(new Error('nope')), { onError: (e, tick) => errors.push([e.message, tick]), timers });
  failing.request(7, { now: true });
  await settle();
  await settle();
  assert.deepEqual(errors, [['nope', 7]]);
  fetcher.request(60);
  fetcher.stop();
  timers.advance(1000);
  await settle();
  assert.equal(calls.length, 2, 'nothing after stop');
});

test('facilitator tokens are kept per drill in localStorage', async () => {
  const store = new Map();
  globalThis.localStorage = {
    getItem: (k) => (store.has(k) ? store.get(k) : null),
    setItem: (k, v) => store.set(k, String(v)),
    removeItem: (k) => store.delete(k),
  };
  try {
    const { rememberFacilitator, facilitatorToken, forgetFacilitator, FACILITATED_MAX } = await import(path.join(CLIENT, 'session.js'));
    assert.equal(facilitatorToken('d1'), null);
    rememberFacilitator('d1', 'tok1');
    rememberFacilitator('d2', 'tok2');
    rememberFacilitator('', 'x');
    rememberFacilitator('d3', '');
    assert.equal(facilitatorToken('d1'), 'tok1');
    assert.equal(facilitatorToken('d2'), 'tok2');
    assert.deepEqual(Object.keys(JSON.parse(store.get('firedrill.facilitated'))), ['d1', 'd2']);
    forgetFacilitator('d1');
    assert.equal(facilitatorToken('d1'), null);
    assert.equal(facilitatorToken('d2'), 'tok2');
    // Bounded: the oldest go first.
    for (let i = 0; i < FACILITATED_MAX + 5; i += 1) rememberFacilitator(`x${i}`, `t${i}`);
    const kept = Object.keys(JSON.parse(store.get('firedrill.facilitated')));
    assert.equal(kept.length, FACILITATED_MAX);
    assert.equal(facilitatorToken('d2'), null);
    assert.equal(facilitatorToken(`x${FACILITATED_MAX + 4}`), `t${FACILITATED_MAX + 4}`);
    // Junk in storage is ignored.
    store.set('firedrill.facilitated', '[1,2]');
    assert.equal(facilitatorToken('0'), null);
    store.set('firedrill.facilitated', '{not json');
    assert.equal(facilitatorToken('d2'), null);
  } finally {
    delete globalThis.localStorage;
  }
});

test('outside actors: the brief played and its lines in order', () => {
  const fixture = JSON.parse(fs.readFileSync(path.resolve(HERE, '../../docs/protocol/server/welcome_store_actor.json'), 'utf8'));
  const s = fromWelcome(fixture);
  assert.equal(s.briefs.length, 1);
  assert.equal(pickBrief(s, null).persona, 'tanaka-ramen');
  assert.equal(pickBrief(s, 'gone').persona, 'tanaka-ramen', 'an unknown choice falls back to the first');
  assert.equal(pickBrief(fromWelcome(welcome()), null), null, 'no briefs: null');
  const two = {
    briefs: [
      { persona: 'a', name: 'A', description: '', region: null, client: null, lines: [] },
      { persona: 'b', name: 'B', description: '', region: null, client: 'c1', lines: [] },
    ],
  };
  assert.equal(pickBrief(two, 'b').name, 'B');
  const lines = briefLines({
    lines: [
      { due_tick: null, medium: 'social', text: 'when' },
      { due_tick: 480, medium: 'line_chat', text: 'late' },
      { due_tick: 240, medium: 'phone', text: 'early' },
      { due_tick: null, medium: 'phone', text: 'when 2' },
    ],
  });
  assert.deepEqual(lines.map((l) => l.text), ['early', 'late', 'when', 'when 2']);
  assert.deepEqual(briefLines(null), []);
});

test('mentions: the role id, its short handle, its shown name, @everyone/@all', async () => {
  const { mentionsYou, mentionsHandle, mentionHandles, noteClock, wallAt } = await import(path.join(CLIENT, 'state.js'));
  const seat = (role) => ({ you: { id: 9, name: 'Me', seat: role === 'facilitator' ? { kind: 'facilitator' } : { kind: 'participant', role } } });
  const post = (text, kind = 'text', authorId = 1) => ({ author: { kind: 'seat', id: authorId, name: 'A', seat: { kind: 'participant', role: 'engineer' } }, body: { kind, text }, tick: 5 });
  const owner = seat('incident_owner');
  assert.equal(mentionsYou(owner, post('@incident_owner please decide')), true);
  assert.equal(mentionsYou(owner, post('ping @Owner now')), true, 'case does not matter');
  assert.equal(mentionsYou(owner, post('(@owner)')), true);
  assert.equal(mentionsYou(owner, post('@Incident Owner: call me', 'text'), ['Incident owner']), true, 'the shown name');
  assert.equal(mentionsYou(owner, post('@インシデントオーナーさん確認を'), ['インシデントオーナー']), true, 'Japanese name, no space after');
  assert.equal(mentionsYou(owner, post('the owner will decide')), false, 'no @');
  assert.equal(mentionsYou(owner, post('mail owner@example.com')), false, 'an e-mail address');
  assert.equal(mentionsYou(owner, post('@owners')), false, 'a longer word');
  assert.equal(mentionsYou(owner, post('@everyone stand up')), true);
  assert.equal(mentionsYou(owner, post('@ALL hands')), true);
  assert.equal(mentionsYou(owner, post('@allison')), false);
  assert.equal(mentionsYou(owner, post('@everyone', 'text', 9)), false, 'never one\'s own post');
  assert.equal(mentionsYou(owner, post('@owner is this it?', 'hypothesis')), true, 'hypotheses are free text too');
  assert.equal(mentionsYou(owner, { author: { kind: 'system' }, body: { kind: 'phase_changed', phase: 'identified', by: '@owner' }, tick: 1 }), false);
  assert.equal(mentionsYou(owner, null), false);

  const comms = seat('comms_lead');
  assert.equal(mentionsYou(comms, post('@comms draft a notice')), true);
  assert.equal(mentionsYou(comms, post('@comms_lead draft a notice')), true);
  assert.equal(mentionsYou(comms, post('@owner decide')), false, 'another role');
  const agent = seat('support_agent');
  assert.equal(mentionsYou(agent, post('@support script updated')), true);
  assert.equal(mentionsYou(agent, post('@support_lead only')), false, '@support_lead is not @support');
  assert.equal(mentionsYou(seat('support_lead'), post('@support_lead only')), true);
  assert.equal(mentionsYou(seat('sales'), post('@Sales, call Kobe')), true);
  assert.equal(mentionsYou(seat('sales'), post('@salesforce is down')), false);
  assert.equal(mentionsYou(seat('engineer'), post('@engineers look at payments')), true);
  assert.equal(mentionsYou(seat('engineer'), post('@engineer')), true);
  assert.equal(mentionsYou(seat('facilitator'), post('@facilitator help')), true);
  assert.equal(mentionsYou(seat('engineer'), post('@エンジニア 確認して'), ['エンジニア']), true);

  assert.deepEqual(mentionHandles('sales', ['Sales']), ['sales', 'everyone', 'all']);
  assert.equal(mentionsHandle('a@b @c', ['c']), true);
  assert.equal(mentionsHandle('', ['c']), false);

  // Wall clock from the pulses: ticks run at the speed, a pause keeps the tick.
  const st = { pulse: { tick: 100, status: 'running', speed: 2 } };
  assert.equal(wallAt(st, 100), null, 'nothing before the first pulse');
  noteClock(st, 1_000_000);
  assert.equal(wallAt(st, 100), 1_000_000);
  assert.equal(wallAt(st, 120), 1_010_000, '20 ticks at ×2 is 10 s');
  assert.equal(wallAt(st, 80), 990_000, 'earlier ticks at the first known pace');
  st.pulse = { tick: 110, status: 'running', speed: 2 };
  noteClock(st, 1_005_000);
  assert.equal(st.clock.length, 1, 'same pace: no new anchor');
  st.pulse = { tick: 120, status: 'paused', speed: 2 };
  noteClock(st, 1_010_000);
  st.pulse = { tick: 120, status: 'running', speed: 1 };
  noteClock(st, 1_070_000); // a minute paused
  assert.equal(st.clock.length, 3);
  assert.equal(wallAt(st, 110), 1_005_000);
  assert.equal(wallAt(st, 130), 1_080_000, 'after the pause, at ×1');
  for (let i = 0; i < 300; i += 1) {
    st.pulse = { tick: 200 + i * 100, status: 'running', speed: 1 };
    noteClock(st, 2_000_000 + i * 1000);
  }
  assert.ok(st.clock.length <= 200, 'anchors are bounded');
});

test('payment success is shown with its traffic, never 100 % for payments nobody tried', () => {
  const running = { tick: 600, payment_success_ppm: 1000000, orders_per_min: 0, payments_per_min: 0 };
  assert.deepEqual(paymentFigure(running), { text: 'No payments', bad: true, extra: null, def: 'metric.no_payments_def' });
  assert.equal(paymentFigure({ ...running, tick: 0 }).text, '—', 'nothing measured in the lobby');
  const some = paymentFigure({ tick: 600, payment_success_ppm: 612000, payments_per_min: 480 });
  assert.deepEqual([some.text, some.bad, some.extra], ['61.2%', true, '480 tried / min']);
  const fine = paymentFigure({ tick: 600, payment_success_ppm: 998000, payments_per_min: 1250 });
  assert.deepEqual([fine.text, fine.bad, fine.extra], ['99.8%', false, '1,250 tried / min']);
  // A pulse from before the count (an old drill's replay): the rate alone.
  assert.deepEqual([paymentFigure({ tick: 9, payment_success_ppm: 990000 }).extra], [null]);
});
