// A streamed request as a real http.IncomingMessage: Express replaces the
// prototype of `req` with its own (which inherits IncomingMessage's), so
// everything this module sets is an own property, and the prototype's
// headers logic (set-cookie arrays, joined duplicates) applies unchanged.

import * as http from "http";
import type * as net from "net";

import type { HttpHeadRecord } from "../native";
import type { RequestSocket } from "./request-socket";

/** The request's side of the bridge: what reading the body costs the core. */
export interface BodyFlow {
  /** The reader wants more: acknowledge what was delivered so far. */
  resume(): void;
  /** The handler destroyed the request before its body ended. */
  abort(): void;
}

type HeaderAdder = (name: string, value: string, dest: Record<string, unknown>) => void;

/** "name: value\r\n" lines as Node's rawHeaders: [name, value, name, value, …]. */
export function rawHeaderList(lines: string): string[] {
  const out: string[] = [];
  for (const line of lines.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    out.push(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return out;
}

export function createIncomingMessage(head: HttpHeadRecord, socket: RequestSocket, flow: BodyFlow): http.IncomingMessage {
  const req = new http.IncomingMessage(socket as unknown as net.Socket);
  req.method = head.method;
  req.url = head.target;
  req.httpVersionMajor = 1;
  req.httpVersionMinor = head.versionMinor;
  req.httpVersion = `1.${head.versionMinor}`;
  req.rawHeaders = rawHeaderList(head.headers);
  const headers: Record<string, unknown> = {};
  const add = (req as unknown as { _addHeaderLine?: HeaderAdder })._addHeaderLine;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i], value = req.rawHeaders[i + 1];
    if (typeof add === "function") add.call(req, name, value, headers);
    else headers[name] = name in headers ? `${String(headers[name])}, ${value}` : value;
  }
  req.headers = headers as http.IncomingHttpHeaders;
  // Own properties: they outlive Express's prototype swap.
  Object.assign(req, {
    _read(): void {
      flow.resume();
    },
    _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
      if (!req.complete) flow.abort();
      // As Node's own: an error nobody listens for is not thrown.
      callback(req.listenerCount("error") > 0 ? error : null);
    },
  });
  return req;
}
