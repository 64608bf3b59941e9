// One joined component: a view instance bound to a browser connection.
// Work for it (join, events, infos, out-of-band renders, unmount) runs one
// task at a time in arrival order, so an async handler never interleaves
// with the next event and every render sees a settled state.

import { isAllowedEvent } from "./events";
import { toMarkup } from "./html";
import { attachHost, type LiveView, type LiveViewClass, type ViewHost } from "./live-view";
import { isCoreError } from "./native";
import type { Params } from "./token";

/** The core calls a live component needs, already bound to one server. */
export interface CorePort {
  register(conn: number, id: string, ref: number, html: string): void;
  update(conn: number, id: string, ref: number, html: string): void;
  unregister(conn: number, id: string): void;
  replyError(conn: number, id: string, ref: number, reason: string): void;
  subscribe(conn: number, id: string, topic: string): void;
  unsubscribe(conn: number, id: string, topic: string): void;
  publish(topic: string, data: string): void;
}

/** Serialises `data` for a publish; `undefined` travels as null. */
export function encodeInfo(data: unknown): string {
  return JSON.stringify(data) ?? "null";
}

function decodeInfo(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Publishers other than broadcast() may send plain text.
    return text;
  }
}

/** A browser-chosen name, made safe and short enough for a log line. */
function quoted(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}

/** The server side of one component joined by one connection. */
export class LiveInstance implements ViewHost {
  /** "ClassName (/path)", for log lines. */
  readonly label: string;
  private view: LiveView<object> | null = null;
  private registered = false;
  private closed = false;
  private dirty = false;
  private flushQueued = false;
  private readonly topics = new Set<string>();
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly core: CorePort,
    readonly conn: number,
    readonly id: string,
    readonly View: LiveViewClass,
    readonly path: string,
    private readonly onGone: (instance: LiveInstance) => void = () => {},
  ) {
    this.label = `${View.name || "LiveView"} (${path})`;
  }

  get connected(): boolean {
    return !this.closed;
  }

  /** Settles when every task queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Mounts a fresh view and registers its first render, answering `ref`. */
  join(ref: number, params: Params, connectParams: Readonly<Record<string, unknown>>): void {
    this.run(async () => {
      if (this.closed) return;
      const view = new this.View();
      this.view = view;
      attachHost(view, this);
      try {
        await view.mount(params, { connected: true, path: this.path, connectParams });
      } catch (err) {
        return this.failJoin(ref, "mount", err);
      }
      if (this.closed) return;
      let markup: string;
      try {
        markup = toMarkup(view.render());
      } catch (err) {
        return this.failJoin(ref, "render", err);
      }
      this.dirty = false;
      if (!this.call(() => this.core.register(this.conn, this.id, ref, markup))) {
        return this.failJoin(ref, "register", null);
      }
      this.registered = true;
      for (const topic of this.topics) this.call(() => this.core.subscribe(this.conn, this.id, topic));
      this.afterRender(view);
    });
  }

  /** A browser event: checked against the allow-list, handled, rendered. */
  event(ref: number, name: string, payloadText: string): void {
    this.run(async () => {
      const view = this.view;
      if (view === null || this.closed || !this.registered) {
        this.reply(ref, "not joined");
        return;
      }
      if (!isAllowedEvent(this.View, name)) {
        console.warn(
          `[livets] ${this.label}: refused event ${quoted(name)}, not in ${this.View.name}.events`,
        );
        this.reply(ref, "unknown event");
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(payloadText);
      } catch {
        this.reply(ref, "malformed payload");
        return;
      }
      try {
        await view.handleEvent(name, payload);
      } catch (err) {
        console.error(`[livets] ${this.label}: handleEvent(${quoted(name)}) threw:`, err);
        this.reply(ref, "event failed");
        return;
      }
      if (!this.closed) this.renderAndSend(view, ref, `event ${quoted(name)}`);
    });
  }

  /** A publish on a subscribed topic. */
  info(topic: string, dataText: string): void {
    this.run(async () => {
      const view = this.view;
      if (view === null || this.closed || !this.registered) return;
      try {
        await view.handleInfo(topic, decodeInfo(dataText));
      } catch (err) {
        console.error(`[livets] ${this.label}: handleInfo(${quoted(topic)}) threw:`, err);
        return;
      }
      if (!this.closed) this.renderAndSend(view, 0, `info ${quoted(topic)}`);
    });
  }

  /** Unmounts the view after any queued work; the core side is the caller's. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.run(() => this.unmountView());
  }

  stateChanged(): void {
    this.dirty = true;
    // Before registration the join render picks the change up; during a
    // handler this task runs after it and finds nothing left to do.
    if (this.flushQueued || !this.registered || this.closed) return;
    this.flushQueued = true;
    this.run(() => {
      this.flushQueued = false;
      const view = this.view;
      if (this.dirty && view !== null && this.registered && !this.closed) {
        this.renderAndSend(view, 0, "setState");
      }
    });
  }

  subscribe(topic: string): void {
    if (this.closed) return;
    this.topics.add(topic);
    if (this.registered) this.call(() => this.core.subscribe(this.conn, this.id, topic));
  }

  unsubscribe(topic: string): void {
    if (!this.topics.delete(topic) || !this.registered || this.closed) return;
    this.call(() => this.core.unsubscribe(this.conn, this.id, topic));
  }

  broadcast(topic: string, data: unknown): void {
    this.core.publish(topic, encodeInfo(data));
  }

  private run(task: () => void | Promise<void>): void {
    this.tail = this.tail.then(task).catch((err) => {
      console.error(`[livets] ${this.label}: internal error:`, err);
    });
  }

  private renderAndSend(view: LiveView<object>, ref: number, cause: string): void {
    let markup: string;
    try {
      markup = toMarkup(view.render());
    } catch (err) {
      console.error(`[livets] ${this.label}: render after ${cause} threw:`, err);
      if (ref !== 0) this.reply(ref, "render failed");
      return;
    }
    this.dirty = false;
    if (this.call(() => this.core.update(this.conn, this.id, ref, markup))) this.afterRender(view);
  }

  private afterRender(view: LiveView<object>): void {
    if (typeof view.updated !== "function") return;
    try {
      view.updated();
    } catch (err) {
      console.error(`[livets] ${this.label}: updated() threw:`, err);
    }
  }

  private failJoin(ref: number, stage: string, err: unknown): void {
    if (err !== null) console.error(`[livets] ${this.label}: ${stage} threw while joining:`, err);
    this.reply(ref, "join failed");
    // A rejoin may have left an older registration of this id in the core.
    this.call(() => this.core.unregister(this.conn, this.id));
    this.closed = true;
    this.unmountView();
    this.onGone(this);
  }

  private unmountView(): void {
    const view = this.view;
    if (view === null) return;
    this.view = null;
    attachHost(view, null);
    try {
      view.unmount();
    } catch (err) {
      console.error(`[livets] ${this.label}: unmount threw:`, err);
    }
  }

  private reply(ref: number, reason: string): void {
    this.call(() => this.core.replyError(this.conn, this.id, ref, reason));
  }

  /** Runs a core call; a vanished connection is expected, anything else is logged. */
  private call(fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (err) {
      if (!isCoreError(err, "LTS_ENOTFOUND") && !isCoreError(err, "LTS_ESTATE")) {
        console.error(`[livets] ${this.label}: the core refused a call:`, err);
      }
      return false;
    }
  }
}
