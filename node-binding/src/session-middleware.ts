// `req.session` for HTTP handlers, Express middleware shape, backed by the
// session cookie: read when the request arrives, written (Set-Cookie) when
// the response's headers go out, and only if the handler changed it.
// `req.session = null` ends the session (the cookie is deleted).

import { parseCookies, serializeCookie, type CookieOptions } from "./cookies";
import {
  DEFAULT_SESSION_COOKIE,
  DEFAULT_SESSION_MAX_AGE,
  SessionKeys,
  type SessionCookieOptions,
  type SessionData,
} from "./session-cookie";

/** The parts of a Node request the middleware reads and writes. */
export interface SessionRequest {
  headers: { cookie?: string | string[] };
  session?: SessionData | null;
  /** Express's `req.secure`: https, itself or (with "trust proxy") at a proxy. */
  readonly secure?: boolean;
  /** A TLS socket says `encrypted` (Node's https, the core's TLS); any socket type fits. */
  readonly socket?: unknown;
}

/** Whether the request came over TLS, as far as the request can tell. */
function cameOverTls(req: SessionRequest): boolean {
  const socket = req.socket as { readonly encrypted?: unknown } | null | undefined;
  return req.secure === true || socket?.encrypted === true;
}

/** The parts of a Node response it writes to. */
export interface SessionResponse {
  getHeader(name: string): number | string | readonly string[] | undefined;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
  writeHead: (...args: never[]) => unknown;
}

export type SessionMiddleware = (req: SessionRequest, res: SessionResponse, next: (error?: unknown) => void) => void;

/** Reads the session cookie of a Cookie header; `{}` when there is none or it is not valid. */
export function readSession(keys: SessionKeys, cookieHeader: string | readonly string[] | undefined, options: SessionCookieOptions = {}): SessionData {
  const name = options.name ?? DEFAULT_SESSION_COOKIE;
  return keys.unseal(name, parseCookies(cookieHeader).get(name)) ?? {};
}

/** The Set-Cookie line that stores `data`, or deletes the session when `data` is null. */
export function sessionCookie(keys: SessionKeys, data: SessionData | null, options: SessionCookieOptions = {}): string {
  const name = options.name ?? DEFAULT_SESSION_COOKIE;
  const attributes: CookieOptions = {
    path: options.path,
    domain: options.domain,
    secure: options.secure,
    sameSite: options.sameSite,
    httpOnly: true,
  };
  if (data === null) return serializeCookie(name, "", { ...attributes, maxAge: 0, expires: new Date(0) });
  const maxAge = options.maxAge ?? DEFAULT_SESSION_MAX_AGE;
  return serializeCookie(name, keys.seal(name, data, maxAge, options.encrypt ?? false), { ...attributes, maxAge });
}

/** Express-style middleware giving every request a `req.session`. */
export function sessionMiddleware(keys: SessionKeys, options: SessionCookieOptions = {}): SessionMiddleware {
  return (req, res, next) => {
    const name = options.name ?? DEFAULT_SESSION_COOKIE;
    // A cookie set over HTTPS is sent over HTTPS only, unless told otherwise.
    const cookieOptions = { ...options, secure: options.secure ?? cameOverTls(req) };
    const cookies = parseCookies(req.headers.cookie);
    const had = cookies.has(name);
    const session = keys.unseal(name, cookies.get(name)) ?? {};
    const before = JSON.stringify(session);
    req.session = session;
    const writeHead = res.writeHead;
    // Node and Express send headers through writeHead, also implicitly on
    // the first write or end, so this is the last moment to add one.
    res.writeHead = function (this: SessionResponse, ...args: never[]) {
      res.writeHead = writeHead;
      const now = req.session;
      let line: string | null = null;
      if (now === null || now === undefined) line = had ? sessionCookie(keys, null, cookieOptions) : null;
      else if (JSON.stringify(now) !== before) line = sessionCookie(keys, now, cookieOptions);
      if (line !== null) appendSetCookie(res, line);
      return writeHead.apply(this, args);
    } as SessionResponse["writeHead"];
    next();
  };
}

function appendSetCookie(res: SessionResponse, line: string): void {
  const existing = res.getHeader("set-cookie");
  if (existing === undefined) res.setHeader("set-cookie", [line]);
  else if (Array.isArray(existing)) res.setHeader("set-cookie", [...(existing as string[]), line]);
  else res.setHeader("set-cookie", [String(existing), line]);
}
