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
const { fromWelcome, applyEvent, applyPulse, canWrite, seatRole, currentPlans, leadFacilitator } = await import(path.join(CLIENT, 'state.js'));
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
    'assign_role', 'plan_role']);
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
