// The HTML document around a view's first render, and its headers. The
// page holds no inline script, so the policy can forbid all of it.

import { escapeHtml } from "./html";

/** The Content-Security-Policy of every page. */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'";

/** Headers for every HTML page: pages carry join tokens, so none is cached. */
export const PAGE_HEADERS =
  "Content-Type: text/html; charset=utf-8\r\n" +
  "Cache-Control: no-store\r\n" +
  "X-Content-Type-Options: nosniff\r\n" +
  `Content-Security-Policy: ${CONTENT_SECURITY_POLICY}\r\n`;

/** Where the core serves the browser connector. */
export const CLIENT_PREFIX = "/_livets/";

/** The name of the meta tag that holds the page's CSRF token. */
export const CSRF_META = "csrf-token";

/** What goes into a live page. */
export interface LivePage {
  readonly title: string;
  /** Trusted markup for the head (stylesheets), or "". */
  readonly head: string;
  readonly id: string;
  readonly token: string;
  readonly csrf: string;
  /** The view's first render. */
  readonly body: string;
}

/** The full page around a view's first render. */
export function livePage(page: LivePage): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="${CSRF_META}" content="${escapeHtml(page.csrf)}">` +
    `<title>${escapeHtml(page.title)}</title>${page.head}` +
    // The page layer first: the connector reads it as it starts.
    `<script defer src="${CLIENT_PREFIX}live.js"></script>` +
    `<script defer src="${CLIENT_PREFIX}livets.js"></script></head><body>` +
    `<div data-livets-id="${escapeHtml(page.id)}" data-livets-token="${escapeHtml(page.token)}">` +
    `${page.body}</div></body></html>`
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
