// Spans for OpenTelemetry-style tracing: LiveTS calls a function with
// each finished span (a join, an event, a render, a hand-off of HTML to
// the core's differ), and the application turns them into its tracer's
// spans (`tracer.startSpan(name, { startTime })` then `span.end(endTime)`).

/** What a span measured. */
export type SpanName = "join" | "event" | "render" | "diff";

/** One finished span. */
export interface Span {
  readonly name: SpanName;
  /** The view's class name. */
  readonly view: string;
  /** The event's name, for "event" spans. */
  readonly event?: string;
  /** When it started, in nanoseconds since the Unix epoch. */
  readonly startNs: bigint;
  readonly durationNs: bigint;
  /**
   * `route` (the view's route pattern) always; "join": `ok`; "event":
   * `ok`; "render": `cause` (what made it render); "diff": `bytes` (the
   * HTML handed to the core), `node` (the view or component's wire id).
   */
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

/** Called with each span, synchronously, on the thread of the work it measured: keep it quick. */
export type SpanListener = (span: Span) => void;

/** The `tracing` option of LiveTSServer. */
export interface TracingOptions {
  readonly onSpan?: SpanListener;
}

import { performance } from "node:perf_hooks";

// The monotonic clock is read as a plain number (nanoseconds since the
// process started, exact to well under a microsecond for months): a
// BigInt per reading would cost more than the work some spans measure.
// Spans turn readings into exact epoch nanoseconds only when someone
// listens.
const ORIGIN_EPOCH_NS = BigInt(Math.round(performance.timeOrigin * 1e3)) * 1000n;

/** The monotonic clock metrics and spans are measured with, in nanoseconds since the process started. */
export function nowNs(): number {
  return performance.now() * 1e6;
}

/** A `nowNs()` reading as nanoseconds since the Unix epoch. */
export function epochNs(monotonic: number): bigint {
  return ORIGIN_EPOCH_NS + BigInt(Math.round(monotonic));
}
