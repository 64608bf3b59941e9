// URLs the views see and send: always local paths with a query, parsed the
// same way for a page request, a join and a live patch.

import type { Params } from "./token";

const BASE = "http://livets.invalid";

/** A local URL split into what routing and views need. */
export interface LocalUrl {
  /** Path and query, normalised: "/users/7?tab=posts". */
  readonly href: string;
  readonly pathname: string;
  readonly query: Params;
}

/**
 * Parses a path-and-query ("/a?b=c") as a URL on this server. Null for
 * anything else: absolute URLs to other hosts, "//host/..." and unparsable
 * text.
 */
export function parseLocal(target: string): LocalUrl | null {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//")) return null;
  let url: URL;
  try {
    url = new URL(target, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  return { href: url.pathname + url.search, pathname: url.pathname, query };
}

/** The params a view mounts with: the query, overridden by path placeholders. */
export function mergeParams(query: Params, pathParams: Params): Params {
  return { ...query, ...pathParams };
}

/** Options of `redirect()`. */
export interface RedirectOptions {
  /** The URL may be on another site: without it, only local paths are accepted. */
  readonly external?: boolean;
}

/**
 * A URL a view may send the browser to with redirect(): a local path, or,
 * with `external`, an absolute http(s) URL. Throws a TypeError otherwise,
 * so `javascript:` never reaches `location.assign`, and a URL taken from a
 * request cannot turn the app into an open redirect by accident.
 */
export function checkRedirect(target: string, options: RedirectOptions = {}): string {
  const local = parseLocal(target);
  if (local !== null) return local.href;
  let url: URL | null = null;
  try {
    url = new URL(target);
  } catch {
    // not absolute either
  }
  const shown = JSON.stringify(String(target).slice(0, 200));
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new TypeError(`redirect needs a local path such as "/items" or an http(s) URL, not ${shown}`);
  }
  if (options.external !== true) {
    throw new TypeError(
      `redirect to ${shown} may leave this site: pass { external: true } if that is meant, or give a local path such as "/items"`,
    );
  }
  return url.href;
}
