import type { ModelType } from "./events";
import type { Html } from "./html";
import type { ModelSpec } from "./live-view";
import type { UpdateTooLargeError } from "./update-error";
import { checkPushEvent } from "./push-events";
import { checkRedirect, parseLocal, type RedirectOptions } from "./url";
import { hostOf, type EventPayload, type NavigateOptions } from "./view-host";
import { renderStream, streamDelete, streamInsert, streamItems, type StreamInsertOptions, type StreamItem, type StreamOptions } from "./stream";

const NO_PROPS = Object.freeze({});

/**
 * A stateful component inside a view: it has its own `id`, state, event
 * handlers and root element, and re-renders and diffs on its own. Render
 * one from a view's (or another component's) `render()` with
 * `this.component(Class, id, props)`.
 *
 * Events from elements inside the component's root go to the component,
 * checked against its own static `events` (and `model`) lists. To tell the
 * view something, call `notifyView(topic, data)`: the view's `handleInfo`
 * runs next.
 *
 * Lifecycle: `mount(props)` → `render` → (new props → `update(props)` →
 * `render` | `handleEvent` → `render`)* → `unmount` when a parent render
 * leaves it out or the view goes away. `mount` and `update` are
 * synchronous: start async work from the view.
 */
export abstract class LiveComponent<
  Props extends object = Record<string, never>,
  State extends object = Record<string, never>,
> {
  /** The event names the browser may send to this component; see `LiveView.events`. */
  static events: readonly string[] = [];

  /**
   * The tag of the component's root element, "div" by default. Use "tr"
   * for a table row, "li" for a list item: the root must be valid where
   * the component is placed.
   */
  static tag: string = "div";

  /** The component's own data; change it with `setState`. */
  abstract state: State;

  /** The props the parent passed on its last render. */
  get props(): Readonly<Props> {
    return (hostOf(this)?.props ?? NO_PROPS) as Readonly<Props>;
  }

  /** The id the parent gave this component. */
  get id(): string {
    return hostOf(this)?.id ?? "";
  }

  /** True when a browser is attached. */
  get connected(): boolean {
    return hostOf(this)?.connected ?? false;
  }

  /** Called once, before the first render, with the first props. */
  mount(props: Props): void {
    void props;
  }

  /**
   * Called when a parent render passes props that differ (shallowly) from
   * the last ones; `this.props` already holds them. The component then
   * renders.
   */
  update(props: Props): void {
    void props;
  }

  /** The markup of the component root's content, built with html`...`; a plain string is refused. */
  abstract render(): Html;

  /** A browser event from this component's `events` list. May be async; what it returns is the reply, as for `LiveView.handleEvent`. */
  handleEvent(event: string, payload: EventPayload): unknown {
    void event;
    void payload;
    return undefined;
  }

  /** `LiveView.pushEvent`, for the hooks inside this component's root. */
  pushEvent(event: string, payload: unknown = {}): void {
    const checked = checkPushEvent(event, payload);
    hostOf(this)?.pushEvent?.(event, checked);
  }

  /** Called after each render of this component that was sent to the browser. */
  updated?(): void;

  /** A render of this component that could not be sent; see `LiveView.handleError`. */
  handleError?(error: UpdateTooLargeError): void | Promise<void>;

  /** Called once when the component goes away. */
  unmount(): void {}

  /** Merges `partial` into `state`; the component renders once after the handler. */
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

  /** Runs the view's `handleInfo(topic, data)` after the current handler. */
  notifyView(topic: string, data: unknown): void {
    hostOf(this)?.notifyView(String(topic), data);
  }

  /** `LiveView.pushPatch`, for the view this component is in. */
  pushPatch(url: string, options: NavigateOptions = {}): void {
    const parsed = parseLocal(url);
    if (parsed === null) throw new TypeError(`expected a local path, not ${JSON.stringify(url)}`);
    hostOf(this)?.navigate({ kind: "patch", url: parsed.href, replace: options.replace === true });
  }

  /** `LiveView.pushNavigate`, for the view this component is in. */
  pushNavigate(url: string, options: NavigateOptions = {}): void {
    const parsed = parseLocal(url);
    if (parsed === null) throw new TypeError(`expected a local path, not ${JSON.stringify(url)}`);
    hostOf(this)?.navigate({ kind: "navigate", url: parsed.href, replace: options.replace === true });
  }

  /** `LiveView.redirect`, for the view this component is in. */
  redirect(url: string, options: RedirectOptions = {}): void {
    hostOf(this)?.navigate({ kind: "redirect", url: checkRedirect(url, options) });
  }

  /** `LiveView.putFlash`, on the view this component is in. */
  putFlash(kind: string, message: string): void {
    hostOf(this)?.putFlash(String(kind), String(message));
  }

  /** Renders a nested component; see `LiveView.component`. */
  component<C extends LiveComponent<object, object>>(Component: LiveComponentClass<C>, id: string, props: PropsOf<C>): Html {
    const host = hostOf(this);
    if (host === undefined) throw new Error("component() needs a mounted component: call it from render()");
    return host.component(this, Component, String(id), props);
  }
}

/** The state type of a component class's instances. */
export type ComponentStateOf<C> = C extends LiveComponent<object, infer S> ? S : never;

/** The props type of a component class's instances. */
export type PropsOf<C> = C extends LiveComponent<infer P, object> ? P : never;

/**
 * A concrete LiveComponent class, with its optional static `events`,
 * `model` (see `LiveViewClass`) and `tag`.
 */
export type LiveComponentClass<C extends LiveComponent<object, object> = LiveComponent<object, object>> =
  (new () => C) & {
    readonly events?: readonly string[];
    readonly model?: LiveComponent<object, object> extends C ? Readonly<Record<string, ModelType>> : ModelSpec<ComponentStateOf<C>>;
    readonly tag?: string;
  };
