import { checkViewClass } from "./events";
import { toMarkup } from "./html";
import { attachHost, type LiveView, type LiveViewClass, type ViewHost } from "./live-view";
import type { Params } from "./token";

const inert: ViewHost = {
  connected: false,
  stateChanged() {},
  subscribe() {},
  unsubscribe() {},
  broadcast() {},
};

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function finish(view: LiveView<object>, View: LiveViewClass): void {
  attachHost(view, null);
  try {
    view.unmount();
  } catch (err) {
    console.error(`[livets] ${View.name}.unmount threw:`, err);
  }
}

/**
 * Mounts a throwaway instance, renders it once and unmounts it: the first,
 * plain-HTML render of a page. `host` lets a server keep `broadcast` working.
 */
export async function renderOnce(
  View: LiveViewClass,
  params: Params,
  path: string,
  host: ViewHost = inert,
): Promise<string> {
  checkViewClass(View);
  const view = new View();
  attachHost(view, host);
  try {
    await view.mount(params, { connected: false, path, connectParams: {} });
    return toMarkup(view.render());
  } finally {
    finish(view, View);
  }
}

/** Renders views to HTML outside a server: for tests and static pages. */
export class ComponentRenderer {
  /**
   * Mounts a fresh `View` with `params`, renders it, unmounts it and
   * returns the markup of its root's content. Needs a synchronous `mount`;
   * use `renderToStringAsync` otherwise.
   */
  static renderToString(View: LiveViewClass, params: Params = {}): string {
    checkViewClass(View);
    const view = new View();
    attachHost(view, inert);
    try {
      if (isThenable(view.mount(params, { connected: false, path: "", connectParams: {} }))) {
        throw new TypeError(`${View.name}.mount is async: use ComponentRenderer.renderToStringAsync`);
      }
      return toMarkup(view.render());
    } finally {
      finish(view, View);
    }
  }

  /** `renderToString` for views whose `mount` may return a promise. */
  static renderToStringAsync(View: LiveViewClass, params: Params = {}): Promise<string> {
    return renderOnce(View, params, "");
  }
}
