// The soak: many well-behaved users on the demo for a while, optionally with
// attackers, and whether the users noticed. Run through scripts/soak.
//
// Users come from many loopback addresses (40 views each), as real users
// do, so per-address limits see them as different people. Each view sends
// an event every few seconds (spread out), and every event must be
// answered. With --attackers the first part of the run is quiet and the
// rest under attack (scripts/bench/load/attackers.js, each kind from its
// own address), so both phases are measured against the same server.
'use strict';

const { facts, pinning, fmtNumber, sh } = require('./bench/lib/harness');
const { updateDocs } = require('./bench/lib/benchmarks-doc');
const { startDemo } = require('./bench/peers/demo-server');
const { fetchPage, LiveSocket, Pacer } = require('./bench/load/live-client');
const { spawnAttackers } = require('./bench/load/attackers');
const { lagSampler, summary, ms, mib, counts, delta, markdownTable } = require('./bench/lib/stats');

const USAGE = `usage: scripts/soak VIEWS SECONDS [--attackers] [--write] [--quiet-seconds S] [--interval S]
  VIEWS          well-behaved views (one WebSocket each)
  SECONDS        how long they run once all are open
  --attackers    attack after a quiet first part (default: a fifth of SECONDS, at least 10 s)
  --write        write its section of docs/benchmarks.md ("Reliability", or "Reliability under attack" with --attackers)
  --interval S   seconds between one view's events (default 5)
  --no-nice      run the attackers at normal priority`;

const VIEWS_PER_ADDRESS = 40;
const CHAT_EVERY = 50; // one view in 50 is on /chat, where presence churns
const OPENING_AT_ONCE = 64;
const DRAIN_MS = 10000;

function parse(argv) {
  const o = { attackers: false, write: false, interval: 5, quiet: null, nice: 10 };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--attackers') o.attackers = true;
    else if (a === '--write') o.write = true;
    else if (a === '--no-nice') o.nice = 0;
    else if (a === '--interval' && Number(argv[i + 1]) > 0) o.interval = Number(argv[++i]);
    else if (a === '--quiet-seconds' && Number(argv[i + 1]) >= 0) o.quiet = Number(argv[++i]);
    else if (/^[1-9]\d*$/.test(a)) positional.push(Number(a));
    else return null;
  }
  if (positional.length !== 2) return null;
  [o.views, o.seconds] = positional;
  if (o.quiet === null) o.quiet = o.attackers ? Math.min(o.seconds, Math.max(10, Math.round(o.seconds / 5))) : o.seconds;
  if (!o.attackers) o.quiet = o.seconds;
  return o;
}

const log = (line) => process.stderr.write(`soak: ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Well-behaved addresses 127.1.0.1 up; attackers use 127.66.0.x.
function userAddress(group) {
  return `127.1.${Math.floor(group / 254)}.${(group % 254) + 1}`;
}

const ATTACKS = [
  { kind: 'flood', label: 'event flood, one socket, as fast as it takes them' },
  { kind: 'big-ref-zero', label: 'ref 0 with a 900 KB payload, in a loop' },
  { kind: 'many-joins', label: 'hundreds of /chat views joined on one socket', options: { views: 300 } },
  { kind: 'slow-partial', label: '80 sockets each holding a 1 MiB − 1 partial frame, a byte every 5 s', options: { sockets: 80 } },
  { kind: 'idle-hoard', label: '300 TCP connections that never send a byte', options: { sockets: 300 } },
  { kind: 'huge-ref', label: 'events with ref 2^53 + 1, 50 a second' },
].map((attack, i) => ({ ...attack, address: `127.66.0.${i + 1}` }));

// One user's view: page, socket, join, then an event every interval.
class User {
  constructor(run, index) {
    this.run = run;
    this.path = index % CHAT_EVERY === CHAT_EVERY - 1 ? '/chat' : '/counter';
    this.group = Math.floor(index / VIEWS_PER_ADDRESS);
    this.address = userAddress(this.group);
  }

  async open() {
    const { run } = this;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) run.count('retries while opening');
      await run.pacers[this.group].take();
      let page;
      try {
        page = await fetchPage(run.port, this.path, this.address);
      } catch (error) {
        run.count(`page ${error.code || error.message}`);
        await sleep(1000);
        continue;
      }
      if (page.status !== 200 || !page.id) {
        run.count(`page ${page.status}`);
        await sleep(1000 * (Number(page.retryAfter) || 1));
        continue;
      }
      const socket = new LiveSocket(run.port, this.address);
      try {
        await socket.open();
      } catch (error) {
        run.count(`upgrade ${error.status || error.code || error.message}`);
        await sleep(1000);
        continue;
      }
      const answer = await socket.join(page, this.path);
      if (answer.kind !== 'r') {
        run.count(`join ${answer.kind} ${answer.reason || ''}`.trim());
        socket.close();
        await sleep(1000);
        continue;
      }
      run.joinMs.push(answer.ms);
      this.socket = socket;
      this.id = page.id;
      socket.onClose = (code) => {
        if (!run.closing) run.count(`closed ${code} during the run`);
      };
      return true;
    }
    return false;
  }

  start() {
    const first = Math.random() * this.run.interval * 1000;
    this.timer = setTimeout(() => this.tick(), first);
  }

  stop() {
    clearTimeout(this.timer);
  }

  tick() {
    const { run } = this;
    if (run.stopping || !this.socket.isOpen) return;
    const phase = run.phase;
    const p = run.phases[phase];
    p.sent++;
    const answer =
      this.path === '/chat'
        ? this.socket.event(this.id, '$model', { field: 'draft', value: `draft ${p.sent}` })
        : this.socket.event(this.id, 'inc');
    run.outstanding++;
    answer.then((a) => {
      run.outstanding--;
      if (a.kind === 'p') {
        p.answered++;
        p.latency.push(a.ms);
      } else if (a.kind === 'x') {
        p.refused[a.reason] = (p.refused[a.reason] || 0) + 1;
      } else {
        p.lost++;
      }
    });
    // ±20%, so the views do not fall into step.
    this.timer = setTimeout(() => this.tick(), run.interval * 1000 * (0.8 + 0.4 * Math.random()));
  }
}

function phase() {
  return { sent: 0, answered: 0, lost: 0, refused: {}, latency: [], seconds: 0 };
}

// A new user from an address nobody used, after everything else: can the
// server still take someone in?
async function probe(port) {
  try {
    const page = await fetchPage(port, '/counter', '127.2.0.1');
    if (page.status !== 200) return `page ${page.status}`;
    const socket = new LiveSocket(port, '127.2.0.1');
    await socket.open();
    const joined = await socket.join(page, '/counter');
    if (joined.kind !== 'r') return `join ${joined.kind} ${joined.reason || ''}`;
    const answer = await socket.event(page.id, 'inc');
    socket.close();
    return answer.kind === 'p' ? null : `event ${answer.kind} ${answer.reason || ''}`;
  } catch (error) {
    return error.message;
  }
}

async function soak(o) {
  const run = {
    interval: o.interval,
    phases: { quiet: phase(), attack: phase() },
    phase: 'quiet',
    problems: {},
    joinMs: [],
    outstanding: 0,
    stopping: false,
    closing: false,
    count(what) {
      this.problems[what] = (this.problems[what] || 0) + 1;
    },
  };
  const started = Date.now();
  const server = await startDemo();
  run.port = server.port;
  log(`demo on port ${server.port} (pid ${server.pid})`);
  const memory = { start: server.rss() };
  const statsStart = await server.stats();

  const users = Array.from({ length: o.views }, (_, i) => new User(run, i));
  run.pacers = Array.from({ length: Math.ceil(o.views / VIEWS_PER_ADDRESS) }, () => new Pacer(10, 20));
  const rampStart = Date.now();
  let next = 0;
  let opened = 0;
  await Promise.all(
    Array.from({ length: OPENING_AT_ONCE }, async () => {
      while (next < users.length) {
        const user = users[next++];
        if (await user.open()) opened++;
        if (opened % 1000 === 0 && opened > 0) log(`${opened} views open`);
      }
    }),
  );
  const rampSeconds = (Date.now() - rampStart) / 1000;
  const live = users.filter((u) => u.socket);
  log(`${live.length} of ${o.views} views open in ${rampSeconds.toFixed(1)} s`);
  memory.open = server.rss();

  const lag = lagSampler();
  const cpuStart = process.cpuUsage();
  const serverCpuStart = server.cpuSeconds();
  const runStart = Date.now();
  memory.peak = memory.open;
  const sampler = setInterval(() => {
    memory.peak = Math.max(memory.peak, server.rss() || 0);
  }, 1000);
  for (const user of live) user.start();

  let attackers = null;
  await sleep(o.quiet * 1000);
  run.phases.quiet.seconds = o.quiet;
  if (o.attackers && server.alive()) {
    log(`attackers on (${ATTACKS.map((a) => a.kind).join(', ')})`);
    run.phase = 'attack';
    attackers = spawnAttackers(server.port, ATTACKS.map(({ kind, address, options }) => ({ kind, address, options })), { nice: o.nice });
    await sleep((o.seconds - o.quiet) * 1000);
    run.phases.attack.seconds = o.seconds - o.quiet;
  }

  run.stopping = true;
  for (const user of live) user.stop();
  const drainUntil = Date.now() + DRAIN_MS;
  while (run.outstanding > 0 && Date.now() < drainUntil) await sleep(50);
  const attackerCpu = attackers ? attackers.cpuSeconds() : NaN;
  const attackReport = attackers ? await attackers.stop() : null;
  clearInterval(sampler);
  const late = lag.stop();
  const wall = (Date.now() - runStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const serverCpu = server.cpuSeconds() - serverCpuStart;
  memory.end = server.rss();
  const statsEnd = await server.stats();
  const probed = server.alive() ? await probe(server.port) : 'the server is gone';
  const upAtEnd = server.alive();

  run.closing = true;
  for (const user of live) user.socket.close();
  await sleep(3000);
  memory.closed = server.rss();
  const trouble = await server.stop();

  return {
    o,
    run,
    opened: live.length,
    rampSeconds,
    memory,
    upAtEnd,
    probed,
    trouble,
    tail: server.tail,
    refusals: statsEnd && statsStart ? delta(statsStart.refusals, statsEnd.refusals) : null,
    refusedLines: server.refusedLines,
    statsEnd,
    attackReport,
    generator: { lagP99: late.p99, lagMax: late.max, cpuShare: (cpu.user + cpu.system) / 1e6 / wall },
    serverCpuShare: serverCpu / wall,
    attackerCpuShare: attackerCpu / Math.max(1, o.seconds - o.quiet),
    elapsed: (Date.now() - started) / 1000,
  };
}

// ---------------------------------------------------------------------------
// Report

function phaseColumns(r) {
  return r.o.attackers ? ['quiet', 'attack'] : ['quiet'];
}

function userRows(r) {
  const cols = phaseColumns(r);
  const s = Object.fromEntries(cols.map((c) => [c, summary(r.run.phases[c].latency)]));
  const row = (name, f) => [name, ...cols.map((c) => f(r.run.phases[c], s[c]))];
  return [
    row('Seconds', (p) => fmtNumber(p.seconds)),
    row('Events sent', (p) => fmtNumber(p.sent)),
    row('Events answered with a patch', (p) => fmtNumber(p.answered)),
    row('Events refused (by reason)', (p) => counts(p.refused)),
    row('Events never answered', (p) => fmtNumber(p.sent - p.answered - Object.values(p.refused).reduce((a, b) => a + b, 0))),
    row('Latency p50 (ms)', (p, x) => ms(x.p50)),
    row('Latency p99 (ms)', (p, x) => ms(x.p99)),
    row('Latency max (ms)', (p, x) => ms(x.max)),
  ];
}

function serverRows(r) {
  const m = r.memory;
  return [
    ['Views open (of asked)', `${fmtNumber(r.opened)} of ${fmtNumber(r.o.views)} in ${fmtNumber(r.rampSeconds, 1)} s`],
    ['Join latency p50 / p99 (ms), while opening', `${ms(summary(r.run.joinMs).p50)} / ${ms(summary(r.run.joinMs).p99)}`],
    ['Server RSS: started, views open, peak, end, clients gone', [m.start, m.open, m.peak, m.end, m.closed].map(mib).join(', ')],
    ['Server CPU (share of one core)', `${fmtNumber(100 * r.serverCpuShare)}%`],
    ['Server up at the end, and a new user served', `${r.upAtEnd ? 'yes' : 'no'}, ${r.probed === null ? 'yes' : `no (${r.probed})`}`],
    ['Refusals by cause (server counters)', r.refusals ? counts(r.refusals) : 'n/a (no stats from the server)'],
    ['Refusals logged (lines, by cause)', counts(r.refusedLines)],
    ['Well-behaved problems (opening, closes)', counts(r.run.problems)],
    [
      'Load generator: timers late p99 / max (ms), CPU',
      `${ms(r.generator.lagP99)} / ${ms(r.generator.lagMax)}, ${fmtNumber(100 * r.generator.cpuShare)}% of a core`,
    ],
  ];
}

function attackRows(r) {
  if (!r.attackReport) return [];
  return r.attackReport.map((a) => {
    const label = (ATTACKS.find((x) => x.kind === a.kind) || {}).label || a.kind;
    return [`\`${a.kind}\` (${a.address}): ${label}`, counts(a.counts)];
  });
}

function verdict(r) {
  const q = r.run.phases.quiet;
  const a = r.run.phases.attack;
  const unanswered = (p) => p.sent - p.answered;
  const ok = r.upAtEnd && r.probed === null && r.trouble === null && unanswered(q) === 0 && unanswered(a) === 0 && r.opened === r.o.views;
  return ok;
}

function text(r, env) {
  const cols = phaseColumns(r);
  const head = ['Well-behaved users', ...cols.map((c) => (c === 'quiet' ? (r.o.attackers ? 'before the attack' : 'whole run') : 'under attack'))];
  const lines = [
    markdownTable(head, userRows(r), head.map((_, i) => (i ? 'r' : 'l'))),
    '',
    markdownTable(['Server', ''], serverRows(r)),
  ];
  if (r.attackReport) {
    lines.push('', markdownTable(['Attacker', 'what it sent and what came back'], attackRows(r)));
    lines.push('', `The attackers' process used ${fmtNumber(100 * r.attackerCpuShare)}% of a core while they ran.`);
  }
  else if (r.o.attackers) lines.push('', 'The attackers sent no report (their process died or hung).');
  lines.push('', `Every event answered, server up, a new user served: ${verdict(r) ? 'yes' : 'NO'}.`);
  if (r.trouble) lines.push('', `The server ${r.trouble}. Its last lines: ${r.tail.slice(-5).join(' | ')}`);
  return lines.join('\n');
}

// Two sections side by side, so the quiet run and the attacked run can be
// rerun apart without one erasing the other.
function sectionHeading(o) {
  return o.attackers ? 'Reliability under attack' : 'Reliability';
}

function section(r, env) {
  const o = r.o;
  return [
    `## ${sectionHeading(o)}`,
    '',
    `Measured by \`scripts/soak ${o.views} ${o.seconds}${o.attackers ? ' --attackers' : ''}\` on ${env.date}: the demo ` +
      `(\`examples/app\`, ${env.core}) with its default limits, ${fmtNumber(o.views)} well-behaved views from ` +
      `${fmtNumber(Math.ceil(o.views / VIEWS_PER_ADDRESS))} loopback addresses (${VIEWS_PER_ADDRESS} each; one view in ` +
      `${CHAT_EVERY} on /chat, the rest on /counter), each sending an event every ${o.interval} s ±20% ` +
      '(`inc`, or a `$model` change of the chat draft), one WebSocket per view, compression off. ' +
      (o.attackers
        ? `The first ${o.quiet} s are quiet; then the attackers below start, each from an address of its own, ` +
          `each starting over whenever the server closes it${o.nice ? `, at nice ${o.nice} (an attacker's CPU is another machine's)` : ''}. `
        : '') +
      `${env.cpu}, ${env.kernel}, Node ${env.node}; server and load generator not pinned.`,
    '',
    text(r, env),
    '',
    '- Latency: from sending an event to its patch, per event, all views pooled, percentiles by nearest rank.',
    '- Refusals by cause: the change in the core\'s counters (`server.stats().refusals`, printed by the demo on SIGUSR2) ' +
      'over the whole run, so well-behaved and hostile clients together.',
    '- RSS: VmRSS of the server process from /proc; "clients gone" is 3 s after every socket was closed.',
    `- Whole run ${fmtNumber(r.elapsed)} s.`,
    '',
  ].join('\n');
}

async function main() {
  const o = parse(process.argv.slice(2));
  if (o === null) {
    console.error(USAGE);
    process.exit(2);
  }
  // Bounded whatever happens: opening, the run, draining and shutdown.
  const limit = 120 + o.views / 20 + o.seconds + 60;
  setTimeout(() => {
    console.error(`soak: did not finish within ${Math.round(limit)} s; giving up`);
    process.exit(3);
  }, limit * 1000).unref();
  const r = await soak(o);
  const env = facts(pinning());
  env.core = `commit ${sh('git', ['rev-parse', '--short', 'HEAD'])}${sh('git', ['status', '--porcelain', '--', 'Sources', 'include', 'node-binding/src', 'node-binding/native']) ? ' with uncommitted changes' : ''}`;
  console.log(text(r, env));
  if (o.write) {
    updateDocs(sectionHeading(o), section(r, env), o.attackers ? 'Reliability' : null);
    console.log(`\nwritten to docs/benchmarks.md, section "${sectionHeading(o)}"`);
  }
  process.exit(verdict(r) ? 0 : 1);
}

main().catch((error) => {
  console.error(`soak: ${error.stack || error.message}`);
  process.exit(1);
});
