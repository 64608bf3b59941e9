import { escapeHtml } from "./html";

/** Headers for every HTML page: pages carry join tokens, so none is cached. */
export const PAGE_HEADERS =
  "Content-Type: text/html; charset=utf-8\r\n" +
  "Cache-Control: no-store\r\n" +
  "X-Content-Type-Options: nosniff\r\n";

/** Where the core serves the browser connector. */
export const CLIENT_PREFIX = "/_livets/";

/** The full page around a view's first render. */
export function livePage(title: string, id: string, token: string, body: string): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<script defer src="${CLIENT_PREFIX}livets.js"></script></head><body>` +
    `<div data-livets-id="${escapeHtml(id)}" data-livets-token="${escapeHtml(token)}">` +
    `${body}</div></body></html>`
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
