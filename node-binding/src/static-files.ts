// The connector and asset files, served by a Node http.Server that LiveTS
// is attached to, with the answers the core gives on its own port
// (Sources/LiveTSNet/StaticFiles*.swift): the same path rules, ETag, media
// types and validators, the body streamed from disk.

import * as fs from "fs";
import type * as http from "http";
import * as path from "path";
import { pipeline } from "stream";

/** Files under `root` (resolved through symlinks) served at URL `prefix`. */
export interface StaticMount {
  readonly prefix: string;
  readonly root: string;
}

/** A mount for `dir` at `prefix`; throws if the directory does not exist. */
export function staticMount(prefix: string, dir: string): StaticMount {
  const root = fs.realpathSync(dir);
  if (!fs.statSync(root).isDirectory()) throw new TypeError(`${dir} is not a directory`);
  return { prefix, root };
}

/** Media types by extension, as the core's MimeTypes has them. */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  html: "text/html; charset=utf-8",
  htm: "text/html; charset=utf-8",
  json: "application/json",
  map: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  ico: "image/x-icon",
  webp: "image/webp",
  woff2: "font/woff2",
  txt: "text/plain; charset=utf-8",
  wasm: "application/wasm",
};

export function mediaType(file: string): string {
  return MEDIA_TYPES[path.extname(file).slice(1).toLowerCase()] ?? "application/octet-stream";
}

/** The file a request path names under `mount`, or null for any path that could leave it. */
export function fileOf(mount: StaticMount, pathname: string): string | null {
  if (!pathname.startsWith(mount.prefix)) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(mount.prefix.length));
  } catch {
    return null;
  }
  const segments = relative.split("/");
  for (const segment of segments) {
    if (segment === "" || segment.startsWith(".") || segment.includes("\0") || segment.includes("\\")) return null;
  }
  return path.join(mount.root, ...segments);
}

/** The core's entity tag: size and modification second, in hex. */
export function entityTag(stat: fs.Stats): string {
  return `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs / 1000).toString(16)}"`;
}

/** If-None-Match lists one or more entity tags, or "*" (RFC 9110 §13.1.2). */
export function etagMatches(header: string, etag: string): boolean {
  return header.split(",").some((item) => {
    const candidate = item.trim();
    return candidate === "*" || candidate === etag || candidate === `W/${etag}`;
  });
}

function plain(res: http.ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  const body = `${status} ${message}\n`;
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body), ...extra });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

/** Answers a request whose path is under `mount`: the file, 304, 404 or 405. */
export function serveStatic(mount: StaticMount, pathname: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method !== "GET" && req.method !== "HEAD") return plain(res, 405, "Method Not Allowed", { Allow: "GET, HEAD" });
  const file = fileOf(mount, pathname);
  if (file === null) return plain(res, 404, "Not Found");
  void open(mount, file).then(
    (opened) => {
      if (opened === null) return plain(res, 404, "Not Found");
      const { handle, stat } = opened;
      const etag = entityTag(stat);
      const validators = { ETag: etag, "Cache-Control": "no-cache" };
      const match = req.headers["if-none-match"];
      if (match !== undefined && etagMatches(match, etag)) {
        void handle.close();
        res.writeHead(304, validators);
        return res.end();
      }
      res.writeHead(200, {
        "Content-Type": mediaType(file),
        "Content-Length": stat.size,
        "X-Content-Type-Options": "nosniff",
        ...validators,
      });
      if (req.method === "HEAD") {
        void handle.close();
        return res.end();
      }
      // Sent as the client reads it; a client that leaves ends the read.
      pipeline(handle.createReadStream(), res, () => undefined);
    },
    () => plain(res, 404, "Not Found"),
  );
}

/** The regular file at `file`, if it is one and lies under the mount once symlinks are resolved. */
export async function open(mount: StaticMount, file: string): Promise<{ handle: fs.promises.FileHandle; stat: fs.Stats } | null> {
  const resolved = await fs.promises.realpath(file).catch(() => null);
  if (resolved === null || !resolved.startsWith(mount.root + path.sep)) return null;
  // O_NONBLOCK: a FIFO someone left in the folder must not hang the open.
  const handle = await fs.promises.open(resolved, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK).catch(() => null);
  if (handle === null) return null;
  const stat = await handle.stat().catch(() => null);
  if (stat === null || !stat.isFile()) {
    await handle.close();
    return null;
  }
  return { handle, stat };
}
