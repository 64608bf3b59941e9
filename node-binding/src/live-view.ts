import type { Html } from "./html";
import type { Params } from "./token";

/** What a view learns about how it is being mounted. */
export interface Session {
  /** False for the first, plain-HTML render; true once a browser has joined. */
  readonly connected: boolean;
  /** The path the view is registered under, e.g. "/counter". */
  readonly path: string;
  /** The params object the browser sent with its join ({} before that). */
  readonly connectParams: Readonly<Record<string, unknown>>;
}

/**
 * What a mounted view talks to: the server for a live view, something
 * inert for a plain render. Not part of the public API.
 */
export interface ViewHost {
  readonly connected: boolean;
  stateChanged(): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  broadcast(topic: string, data: unknown): void;
}

// Kept off the instance so a view's own fields and methods cannot collide
// with, or reach, the wiring.
const hosts = new WeakMap<object, ViewHost>();

/** Connects a view to its host, or disconnects it with `null`. */
export function attachHost(view: LiveView<object>, host: ViewHost | null): void {
  if (host === null) hosts.delete(view);
  else hosts.set(view, host);
}

/**
 * A server-rendered view. Subclass it, give it `state`, `render()` and a
 * static `events` list, and register it with `LiveTSServer`. Every browser
 * tab gets its own instance.
 *
 * Lifecycle: `mount` → `render` → (`handleEvent` | `handleInfo` → `render`
 * → `updated`)* → `unmount`. Every instance that is mounted is unmounted,
 * including the throwaway one that renders the first HTML page.
 */
export abstract class LiveView<State extends object = Record<string, never>> {
  /**
   * The event names the browser may send to this view. Only the class's own
   * list counts (not one inherited from a parent class); anything else is
   * refused before it reaches the view.
   */
  static events: readonly string[] = [];

  /** The view's data; change it with `setState` so the page follows. */
  abstract state: State;

  /**
   * Called once per instance before the first render, with the page's query
   * parameters. May be async; the first render waits for it.
   */
  mount(params: Params, session: Session): void | Promise<void> {
    void params;
    void session;
  }

  /**
   * The markup of the view's root element's content. Return `html`...``
   * for escaped output; a plain string is inserted unescaped.
   */
  abstract render(): Html | string;

  /**
   * A browser event from the `events` list, with its JSON payload. May be
   * async; the view renders once it settles.
   */
  handleEvent(event: string, payload: unknown): void | Promise<void> {
    void event;
    void payload;
  }

  /** A message published on a topic this view subscribed to. */
  handleInfo(topic: string, data: unknown): void | Promise<void> {
    void topic;
    void data;
  }

  /** Called after each render that was sent to the browser. */
  updated?(): void;

  /** Called once when the view goes away: tab closed, left, or server closed. */
  unmount(): void {}

  /**
   * Merges `partial` into `state`. Inside a handler the view renders once
   * when the handler is done, however many times this is called; outside
   * one (a timer, say) the view renders on the next tick.
   */
  setState(partial: Partial<State>): void {
    this.state = { ...this.state, ...partial };
    hosts.get(this)?.stateChanged();
  }

  /** True when a browser is attached to this instance. */
  get connected(): boolean {
    return hosts.get(this)?.connected ?? false;
  }

  /**
   * Receives `broadcast`s on `topic` through `handleInfo`. Only a connected
   * view subscribes; calling it during the first, plain render does nothing.
   */
  subscribe(topic: string): void {
    hosts.get(this)?.subscribe(String(topic));
  }

  /** Stops receiving `topic`. */
  unsubscribe(topic: string): void {
    hosts.get(this)?.unsubscribe(String(topic));
  }

  /**
   * Sends `data` (JSON-serialisable) to every view subscribed to `topic`,
   * this one included if it subscribed.
   */
  broadcast(topic: string, data: unknown): void {
    hosts.get(this)?.broadcast(String(topic), data);
  }
}

/** A concrete LiveView class, as passed to `registerComponent`. */
export type LiveViewClass = (new () => LiveView<object>) & { readonly events?: readonly string[] };
