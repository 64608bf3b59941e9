// Histograms with fixed buckets, as Prometheus has them: each bucket
// counts the observations at or below its upper bound (`le`), so a
// scraper can sum, rate and compute quantiles across processes.

/** Upper bounds for durations in seconds: 0.5 ms to 10 s. */
export const SECONDS_BUCKETS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** Upper bounds for sizes in bytes: 256 B to 4 MiB (the default largest live message). */
export const BYTES_BUCKETS: readonly number[] = Object.freeze([
  256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
]);

/** One labelled series of a histogram. */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations at or below each bound of `bounds`, cumulative; the +Inf bucket is `count`. */
  readonly buckets: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** One series of a histogram, kept by a recorder that observes it often (no label lookup per observation). */
export class HistogramCell {
  /** Per bucket, not cumulative: one increment per observation. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  observe(value: number): void {
    const { bounds } = this;
    let slot = 0;
    while (slot < bounds.length && value > bounds[slot]) slot++;
    if (slot < bounds.length) this.counts[slot]++;
    this.sum += value;
    this.count++;
  }
}

/** One series of a counter. */
export class CounterCell {
  value = 0;
  constructor(readonly labels: Readonly<Record<string, string>>) {}
}

/** A histogram family: one series per distinct set of label values. */
export class Histogram {
  private readonly cells = new Map<string, HistogramCell>();

  constructor(readonly bounds: readonly number[]) {
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) throw new TypeError("histogram bounds must increase");
    }
  }

  /** Records `value` in the series of `labels` (the same label names every call). */
  observe(labels: Readonly<Record<string, string>>, value: number): void {
    this.cell(labels).observe(value);
  }

  /** The series of `labels`, created empty if new. */
  cell(labels: Readonly<Record<string, string>>): HistogramCell {
    const key = seriesKey(labels);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = new HistogramCell({ ...labels }, this.bounds);
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** Every series, with cumulative buckets. */
  series(): HistogramSeries[] {
    return [...this.cells.values()].map((cell) => {
      let running = 0;
      const buckets = cell.counts.map((n) => (running += n));
      return { labels: cell.labels, buckets, sum: cell.sum, count: cell.count };
    });
  }
}

/** A counter family: one total per distinct set of label values. */
export class Counter {
  private readonly cells = new Map<string, CounterCell>();

  add(labels: Readonly<Record<string, string>>, by = 1): void {
    this.cell(labels).value += by;
  }

  /** The series of `labels`, created at 0 if new. */
  cell(labels: Readonly<Record<string, string>>): CounterCell {
    const key = seriesKey(labels);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = new CounterCell({ ...labels });
      this.cells.set(key, cell);
    }
    return cell;
  }

  series(): { labels: Readonly<Record<string, string>>; value: number }[] {
    return [...this.cells.values()].map(({ labels, value }) => ({ labels, value }));
  }

  /** The sum over every series. */
  total(): number {
    let n = 0;
    for (const cell of this.cells.values()) n += cell.value;
    return n;
  }
}

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}
