// The demo app (examples/app/dist/server.js) as the server under test: one
// process on a free port, its memory and CPU from /proc, the core's counters
// on demand (the demo prints them as one "stats {...}" line on SIGUSR2) and
// the refusals it logs.
'use strict';

const { spawn } = require('child_process');
const crypto = require('crypto');
const path = require('path');
const readline = require('readline');

const { root, freePort, processCpuSeconds, processRssBytes } = require('../lib/harness');

const SERVER_JS = path.join(root, 'examples', 'app', 'dist', 'server.js');
// A log line of the TS layer for a refusal the core reported.
const REFUSED_LINE = /\[livets\] refused \(([a-z_]+)\)(?:.*?\(([\d,]+) times in)?/;

// A tool that gives up (its time limit, an exception) must not leave a
// server behind.
const running = new Set();
process.on('exit', () => {
  for (const server of running) if (server.alive()) server.child.kill('SIGKILL');
});

class DemoServer {
  constructor(child, port) {
    this.child = child;
    this.pid = child.pid;
    this.port = port;
    this.refusedLines = {};
    this.tail = [];
    this.statsWaiters = [];
    this.exit = null;
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        running.delete(this);
        resolve((this.exit = { code, signal }));
      }),
    );
    running.add(this);
  }

  line(text) {
    if (text.startsWith('stats ')) {
      let parsed = null;
      try {
        parsed = JSON.parse(text.slice(6));
      } catch {
        parsed = null;
      }
      for (const waiter of this.statsWaiters.splice(0)) waiter(parsed);
      return;
    }
    const refused = REFUSED_LINE.exec(text);
    if (refused) this.refusedLines[refused[1]] = (this.refusedLines[refused[1]] || 0) + Number((refused[2] || '1').replace(/,/g, ''));
    // The last lines, for a report on a server that died or complained.
    this.tail.push(text);
    if (this.tail.length > 40) this.tail.shift();
  }

  alive() {
    return this.exit === null;
  }

  // The core's counters, or null when the server did not answer within 3 s.
  stats() {
    if (!this.alive()) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), 3000);
      this.statsWaiters.push((value) => {
        clearTimeout(timer);
        resolve(value);
      });
      this.child.kill('SIGUSR2');
    });
  }

  // Resident memory in bytes (VmRSS), NaN once the process is gone.
  rss() {
    try {
      return processRssBytes(this.pid);
    } catch {
      return NaN;
    }
  }

  // User + system CPU seconds so far.
  cpuSeconds() {
    try {
      return processCpuSeconds(this.pid);
    } catch {
      return NaN;
    }
  }

  // Null when the server stopped as asked, else what went wrong.
  async stop() {
    if (this.alive()) {
      this.child.kill('SIGTERM');
      const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 10000));
      if ((await Promise.race([this.exited, timeout])) === 'timeout') {
        this.child.kill('SIGKILL');
        await this.exited;
        return 'ignored SIGTERM for 10 s';
      }
    }
    const { code, signal } = await this.exited;
    if (signal && signal !== 'SIGTERM') return `exited on ${signal}`;
    if (code !== 0 && code !== null) return `exited with status ${code}`;
    return null;
  }
}

// Starts the demo with the hard descriptor limit (thousands of sockets need
// more than the usual 1024); bash execs node, so the pid is the server's.
async function startDemo({ env = {}, prefix = [] } = {}) {
  const port = await freePort();
  const child = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bash', ...prefix, process.execPath, SERVER_JS], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // A secret of its own, so the demo writes no .dev-secret file.
      LIVETS_SECRET: crypto.randomBytes(24).toString('base64url'),
      ...env,
      PORT: String(port),
    },
  });
  const server = new DemoServer(child, port);
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the demo did not start within 20 s')), 20000);
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (text) => {
        if (text.startsWith('listening on')) {
          clearTimeout(timer);
          resolve();
        }
        server.line(text);
      });
    }
    server.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${signal || code}) before listening: ${server.tail.join(' | ')}`));
    });
  });
  await ready;
  return server;
}

module.exports = { startDemo, SERVER_JS };
