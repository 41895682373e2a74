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
} = await import(path.join(CLIENT, 'state.js'));
const { timeToDeclare, noticeAfterDeclare } = await import(path.join(CLIENT, 'summary.js'));
const { keys } = await import(path.join(CLIENT, 'i18n.js'));

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
        break;
      }
      case 'pulse':
        applyPulse(state, msg);
        assert.equal(state.pulse.tick, msg.tick, f);
        break;
      case 'resumed':
        assert.ok(msg.you && Number.isInteger(msg.replayed), f);
        break;
      case 'ack':
      case 'pong':
        break;
      case 'error':
        assert.equal(typeof msg.message, 'string', f);
        break;
      default:
        assert.fail(`${f}: unknown server message type ${msg.type}`);
    }
  }
});

test('the client sends the shapes of the golden client messages', { skip: noFixtures }, () => {
  // What js/drill.js, js/panels.js and js/connection.js send.
  const sent = new Set(['chat', 'declare', 'set_phase', 'run_action', 'publish_notice', 'start', 'pause', 'resume', 'set_speed', 'end',
    'assign_role', 'plan_role', 'edit_doc', 'status_report', 'hypothesis', 'rate_capability', 'add_improvement']);
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
        break;
      default:
        assert.fail(`${f}: unknown client message type ${msg.type}`);
    }
  }
});
