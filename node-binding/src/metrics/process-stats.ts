// The process's own health for metrics and the dashboard: memory, and
// how late the event loop runs (a view's handler that blocks it delays
// every tab of every user on this process).

import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** Memory and event loop lag of this process. */
export interface ProcessStats {
  readonly residentBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  /** The loop's delay over the last window (about a second), in seconds. */
  readonly eventLoopLagSeconds: { readonly mean: number; readonly p99: number; readonly max: number };
}

/** How long one lag reading stands before the next window starts. */
const LAG_WINDOW_MS = 1000;

/** The monitor's timer period, which every reading includes and the lag does not. */
const RESOLUTION_MS = 10;

/** Samples the event loop's delay while started; reads memory on demand. */
export class ProcessProbe {
  private monitor: IntervalHistogram | null = null;
  private windowStart = 0;
  private lag = { mean: 0, p99: 0, max: 0 };

  start(): void {
    if (this.monitor !== null) return;
    this.monitor = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.monitor.enable();
    this.windowStart = Date.now();
  }

  stop(): void {
    this.monitor?.disable();
    this.monitor = null;
  }

  read(): ProcessStats {
    const memory = process.memoryUsage();
    return {
      residentBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      eventLoopLagSeconds: this.readLag(),
    };
  }

  /**
   * The window's lag, then a fresh window: readers more often than once a
   * window (a scrape and the dashboard) share the last full one.
   */
  private readLag(): ProcessStats["eventLoopLagSeconds"] {
    const monitor = this.monitor;
    if (monitor === null || Date.now() - this.windowStart < LAG_WINDOW_MS) return this.lag;
    // The monitor's figures are in nanoseconds; no sample yet reads as NaN.
    const seconds = (ns: number): number => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) / 1e3 : 0);
    if (Number.isFinite(monitor.mean) && monitor.max > 0) this.lag = { mean: seconds(monitor.mean), p99: seconds(monitor.percentile(99)), max: seconds(monitor.max) };
    monitor.reset();
    this.windowStart = Date.now();
    return this.lag;
  }
}
