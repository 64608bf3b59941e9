// Join tokens let a browser reconnect to the view its page was rendered for,
// with the same params, without the core or the client understanding them.
// Format: base64url(JSON {v, p, e}) "." base64url(HMAC-SHA256(secret, first part)).

import { createHmac, timingSafeEqual } from "crypto";

/** Query-string parameters a view is mounted with. */
export type Params = Readonly<Record<string, string>>;

/** What a valid token grants: a view path and the params to mount it with. */
export interface TokenGrant {
  readonly view: string;
  readonly params: Params;
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

function mac(secret: string | Uint8Array, body: string): string {
  return createHmac("sha256", secret).update(body).digest("base64url");
}

/**
 * Signs a join token for `view` mounted with `params`, valid for `ttlMs`
 * milliseconds after `now`.
 */
export function signToken(
  secret: string | Uint8Array,
  view: string,
  params: Params,
  ttlMs: number = DEFAULT_TOKEN_TTL_MS,
  now: number = Date.now(),
): string {
  const body = Buffer.from(JSON.stringify({ v: view, p: params, e: now + ttlMs })).toString(
    "base64url",
  );
  return `${body}.${mac(secret, body)}`;
}

function isParams(value: unknown): value is Params {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === "string");
}

/**
 * Checks a token's signature and expiry and, when `expectedView` is given,
 * that it was issued for that view. Never throws for bad input.
 */
export function verifyToken(
  secret: string | Uint8Array,
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
  if (typeof claims !== "object" || claims === null) return { ok: false, reason: "malformed" };
  const { v, p, e } = claims as { v?: unknown; p?: unknown; e?: unknown };
  if (typeof v !== "string" || !isParams(p) || typeof e !== "number" || !Number.isFinite(e)) {
    return { ok: false, reason: "malformed" };
  }
  if (now >= e) return { ok: false, reason: "expired" };
  if (expectedView !== undefined && v !== expectedView) return { ok: false, reason: "view" };
  return { ok: true, view: v, params: p, expires: e };
}
