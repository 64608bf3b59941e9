import type { AsyncKeys, AsyncResult, AsyncValue } from "./async-result";
import type { ModelType } from "./events";
import type { Html } from "./html";
import type { JsonObject, JsonValue } from "./json";
import type { LiveComponent, LiveComponentClass, PropsOf } from "./live-component";
import type { Presences } from "./presence";
import type { Params } from "./token";
import type { UpdateTooLargeError } from "./update-error";
import type { UploadEntry, UploadOptions } from "./uploads";
import { checkRedirect, parseLocal, type RedirectOptions } from "./url";
import {
  attachHost,
  checkInterval,
  hostOf,
  type Cancel,
  type EventPayload,
  type Flash,
  type NavigateOptions,
} from "./view-host";
import { checkPushEvent } from "./push-events";
import { renderStream, streamDelete, streamInsert, streamItems, type StreamInsertOptions, type StreamItem, type StreamOptions } from "./stream";

/** What a view learns about how it is being mounted. */
export interface Session {
  /** False for the first, plain-HTML render; true once a browser has joined. */
  readonly connected: boolean;
  /** The route the view is registered under, e.g. "/users/:id". */
  readonly route: string;
  /** The path of the page, e.g. "/users/7". */
  readonly path: string;
  /** The path and query of the page, e.g. "/users/7?tab=posts". */
  readonly url: string;
  /**
   * What the server's `session` option returned for the page request
   * (the signed-in user, say). Signed into the join token, so a connected
   * mount sees exactly what the page render saw.
   */
  readonly data: JsonObject;
  /** The params object the browser sent with its join ({} before that). */
  readonly connectParams: Readonly<Record<string, JsonValue>>;
  /**
   * The client's IP address as text, as the core resolved it (through
   * `trustedProxies`); "unknown" when the core did not say.
   */
  readonly address: string;
  /** The browser's User-Agent header: the page request's, then the live socket's; "" when none. */
  readonly userAgent: string;
}

export { attachHost };

const NO_FLASH: Flash = Object.freeze({});

/**
 * A server-rendered view. Subclass it, give it `state`, `render()` and a
 * static `events` list, and register it with `LiveTSServer`. Every browser
 * tab gets its own instance.
 *
 * Lifecycle: `mount` → `handleParams` → `render` → (`handleEvent` |
 * `handleInfo` | `handleParams` | timers | async results → `render` →
 * `updated`)* → `unmount`. Every instance that is mounted is unmounted,
 * including the throwaway one that renders the first HTML page.
 *
 * Only `setState` (and the helpers built on it) marks a view for
 * rendering: a handler that changes nothing sends an empty patch.
 */
export abstract class LiveView<State extends object = Record<string, never>> {
  /**
   * The event names the browser may send to this view. Only the class's own
   * list counts (not one inherited from a parent class); anything else is
   * refused before it reaches the view. Names starting with "$" are the
   * framework's: list "$model" to also hear about ts-model changes.
   */
  static events: readonly string[] = [];

  /** The view's data; change it with `setState` so the page follows. */
  abstract state: State;

  /**
   * Called once per instance before the first render, with the path and
   * query parameters of the page. May be async; the first render waits.
   */
  mount(params: Params, session: Session): void | Promise<void> {
    void params;
    void session;
  }

  /**
   * Called after `mount` and whenever the URL changes without a reload
   * (`pushPatch`, a `ts-link="patch"` link, back and forward), with the new
   * params and the path and query.
   */
  handleParams(params: Params, url: string): void | Promise<void> {
    void params;
    void url;
  }

  /**
   * The markup of the view's root element's content, built with html`...`
   * (every value escaped) and `raw()` for trusted markup. A plain string is
   * refused at run time (a render error, as if render threw): it would go
   * into the page unescaped.
   */
  abstract render(): Html;

  /**
   * The page's title while this view is shown ("Counter (3)"), followed by
   * the server's `titleSuffix`; undefined (the default) for the server's
   * `title`. Read after every render: when it changes, `document.title`
   * follows, and live navigation takes the next page's.
   */
  pageTitle(): string | undefined {
    return undefined;
  }

  /**
   * A browser event from the `events` list, with its payload. May be
   * async; the view renders once it settles. What it returns (or its
   * promise resolves to), unless undefined, is the reply: JSON that goes
   * back to the hook whose `pushEvent` sent the event, whose promise
   * resolves with it. A value that is not JSON is a crash, as a throw is.
   * Type `event` as `EventName<typeof MyView>` to have the compiler hold
   * it to the list.
   */
  handleEvent(event: string, payload: EventPayload): unknown {
    void event;
    void payload;
    return undefined;
  }

  /**
   * Sends `event` with `payload` (JSON) to the browser: every hook of this
   * view that called `this.handleEvent(event, cb)`, and every
   * `LiveTS.on(event, cb)` listener, get `payload` after the patch of the
   * current handler is applied. Does nothing on a page render.
   */
  pushEvent(event: string, payload: unknown = {}): void {
    const checked = checkPushEvent(event, payload);
    hostOf(this)?.pushEvent?.(event, checked);
  }

  /** A message on a subscribed topic, or from a component's `notifyView`. */
  handleInfo(topic: string, data: unknown): void | Promise<void> {
    void topic;
    void data;
  }

  /** The outcome of work started with `startAsync(name, ...)`. */
  handleAsync(name: string, result: AsyncResult<unknown>): void | Promise<void> {
    void name;
    void result;
  }

  /** Called after each render that was sent to the browser. */
  updated?(): void;

  /**
   * Called when something this view rendered could not reach the browser:
   * today, a render over the server's `maxLiveMessageBytes`. The render
   * was not sent (the page keeps the last one, and the event that caused
   * it is answered with "update too large"); the view keeps its state and
   * stays live. It may `setState` to render something smaller, which is
   * sent. Without this method the error is only logged.
   */
  handleError?(error: UpdateTooLargeError): void | Promise<void>;

  /** Called once when the view goes away: tab closed, navigated, crashed, or server closed. */
  unmount(): void {}

  /**
   * Merges `partial` into `state`. However often it is called in a
   * handler, the view renders once when the handler is done; outside one
   * it renders on the next tick.
   */
  setState(partial: Partial<State>): void {
    this.state = { ...this.state, ...partial };
    hostOf(this)?.stateChanged();
  }

  /**
   * Sends `items` into the `ts-stream` container rendered with
   * `renderStream(name, …)`, once: neither the view nor the core keeps
   * them afterwards. `at` places them (-1, the default, appends), `limit`
   * caps the container (positive: the first N stay, negative: the last N),
   * `reset` empties it first.
   */
  stream<T extends StreamItem>(name: string, items: Iterable<T>, options: StreamOptions = {}): void {
    streamItems(this, name, items, options);
  }

  /** Sends one item into stream `name`; an item whose id is on the page is updated where it stands. */
  streamInsert<T extends StreamItem>(name: string, item: T, options: StreamInsertOptions = {}): void {
    streamInsert(this, name, item, options);
  }

  /** Removes an item, given or by id, from stream `name` on the page. */
  streamDelete(name: string, itemOrId: StreamItem | string | number): void {
    streamDelete(this, name, itemOrId);
  }

  /**
   * The children of stream `name`'s container in this render: the items
   * sent since the last render, each through `render`, which gives one
   * element with the item's id. Put it inside the element with
   * `ts-stream="name"` and nothing else there.
   */
  renderStream<T extends StreamItem>(name: string, render: (item: T) => Html): Html {
    return renderStream(this, name, render);
  }

  /** True when a browser is attached to this instance. */
  get connected(): boolean {
    return hostOf(this)?.connected ?? false;
  }

  /**
   * Receives `broadcast`s on `topic` through `handleInfo`. Only a connected
   * view subscribes; during the first, plain render it does nothing.
   */
  subscribe(topic: string): void {
    hostOf(this)?.subscribe(String(topic));
  }

  /** Stops receiving `topic`. */
  unsubscribe(topic: string): void {
    hostOf(this)?.unsubscribe(String(topic));
  }

  /**
   * Sends `data` (JSON-serialisable) to every view subscribed to `topic`,
   * this one included if it subscribed.
   */
  broadcast(topic: string, data: unknown): void {
    hostOf(this)?.broadcast(String(topic), data);
  }

  /**
   * Marks this browser connection as present on `topic` under `key` (a user
   * id, say) with `meta` (JSON-serialisable, default {}). Every subscriber
   * of `topic` then gets a `presence_diff` info (see `isPresenceDiff`), on
   * every node behind the same Redis. The entry leaves when this view
   * unmounts, its connection closes or its node dies. Tracking the same key
   * again replaces the meta. Only a connected view tracks.
   */
  track(topic: string, key: string, meta: unknown = {}): void {
    hostOf(this)?.track(String(topic), String(key), meta);
  }

  /** Removes what `track(topic, key)` added. */
  untrack(topic: string, key: string): void {
    hostOf(this)?.untrack(String(topic), String(key));
  }

  /** Who is on `topic` now, on every node: key → metas. */
  presence(topic: string): Presences {
    return hostOf(this)?.presence(String(topic)) ?? {};
  }

  /**
   * Changes the URL to `url` (a local path and query) without a reload:
   * after this handler, `handleParams` runs with the new params, the view
   * renders once, and the browser pushes (or replaces) a history entry. A
   * URL that another view serves is navigated to instead.
   */
  pushPatch(url: string, options: NavigateOptions = {}): void {
    hostOf(this)?.navigate({ kind: "patch", url: localUrl(url), replace: options.replace === true });
  }

  /**
   * Replaces this view with the one `url` routes to, over the same
   * connection and without a page load; pushes a history entry.
   */
  pushNavigate(url: string, options: NavigateOptions = {}): void {
    hostOf(this)?.navigate({ kind: "navigate", url: localUrl(url), replace: options.replace === true });
  }

  /**
   * Leaves the page for `url` with a full page load: a local path, or an
   * http(s) URL on another site when `{ external: true }` says that is
   * meant (a URL that came from a request would otherwise make this app an
   * open redirect).
   */
  redirect(url: string, options: RedirectOptions = {}): void {
    hostOf(this)?.navigate({ kind: "redirect", url: checkRedirect(url, options) });
  }

  /**
   * Shows `message` as a flash of `kind` ("info", "error", ...). Flash
   * survives `pushPatch` and `pushNavigate`; render it with `this.flash`.
   */
  putFlash(kind: string, message: string): void {
    hostOf(this)?.putFlash(String(kind), String(message));
  }

  /** Removes the flash of `kind`, or every flash. */
  clearFlash(kind?: string): void {
    hostOf(this)?.clearFlash(kind === undefined ? undefined : String(kind));
  }

  /** The current flash messages. */
  get flash(): Flash {
    return hostOf(this)?.flash ?? NO_FLASH;
  }

  /**
   * Calls `fn` every `ms` milliseconds while the view is connected, as a
   * handler: its `setState` calls render once. A tick that finds the
   * previous one still queued is skipped. Stops on unmount; the returned
   * function stops it sooner. Does nothing during the plain page render.
   */
  every(ms: number, fn: () => void | Promise<void>): Cancel {
    checkInterval(ms);
    return hostOf(this)?.timer(ms, fn, true) ?? noop;
  }

  /** Calls `fn` once after `ms` milliseconds, like `every`. */
  after(ms: number, fn: () => void | Promise<void>): Cancel {
    checkInterval(ms);
    return hostOf(this)?.timer(ms, fn, false) ?? noop;
  }

  /**
   * Sets `state[key]` to a loading AsyncResult (keeping the last result),
   * runs `load`, and when it settles sets `ok` with its value or `failed`
   * with its error, rendering each time. A newer call for the same key, or
   * unmounting, discards the older result. During the plain page render
   * `load` is not called: the page shows the loading state.
   */
  assignAsync<K extends AsyncKeys<State>>(key: K, load: () => Promise<AsyncValue<State[K]>>): void {
    const previous = (this.state as Record<string, unknown>)[key] as AsyncResult<unknown> | undefined;
    const last = previous !== undefined && "result" in previous ? previous.result : undefined;
    this.setState(asyncPartial<State>(key, last === undefined ? { status: "loading" } : { status: "loading", result: last }));
    hostOf(this)?.async(`assign:${key}`, load, (result) => {
      const kept = result.status === "failed" && last !== undefined ? { ...result, result: last } : result;
      this.setState(asyncPartial<State>(key, kept));
    });
  }

  /**
   * Runs `work` and calls `handleAsync(name, result)` when it settles. A
   * newer call with the same name, or unmounting, discards the older one.
   */
  startAsync(name: string, work: () => Promise<unknown>): void {
    hostOf(this)?.async(`start:${name}`, work, (result) => this.handleAsync(name, result));
  }

  /** Discards the pending result of `assignAsync(key)` or `startAsync(key)`. */
  cancelAsync(key: string): void {
    hostOf(this)?.cancelAsync(`assign:${key}`);
    hostOf(this)?.cancelAsync(`start:${key}`);
  }
  /**
   * The selected files of upload `name` (see `static uploads` on
   * `LiveViewClass`): name, size, type, progress (0-100), done, errors.
   * Empty on the first, plain-HTML render.
   */
  uploadEntries(name: string): readonly UploadEntry[] {
    return hostOf(this)?.uploads?.list(String(name)) ?? [];
  }

  /**
   * Hands each finished file of upload `name` to `fn`, one at a time, with
   * the path of the temporary file the core wrote; the file is removed
   * after `fn` unless `fn` moved it, and the entry leaves the list.
   * Resolves to what `fn` returned for each.
   */
  consumeUploads<T>(name: string, fn: (entry: UploadEntry, path: string) => T | Promise<T>): Promise<T[]> {
    const uploads = hostOf(this)?.uploads;
    return uploads ? uploads.consume(String(name), fn) : Promise.resolve([]);
  }

  /** Drops one entry of an upload (by its `ref`), finished or not; its file goes. */
  cancelUpload(ref: string): void {
    hostOf(this)?.uploads?.cancel(String(ref));
  }


  /**
   * Renders a stateful component with its own `id` (unique among the
   * components this view or component renders) inside this render. Call it
   * from `render()`. A component keeps its state across renders; it
   * re-renders when its props change (shallow compare) or it calls
   * `setState`, and unmounts when a render leaves it out.
   */
  component<C extends LiveComponent<object, object>>(Component: LiveComponentClass<C>, id: string, props: PropsOf<C>): Html {
    const host = hostOf(this);
    if (host === undefined) throw new Error("component() needs a mounted view: call it from render()");
    return host.component(this, Component, String(id), props);
  }
}

function noop(): void {}

function localUrl(url: string): string {
  const parsed = parseLocal(url);
  if (parsed === null) throw new TypeError(`expected a local path such as "/items?page=2", not ${JSON.stringify(url)}`);
  return parsed.href;
}

function asyncPartial<State>(key: string, value: AsyncResult<unknown>): Partial<State> {
  return { [key]: value } as Partial<State>;
}

/**
 * The event names a view or component class declares in `static events`
 * (declared `as const`), for its `handleEvent`'s first parameter:
 * `override handleEvent(event: EventName<typeof Counter>)`. A comparison
 * with a name the class does not declare then fails to compile. A class
 * whose list is a plain `string[]` gets `string`.
 */
export type EventName<C> = C extends { readonly events: readonly (infer E)[] } ? Extract<E, string> : string;

/** The state type of a view class's instances. */
export type StateOf<V> = V extends LiveView<infer S> ? S : never;

/** The names of `State`'s fields, for `static model`. */
export type ModelField<State> = Extract<keyof State, string>;

/** The `static model` type that fits a state field of type `T`; never for other types. */
export type ModelTypeOf<T> = [T] extends [string]
  ? "string"
  : [T] extends [number]
    ? "number"
    : [T] extends [boolean]
      ? "boolean"
      : [T] extends [readonly string[]]
        ? "string[]"
        : never;

/**
 * A `static model` for `State`: some of its fields, each with the type
 * ts-model values for it must have.
 */
export type ModelSpec<State> = { readonly [K in ModelField<State>]?: ModelTypeOf<State[K]> };

/**
 * A `static model` the compiler checks against the state, for when the
 * class does not name its state type where `as const` would be checked:
 * `static model = modelFields<FormState>({ name: "string", age: "number" })`.
 */
export function modelFields<State extends object>(spec: ModelSpec<State>): Readonly<ModelSpec<State>> {
  return Object.freeze({ ...spec });
}

/**
 * `static model` checked key by key against the state: a field that is
 * not in the state, or a type that does not fit it, is `never`.
 */
export type CheckedModel<M, State> = {
  readonly [K in keyof M]: K extends ModelField<State> ? ModelTypeOf<State[K]> : never;
};

/** A LiveView class whose `static model` (`M`, as declared) names only its state's fields, with fitting types. */
export type CheckedViewClass<V extends LiveView<object>, M> = LiveViewClass<V> & {
  readonly model?: M & (LiveView<object> extends V ? unknown : CheckedModel<M, StateOf<V>>);
};

/**
 * A concrete LiveView class, as passed to `registerComponent`, with its
 * optional static declarations:
 *
 * - `events`: the event names the browser may send (see `LiveView.events`);
 * - `model`: the state fields `ts-model` inputs may set, each with its type
 *   (`"string"`, `"number"`, `"boolean"` or `"string[]"`):
 *   `static model = { title: "string", done: "boolean" } as const`. A
 *   change for another field, or with a value of another type, is refused
 *   before any view code runs. Declared `as const` (or with
 *   `modelFields<State>(...)`), the compiler checks names and types
 *   against the view's state.
 */
export type LiveViewClass<V extends LiveView<object> = LiveView<object>> = (new () => V) & {
  readonly events?: readonly string[];
  /** Named file uploads the browser may send (`<input type="file" ts-upload="name">`). */
  readonly uploads?: Readonly<Record<string, UploadOptions>>;
  readonly model?: LiveView<object> extends V ? Readonly<Record<string, ModelType>> : ModelSpec<StateOf<V>>;
};
