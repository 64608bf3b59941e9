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

// hrtime is monotonic but has no epoch; one reading of both clocks at load
// gives spans wall-clock start times that still order correctly.
const EPOCH_OFFSET_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** The monotonic clock spans are measured with. */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

/** A monotonic reading as nanoseconds since the Unix epoch. */
export function epochNs(monotonic: bigint): bigint {
  return monotonic + EPOCH_OFFSET_NS;
}
