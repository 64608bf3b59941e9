// Layouts: the trusted markup around a view's page (stylesheets, nav,
// footer). A layout wraps the live root and is rendered once, with the
// page: live navigation swaps the root only, so a page records which
// surroundings it has (a digest of them) and the connector loads a page
// with other surroundings in full instead of swapping its root.

import { createHash } from "crypto";

import { Html } from "./html";
import type { JsonObject } from "./json";

/** What a layout is given. */
export interface LayoutPage {
  /** The live root with the view's first render: put it in the output unchanged, once. */
  readonly content: Html;
  /** The page's title, as in <title> (the view's pageTitle() and the titleSuffix). */
  readonly title: string;
  /** The route pattern ("/users/:id"). */
  readonly route: string;
  /** The page's path and query. */
  readonly url: string;
  /** The session the view was mounted with. */
  readonly session: JsonObject;
}

/** Builds the body's content around `page.content`, with html``. */
export type LayoutRender = (page: LayoutPage) => Html;

/** A layout with markup of its own for <head>, after the server's `head`. */
export interface Layout {
  readonly render: LayoutRender;
  readonly head?: Html;
}

/**
 * The `layout` option of a server, group or route: a render function, a
 * `Layout`, or null for none (a route or group that opts out of its
 * server's layout).
 */
export type LayoutOption = Layout | LayoutRender | null;

/** A page wrapped by its layout. */
export interface WrappedPage {
  readonly body: string;
  readonly head: string;
  /** The digest of everything the layout added: equal for pages a root swap can go between. */
  readonly identity: string;
}

/**
 * Checks a `layout` option: undefined (inherit) stays undefined, null is
 * no layout, a function becomes a Layout without head.
 */
export function checkLayout(value: unknown, name: string): Layout | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value === "function") return Object.freeze({ render: value as LayoutRender });
  if (typeof value === "object" && typeof (value as Layout).render === "function") {
    const { render, head } = value as Layout;
    if (head !== undefined && !(head instanceof Html)) throw new TypeError(`${name}.head must be built with html\`\` (it is inserted unescaped)`);
    return Object.freeze({ render, head });
  }
  throw new TypeError(`${name} must be a function (page) => html\`...\`, an object { render, head? }, or null, not ${typeof value}`);
}

/**
 * Runs `layout` around `page.content`. Throws when the layout throws,
 * returns something not built with html``, or leaves the content out or
 * changed: the root carries the join token, so a page without it could
 * never go live.
 */
export function wrapPage(layout: Layout, page: LayoutPage): WrappedPage {
  const out = layout.render(page);
  if (!(out instanceof Html)) {
    throw new TypeError(`a layout must return markup built with html\`\`, not ${out === null ? "null" : typeof out}`);
  }
  const body = out.toString();
  const content = page.content.toString();
  const at = body.indexOf(content);
  if (at === -1) throw new Error("a layout must put page.content in its output, unchanged");
  const head = layout.head?.toString() ?? "";
  // The layout's own markup only: the same surroundings give the same
  // digest whatever view they wrap.
  const identity = createHash("sha256")
    .update(head)
    .update("\0")
    .update(body.slice(0, at))
    .update("\0")
    .update(body.slice(at + content.length))
    .digest("base64url")
    .slice(0, 16);
  return { body, head, identity };
}
