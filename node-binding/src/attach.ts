// LiveTS inside a Node http.Server the app already owns (plain Node or
// Express): the server keeps its port and its routes; LiveTS takes the
// first render of its live routes, its own files, and the upgrades of
// its live socket, whose connection moves into the core.

import * as http from "http";
import * as tls from "tls";

import type { Logger } from "./logger";
import { serveStatic, type StaticMount } from "./static-files";

/** A request as the page path reads it (the core's RequestRecord fields). */
export interface PageQuery {
  readonly method: string;
  /** Path and query. */
  readonly target: string;
  /** Header lines, "Name: value\r\n" each. */
  readonly headers: string;
  readonly address: string;
}

/** Answers a page: status, the page's own header lines, and the body. */
export type PageSender = (status: number, headerLines: string, body: string) => void;

/** What an attachment needs from its LiveTSServer. */
export interface AttachHost {
  /** Whether `pathname` is a live route. */
  isLiveRoute(pathname: string): boolean;
  /** The page path of the core's requests: render, then `send` once. */
  answerPage(query: PageQuery, send: PageSender): void;
  /** The connector's files and the app's assets. */
  readonly mounts: readonly StaticMount[];
  /** The path of the live socket. */
  readonly livePath: string;
  /** Hands a connection to the core (lts_server_adopt); throws the core's error. */
  adopt(fd: number, request: Buffer): void;
  readonly logger: Logger;
}

/** The path of a request target, without query or fragment. */
function pathOf(url: string | undefined): string {
  const target = url ?? "/";
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/** The header block as received; Node keeps names and values as latin1 text of the bytes. */
function headerLines(req: http.IncomingMessage): string {
  let lines = "";
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  return lines;
}

/** The client's address as the core writes it: an IPv4 client of a dual-stack socket without its ::ffff: prefix. */
function addressOf(req: http.IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "unknown";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

function sendPage(req: http.IncomingMessage, res: http.ServerResponse, status: number, lines: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  for (const line of lines.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) res.setHeader(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const bytes = Buffer.from(body);
  res.setHeader("Content-Length", bytes.length);
  res.end(req.method === "HEAD" ? undefined : bytes);
}

/**
 * Puts LiveTS in front of `server`'s own handlers; returns the function
 * that takes it out again. Requests and upgrades that are not LiveTS's
 * reach the app's listeners unchanged, whether added before or after.
 */
export function attachServer(server: http.Server, host: AttachHost): () => void {
  if (server instanceof tls.Server) {
    // The TLS session lives in Node's socket: the core cannot take it over.
    throw new TypeError("attach needs a plain http.Server: end TLS at a proxy in front of it, or let LiveTS listen itself");
  }
  if (!(server instanceof http.Server)) throw new TypeError("attach needs an http.Server (http.createServer(app), app.listen())");

  const takeRequest = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const pathname = pathOf(req.url);
    const mount = host.mounts.find((m) => pathname.startsWith(m.prefix));
    if (mount !== undefined) {
      serveStatic(mount, pathname, req, res);
      return true;
    }
    if ((req.method !== "GET" && req.method !== "HEAD") || !host.isLiveRoute(pathname)) return false;
    const query = { method: req.method, target: req.url ?? "/", headers: headerLines(req), address: addressOf(req) };
    host.answerPage(query, (status, lines, body) => sendPage(req, res, status, lines, body));
    return true;
  };

  const takeUpgrade = (req: http.IncomingMessage, socket: unknown, head: unknown): boolean => {
    if (pathOf(req.url) !== host.livePath) return false;
    const fd = (socket as { _handle?: { fd?: unknown } } | null)?._handle?.fd;
    const destroy = (): void => {
      (socket as { destroy?: () => void } | null)?.destroy?.();
    };
    if ((socket as { encrypted?: boolean }).encrypted === true || typeof fd !== "number" || fd < 0) {
      host.logger.error(`[livets] an upgrade of ${host.livePath} came on a socket with no descriptor of its own (TLS, or not TCP): closed`);
      destroy();
      return true;
    }
    const start = `${req.method ?? "GET"} ${req.url ?? "/"} HTTP/${req.httpVersion}\r\n${headerLines(req)}\r\n`;
    const early = Buffer.isBuffer(head) ? head : Buffer.alloc(0);
    try {
      host.adopt(fd, Buffer.concat([Buffer.from(start, "latin1"), early]));
    } catch (err) {
      host.logger.error(`[livets] could not hand an upgrade of ${host.livePath} to the core:`, err);
    }
    // Closes Node's descriptor only: the core's duplicate keeps the connection.
    destroy();
    return true;
  };

  // Node emits 'upgrade' only while the event has a listener; without one
  // an upgrade arrives as a plain request. This one stands in for an app
  // that has none, and answers what it would have answered: not found.
  const leftOver = (_req: http.IncomingMessage, socket: { end(data: string): void }): void => {
    if (server.listenerCount("upgrade") > 1) return;
    socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  };

  const hadOwnEmit = Object.prototype.hasOwnProperty.call(server, "emit");
  const emit = server.emit;
  // In front of every listener, whenever added: the one place that sees
  // an event before any of them and can keep it from them.
  const guardedEmit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request" && takeRequest(args[0] as http.IncomingMessage, args[1] as http.ServerResponse)) return true;
    if (event === "upgrade" && takeUpgrade(args[0] as http.IncomingMessage, args[1], args[2])) return true;
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  };
  server.emit = guardedEmit as typeof server.emit;
  server.on("upgrade", leftOver);

  return () => {
    server.removeListener("upgrade", leftOver);
    if (server.emit !== guardedEmit) return;
    if (hadOwnEmit) server.emit = emit;
    else delete (server as { emit?: unknown }).emit;
  };
}
