// Hostile clients, one kind per function, each from its own loopback
// address, each starting over when the server closes it, as a determined
// attacker would. They count what they sent and what came back; what
// matters is that well-behaved users (measured elsewhere) do not notice.
//
// Run as a child process (so its CPU is not the measuring process's):
//   node attackers.js '{"port":N,"attacks":[{"kind":"flood","address":"127.66.0.1"}]}'
// with an IPC channel; the message "stop" ends every attack and the child
// answers with { report: [{ kind, address, counts }] } and exits.
'use strict';

const crypto = require('crypto');
const net = require('net');

const { fetchPage, LiveSocket } = require('./live-client');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Above it a sender waits for its socket to drain: "as fast as it can" is as
// fast as the server reads, without the attacker's own memory growing.
const BUFFERED_LIMIT = 1 << 20;
const MAX_SAFE_PLUS_TWO = '9007199254740993';

class Attack {
  constructor(kind, address, port, options) {
    this.kind = kind;
    this.address = address;
    this.port = port;
    this.options = options;
    this.counts = {};
    this.stopped = false;
    this.closers = new Set();
  }

  count(what, n = 1) {
    this.counts[what] = (this.counts[what] || 0) + n;
  }

  // Counts every server message by kind, and refusals by reason.
  tapAnswers(socket) {
    socket.tap = (message) => this.count(message[0] === 'x' ? `x ${message[3]}` : message[0]);
    socket.onClose = (code) => {
      if (!this.stopped) this.count(`closed ${code}`);
    };
  }

  track(closer) {
    this.closers.add(closer);
    return () => this.closers.delete(closer);
  }

  stop() {
    this.stopped = true;
    for (const close of this.closers) close();
  }

  // A page, a socket and a joined view, or null (counted) when any step was refused.
  async view(pagePath) {
    let page;
    try {
      page = await fetchPage(this.port, pagePath, this.address);
    } catch (error) {
      this.count(`page ${error.code || error.message}`);
      return null;
    }
    if (page.status !== 200 || !page.id) {
      this.count(`page ${page.status}`);
      return null;
    }
    const socket = new LiveSocket(this.port, this.address);
    try {
      await socket.open();
    } catch (error) {
      this.count(`upgrade ${error.status || error.code || error.message}`);
      return null;
    }
    const answer = await socket.join(page, pagePath);
    if (answer.kind !== 'r') {
      this.count(`join ${answer.kind}${answer.reason ? ` ${answer.reason}` : ''}`);
      socket.close();
      return null;
    }
    return { socket, page };
  }

  // Sends frames while the socket is open, pausing only while its buffer is full.
  async pump(socket, frame) {
    const untrack = this.track(() => socket.close());
    while (!this.stopped && socket.isOpen) {
      if (socket.ws.bufferedAmount >= BUFFERED_LIMIT) {
        await sleep(2);
        continue;
      }
      for (let i = 0; i < 64 && socket.isOpen; i++) {
        socket.ws.send(frame());
        this.count('frames written');
      }
      await new Promise(setImmediate);
    }
    untrack();
    socket.close();
  }

  // Runs `once` until stopped, with a pause between rounds so a refused
  // attacker does not spin.
  async again(once, pauseMs) {
    while (!this.stopped) {
      await once();
      if (!this.stopped) await sleep(pauseMs);
    }
  }
}

// Events as fast as the socket takes them, on one view. The event is
// `options.event` ("inc", a declared event, by default).
async function flood(a) {
  const name = a.options.event || 'inc';
  await a.again(async () => {
    const v = await a.view('/counter');
    if (v === null) return;
    a.count('sessions');
    a.tapAnswers(v.socket);
    await a.pump(v.socket, () => JSON.stringify(['e', v.socket.nextRef++, v.page.id, name, {}]));
  }, 200);
}

// ref 0 (not a valid ref) with a 900 KB payload, in a loop.
async function bigRefZero(a) {
  const pad = 'a'.repeat(900 * 1024);
  await a.again(async () => {
    const v = await a.view('/counter');
    if (v === null) return;
    a.count('sessions');
    a.tapAnswers(v.socket);
    const frame = JSON.stringify(['e', 0, v.page.id, '$clear-flash', { pad }]);
    await a.pump(v.socket, () => frame);
  }, 200);
}

// A ref above 2^53 - 1, which a JavaScript Number cannot hold exactly.
async function hugeRef(a) {
  await a.again(async () => {
    const v = await a.view('/counter');
    if (v === null) return;
    a.count('sessions');
    a.tapAnswers(v.socket);
    const untrack = a.track(() => v.socket.close());
    const frame = `["e",${MAX_SAFE_PLUS_TWO},${JSON.stringify(v.page.id)},"inc",{}]`;
    while (!a.stopped && v.socket.isOpen) {
      v.socket.ws.send(frame);
      a.count('frames written');
      await sleep(20);
    }
    untrack();
  }, 500);
}

// Hundreds of /chat views on one socket: tokens from as many page loads as
// the server gives in 15 s, then joins as fast as they are answered, never
// leaving, and every 30 s a leave of all of them and a fresh start.
async function manyJoins(a) {
  const wanted = a.options.views || 300;
  const pages = [];
  const started = Date.now();
  while (!a.stopped && pages.length < wanted && Date.now() - started < 15000) {
    const batch = await Promise.all(
      Array.from({ length: 8 }, () => fetchPage(a.port, '/chat', a.address).catch((error) => ({ status: error.code || 'error' }))),
    );
    for (const page of batch) {
      a.count(`page ${page.status}`);
      if (page.status === 200 && page.id) pages.push(page);
      else await sleep(5);
    }
  }
  await a.again(async () => {
    const socket = new LiveSocket(a.port, a.address);
    try {
      await socket.open();
    } catch (error) {
      a.count(`upgrade ${error.status || error.code || error.message}`);
      return;
    }
    a.count('sessions');
    socket.onClose = (code) => {
      if (!a.stopped) a.count(`closed ${code}`);
    };
    const untrack = a.track(() => socket.close());
    const joined = new Set();
    const cycle = Date.now();
    while (!a.stopped && socket.isOpen && Date.now() - cycle < 30000) {
      const waiting = pages.filter((p) => !joined.has(p.id));
      if (waiting.length === 0) break;
      const answers = await Promise.all(waiting.map((page) => socket.join(page, '/chat').then((answer) => ({ page, answer }))));
      for (const { page, answer } of answers) {
        a.count(answer.kind === 'x' ? `join x ${answer.reason}` : `join ${answer.kind}`);
        if (answer.kind === 'r') joined.add(page.id);
      }
    }
    while (!a.stopped && socket.isOpen && Date.now() - cycle < 30000) await sleep(100);
    for (const id of joined) socket.leave(id);
    a.count('leaves', joined.size);
    untrack();
    socket.close();
  }, 100);
}

// A WebSocket upgrade by hand: the socket after a 101, else null (counted).
function rawUpgrade(a) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: a.port, localAddress: a.address });
    let head = Buffer.alloc(0);
    const fail = (what) => {
      a.count(what);
      socket.destroy();
      resolve(null);
    };
    socket.on('error', (error) => fail(`upgrade ${error.code || error.message}`));
    socket.on('connect', () => {
      socket.write(
        `GET /live?v=1 HTTP/1.1\r\nHost: 127.0.0.1:${a.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.removeListener('data', onData);
      socket.removeAllListeners('error');
      const status = head.toString('latin1', 9, 12);
      if (status !== '101') return fail(`upgrade ${status}`);
      resolve({ socket, rest: head.subarray(end + 4) });
    };
    socket.on('data', onData);
  });
}

// The close code in a close frame from the server (unmasked), if `bytes` starts with one.
function closeCode(bytes) {
  for (let i = 0; i + 4 <= bytes.length; ) {
    const opcode = bytes[i] & 0x0f;
    let len = bytes[i + 1] & 0x7f;
    let at = i + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    if (opcode === 8) return len >= 2 && at + 2 <= bytes.length ? bytes.readUInt16BE(at) : 1005;
    i = at + len;
  }
  return null;
}

// Each of `options.sockets` connections holds one text frame of 1 MiB - 1
// declared bytes, all sent but the last 64, then one byte every 5 s.
async function slowPartial(a) {
  const declared = (1 << 20) - 1;
  const held = 64;
  // Mask key 0: the payload goes as it is (a masked frame all the same).
  const header = Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  header.writeUInt32BE(declared, 6);
  const body = Buffer.alloc(declared - held, 'a');
  const one = async () => {
    const up = await rawUpgrade(a);
    if (up === null) return;
    a.count('sessions');
    const { socket } = up;
    let incoming = up.rest;
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => {});
    socket.on('data', (chunk) => (incoming = Buffer.concat([incoming, chunk])));
    const untrack = a.track(() => socket.destroy());
    socket.write(Buffer.concat([header, body]));
    let left = held;
    const trickle = setInterval(() => {
      if (left > 1 && !socket.destroyed) {
        socket.write('a');
        left--;
      }
    }, 5000);
    const started = Date.now();
    await closed;
    clearInterval(trickle);
    untrack();
    if (!a.stopped) {
      const code = closeCode(incoming);
      a.count(code === null ? 'closed without a close frame' : `closed ${code}`);
      a.count('seconds held', Math.round((Date.now() - started) / 1000));
    }
  };
  const sockets = a.options.sockets || 80;
  await Promise.all(Array.from({ length: sockets }, () => a.again(one, 1000)));
}

// Plain TCP connections that never send a byte, `options.sockets` of them
// at once, each reopened a second after the server lets it go.
async function idleHoard(a) {
  let open = 0;
  const one = () =>
    new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: a.port, localAddress: a.address });
      let first = '';
      let connected = false;
      const untrack = a.track(() => socket.destroy());
      socket.on('connect', () => {
        connected = true;
        open++;
        a.count('connections opened');
        a.counts['most open at once'] = Math.max(a.counts['most open at once'] || 0, open);
      });
      socket.on('data', (chunk) => {
        if (first === '') first = chunk.toString('latin1', 0, 12);
      });
      socket.on('error', (error) => {
        if (!connected) a.count(`connect ${error.code || error.message}`);
      });
      socket.on('close', () => {
        untrack();
        if (connected) open--;
        if (connected && !a.stopped) a.count(first ? `answered ${first.slice(9, 12)} and closed` : 'closed silently');
        resolve();
      });
    });
  const sockets = a.options.sockets || 300;
  await Promise.all(Array.from({ length: sockets }, () => a.again(one, 1000)));
}

const KINDS = {
  flood,
  'big-ref-zero': bigRefZero,
  'huge-ref': hugeRef,
  'many-joins': manyJoins,
  'slow-partial': slowPartial,
  'idle-hoard': idleHoard,
};

function main() {
  const config = JSON.parse(process.argv[2]);
  const attacks = config.attacks.map((spec) => new Attack(spec.kind, spec.address, config.port, spec.options || {}));
  const done = attacks.map((a) =>
    KINDS[a.kind](a).catch((error) => {
      a.count(`crashed: ${error.message}`);
    }),
  );
  const finish = async () => {
    for (const a of attacks) a.stop();
    await Promise.race([Promise.all(done), sleep(3000)]);
    const report = attacks.map((a) => ({ kind: a.kind, address: a.address, counts: a.counts }));
    process.send({ report }, () => process.exit(0));
  };
  process.on('message', (message) => {
    if (message === 'stop') finish();
  });
  // An orphan would attack forever.
  process.on('disconnect', () => process.exit(0));
}

// The parent's side: starts the child (at `nice`, when given: an attacker is
// someone else's machine, so its CPU should not be taken from the server
// being measured) and returns stop(), which resolves to the report.
function spawnAttackers(port, attacks, { nice = 0 } = {}) {
  const { spawn } = require('child_process');
  const command = [process.execPath, __filename, JSON.stringify({ port, attacks })];
  const argv = nice ? ['nice', '-n', String(nice), ...command] : command;
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const report = new Promise((resolve) => {
    child.on('message', (message) => {
      if (message && message.report) resolve(message.report);
    });
    child.on('exit', () => resolve(null));
  });
  return {
    pid: child.pid,
    // User + system CPU seconds so far.
    cpuSeconds() {
      try {
        const stat = require('fs').readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
        return (f[11] + f[12]) / 100;
      } catch {
        return NaN;
      }
    },
    async stop() {
      if (child.connected) child.send('stop');
      const result = await Promise.race([report, sleep(10000).then(() => null)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      return result;
    },
  };
}

if (require.main === module) main();

module.exports = { KINDS, spawnAttackers };
