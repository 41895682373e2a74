// Browser performance under a real drill: one page per role kind (support
// agent, engineer, facilitator, incident owner) in a drill that
// perf-filler.js fills with many participants over WebSockets, while chat
// runs at about 10 messages/s. Measured in Chromium: main-thread busy time
// per second (CDP Performance.getMetrics TaskDuration), long tasks
// (PerformanceObserver 'longtask'), the JS heap over drill time
// (JSHeapUsedSize), DOM nodes, the time from opening the join link to a
// usable screen, and the time to handle and paint a welcome.
//
// By default a small bounded run (100 participants, speed 60, 10 s of chat) that asserts only gross regressions
// and prints its figures; only the facilitator joins late. FIREDRILL_BROWSER_PERF=full: 1,000 participants,
// speed 15 (30 drill minutes in 120 s), 90 s of chat (22.5 drill minutes), then late joins; figures only, plus the
// same gross checks. See docs/performance.md, "The browser client".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { env, person, inDrill, HERE, SCENARIO } from './harness.js';

env.setup();

const FULL = process.env.FIREDRILL_BROWSER_PERF === 'full';
const num = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);
const CFG = {
  participants: num('FIREDRILL_BROWSER_PERF_N', FULL ? 1000 : 100),
  speed: num('FIREDRILL_BROWSER_PERF_SPEED', FULL ? 15 : 60),
  chatSeconds: num('FIREDRILL_BROWSER_PERF_CHAT_S', FULL ? 90 : 10),
  chatPerS: 10,
};

// What the page records by itself: long tasks, and the time each welcome
// takes to handle (the client's onmessage) and to reach the next frame.
function pageProbe() {
  window.__perf = { longtasks: [], welcomes: [], handled: 0, handlerMs: 0, maxHandlerMs: 0 };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__perf.longtasks.push({ at: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    /* no long task API */
  }
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() {
      return desc.get.call(this);
    },
    set(fn) {
      desc.set.call(this, typeof fn !== 'function' ? fn : function probed(e) {
        const t0 = performance.now();
        try {
          return fn.call(this, e);
        } finally {
          const ms = performance.now() - t0;
          const p = window.__perf;
          p.handled++;
          p.handlerMs += ms;
          if (ms > p.maxHandlerMs) p.maxHandlerMs = ms;
          if (typeof e.data === 'string' && e.data.startsWith('{"type":"welcome"')) {
            const bytes = e.data.length;
            requestAnimationFrame(() => setTimeout(() => p.welcomes.push({ bytes, handlerMs: ms, paintedMs: performance.now() - t0 }), 0));
          }
        }
      });
    },
  });
}

/** Starts the filler; resolves with it once every participant is greeted. */
function startFiller(config) {
  const child = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', path.join(HERE, 'perf-filler.js'), JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiters = [];
  const lines = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const msg = JSON.parse(line);
    lines.push(msg);
    for (const w of [...waiters]) {
      if (w.key in msg) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  });
  const filler = {
    child,
    send: (m) => child.stdin.write(`${JSON.stringify(m)}\n`),
    wait(key, ms) {
      const seen = lines.find((l) => key in l);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`filler: no ${key} within ${ms} ms`)), ms);
        waiters.push({ key, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    stop() {
      if (child.exitCode !== null) return Promise.resolve();
      const exited = new Promise((r) => child.once('exit', r));
      filler.send({ cmd: 'quit' });
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      return exited.then(() => clearTimeout(t));
    },
  };
  return filler;
}

async function api(pathname, body) {
  const res = await fetch(`${env.base}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${pathname}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Opens the join link and joins; returns the two times, in ms. */
async function timedJoin(page, link, name, role) {
  const t0 = Date.now();
  await page.goto(link);
  await page.locator('#join-name').waitFor();
  const form = Date.now() - t0;
  await page.fill('#join-name', name);
  if (role) await page.check(`#role-${role}`);
  const t1 = Date.now();
  await page.click('#join-button');
  await inDrill(page);
  return { formMs: form, joinMs: Date.now() - t1, usableMs: form + (Date.now() - t1) };
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const MiB = (b) => round(b / 1048576, 1);
const pct = (xs, p) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const PAGES = [
  { kind: 'support agent', role: 'support_agent', name: 'Perf Agent' },
  { kind: 'engineer', role: 'engineer', name: 'Perf Engineer' },
  { kind: 'facilitator', role: null, name: 'Perf Facilitator', fac: true },
  { kind: 'incident owner', role: 'incident_owner', name: 'Perf Owner' },
];

test(`browser performance: ${CFG.participants} participants, chat ${CFG.chatPerS}/s, speed ${CFG.speed}`, { timeout: FULL ? 600_000 : 150_000 }, async () => {
  const created = await api('/api/drills', { scenario: SCENARIO, name: 'Perf Lead', bots: 'off' });
  const filler = startFiller({ base: env.base, join_code: created.join_code, fac_token: created.token, n: CFG.participants, max_s: FULL ? 900 : 240 });
  const pages = [];
  try {
    const T0 = Date.now();
    const ready = await filler.wait('ready', FULL ? 180_000 : 60_000);
    assert.equal(ready.failed, 0, `every filler joined: ${JSON.stringify(ready.failures)}`);

    // Each page joins through its link into the full lobby, measured.
    for (const p of PAGES) {
      const who = await person('en-US');
      await who.page.addInitScript(pageProbe);
      const cdp = await who.context.newCDPSession(who.page);
      await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
      const link = p.fac ? `${env.base}/#join=${created.facilitator_code}&as=facilitator` : `${env.base}/#join=${created.join_code}`;
      const times = await timedJoin(who.page, link, p.name, p.role);
      pages.push({ ...p, ...who, link, cdp, times, samples: [] });
    }

    const phase = (what) => console.log(`# ${what} at ${Date.now() - T0} ms`);
    phase('pages joined');
    filler.send({ cmd: 'start', speed: CFG.speed });
    await filler.wait('started', 10_000);
    await Promise.all(pages.map((p) => p.page.locator('#drill-status.status-running').waitFor()));
    for (const p of pages) await p.page.evaluate(() => (window.__perf.longtasks.length = 0));

    // Chat at 10/s; sample every page's metrics once a second.
    const chatStart = Date.now();
    filler.send({ cmd: 'chat', per_s: CFG.chatPerS, seconds: CFG.chatSeconds });
    const sample = async () => {
      for (const p of pages) {
        const m = await metrics(p.cdp);
        p.samples.push({ t: (Date.now() - chatStart) / 1000, task: m.TaskDuration, script: m.ScriptDuration, layout: m.LayoutDuration, style: m.RecalcStyleDuration, heap: m.JSHeapUsedSize, nodes: m.Nodes });
      }
    };
    await sample();
    while (Date.now() - chatStart < CFG.chatSeconds * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      await sample();
    }
    const chat = await filler.wait('chat_done', 30_000);
    phase('chat done');
    const chatSeconds = (Date.now() - chatStart) / 1000;
    await sample();
    for (const p of pages) {
      const probe = await p.page.evaluate(() => window.__perf);
      p.firstWelcome = probe.welcomes[0];
      p.longtaskCount = probe.longtasks.filter((t) => t.ms > 50).length;
      p.longestTask = round(Math.max(0, ...probe.longtasks.map((t) => t.ms)));
      p.handlerMsPerMsg = probe.handled ? round(probe.handlerMs / probe.handled, 2) : 0;
      p.maxHandlerMs = round(probe.maxHandlerMs);
    }
    // The heap at the end, after a collection: what the drill keeps.
    for (const p of pages) {
      await p.cdp.send('HeapProfiler.collectGarbage');
      const m = await metrics(p.cdp);
      p.heapEndGc = m.JSHeapUsedSize;
      p.nodesEndGc = m.Nodes;
      p.dom = await p.page.evaluate(() => {
        const all = document.getElementsByTagName('*').length;
        const parts = [...document.querySelectorAll('[id]')]
          .map((e) => [e.id, e.getElementsByTagName('*').length])
          .filter(([, n]) => n > 300 && n < all * 0.9)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5);
        return { elements: all, biggest: Object.fromEntries(parts) };
      });
    }

    phase('collected');
    // A late join of the same kind: a welcome with the whole drill so far.
    for (const p of FULL ? pages : pages.filter((x) => x.fac)) {
      const late = await person('en-US');
      await late.page.addInitScript(pageProbe);
      p.late = late;
      p.lateTimes = await timedJoin(late.page, p.link, `${p.name} late`, p.role);
      await late.page.waitForFunction(() => window.__perf.welcomes.length > 0);
      p.lateWelcome = (await late.page.evaluate(() => window.__perf.welcomes))[0];
      await late.context.close();
    }

    // Report.
    const rows = [];
    for (const p of pages) {
      const s = p.samples;
      const busy = [];
      for (let i = 1; i < s.length; i++) busy.push(((s[i].task - s[i - 1].task) / (s[i].t - s[i - 1].t)) * 100);
      const span = s[s.length - 1].t - s[0].t;
      const d = (k) => ((s[s.length - 1][k] - s[0][k]) / span) * 1000;
      rows.push({
        page: p.kind,
        usableMs: p.times.usableMs,
        formMs: p.times.formMs,
        joinMs: p.times.joinMs,
        welcome: p.firstWelcome,
        busyPctMedian: round(pct(busy, 50)),
        busyPctMax: round(Math.max(...busy)),
        scriptMsPerS: round(d('script')),
        layoutMsPerS: round(d('layout')),
        styleMsPerS: round(d('style')),
        longtasks: p.longtaskCount,
        longestTaskMs: p.longestTask,
        heapStartMiB: MiB(s[0].heap),
        heapEndMiB: MiB(s[s.length - 1].heap),
        heapEndGcMiB: MiB(p.heapEndGc),
        nodesStart: s[0].nodes,
        nodesEnd: s[s.length - 1].nodes,
        nodesEndGc: p.nodesEndGc,
        domElements: p.dom.elements,
        biggestParts: p.dom.biggest,
        lateUsableMs: p.lateTimes?.usableMs,
        lateWelcome: p.lateWelcome,
        handlerMsPerMsg: p.handlerMsPerMsg,
        maxHandlerMs: p.maxHandlerMs,
      });
    }
    console.log(`phases: filled ${ready.join_ms} ms, total ${Date.now() - T0} ms`);
    console.log(`\nbrowser perf (${FULL ? 'full' : 'bounded'}): ${CFG.participants} participants (+ 4 pages), speed ${CFG.speed}, chat ${chat.chat_done} messages in ${round(chatSeconds)} s, filler errors ${chat.errors}, closed ${chat.closed}`);
    console.log(JSON.stringify(rows, null, 1));

    // Only gross regressions: this runs on a busy 2-core machine.
    for (const r of rows) {
      assert.ok(r.usableMs < 5000, `${r.page}: usable within 5 s of opening the link (${r.usableMs} ms)`);
      assert.ok(r.longestTaskMs < 500, `${r.page}: no long task over 500 ms while chat runs (${r.longestTaskMs} ms)`);
      assert.ok(r.heapEndGcMiB < 64, `${r.page}: the JS heap stays bounded (${r.heapEndGcMiB} MiB after a collection)`);
      assert.ok(r.domElements < 30_000, `${r.page}: the DOM stays bounded (${r.domElements} elements)`);
    }
    assert.equal(chat.errors, 0, 'the filler got no errors');
    for (const p of pages) assert.deepEqual(p.problems.filter((x) => !/WebSocket/.test(x)), [], `${p.kind}: no page errors`);
  } finally {
    await filler.stop();
    for (const p of pages) await p.context.close().catch(() => {});
  }
});
