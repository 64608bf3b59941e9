// The first, plain-HTML render of a page: a throwaway instance is mounted,
// rendered with its components inline, and unmounted. Nothing it starts
// (timers, async work, subscriptions) runs: that waits for the join.

import { checkViewClass } from "./events";
import type { JsonObject } from "./json";
import type { LiveView, LiveViewClass, Session } from "./live-view";
import type { Logger } from "./logger";
import { runMountHooks, type MountHook } from "./mount-hooks";
import type { Presences } from "./presence";
import type { Params } from "./token";
import type { Flash, Navigation, NodeHost } from "./view-host";
import { ViewTree, type NodeInstance, type TreeNode } from "./view-tree";
import { attachNesting, PageNesting, type Nesting } from "./nested-views";

/** What a page render is for. */
export interface RenderRequest {
  readonly route: string;
  readonly params: Params;
  readonly url: string;
  readonly session?: JsonObject;
  /** The client's IP address ("unknown" by default). */
  readonly address?: string;
  /** The User-Agent header ("" by default). */
  readonly userAgent?: string;
  /** The id the view's root will have, so components get their final ids. */
  readonly id?: string;
  /** Receives `broadcast`s made while rendering. */
  readonly broadcast?: (topic: string, data: unknown) => void;
  /** Answers `presence()` calls made while rendering. */
  readonly presence?: (topic: string) => Presences;
  readonly logger?: Logger;
  /** The route's on-mount hooks, run before `mount`; one that halts makes the result a redirect. */
  readonly onMount?: readonly MountHook[];
}

/** The outcome of a page render. */
export interface RenderResult {
  /** The root's content, components included. */
  readonly markup: string;
  /** A redirect or navigation the view asked for while mounting: answer with it instead. */
  readonly navigation: Navigation | null;
  readonly flash: Flash;
  /** What the view's `pageTitle()` gave after the render; undefined for the server's title. */
  readonly title?: string;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** Renders a view once without a connection, then unmounts it. */
export async function renderOnce(View: LiveViewClass, request: RenderRequest): Promise<RenderResult> {
  // Views it places with liveRender render the same way, into their roots.
  const nesting = new PageNesting(async (p) => (await renderOnce(p.View, { ...request, params: {}, session: p.session, id: p.wireId, onMount: [] })).markup);
  const result = await (render(View, request, false, nesting) as Promise<RenderResult>);
  return result.markup === "" ? result : { ...result, markup: await nesting.fill(result.markup) };
}

function render(View: LiveViewClass, request: RenderRequest, sync: boolean, nesting?: Nesting): RenderResult | Promise<RenderResult> {
  checkViewClass(View);
  const logger = request.logger ?? console;
  let navigation: Navigation | null = null;
  let flash: Flash = {};
  let tree: ViewTree | null = null;
  const hostFor = (node: TreeNode): NodeHost => ({
    connected: false,
    get id() {
      return node.cid;
    },
    get props() {
      return node.props;
    },
    get flash() {
      return flash;
    },
    stateChanged() {},
    subscribe() {},
    unsubscribe() {},
    broadcast: (topic, data) => request.broadcast?.(topic, data),
    track() {},
    untrack() {},
    presence: (topic) => request.presence?.(topic) ?? {},
    navigate(to) {
      navigation = to;
    },
    putFlash(kind, message) {
      flash = { ...flash, [kind]: message };
    },
    clearFlash(kind) {
      if (kind === undefined) flash = {};
      else {
        const next: Record<string, string> = { ...flash };
        delete next[kind];
        flash = next;
      }
    },
    timer: () => () => {},
    async() {},
    cancelAsync() {},
    component: (parent, Component, id, props) => {
      if (tree === null) throw new Error("component() outside a render");
      return tree.place(parent, Component, id, props);
    },
    notifyView() {},
  });
  const view = new View();
  if (nesting !== undefined) attachNesting(view, nesting);
  tree = new ViewTree(request.id ?? "lv", view as unknown as NodeInstance, View, hostFor, true);
  const session: Session = {
    connected: false,
    route: request.route,
    path: request.url.split("?")[0],
    url: request.url,
    data: request.session ?? {},
    connectParams: {},
    address: request.address ?? "unknown",
    userAgent: request.userAgent ?? "",
  };
  const finish = (): RenderResult => {
    const t = tree as ViewTree;
    const nav = navigation as Navigation | null;
    const markup = nav !== null && nav.kind !== "patch" ? "" : t.render(t.root).markup;
    const title = nav === null || nav.kind === "patch" ? (view as LiveView<object>).pageTitle() : undefined;
    return { markup, navigation: nav, flash, title: title === undefined || title === null ? undefined : String(title) };
  };
  const cleanup = (): void => {
    tree?.removeAll(
      () => {},
      (err, what) => logger.error(`[livets] ${View.name}: ${what} threw:`, err),
    );
  };
  if (sync) {
    try {
      if (isThenable(view.mount(request.params, session))) {
        throw new TypeError(`${View.name}.mount is async: use ComponentRenderer.renderToStringAsync`);
      }
      if (isThenable(view.handleParams(request.params, request.url))) {
        throw new TypeError(`${View.name}.handleParams is async: use ComponentRenderer.renderToStringAsync`);
      }
      return finish();
    } finally {
      cleanup();
    }
  }
  return (async () => {
    try {
      const halt = await runMountHooks(request.onMount ?? [], view as LiveView<object>, request.params, session);
      if (halt !== null) {
        navigation = { kind: "redirect", url: halt };
        return finish();
      }
      await view.mount(request.params, session);
      await (view as LiveView<object>).handleParams(request.params, request.url);
      return finish();
    } finally {
      cleanup();
    }
  })();
}

/** Renders views to HTML outside a server: for static pages and quick checks. */
export class ComponentRenderer {
  /**
   * Mounts a fresh `View` with `params`, renders it (components inline),
   * unmounts it and returns the markup of its root's content. Needs a
   * synchronous `mount`; use `renderToStringAsync` otherwise.
   */
  static renderToString(View: LiveViewClass, params: Params = {}): string {
    return (render(View, { route: "", params, url: "/" }, true) as RenderResult).markup;
  }

  /** `renderToString` for views whose `mount` may return a promise. */
  static async renderToStringAsync(View: LiveViewClass, params: Params = {}): Promise<string> {
    return (await renderOnce(View, { route: "", params, url: "/" })).markup;
  }
}
