// Join tokens let a browser join the view its page was rendered for, with
// the same params and session, without the core or the client reading them.
// Format: base64url(JSON claims) "." base64url(HMAC-SHA256(secret, first part)).

import { createHmac, timingSafeEqual } from "crypto";

import { isJsonObject, type JsonObject } from "./json";

/** Path and query-string parameters a view is mounted with. */
export type Params = Readonly<Record<string, string>>;

/** What a join token names. */
export interface JoinClaims {
  /** The route pattern of the view, e.g. "/users/:id". */
  readonly view: string;
  /** The params the page was rendered with. */
  readonly params: Params;
  /** The page's path and query. */
  readonly url: string;
  /** The id of the view root on the page: the token joins that root only. */
  readonly id: string;
  /** The CSRF token the page carries, which the join must echo. */
  readonly csrf: string;
  /** The page's session: its session cookie's values, then what the server's `session` option added. */
  readonly session: JsonObject;
  /**
   * The digest of the session cookie's values the page was rendered with
   * (ServerSessions.binding); a join's cookie must give the same.
   */
  readonly binding?: string;
}

/** What a valid token grants. */
export interface TokenGrant extends JoinClaims {
  /** Expiry, in milliseconds since the epoch. */
  readonly expires: number;
}

/** Why a token was refused. */
export type TokenFailure = "malformed" | "signature" | "expired" | "view";

/** The outcome of `verifyToken`. */
export type TokenCheck =
  | ({ readonly ok: true } & TokenGrant)
  | { readonly ok: false; readonly reason: TokenFailure };

/** How long a rendered page may wait before it joins: one day. */
export const DEFAULT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** A key for signing: a string or bytes. */
export type Secret = string | Uint8Array;

function mac(secret: Secret, body: string): string {
  return createHmac("sha256", secret).update(body).digest("base64url");
}

/** Signs a join token for `claims`, valid for `ttlMs` milliseconds after `now`. */
export function signToken(
  secret: Secret,
  claims: JoinClaims,
  ttlMs: number = DEFAULT_TOKEN_TTL_MS,
  now: number = Date.now(),
): string {
  const { view, params, url, id, csrf, session, binding } = claims;
  const payload = { v: view, p: params, u: url, i: id, c: csrf, s: session, b: binding, e: now + ttlMs };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${mac(secret, body)}`;
}

function isParams(value: unknown): value is Params {
  return isJsonObject(value) && Object.values(value).every((v) => typeof v === "string");
}

/**
 * Checks a token's signature and expiry and, when `expectedView` is given,
 * that it was issued for that view. Never throws for bad input.
 */
export function verifyToken(
  secret: Secret,
  token: unknown,
  expectedView?: string,
  now: number = Date.now(),
): TokenCheck {
  if (typeof token !== "string" || token.length > 64 * 1024) return { ok: false, reason: "malformed" };
  const dot = token.indexOf(".");
  if (dot <= 0 || dot !== token.lastIndexOf(".")) return { ok: false, reason: "malformed" };
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(secret, body));
  // Comparing the encoded forms rejects every alternative spelling of the
  // same bytes, which a lenient base64 decoder would accept.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "signature" };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!isJsonObject(claims)) return { ok: false, reason: "malformed" };
  const { v, p, u, i, c, s, b, e } = claims;
  if (
    typeof v !== "string" ||
    !isParams(p) ||
    typeof u !== "string" ||
    typeof i !== "string" ||
    typeof c !== "string" ||
    !isJsonObject(s) ||
    (b !== undefined && typeof b !== "string") ||
    typeof e !== "number" ||
    !Number.isFinite(e)
  ) {
    return { ok: false, reason: "malformed" };
  }
  if (now >= e) return { ok: false, reason: "expired" };
  if (expectedView !== undefined && v !== expectedView) return { ok: false, reason: "view" };
  return { ok: true, view: v, params: p, url: u, id: i, csrf: c, session: s, ...(b !== undefined ? { binding: b } : {}), expires: e };
}

/** Whether two secrets-in-transit are equal, in time independent of where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
