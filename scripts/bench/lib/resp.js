// A Redis client small enough to read at once, on Node's net module alone:
// commands as RESP arrays of bulk strings, replies parsed as they stream in.
// Enough for the benchmarks' PUBLISH, PSUBSCRIBE and PUBSUB NUMPAT; no
// reconnects, no pipelining limits, no RESP3.
'use strict';

const net = require('net');

const CRLF = Buffer.from('\r\n');

// One RESP value from buf at offset: [value, next offset], or null while it
// is incomplete. Bulk strings stay Buffers; errors become Error objects.
function parse(buf, offset) {
  const end = buf.indexOf(CRLF, offset);
  if (end === -1) return null;
  const type = buf[offset];
  const line = buf.toString('latin1', offset + 1, end);
  const next = end + 2;
  switch (type) {
    case 0x2b: // + simple string
      return [line, next];
    case 0x2d: // - error
      return [new Error(line), next];
    case 0x3a: // : integer
      return [Number(line), next];
    case 0x24: {
      // $ bulk string
      const length = Number(line);
      if (length < 0) return [null, next];
      if (buf.length < next + length + 2) return null;
      return [buf.subarray(next, next + length), next + length + 2];
    }
    case 0x2a: {
      // * array
      const count = Number(line);
      if (count < 0) return [null, next];
      const items = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, at);
        if (item === null) return null;
        items.push(item[0]);
        at = item[1];
      }
      return [items, at];
    }
    default:
      throw new Error(`resp: unexpected reply type ${JSON.stringify(String.fromCharCode(type))}`);
  }
}

function encode(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

// A connection. command() resolves with the reply; once subscribed, pushed
// messages ("message"/"pmessage" arrays) go to onPush instead.
class RespClient {
  constructor(socket) {
    this.socket = socket;
    this.pending = [];
    this.buffer = Buffer.alloc(0);
    this.onPush = null;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('resp: connection closed')));
  }

  static connect(port, host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host);
      socket.once('connect', () => resolve(new RespClient(socket)));
      socket.once('error', reject);
    });
  }

  command(...args) {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket.write(encode(args));
    });
  }

  // Fire and forget: the reply is read and dropped in order.
  send(...args) {
    this.pending.push(null);
    this.socket.write(encode(args));
  }

  receive(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      const item = offset < this.buffer.length ? parse(this.buffer, offset) : null;
      if (item === null) break;
      offset = item[1];
      this.dispatch(item[0]);
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
  }

  dispatch(value) {
    const kind = Array.isArray(value) && Buffer.isBuffer(value[0]) ? value[0].toString() : null;
    if ((kind === 'message' || kind === 'pmessage') && this.onPush) {
      this.onPush(value);
      return;
    }
    const waiter = this.pending.shift();
    if (!waiter) return;
    if (value instanceof Error) waiter.reject(value);
    else waiter.resolve(value);
  }

  fail(error) {
    for (const waiter of this.pending.splice(0)) if (waiter) waiter.reject(error);
  }

  close() {
    this.socket.destroy();
  }
}

// "redis://host:port[/db]" → { host, port }; the db does not matter to pub/sub.
function parseRedisUrl(url) {
  const match = /^redis:\/\/([^:/]+)(?::(\d+))?(?:\/\d*)?$/.exec(url);
  if (!match) throw new Error(`not a redis://host:port URL: ${url}`);
  return { host: match[1], port: match[2] ? Number(match[2]) : 6379 };
}

module.exports = { RespClient, parseRedisUrl, parse, encode };
