// What a server counts about its live views: joins, events, renders and
// the HTML they hand to the core, pub/sub traffic and refusals, kept in
// fixed-bucket histograms and counters; spans for tracing. Each view
// instance records through its own ViewProbe, so the call sites in the
// instance are one line each.

import type { Logger } from "../logger";
import { BYTES_BUCKETS, Counter, Histogram, SECONDS_BUCKETS, type CounterCell, type HistogramCell } from "./histogram";
import { epochNs, nowNs, type Span, type SpanListener, type SpanName } from "./tracing";

/** Label values from the view's code (class names, event names) are cut to this length. */
const MAX_LABEL_CHARS = 100;

/** A host-side refusal cause ("invalid token (expired)") as a label value: "invalid_token_expired". */
export function causeLabel(cause: string): string {
  return cause.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, MAX_LABEL_CHARS) || "unknown";
}

function label(text: string): string {
  return text.length > MAX_LABEL_CHARS ? text.slice(0, MAX_LABEL_CHARS) : text;
}

function seconds(durationNs: number): number {
  return durationNs / 1e9;
}

/** The counters and histograms of one server. */
export class Metrics {
  readonly joins = new Counter();
  readonly joinSeconds = new Histogram(SECONDS_BUCKETS);
  readonly events = new Counter();
  readonly eventSeconds = new Histogram(SECONDS_BUCKETS);
  readonly renderSeconds = new Histogram(SECONDS_BUCKETS);
  readonly handOffSeconds = new Histogram(SECONDS_BUCKETS);
  readonly renderBytes = new Histogram(BYTES_BUCKETS);
  /** Refusals the TypeScript layer decided (bad tokens, unknown events), by cause label. */
  readonly refusals = new Counter();
  /** Publishes delivered to a view's handleInfo here, from any node. */
  delivered = 0;
  /** Publishes delivered to `server.subscribe` handlers here. */
  hostMessages = 0;
  private readonly listeners = new Set<SpanListener>();

  constructor(private readonly logger: Logger = console) {}

  /** Calls `listener` with every span from now on; returns the function that stops it. */
  onSpan(listener: SpanListener): () => void {
    if (typeof listener !== "function") throw new TypeError("onSpan needs a function (span) => void");
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The probe a view instance records through. */
  forView(view: string, route: string): ViewProbe {
    return new ViewProbe(this, label(view || "LiveView"), route);
  }

  refused(cause: string): void {
    this.refusals.add({ cause: causeLabel(cause) });
  }

  /** Whether anyone listens for spans: building one is skipped otherwise. */
  get tracing(): boolean {
    return this.listeners.size > 0;
  }

  emit(span: Span): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(span);
      } catch (err) {
        // A tracer's bug must not fail the view whose work it measured.
        this.listeners.delete(listener);
        this.logger.error("[livets] an onSpan listener threw and was removed:", err);
      }
    }
  }
}

/** An event's series, looked up once per event name and view instance. */
interface EventCells {
  readonly label: string;
  readonly count: CounterCell;
  readonly seconds: HistogramCell;
}

/**
 * One view instance's recorder; each call takes the start of what it
 * measured (`nowNs()`). It holds its series, so recording looks no label
 * up: an event costs two clock readings and a few additions.
 */
export class ViewProbe {
  private readonly renderSeconds: HistogramCell;
  private readonly renderBytes: HistogramCell;
  private readonly handOffSeconds: HistogramCell;
  private readonly eventCells = new Map<string, EventCells>();

  constructor(
    private readonly metrics: Metrics,
    readonly view: string,
    readonly route: string,
  ) {
    const labels = { view };
    this.renderSeconds = metrics.renderSeconds.cell(labels);
    this.renderBytes = metrics.renderBytes.cell(labels);
    this.handOffSeconds = metrics.handOffSeconds.cell(labels);
  }

  /** A join answered (`ok`: with a render) or refused. */
  join(startNs: number, ok: boolean): void {
    const duration = nowNs() - startNs;
    const labels = { view: this.view };
    this.metrics.joins.add({ ...labels, outcome: ok ? "ok" : "failed" });
    this.metrics.joinSeconds.observe(labels, seconds(duration));
    this.span("join", startNs, duration, { ok });
  }

  /**
   * An event the view accepted, from its arrival (waiting behind earlier
   * work included) to its answer: what the user waited for.
   */
  event(name: string, startNs: number, ok: boolean): void {
    const duration = nowNs() - startNs;
    const cells = this.cellsOf(name);
    cells.count.value++;
    cells.seconds.observe(seconds(duration));
    this.span("event", startNs, duration, { ok }, cells.label);
  }

  /** A render pass of the view's tree (the nodes that changed), hand-offs included. */
  render(cause: string, startNs: number): void {
    const duration = nowNs() - startNs;
    this.renderSeconds.observe(seconds(duration));
    this.span("render", startNs, duration, { cause: label(cause) });
  }

  /**
   * HTML of one node handed to the core, which diffs it on its loop
   * thread and writes the patch; measured is the hand-off.
   */
  handOff(node: string, bytes: number, startNs: number): void {
    const duration = nowNs() - startNs;
    this.renderBytes.observe(bytes);
    this.handOffSeconds.observe(seconds(duration));
    this.span("diff", startNs, duration, { bytes, node: label(node) });
  }

  delivered(): void {
    this.metrics.delivered++;
  }

  private cellsOf(name: string): EventCells {
    let cells = this.eventCells.get(name);
    if (cells === undefined) {
      const labels = { view: this.view, event: label(name) };
      cells = { label: labels.event, count: this.metrics.events.cell(labels), seconds: this.metrics.eventSeconds.cell(labels) };
      this.eventCells.set(name, cells);
    }
    return cells;
  }

  private span(name: SpanName, startNs: number, durationNs: number, attributes: Record<string, string | number | boolean>, event?: string): void {
    if (!this.metrics.tracing) return;
    this.metrics.emit({
      name,
      view: this.view,
      ...(event !== undefined ? { event } : {}),
      startNs: epochNs(startNs),
      durationNs: BigInt(Math.round(durationNs)),
      attributes: { route: this.route, ...attributes },
    });
  }
}
