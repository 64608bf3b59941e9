// What the wsload-driven benchmarks (scripts/bench/transport and
// scripts/bench/pubsub) share: building, pinning, CPU accounting, server
// processes, wsload runs, arithmetic and the machine facts of the write-up
// (lib/benchmarks-doc.js writes it into docs/benchmarks.md).
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..', '..');
const wsloadWrapper = path.join(root, 'scripts', 'bench', 'load', 'wsload');
const wsEcho = path.join(root, 'scripts', 'bench', 'peers', 'ws-echo.js');

function logger(name) {
  return (line) => process.stderr.write(`${name}: ${line}\n`);
}

// ---------------------------------------------------------------------------
// Builds

function ensureBuilt(log) {
  const echoServer = process.env.LIVETS_ECHO_SERVER || path.join(root, '.build', 'examples', 'echo-server');
  if (!process.env.LIVETS_ECHO_SERVER) {
    const lib = path.join(root, '.build', 'release', 'liblivetscore.so');
    if (!fs.existsSync(lib) || !fs.existsSync(echoServer)) {
      log('building (scripts/build)');
      const built = spawnSync(path.join(root, 'scripts', 'build'), { stdio: ['ignore', 2, 2] });
      if (built.status !== 0) throw new Error('scripts/build failed');
    }
  }
  if (!fs.existsSync(echoServer)) throw new Error(`no echo server at ${echoServer}`);
  // The wrapper rebuilds wsload when its sources changed.
  const probe = spawnSync(wsloadWrapper, ['--help'], { stdio: ['ignore', 'ignore', 2] });
  if (probe.status !== 0) throw new Error('wsload does not build or run');
  return echoServer;
}

// ---------------------------------------------------------------------------
// Pinning and CPU accounting

function pinning() {
  const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  if (os.cpus().length < 2 || !hasTaskset) {
    return { server: [], load: [], note: 'not pinned (needs taskset and two cores)' };
  }
  return {
    server: ['taskset', '-c', '0'],
    load: ['taskset', '-c', '1'],
    note: 'server pinned to core 0, load generator to core 1 (taskset)',
  };
}

// Busy and total jiffies of the whole machine, to tell how much of it other
// processes took while we measured.
function machineTicks() {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  return { busy: user + nice + system + irq + softirq + steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

// Our CPU plus that of every child we have reaped (servers, wsload).
function ownTicks() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  // fields 14..17 of stat(5): utime stime cutime cstime; f[0] is field 3.
  return f[11] + f[12] + f[13] + f[14];
}

// The share of the machine's CPU that processes other than ours used between two samples.
function otherLoad(machineStart, ownStart) {
  const machineEnd = machineTicks();
  const ownEnd = ownTicks();
  const total = machineEnd.total - machineStart.total;
  const share = total > 0 ? (100 * (machineEnd.busy - machineStart.busy - (ownEnd - ownStart))) / total : NaN;
  return share < 0 ? 0 : share;
}

// ---------------------------------------------------------------------------
// Processes

// Scheduler ticks per second (USER_HZ): what /proc/<pid>/stat counts in.
const TICKS_PER_SECOND = 100;

// User + system CPU seconds of process `pid` so far (/proc/<pid>/stat).
function processCpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  // fields 14 and 15 of stat(5), utime and stime; f[0] is field 3.
  return (f[11] + f[12]) / TICKS_PER_SECOND;
}

// Resident memory of process `pid` in bytes (VmRSS).
function processRssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]) * 1024;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// The command line of one echo server: LiveTS's C host, the uWebSockets
// peer (kind 'uws', lib/uws-peer.js builds it) or the ws baseline.
// The load generator opens up to 10,000 connections from 127.0.0.1, so
// the core's cap on connections per client address (256 by default, there
// for hostile clients, which ws has no equivalent of) is raised above it.
function echoCommand(kind, echoServer, port, extra) {
  if (kind === 'livets') return [echoServer, '--port', String(port), '--max-connections-per-ip', '20000', ...extra];
  if (kind === 'uws') return [require('./uws-peer').ensureUwsEcho(logger('uws')), '--port', String(port), ...extra];
  return [process.execPath, wsEcho, '--port', String(port), ...extra];
}

// Servers get the hard descriptor limit: 10,000 connections need more than
// the usual soft 1024. Every step execs, so the pid is the server's own.
// Ready when its stdout shows readyText.
async function startProcess(kind, command, pin, readyText = 'echo server on') {
  const child = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bash', ...pin, ...command], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') },
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start within 15 s`)), 15000);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      if (seen.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited (${signal || code}) before listening`));
    });
  });
  child.stdout.resume();
  return { kind, pid: child.pid, child, exited };
}

async function startServer(kind, echoServer, pin, extra = []) {
  const port = await freePort();
  const server = await startProcess(kind, echoCommand(kind, echoServer, port, extra), pin.server);
  return { ...server, port };
}

// Null when the server stopped as asked, else what went wrong.
async function stopServer(server, log) {
  const deadline = (ms) => new Promise((resolve) => setTimeout(() => resolve('timeout'), ms));
  server.child.kill('SIGTERM');
  if ((await Promise.race([server.exited, deadline(5000)])) === 'timeout') {
    log(`${server.kind} server ignored SIGTERM for 5 s; killing it`);
    server.child.kill('SIGKILL');
    await server.exited;
  }
  const { code, signal } = await server.exited;
  // A crash during the run is a finding, not noise: say so.
  if (signal && signal !== 'SIGTERM') return `exited on ${signal}`;
  if (code !== 0 && code !== null) return `exited with status ${code}`;
  return null;
}

function runWsload(pin, mode, options) {
  return new Promise((resolve) => {
    const command = [...pin.load, wsloadWrapper, mode, ...options, '--json', '--quiet'];
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    // wsload bounds itself (--timeout); this only guards against a wedged process.
    const guard = setTimeout(() => child.kill('SIGKILL'), 180000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      let result = null;
      try {
        result = JSON.parse(out);
      } catch {
        result = null;
      }
      resolve({ code, signal, result });
    });
  });
}

// What a wsload run says went wrong, as one line; empty when nothing did.
function wsloadTrouble(result) {
  if (result.outcome === 'ok') return '';
  const errors = Object.entries(result.errors || {}).map(([what, n]) => `${n} × ${what}`);
  return `${result.outcome}${errors.length ? `: ${errors.join('; ')}` : ''}`;
}

// ---------------------------------------------------------------------------
// Arithmetic

const median = (values) => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

// p by nearest rank: over fewer than 100 values, p99 is the largest.
const nearestRank = (values, p) => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)] : NaN;
};

const get = (object, ...keys) => keys.reduce((o, k) => (o == null ? undefined : o[k]), object);

function fmtNumber(value, digits = 0) {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function fmtRatio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}` : 'n/a';
}

// ---------------------------------------------------------------------------
// Environment facts for the write-up

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root });
  return r.status === 0 ? r.stdout.trim() : '';
}

function facts(pin) {
  const cpu = (os.cpus()[0] || {}).model || 'unknown CPU';
  let wsVersion = 'unknown';
  for (const candidate of ['ws/package.json', '/usr/share/nodejs/ws/package.json']) {
    try {
      wsVersion = require(candidate).version;
      break;
    } catch {
      // try the next location
    }
  }
  const commit = sh('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['status', '--porcelain', '--', 'Sources', 'include', 'examples/echo-server']) !== '';
  let core = commit ? `commit ${commit}${dirty ? ' with uncommitted core changes' : ''}` : 'unknown commit';
  // A binary from elsewhere says nothing about this checkout.
  if (process.env.LIVETS_ECHO_SERVER) core = process.env.LIVETS_CORE_COMMIT || `the build at ${process.env.LIVETS_ECHO_SERVER}`;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: `${cpu}, ${os.cpus().length} cores`,
    kernel: `Linux ${os.release()}`,
    node: process.version,
    ws: wsVersion,
    libuv: sh('pkg-config', ['--modversion', 'libuv']) || 'unknown',
    core,
    pinning: pin.note,
  };
}

module.exports = {
  processCpuSeconds,
  processRssBytes,
  root,
  logger,
  ensureBuilt,
  pinning,
  machineTicks,
  ownTicks,
  otherLoad,
  freePort,
  startProcess,
  startServer,
  stopServer,
  runWsload,
  wsloadTrouble,
  median,
  nearestRank,
  get,
  fmtNumber,
  fmtRatio,
  sh,
  facts,
};
