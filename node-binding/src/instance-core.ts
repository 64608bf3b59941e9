// One live view's calls to the core, with one rule for failures. The core
// answers a call about a connection or component that is gone with
// LTS_OK (the work is dropped on its loop), so the one failure a view
// expects is LTS_ESTATE: the server stopped while the view was still
// winding down. Anything else is a bug worth a log line.

import type { CorePort } from "./core-port";
import type { Logger } from "./logger";
import type { ViewProbe } from "./metrics/metrics";
import { nowNs } from "./metrics/tracing";
import { isCoreError } from "./native";
import { encodeFrame, type HostFrame } from "./protocol";
import type { Splice } from "./template-track";

/** What became of HTML handed to the core. */
export type Delivery = "sent" | "too-large" | "failed";

/** The core calls of the view `id` on connection `conn`. */
export class InstanceCore {
  constructor(
    private readonly core: CorePort,
    private readonly logger: Logger,
    readonly conn: number,
    readonly id: string,
    /** "ClassName (/route)", for log lines. */
    private readonly label: string,
    /** Where the HTML handed to the core is counted. */
    private readonly probe?: ViewProbe,
  ) {}

  /** Registers `wireId`'s first HTML, answering join `ref` (0: none). */
  register(wireId: string, ref: number, html: string): Delivery {
    return this.handOff(wireId, () => Buffer.byteLength(html), () => this.core.register(this.conn, wireId, ref, html));
  }

  /** Sends `wireId`'s new HTML, answering `ref` (0: none). */
  update(wireId: string, ref: number, html: string): Delivery {
    return this.handOff(wireId, () => Buffer.byteLength(html), () => this.core.update(this.conn, wireId, ref, html));
  }

  /** Sends `wireId`'s new HTML as splices against the `baseBytes` bytes of its last, answering `ref` (0: none). */
  updateSplices(wireId: string, ref: number, baseBytes: number, splices: readonly Splice[]): Delivery {
    // What is handed over: the splices' text, not the page.
    const bytes = (): number => splices.reduce((sum, splice) => sum + Buffer.byteLength(splice.text), 0);
    return this.handOff(wireId, bytes, () => this.core.updateSplices(this.conn, wireId, ref, baseBytes, splices));
  }

  unregister(wireId: string): void {
    this.call(() => this.core.unregister(this.conn, wireId));
  }

  /** Refuses request `ref` on `wireId` (the view's by default) with `reason`. */
  reply(ref: number, reason: string, wireId: string = this.id): void {
    this.call(() => this.core.replyError(this.conn, wireId, ref, reason));
  }

  /** One frame the host writes itself (protocol.ts). */
  send(frame: HostFrame): void {
    const text = encodeFrame(frame);
    this.call(() => this.core.send(this.conn, text));
  }

  /** Lets the browser send upload `entry` of this view. */
  uploadAllow(entry: string, size: number, chunkBytes: number): void {
    this.call(() => this.core.uploadAllow(this.conn, this.id, entry, size, chunkBytes));
  }

  uploadCancel(entry: string): void {
    this.call(() => this.core.uploadCancel(this.conn, entry));
  }

  subscribe(topic: string): void {
    this.call(() => this.core.subscribe(this.conn, this.id, topic));
  }

  unsubscribe(topic: string): void {
    this.call(() => this.core.unsubscribe(this.conn, this.id, topic));
  }

  track(topic: string, key: string, meta: string): void {
    this.call(() => this.core.presenceTrack(this.conn, topic, key, meta));
  }

  untrack(topic: string, key: string): void {
    this.call(() => this.core.presenceUntrack(this.conn, topic, key));
  }

  /** Publishes for a view's broadcast(); a failure is the view's to see, so it throws. */
  publish(topic: string, data: string): void {
    this.core.publish(topic, data);
  }

  /** Who is on `topic` (JSON text); throws as publish does. */
  presenceList(topic: string): string {
    return this.core.presenceList(topic);
  }

  /** Logs a throw from the view's own code that does not crash it. */
  logThrow(err: unknown, what: string): void {
    this.logger.error(`[livets] ${this.label}: ${what} threw:`, err);
  }

  /** Delivers a render to the core's differ, measuring the hand-off and its `bytes` (counted only when measured). */
  private handOff(wireId: string, bytes: () => number, fn: () => void): Delivery {
    const started = nowNs();
    const delivery = this.deliver(fn);
    if (delivery === "sent" && this.probe !== undefined) this.probe.handOff(wireId, bytes(), started);
    return delivery;
  }

  /** HTML over the core's own size limit (LTS_ETOOBIG) is told apart: the view may render less. */
  private deliver(fn: () => void): Delivery {
    try {
      fn();
      return "sent";
    } catch (err) {
      if (isCoreError(err, "LTS_ETOOBIG")) return "too-large";
      this.refused(err);
      return "failed";
    }
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.refused(err);
    }
  }

  private refused(err: unknown): void {
    if (isCoreError(err, "LTS_ESTATE")) return;
    this.logger.error(`[livets] ${this.label}: the core refused a call:`, err);
  }
}
