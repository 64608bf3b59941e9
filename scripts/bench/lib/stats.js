// Small helpers the soak and flood tools share: percentiles, formatting and
// the markdown of a table.
'use strict';

const { median, nearestRank, fmtNumber } = require('./harness');

// p50, p99 and max of latencies in ms; NaN for an empty list.
function summary(values) {
  // Not Math.max(...values): a long soak has more samples than the stack holds arguments.
  return { count: values.length, p50: median(values), p99: nearestRank(values, 0.99), max: values.length ? values.reduce((a, b) => (b > a ? b : a)) : NaN };
}

function ms(value) {
  return Number.isFinite(value) ? fmtNumber(value, value < 10 ? 2 : 1) : 'n/a';
}

function mib(bytes) {
  return Number.isFinite(bytes) ? `${fmtNumber(bytes / (1 << 20), 1)} MiB` : 'n/a';
}

// Counts as "name 12; other 3", largest first.
function counts(object) {
  const entries = Object.entries(object || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, n]) => `${k} ${fmtNumber(n)}`).join('; ') : 'none';
}

// What changed between two snapshots of counters (missing = 0).
function delta(before, after) {
  const out = {};
  for (const key of Object.keys(after || {})) out[key] = (after[key] || 0) - ((before || {})[key] || 0);
  return out;
}

function markdownTable(head, rows, align) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (align && align[i] === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

// How late a 100 ms timer fires, sampled over a run: a load generator whose
// timers run late is measuring itself, not the server.
function lagSampler() {
  const late = [];
  let expected = Date.now() + 100;
  const timer = setInterval(() => {
    const now = Date.now();
    late.push(Math.max(0, now - expected));
    expected = now + 100;
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return summary(late);
    },
  };
}

module.exports = { lagSampler, summary, ms, mib, counts, delta, markdownTable };
