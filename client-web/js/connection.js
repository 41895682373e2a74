// The WebSocket to /ws: hello, keep-alive, automatic reconnection with
// backoff, and numbered commands that survive a reconnect.
//
// States: 'connecting' (first attempt), 'open' (welcome or resumed
// received), 'reconnecting' (lost, will retry), 'closed' (gave up: the
// session is no longer valid).

const PING_INTERVAL_MS = 20000;
const SILENCE_LIMIT_MS = 50000; // no message at all for this long: reconnect
const HANDSHAKE_TIMEOUT_MS = 12000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15000;

/** Error codes in reply to hello that mean retrying cannot help. */
const FATAL = new Set(['bad_token', 'no_such_drill', 'unsupported_version']);

export class Connection {
  /**
   * hello(): the hello message to send (built at each attempt, so last_seq
   * is current). onMessage(msg) gets every server message. onState(state,
   * info) gets state changes. onFatal(code, message) when the session is
   * refused for good.
   */
  constructor({ hello, onMessage, onState, onFatal }) {
    this.hello = hello;
    this.onMessage = onMessage;
    this.onState = onState;
    this.onFatal = onFatal;
    this.ws = null;
    this.state = 'idle';
    this.attempt = 0;
    this.timer = null;
    this.pingTimer = null;
    this.watchdog = null;
    this.stopped = false;
    this.handshaken = false;
    this.onOnline = () => {
      if (this.state === 'reconnecting') this.retryNow();
    };
    window.addEventListener('online', this.onOnline);
  }

  start() {
    this.stopped = false;
    this.setState('connecting');
    this.open();
  }

  /** Stops for good (leaving the drill). */
  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.timer);
    this.stopTimers();
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = null;
      ws.close(1000, 'bye');
    }
    this.setState('closed');
  }

  get isOpen() {
    return this.state === 'open' && this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a message if the socket is usable; returns whether it was sent. */
  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Drops the current socket and reconnects (e.g. to ask for a snapshot). */
  reconnect() {
    if (this.ws) this.ws.close(4000, 'resync');
  }

  retryNow() {
    clearTimeout(this.timer);
    this.timer = null;
    this.open();
  }

  setState(state, info) {
    this.state = state;
    this.onState(state, info || {});
  }

  open() {
    if (this.stopped) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${proto}//${location.host}/ws`);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    this.handshaken = false;
    ws.onopen = () => {
      ws.send(JSON.stringify(this.hello()));
      this.kick();
    };
    ws.onmessage = (e) => {
      this.kick();
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      if (!msg || typeof msg.type !== 'string') return;
      if (msg.type === 'welcome' || msg.type === 'resumed') {
        this.handshaken = true;
        this.attempt = 0;
        this.startPing();
        this.setState('open');
      } else if (msg.type === 'error' && !this.handshaken && msg.cid === undefined && FATAL.has(msg.code)) {
        this.stop();
        this.onFatal(msg.code, msg.message);
        return;
      }
      this.onMessage(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopTimers();
      this.scheduleRetry();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
    // A socket that never completes the handshake is abandoned.
    this.watchdog = setTimeout(() => {
      if (this.ws === ws && !this.handshaken) ws.close();
    }, HANDSHAKE_TIMEOUT_MS);
  }

  scheduleRetry() {
    if (this.stopped) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempt += 1;
    this.setState('reconnecting', { attempt: this.attempt, delayMs: delay, at: Date.now() + delay });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.open();
    }, delay);
  }

  /** Resets the silence watchdog: any message proves the link is alive. */
  kick() {
    clearTimeout(this.watchdog);
    const ws = this.ws;
    this.watchdog = setTimeout(() => {
      if (this.ws === ws && ws) ws.close();
    }, this.handshaken ? SILENCE_LIMIT_MS : HANDSHAKE_TIMEOUT_MS);
  }

  startPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.send({ type: 'ping', t: Date.now() }), PING_INTERVAL_MS);
  }

  stopTimers() {
    clearInterval(this.pingTimer);
    clearTimeout(this.watchdog);
    this.pingTimer = null;
    this.watchdog = null;
  }
}
