// Files at "/" (favicon.ico, robots.txt): the last resort of a request,
// after everything the application answers. Live routes and a handler's
// routes are known only here, in the TypeScript layer, so these files
// are served here too, with the rules of every static mount
// (static-files.ts): a regular file under the folder, no dot segments or
// dotfiles, no listings, no index.html.

import type * as http from "http";

import { entityTag, etagMatches, fileOf, mediaType, open, type StaticMount } from "./static-files";

/** The mount at "/", and the one path it never serves: the live socket's. */
export interface RootMount extends StaticMount {
  readonly except: string;
}

/** A whole answer for the core's lts_respond: header lines and body. */
export interface FileAnswer {
  readonly status: 200 | 304;
  readonly headers: string;
  readonly body: Buffer;
}

/** Root files are sent whole: larger ones belong under a prefix mount, which the core streams. */
export const MAX_ROOT_FILE_BYTES = 1 << 20;

/**
 * The answer for a GET or HEAD of `pathname` from the root mount, or null when
 * no regular file is there (the caller answers 404), or it is over
 * MAX_ROOT_FILE_BYTES.
 */
export async function rootFileAnswer(mount: RootMount, pathname: string, ifNoneMatch: string | undefined): Promise<FileAnswer | null> {
  const file = pathname === mount.except ? null : fileOf(mount, pathname);
  if (file === null) return null;
  const opened = await open(mount, file);
  if (opened === null) return null;
  const { handle, stat } = opened;
  try {
    if (stat.size > MAX_ROOT_FILE_BYTES) return null;
    const etag = entityTag(stat);
    const validators = `ETag: ${etag}\r\nCache-Control: no-cache\r\n`;
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag)) return { status: 304, headers: validators, body: Buffer.alloc(0) };
    // Read for HEAD too: the core sends its length and drops it.
    const body = await handle.readFile();
    return { status: 200, headers: `Content-Type: ${mediaType(file)}\r\nX-Content-Type-Options: nosniff\r\n${validators}`, body };
  } finally {
    await handle.close();
  }
}

/** 404 as the core's own answers have it: plain text. */
function notFound(res: http.ServerResponse): void {
  const body = "404 Not Found\n";
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

/**
 * What a handler leaves (its `next()`, as an Express app calls it when no
 * route matched): the root file for GET and HEAD, else 404. The same
 * answer as without a handler (rootFileAnswer), written to `res`.
 */
export function serveRootFile(mount: RootMount, req: http.IncomingMessage, res: http.ServerResponse, onError: (err: unknown) => void): void {
  const target = req.url ?? "/";
  const end = target.search(/[?#]/);
  const pathname = end === -1 ? target : target.slice(0, end);
  if (req.method !== "GET" && req.method !== "HEAD") return notFound(res);
  rootFileAnswer(mount, pathname, req.headers["if-none-match"]).then((file) => {
    if (res.headersSent || res.destroyed) return;
    if (file === null) return notFound(res);
    res.statusCode = file.status;
    for (const line of file.headers.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) res.setHeader(line.slice(0, colon), line.slice(colon + 2));
    }
    if (file.status === 200) res.setHeader("Content-Length", file.body.length);
    res.end(req.method === "HEAD" || file.status === 304 ? undefined : file.body);
  }, onError);
}
