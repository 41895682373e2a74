// Browser tests: the web client in headless Chromium against a real server.
//
// Needs: node >= 20, `npm ci` in this folder (playwright-core, pinned), a
// Chromium binary (Debian's: `apt-get install chromium`; or set CHROMIUM),
// and a built server (`cargo build -p firedrill`; or set FIREDRILL_BIN).
// `tests/browser/run` does all of that, then runs `node --test`.
//
// Each test starts from a fresh browser context (its own sessionStorage), as
// separate people would. Every wait is bounded.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, process.env.FIREDRILL_BIN || '../../target/debug/firedrill');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCENARIO = 'lunch-peak-pos-outage';
const STEP_MS = 10_000; // one UI step
const SERVER_START_MS = 20_000;

let server = null;
let serverLog = '';
let dataDir = null;
let base = '';
let browser = null;

/** A free TCP port: bind to 0, read the port, let it go. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}:\n${serverLog}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not healthy after ${ms} ms:\n${serverLog}`);
}

before(async () => {
  assert.ok(fs.existsSync(BIN), `server binary not found at ${BIN}: run cargo build -p firedrill or set FIREDRILL_BIN`);
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install chromium or set CHROMIUM`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The server's working directory is a fresh temporary folder, so whatever
  // it stores there goes away with it.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'firedrill-browser-'));
  server = spawn(BIN, ['serve', '--addr', `127.0.0.1:${port}`], { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk) => {
    serverLog = (serverLog + chunk).slice(-20_000);
  };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  await waitForHealth(`${base}/healthz`, SERVER_START_MS);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/**
 * A TCP proxy in front of the server that the test can cut, to drop a
 * browser's connection while the server (and the drill) keeps running.
 */
async function startProxy(targetPort) {
  const pairs = new Set();
  let refusing = false;
  const srv = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = {
      kill() {
        client.destroy();
        upstream.destroy();
        pairs.delete(pair);
      },
    };
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    for (const s of [client, upstream]) {
      s.on('error', pair.kill);
      s.on('close', pair.kill);
    }
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    port: srv.address().port,
    /** Drops every open connection; with refuse, new ones fail too. */
    cut({ refuse }) {
      refusing = refuse;
      for (const p of [...pairs]) p.kill();
    },
    allow() {
      refusing = false;
    },
    close() {
      for (const p of [...pairs]) p.kill();
      return new Promise((resolve) => srv.close(resolve));
    },
  };
}

/** Records the WebSocket messages a page sends and receives (not pulses). */
function watchFrames(page) {
  const frames = { sent: [], received: [] };
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => frames.sent.push(JSON.parse(String(f.payload))));
    ws.on('framereceived', (f) => {
      const msg = JSON.parse(String(f.payload));
      if (msg.type !== 'pulse') frames.received.push(msg);
    });
  });
  return frames;
}

/** A new person: own context (own sessionStorage), watched for problems. */
async function person(locale = 'en-US') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  const problems = [];
  const dialogs = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  return { context, page, problems, dialogs };
}

async function createDrill(page, name) {
  await page.goto(`${base}/`);
  await page.locator('#scenario-list input[type=radio]').first().waitFor();
  await page.check(`#scenario-list input[value="${SCENARIO}"]`);
  await page.fill('#create-name', name);
  await page.click('#create-button');
  await page.waitForFunction(() => {
    const link = document.querySelector('#join-link');
    return link && /#join=[0-9a-zA-Z]+/.test(link.value);
  });
  return page.inputValue('#join-link');
}

async function joinDrill(page, link, name, role) {
  await page.goto(link);
  await page.fill('#join-name', name);
  await page.check(`#role-${role}`);
  await page.click('#join-button');
  await page.locator('#composer-text:not([disabled])').waitFor();
  await page.waitForFunction(() => document.querySelector('#conn-state')?.dataset.state === 'open');
}

test('a facilitator and an engineer run a drill together', { timeout: 90_000 }, async () => {
  const a = await person('en-US');
  const b = await person('en-US');
  try {
    const link = await createDrill(a.page, 'Aiko');
    assert.match(link, new RegExp(`^${base}/#join=`));
    await a.page.screenshot({ path: path.join(os.tmpdir(), 'firedrill-facilitator-lobby.png') });

    await joinDrill(b.page, link, 'Ken', 'engineer');
    // The engineer's tools: the runbook with its actions.
    await b.page.getByRole('button', { name: /Run: Roll back payments-gateway/ }).waitFor();
    // The facilitator sees the engineer arrive.
    await a.page.locator('.roster .seat', { hasText: 'Ken' }).waitFor();

    // Chat is plain text: markup arrives as characters and never runs.
    const text = 'hello <script>alert(1)</script>';
    await b.page.fill('#composer-text', text);
    await b.page.keyboard.press('Enter');
    const post = a.page.locator('#posts .post-text', { hasText: '<script>' });
    await post.waitFor();
    assert.equal(await post.textContent(), text);
    assert.equal(await a.page.locator('#posts script').count(), 0);
    assert.equal(await b.page.inputValue('#composer-text'), '', 'the message box is cleared after sending');

    // Start at ×60: the health bot posts every 2 drill minutes (2 s real).
    await a.page.selectOption('#speed-select', '60');
    await a.page.waitForFunction(() => /×60/.test(document.querySelector('.fac-status')?.textContent || ''));
    await a.page.click('#start-button');
    await a.page.locator('#drill-status.status-running').waitFor();
    await a.page.locator('#posts .post-kind-health').first().waitFor({ timeout: 30_000 });
    await a.page.locator('#posts .post-kind-health .health-table').first().waitFor();
    // The clock moves and shows world time and T+.
    assert.match(await a.page.locator('.clock-time').textContent(), /^\d\d:\d\d:\d\d$/);
    assert.match(await a.page.locator('.clock-t').textContent(), /^T\+\d\d:\d\d$/);
    await a.page.screenshot({ path: path.join(os.tmpdir(), 'firedrill-facilitator-running.png') });

    assert.deepEqual(a.dialogs, [], 'no dialog opened');
    assert.deepEqual(b.dialogs, [], 'no dialog opened');
    assert.deepEqual(a.problems, []);
    assert.deepEqual(b.problems, []);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('the response tools work, and everyone sees the results', { timeout: 90_000 }, async () => {
  const fac = await person('en-US');
  const own = await person('ja-JP');
  const eng = await person('en-US');
  const com = await person('en-US');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await joinDrill(own.page, link, 'Mei', 'incident_owner');
    await joinDrill(eng.page, link, 'Ken', 'engineer');
    await joinDrill(com.page, link, 'Sora', 'comms_lead');
    assert.ok(await own.page.locator('#declare-button').isDisabled(), 'no declaring before the start');

    await fac.page.selectOption('#speed-select', '10');
    await fac.page.click('#start-button');
    await own.page.locator('#declare-button:not([disabled])').waitFor();

    // 発令: the response channels open for everyone inside the company.
    await own.page.click('#declare-button');
    await own.page.locator('.declared').waitFor();
    for (const p of [own.page, eng.page, com.page, fac.page]) {
      await p.locator('.channel[data-channel="incident-war-room"]').waitFor();
    }
    await eng.page.locator('.channel[data-channel="incident-war-room"] .badge').waitFor();
    await eng.page.click('.channel[data-channel="incident-war-room"]');
    await eng.page.locator('#posts .post-kind-kickoff', { hasText: 'Mei' }).waitFor();
    assert.equal(await eng.page.locator('.channel[data-channel="incident-war-room"] .badge').count(), 0, 'reading clears the unread count');

    // Phase, notice, runbook action.
    await own.page.selectOption('#phase-select', 'identified');
    await own.page.click('#phase-button');
    await fac.page.locator('#drill-phase.phase-identified').waitFor();

    await com.page.fill('#notice-text', 'Card payments fail in Kanto. Cash works.');
    await com.page.click('.notice-form button[type=submit]');
    await com.page.locator('.notice-list .notice-text', { hasText: 'Cash works.' }).waitFor();
    assert.equal(await com.page.inputValue('#notice-text'), '', 'the editor is cleared once published');
    await fac.page.locator('.notice-list .notice-text', { hasText: 'Cash works.' }).waitFor();

    await eng.page.getByRole('button', { name: 'Run: Roll back payments-gateway to v2.30' }).click();
    await eng.page.locator('.run.active .countdown').waitFor();
    await own.page.locator('.run-list .run', { hasText: 'rollback-payments' }).waitFor();

    // End: a two-step button, then the summary for everyone.
    await fac.page.click('#end-button');
    assert.equal(await fac.page.locator('#end-button').getAttribute('data-armed'), '1');
    await fac.page.click('#end-button');
    for (const p of [fac.page, own.page, eng.page, com.page]) {
      await p.locator('#summary .score-big').waitFor();
      assert.match(await p.locator('#summary .score-big').textContent(), /^\d+ \/ 100$/);
      await p.locator('#drill-status.status-ended').waitFor();
    }
    assert.ok(await eng.page.locator('#composer-text').isDisabled(), 'no chat after the end');
    await own.page.screenshot({ path: path.join(os.tmpdir(), 'firedrill-owner-ended.png') });
    for (const x of [fac, own, eng, com]) {
      assert.deepEqual(x.problems, []);
      assert.deepEqual(x.dialogs, []);
    }
  } finally {
    for (const x of [fac, own, eng, com]) await x.context.close();
  }
});

test('every kind of post from the protocol fixtures renders', { timeout: 30_000 }, async (t) => {
  const dir = path.resolve(HERE, '../../docs/protocol/server');
  if (!fs.existsSync(dir)) {
    t.skip('no docs/protocol fixtures yet');
    return;
  }
  const read = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const welcome = read('welcome.json');
  const events = fs.readdirSync(dir).filter((f) => /^event_posted_.*\.json$/.test(f)).sort().map(read);
  assert.ok(events.length > 0);
  const a = await person('en-US');
  try {
    await a.page.goto(`${base}/`);
    await a.page.locator('#create-button').waitFor();
    const rendered = await a.page.evaluate(async ({ welcome, events }) => {
      const { fromWelcome } = await import('/js/state.js');
      const { renderPost } = await import('/js/posts.js');
      const state = fromWelcome(welcome);
      return events.map((m) => {
        const el = renderPost(state, m.event.post);
        return {
          kind: m.event.post.body.kind,
          text: el.textContent,
          tables: el.querySelectorAll('table').length,
          alert: el.classList.contains('post-alert'),
        };
      });
    }, { welcome, events });
    for (const r of rendered) {
      assert.doesNotMatch(r.text, /not supported/, `${r.kind} renders`);
      assert.ok(r.text.length > 10, `${r.kind} says something`);
    }
    const health = rendered.find((r) => r.kind === 'health');
    assert.ok(health && health.tables === 1, 'a health post is a table');
    assert.match(health.text, /Kanto/, 'regions by name');
    assert.match(health.text, /¥/, 'lost revenue in yen');
    assert.deepEqual(a.problems, []);
  } finally {
    await a.context.close();
  }
});

test('a reloaded tab resumes its seat and keeps the conversation', { timeout: 60_000 }, async () => {
  const a = await person('en-US');
  const b = await person('en-US');
  try {
    const link = await createDrill(a.page, 'Aiko');
    await joinDrill(b.page, link, 'Mei', 'incident_owner');
    await b.page.fill('#composer-text', 'before reload');
    await b.page.click('#composer-send');
    await b.page.locator('#posts .post-text', { hasText: 'before reload' }).waitFor();
    // A draft that was not sent survives the reload too.
    await b.page.fill('#composer-text', 'half-written');

    const frames = watchFrames(b.page);
    await b.page.reload();
    await b.page.waitForFunction(() => document.querySelector('#conn-state')?.dataset.state === 'open');
    await b.page.locator('#posts .post-text', { hasText: 'before reload' }).waitFor();
    assert.match(await b.page.locator('.you-name').textContent(), /Mei/);
    assert.equal(await b.page.inputValue('#composer-text'), 'half-written');
    // It resumed from its last seq instead of asking for a new snapshot.
    const hello = frames.sent.find((m) => m.type === 'hello');
    assert.ok(hello && Number.isInteger(hello.last_seq), `hello carries last_seq: ${JSON.stringify(hello)}`);
    assert.equal(frames.received[0]?.type, 'resumed');

    // Still the same seat: posts from others keep arriving.
    await a.page.fill('#composer-text', 'after reload');
    await a.page.keyboard.press('Enter');
    await b.page.locator('#posts .post-text', { hasText: 'after reload' }).waitFor();
    const seats = await a.page.locator('.roster .seat', { hasText: 'Mei' }).count();
    assert.equal(seats, 1, 'the reload did not create a second seat');
    assert.deepEqual(b.problems, []);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('a dropped connection shows "reconnecting", keeps typed text and resumes', { timeout: 60_000 }, async () => {
  const proxy = await startProxy(Number(new URL(base).port));
  const a = await person('en-US');
  const b = await person('en-US');
  try {
    const link = await createDrill(a.page, 'Aiko');
    const viaProxy = link.replace(base, `http://127.0.0.1:${proxy.port}`);
    const frames = watchFrames(b.page);
    await joinDrill(b.page, viaProxy, 'Ken', 'engineer');
    await b.page.fill('#composer-text', 'draft survives');

    proxy.cut({ refuse: true });
    await b.page.locator('#banner[data-state="reconnecting"]').waitFor();
    assert.match(await b.page.locator('#banner').textContent(), /Reconnecting|Connection lost/);
    assert.equal(await b.page.locator('#conn-state').getAttribute('data-state'), 'reconnecting');
    assert.ok(await b.page.locator('#composer-send').isDisabled(), 'cannot send while offline');
    await b.page.screenshot({ path: path.join(os.tmpdir(), 'firedrill-reconnecting.png') });

    // Life goes on without B.
    await a.page.fill('#composer-text', 'while you were away');
    await a.page.keyboard.press('Enter');
    await a.page.locator('#posts .post-text', { hasText: 'while you were away' }).waitFor();

    proxy.allow();
    await b.page.waitForFunction(() => document.querySelector('#conn-state')?.dataset.state === 'open', null, { timeout: 30_000 });
    await b.page.locator('#posts .post-text', { hasText: 'while you were away' }).waitFor();
    assert.ok(await b.page.locator('#banner').isHidden());
    assert.equal(await b.page.inputValue('#composer-text'), 'draft survives');
    const hellos = frames.sent.filter((m) => m.type === 'hello');
    assert.ok(hellos.length >= 2, 'a second hello after the drop');
    assert.ok(Number.isInteger(hellos.at(-1).last_seq), 'the reconnect resumes from last_seq');
    assert.ok(frames.received.some((m) => m.type === 'resumed'), 'the server resumed the session');

    // And B can talk again.
    await b.page.click('#composer-send');
    await a.page.locator('#posts .post-text', { hasText: 'draft survives' }).waitFor();
    assert.deepEqual(b.problems, []);
  } finally {
    await a.context.close();
    await b.context.close();
    await proxy.close();
  }
});

test('the language switch changes the interface text', { timeout: 30_000 }, async () => {
  const a = await person('en-US');
  try {
    await a.page.goto(`${base}/`);
    await a.page.locator('#create-button').waitFor();
    assert.equal(await a.page.locator('#create-button').textContent(), 'Create drill');
    assert.equal(await a.page.getAttribute('html', 'lang'), 'en');

    // Typed text survives the switch.
    await a.page.fill('#create-name', 'Aiko');
    await a.page.selectOption('#lang-select', 'ja');
    assert.equal(await a.page.locator('#create-button').textContent(), '訓練を作成');
    assert.equal(await a.page.getAttribute('html', 'lang'), 'ja');
    assert.equal(await a.page.inputValue('#create-name'), 'Aiko');

    // The choice sticks across a reload.
    await a.page.reload();
    await a.page.locator('#create-button', { hasText: '訓練を作成' }).waitFor();

    await a.page.selectOption('#lang-select', 'en');
    assert.equal(await a.page.locator('#create-button').textContent(), 'Create drill');
    assert.deepEqual(a.problems, []);
  } finally {
    await a.context.close();
  }

  // A Japanese browser starts in Japanese.
  const j = await person('ja-JP');
  try {
    await j.page.goto(`${base}/`);
    await j.page.locator('#create-button', { hasText: '訓練を作成' }).waitFor();
  } finally {
    await j.context.close();
  }
});

test('a server error is shown to the user', { timeout: 30_000 }, async () => {
  const a = await person('en-US');
  try {
    await a.page.goto(`${base}/#join=no-such-code`);
    await a.page.fill('#join-name', 'Ken');
    await a.page.click('#newbie-button');
    const error = a.page.locator('#join-error');
    await error.waitFor();
    assert.match(await error.textContent(), /no drill with that code/);

    // A tab whose session the server does not know (say, the drill is gone)
    // goes home, says why, and forgets the session.
    await a.page.evaluate(() => sessionStorage.setItem('firedrill.session', JSON.stringify({ token: 'gone', lastSeq: null, cid: 3 })));
    await a.page.goto(`${base}/`);
    await a.page.locator('.toast', { hasText: 'unknown session token' }).waitFor();
    await a.page.locator('#create-button').waitFor();
    assert.equal(await a.page.evaluate(() => sessionStorage.getItem('firedrill.session')), null);
  } finally {
    await a.context.close();
  }
});
