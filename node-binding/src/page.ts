// The HTML document around a view's first render, and its headers. The
// page holds no inline script, so the policy can forbid all of it. A live
// page acts on a click: framed by another site under a decoy, it would
// act on clicks its user never meant, so only this origin may frame it.

import { createHash } from "crypto";
import { escapeHtml } from "./html";
import { usesJsCommands } from "./js";

/** Who may frame the pages, by default: this origin only. */
export const DEFAULT_FRAME_ANCESTORS = "'self'";

/**
 * The Content-Security-Policy of every page, with `frameAncestors` as
 * given; `devChannel` (under `livets dev` only) may be reached too.
 */
export function contentSecurityPolicy(frameAncestors: string = DEFAULT_FRAME_ANCESTORS, devChannel: string | null = null): string {
  const connect = devChannel !== null ? `; connect-src 'self' ${devChannel}` : "";
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors ${frameAncestors}${connect}`;
}

/** The Content-Security-Policy of every page, with the default framing rule. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/**
 * Throws a TypeError unless `value` is a CSP source list for
 * frame-ancestors: "'self'", "'none'", or origins and keywords separated
 * by spaces ("'self' https://admin.example.com").
 */
export function checkFrameAncestors(value: unknown): string {
  if (typeof value !== "string" || !/^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(value) || /[;,]/.test(value)) {
    throw new TypeError(`frameAncestors must be a CSP source list such as "'self'", "'none'" or "'self' https://example.com", not ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * X-Frame-Options for browsers without CSP frame-ancestors: it can say
 * only "this origin" or "nobody", so any other list goes without it.
 */
function frameOptions(frameAncestors: string): string {
  if (frameAncestors === "'self'") return "X-Frame-Options: SAMEORIGIN\r\n";
  if (frameAncestors === "'none'") return "X-Frame-Options: DENY\r\n";
  return "";
}

/** Headers for every HTML page: pages carry join tokens, so none is cached. */
export function pageHeaders(frameAncestors: string = DEFAULT_FRAME_ANCESTORS, devChannel: string | null = null): string {
  return (
    "Content-Type: text/html; charset=utf-8\r\n" +
    "Cache-Control: no-store\r\n" +
    "X-Content-Type-Options: nosniff\r\n" +
    frameOptions(frameAncestors) +
    `Content-Security-Policy: ${contentSecurityPolicy(frameAncestors, devChannel)}\r\n`
  );
}

/** The page headers with the default framing rule. */
export const PAGE_HEADERS = pageHeaders();

/** Where the core serves the browser connector. */
export const CLIENT_PREFIX = "/_livets/";

/** The name of the meta tag that holds the page's CSRF token. */
export const CSRF_META = "csrf-token";

/** The attribute of <body> that names the page's layout (its digest). */
export const LAYOUT_ATTR = "data-livets-layout";

/** On a live root: the fingerprint of its first render, which the first join echoes (docs/protocol.md). */
export const FP_ATTR = "data-livets-fp";

/**
 * The core's PageFingerprint of a view's HTML: the first 8 bytes of its
 * SHA-1 in hex. A join whose render has it is answered without the HTML.
 */
export function pageFingerprint(html: string): string {
  return createHash("sha1").update(html).digest("hex").slice(0, 16);
}

/** The live root: the view's first render inside the element the connector joins. */
export function liveRoot(id: string, token: string, body: string): string {
  return `<div data-livets-id="${escapeHtml(id)}" data-livets-token="${escapeHtml(token)}" ${FP_ATTR}="${pageFingerprint(body)}">${body}</div>`;
}

/** What goes into a live page. */
export interface LivePage {
  readonly title: string;
  /** Trusted markup for the head (stylesheets), or "". */
  readonly head: string;
  readonly csrf: string;
  /** The body's content: the live root, alone or inside its layout. */
  readonly body: string;
  /** The layout's digest (see layout.ts); absent without a layout. */
  readonly layout?: string;
  /** What the page's script must hold (see `pageFeatures`). */
  readonly features?: readonly Feature[];
}

/**
 * What a page's script holds beyond the page layer and the connector only
 * when its view uses it: "js" (JS commands), "upload", "hook" (hooks and
 * push events), "transition" (the enter and leave transitions of what
 * patches add and remove) and "stream" (stream operations). Each costs its
 * bytes on no other page; in the page's one script it costs less than
 * loaded as a script of its own.
 */
export type Feature = "js" | "upload" | "hook" | "transition" | "stream";

/**
 * The features of a page, in the order its script's name gives them:
 * `markup` is its view's first render, `uploads` whether the view declares
 * `static uploads`. A page whose first render lacks a feature it comes to
 * use loads that feature's script on first use (/_livets/js.js at a first
 * JS command, hook.js at a first ts-hook or push event, transition.js at a
 * first ts-transition, stream.js at a first stream container or
 * operation). A transition comes with "js", whose script is the one that
 * loads transition.js. A page with JS commands gets hooks and transitions
 * with them, used yet or not: the three are the page's own JavaScript, and
 * one script holding all three stays within the 8,192 B a page loads (with
 * long polling), where the two loaded later would go past it.
 */
export function pageFeatures(markup: string, uploads: boolean): Feature[] {
  const features: Feature[] = [];
  const js = usesJsCommands(markup);
  if (js) features.push("js");
  if (uploads) features.push("upload");
  if (js || /\sts-hook=/.test(markup)) features.push("hook");
  if (js) features.push("transition");
  if (/\sts-stream=/.test(markup)) features.push("stream");
  return features;
}

/** The script of a page with these features (client/build.sh builds each). */
export function pageScript(features: readonly Feature[]): string {
  return `${CLIENT_PREFIX}live${features.map((f) => `-${f}`).join("")}.js`;
}

/** The full page around a view's first render. */
export function livePage(page: LivePage): string {
  const layout = page.layout !== undefined ? ` ${LAYOUT_ATTR}="${escapeHtml(page.layout)}"` : "";
  return (
    `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="${CSRF_META}" content="${escapeHtml(page.csrf)}">` +
    `<title>${escapeHtml(page.title)}</title>${page.head}` +
    // The page layer, the connector and the page's features in one script:
    // live.js, live-js.js, live-js-upload-hook-transition.js and so on.
    `<script defer src="${pageScript(page.features ?? [])}"></script></head><body${layout}>` +
    `${page.body}</body></html>`
  );
}

/** A plain page for 404, 405, 500 and the like. */
export function statusPage(title: string, status: number, message: string): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${status} ` +
    `${escapeHtml(message)} - ${escapeHtml(title)}</title></head><body>` +
    `<h1>${status} ${escapeHtml(message)}</h1></body></html>`
  );
}
