// Fills one drill with many participants over real WebSockets, for
// perf.test.js: a small stand-in for tests/load's `firedrill-load`, which
// starts its own server and cannot fill a drill the browser test made.
// Runs as its own process (`node --experimental-websocket`: Node 20 has a
// WebSocket client only behind that flag), so its work stays off the test's
// event loop. Talks JSON lines: the config is argv[2]; it prints
// {"ready": …} once every participant is greeted, then obeys lines on stdin:
//   {"cmd": "start", "speed": S}    the facilitator sets the speed and starts,
//                                   an incident owner declares
//   {"cmd": "chat", "per_s": R, "seconds": T}   chat from random writers
//   {"cmd": "quit"}
// Bounded: at most 2,000 participants, 50 joins in flight, 20 chats/s, and
// it exits by itself after `max_s` (default 900 s) or when stdin closes.
// Loopback only: it refuses any base but http://127.0.0.1.

import readline from 'node:readline';

const cfg = JSON.parse(process.argv[2] || '{}');
const { base, join_code: joinCode, fac_token: facToken } = cfg;
const N = Math.min(cfg.n || 100, 2000);
const MAX_S = Math.min(cfg.max_s || 900, 1800);
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base || '')) {
  console.error(`perf-filler: loopback only, not ${base}`);
  process.exit(2);
}
const wsUrl = `${base.replace('http:', 'ws:')}/ws`;
const lifetime = setTimeout(() => quit('lifetime over'), MAX_S * 1000);

// The load generator's mix per 1,000 (tests/load/workload.rs), scaled.
const MIX = [
  ['incident_owner', 2], ['comms_lead', 3], ['support_lead', 5], ['support_agent', 350], ['sales', 200],
  ['engineer', 250], ['store_actor', 80], ['corporate_actor', 30], ['observer', 80],
];
const WRITERS = new Set(['support_agent', 'sales', 'engineer', 'support_lead', 'comms_lead']);

function roles(n) {
  const out = [];
  for (const [role, per] of MIX) for (let i = 0; i < Math.max(1, Math.round((per * n) / 1000)); i++) out.push(role);
  while (out.length > n) out.splice(out.lastIndexOf('support_agent'), 1);
  while (out.length < n) out.push('support_agent');
  return out;
}

let seed = cfg.seed || 1;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};

const stats = { frames: 0, bytes: 0, errors: 0, closed: 0, acks: 0, sent: 0, errorTexts: [] };
const people = [];

function connect(person) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    person.ws = ws;
    person.cid = 0;
    const timer = setTimeout(() => reject(new Error('no welcome within 30 s')), 30_000);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1, token: person.token, last_seq: null }));
    ws.onmessage = (e) => {
      const t = e.data;
      stats.frames++;
      stats.bytes += t.length;
      if (t.startsWith('{"type":"welcome"')) {
        clearTimeout(timer);
        resolve();
      } else if (t.startsWith('{"type":"ack"')) stats.acks++;
      else if (t.startsWith('{"type":"error"')) {
        stats.errors++;
        if (stats.errorTexts.length < 5) stats.errorTexts.push(t.slice(0, 200));
      }
    };
    ws.onclose = (e) => {
      clearTimeout(timer);
      if (!quitting) stats.closed++;
      reject(new Error(`closed ${e.code} ${e.reason}`));
    };
    ws.onerror = () => {};
  });
}

function send(person, cmd) {
  if (person.ws?.readyState !== 1) return;
  person.ws.send(JSON.stringify({ type: 'cmd', cid: ++person.cid, cmd }));
  stats.sent++;
}

async function join(role, i) {
  const res = await fetch(`${base}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: joinCode, name: `Filler ${i}`, role }),
  });
  if (!res.ok) throw new Error(`join ${res.status}: ${await res.text()}`);
  const body = await res.json();
  const person = { role, token: body.token };
  await connect(person);
  people.push(person);
}

let quitting = false;
function quit(why) {
  quitting = true;
  clearTimeout(lifetime);
  for (const p of people) p.ws?.close();
  print({ quit: why, ...stats });
  setTimeout(() => process.exit(0), 200).unref();
}

function print(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

async function main() {
  const t0 = performance.now();
  const list = roles(N);
  let next = 0;
  const failures = [];
  async function worker() {
    while (next < list.length) {
      const i = next++;
      await join(list[i], i).catch((e) => failures.push(e.message));
    }
  }
  await Promise.all(Array.from({ length: Math.min(50, N) }, worker));
  const fac = { role: 'facilitator', token: facToken };
  await connect(fac);
  print({ ready: people.length, failures: failures.slice(0, 5), failed: failures.length, join_ms: Math.round(performance.now() - t0) });

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('close', () => quit('stdin closed'));
  rl.on('line', (line) => {
    let m;
    try {
      m = JSON.parse(line);
    } catch {
      return;
    }
    if (m.cmd === 'start') {
      send(fac, { type: 'set_speed', speed: m.speed });
      send(fac, { type: 'start' });
      const owner = people.find((p) => p.role === 'incident_owner');
      setTimeout(() => {
        if (owner) send(owner, { type: 'declare' });
        setTimeout(() => print({ started: true, ...stats }), 300);
      }, 300);
    } else if (m.cmd === 'chat') {
      const perS = Math.min(m.per_s || 10, 20);
      const total = Math.round(perS * Math.min(m.seconds || 10, 600));
      const writers = people.filter((p) => WRITERS.has(p.role));
      let n = 0;
      // By the clock, not by timer count: a filler that lags behind (a busy
      // machine, a thousand sockets to read) still sends at the rate.
      const t0 = performance.now();
      const t = setInterval(() => {
        const now = performance.now();
        const due = Math.min(total, Math.floor(((now - t0) / 1000) * perS));
        while (n < due && !quitting) {
          const who = writers[Math.floor(rand() * writers.length)];
          const channel = rand() < 0.2 ? 'ops' : 'incident-war-room';
          send(who, { type: 'chat', channel, text: `Load message ${n} from ${who.role}: checking the payment terminals in store ${n % 97}.` });
          n++;
        }
        if (n >= total || quitting) {
          clearInterval(t);
          setTimeout(() => print({ chat_done: n, chat_ms: Math.round(performance.now() - t0), ...stats }), 500);
        }
      }, 25);
    } else if (m.cmd === 'quit') quit('asked');
  });
}

main().catch((e) => {
  print({ fatal: e.message });
  process.exit(1);
});
