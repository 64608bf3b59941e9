// A LiveTS browser as the load tools see it: fetch a page, open the socket,
// join the view, send events and time their answers (docs/protocol.md).
// Any source address on 127/8 can be given, so many clients look like many
// users to per-address limits.
'use strict';

const http = require('http');
const { performance } = require('perf_hooks');

// Debian's ws, when NODE_PATH does not already lead to one.
function loadWs() {
  try {
    return require('ws');
  } catch {
    return require('/usr/share/nodejs/ws');
  }
}
const WebSocket = loadWs();

const ID = /data-livets-id="([^"]+)"/;
const TOKEN = /data-livets-token="([^"]+)"/;
const CSRF = /<meta name="csrf-token" content="([^"]+)">/;

// GET a page; { status, retryAfter } always, with { id, token, csrf } when
// it holds a live view. Rejects only when the connection itself fails.
function fetchPage(port, pagePath, localAddress) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: pagePath, localAddress, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        const page = { status: response.statusCode, retryAfter: response.headers['retry-after'] };
        const id = ID.exec(body);
        const token = TOKEN.exec(body);
        const csrf = CSRF.exec(body);
        if (id && token && csrf) Object.assign(page, { id: id[1], token: token[1], csrf: csrf[1] });
        resolve(page);
      });
      response.on('error', reject);
    });
    request.setTimeout(30000, () => request.destroy(new Error('page timed out')));
    request.on('error', reject);
  });
}

// The ref a server message answers, or 0 (docs/protocol.md, "Server → browser").
function answeredRef(message) {
  switch (message[0]) {
    case 'r':
    case 'p':
      return message[3];
    case 'x':
      return message[2];
    default:
      return 0;
  }
}

// One WebSocket at /live?v=1. Every request gets a promise of its answer:
// { kind: 'r' | 'p' | 'x', reason, ms }, or { kind: 'closed' } when the
// socket went first.
class LiveSocket {
  constructor(port, localAddress) {
    this.port = port;
    this.localAddress = localAddress;
    this.nextRef = 1;
    this.pending = new Map();
    this.pushes = 0;
    this.closeCode = null;
    this.onClose = null;
    // Sees every message first: attackers count answers without a promise each.
    this.tap = null;
  }

  open() {
    return new Promise((resolve, reject) => {
      // No compression: the load generator's zlib would cost more than the server's.
      const ws = new WebSocket(`ws://127.0.0.1:${this.port}/live?v=1`, {
        localAddress: this.localAddress,
        perMessageDeflate: false,
        handshakeTimeout: 30000,
      });
      this.ws = ws;
      ws.on('open', () => resolve(this));
      ws.on('unexpected-response', (request, response) => {
        const error = new Error(`upgrade answered ${response.statusCode}`);
        error.status = response.statusCode;
        request.destroy();
        reject(error);
      });
      ws.on('error', reject);
      ws.on('message', (data) => this.message(data));
      ws.on('close', (code) => {
        this.closeCode = code;
        for (const waiter of this.pending.values()) waiter.resolve({ kind: 'closed', code });
        this.pending.clear();
        if (this.onClose) this.onClose(code);
      });
    });
  }

  message(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!Array.isArray(message)) return;
    if (this.tap) this.tap(message);
    const ref = answeredRef(message);
    const waiter = ref ? this.pending.get(ref) : undefined;
    if (waiter === undefined) {
      this.pushes++;
      return;
    }
    this.pending.delete(ref);
    waiter.resolve({ kind: message[0], reason: message[0] === 'x' ? String(message[3]) : undefined, ms: performance.now() - waiter.sent });
  }

  get isOpen() {
    return this.ws !== undefined && this.ws.readyState === WebSocket.OPEN;
  }

  request(frame, ref) {
    return new Promise((resolve) => {
      if (!this.isOpen) {
        resolve({ kind: 'closed', code: this.closeCode });
        return;
      }
      this.pending.set(ref, { resolve, sent: performance.now() });
      this.ws.send(JSON.stringify(frame));
    });
  }

  join(page, url) {
    const ref = this.nextRef++;
    return this.request(['j', ref, page.id, page.token, { _csrf_token: page.csrf, _url: url }], ref);
  }

  event(id, name, payload = {}) {
    const ref = this.nextRef++;
    return this.request(['e', ref, id, name, payload], ref);
  }

  leave(id) {
    if (this.isOpen) this.ws.send(JSON.stringify(['l', this.nextRef++, id]));
  }

  close() {
    if (this.ws !== undefined) this.ws.terminate();
  }
}

// A token bucket on our side: well-behaved clients stay under the server's
// per-address page rate, as a real user's browser does.
class Pacer {
  constructor(perSecond, burst) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
    this.at = performance.now();
    this.queue = Promise.resolve();
  }

  take() {
    const turn = this.queue.then(async () => {
      const now = performance.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
      this.at = now;
      if (this.tokens < 1) {
        const wait = ((1 - this.tokens) / this.perSecond) * 1000;
        await new Promise((resolve) => setTimeout(resolve, wait));
        this.tokens = 1;
        this.at = performance.now();
      }
      this.tokens -= 1;
    });
    this.queue = turn;
    return turn;
  }
}

module.exports = { fetchPage, LiveSocket, Pacer, answeredRef };
