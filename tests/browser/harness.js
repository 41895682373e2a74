// Shared by the browser tests: a real server (with its own data folder in
// a temporary directory), one headless Chromium, and helpers that act as
// people. Every wait is bounded.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, process.env.FIREDRILL_BIN || '../../target/debug/firedrill');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SCENARIO = 'lunch-peak-pos-outage';
export const STEP_MS = 10_000; // one UI step
const SERVER_START_MS = 20_000;

/** The running server and browser, set by setup(). */
export const env = {
  base: '',
  browser: null,
  server: null,
  serverLog: '',
  tmpDir: null,
  dataDir: null,
  /** Registers before/after hooks that start and stop both. */
  setup() {
    before(start);
    after(stop);
  },
};

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
    if (env.server.exitCode !== null) throw new Error(`server exited with ${env.server.exitCode}:\n${env.serverLog}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not healthy after ${ms} ms:\n${env.serverLog}`);
}

export async function start() {
  assert.ok(fs.existsSync(BIN), `server binary not found at ${BIN}: run cargo build -p firedrill or set FIREDRILL_BIN`);
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install chromium or set CHROMIUM`);
  const port = await freePort();
  env.base = `http://127.0.0.1:${port}`;
  // A fresh temporary folder is the server's working directory and holds
  // its data (--data), so finished drills land in the history and
  // everything goes away with the folder.
  env.tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'firedrill-browser-'));
  env.dataDir = path.join(env.tmpDir, 'data');
  env.server = spawn(BIN, ['serve', '--addr', `127.0.0.1:${port}`, '--data', env.dataDir], {
    cwd: env.tmpDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    env.serverLog = (env.serverLog + chunk).slice(-20_000);
  };
  env.server.stdout.on('data', keep);
  env.server.stderr.on('data', keep);
  await waitForHealth(`${env.base}/healthz`, SERVER_START_MS);
  env.browser = await chromium.launch({
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
}

export async function stop() {
  if (env.browser) await env.browser.close().catch(() => {});
  const server = env.server;
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  if (env.tmpDir) fs.rmSync(env.tmpDir, { recursive: true, force: true });
}

/**
 * A TCP proxy in front of the server that the test can cut, to drop a
 * browser's connection while the server (and the drill) keeps running.
 */
export async function startProxy(targetPort) {
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
export function watchFrames(page) {
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

/** Records the JSON bodies a page posts to the API, by path. */
export function watchPosts(page) {
  const posts = [];
  page.on('request', (req) => {
    if (req.method() !== 'POST') return;
    const url = new URL(req.url());
    if (!url.pathname.startsWith('/api/')) return;
    let body = null;
    try {
      body = JSON.parse(req.postData() || 'null');
    } catch {
      body = req.postData();
    }
    posts.push({ path: url.pathname, body });
  });
  return posts;
}

/** A new person: own context (own sessionStorage), watched for problems. */
export async function person(locale = 'en-US') {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
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

/**
 * Problems other than Chromium's own report of a WebSocket that could not
 * connect: a test that cuts the connection on purpose expects those (how
 * the browser words the failure depends on when the cut lands).
 */
export function besidesCutSockets(problems) {
  return problems.filter((p) => !/^console error: WebSocket connection to '[^']*\/ws' failed/.test(p));
}

/** Creates a drill from home; returns the join link. */
export async function createDrill(page, name, { bots } = {}) {
  await page.goto(`${env.base}/`);
  await page.locator('#scenario-list input[type=radio]').first().waitFor();
  await page.check(`#scenario-list input[value="${SCENARIO}"]`);
  await page.fill('#create-name', name);
  if (bots) await page.selectOption('#create-bots', bots);
  await page.click('#create-button');
  await page.waitForFunction(() => {
    const link = document.querySelector('#join-link');
    return link && /#join=[0-9a-zA-Z]+/.test(link.value);
  });
  return page.inputValue('#join-link');
}

/** Waits until the drill screen is live. */
export async function inDrill(page) {
  await page.locator('#composer-text').waitFor();
  await page.waitForFunction(() => document.querySelector('#conn-state')?.dataset.state === 'open');
}

/** Joins through the link with a role (or none, for a planned name). */
export async function joinDrill(page, link, name, role) {
  await page.goto(link);
  await page.fill('#join-name', name);
  if (role) await page.check(`#role-${role}`);
  await page.click('#join-button');
  await inDrill(page);
}

/** The facilitator sets the drill's speed and waits until the server has it. */
export async function setSpeed(page, speed) {
  await consoleTab(page);
  await page.selectOption('#speed-select', String(speed));
  await page.waitForFunction((s) => document.querySelector('.fac-status')?.textContent.includes(`×${s}`), speed);
}

/** The facilitator starts the clock at a speed. */
export async function startDrill(page, speed) {
  await setSpeed(page, speed);
  await page.click('#start-button');
  await page.locator('#drill-status.status-running').waitFor();
}

/** The facilitator ends the drill (the button asks for a second click). */
export async function endDrill(page) {
  await consoleTab(page);
  await page.click('#end-button');
  await page.locator('#end-button[data-armed="1"]').waitFor();
  await page.click('#end-button');
  await page.locator('#drill-status.status-ended').waitFor();
}

/** Where the tests write their screenshots (git-ignored). */
export const SHOTS_DIR = path.join(HERE, 'test-results');

/** A screenshot of the page, as SHOTS_DIR/NAME.png (NAME may hold a folder). */
export const shot = (page, name) => page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`) });

/** The facilitator opens one of the console's tabs ('console' or 'people'). */
export async function facTab(page, tab) {
  await page.click(`#side-tab-${tab}`);
  await page.locator(`#side-group-${tab}`).waitFor();
}

/** A facilitator's page shows the console tab (the clock's controls). */
async function consoleTab(page) {
  if (await page.locator('#side-tab-console[aria-selected="false"]').count()) await facTab(page, 'console');
}
