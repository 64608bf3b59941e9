// The session a browser carries in one cookie: signed with a key derived
// from the server's secret (HMAC-SHA256), or sealed (AES-256-GCM) when its
// values must not be readable either. The server keeps nothing, so any
// process with the secret reads it, as Phoenix and Rails cookie stores do.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "crypto";

import { isJsonObject, type JsonObject } from "./json";
import type { Secret } from "./token";

/** What a session holds: JSON values by name. */
export type SessionData = JsonObject;

/** How the session cookie is written. */
export interface SessionCookieOptions {
  /** Default "livets_session". */
  readonly name?: string;
  /** Seconds the session lasts after it was last written; default 14 days. */
  readonly maxAge?: number;
  /** Encrypt the values, not only sign them; default false. */
  readonly encrypt?: boolean;
  /**
   * Send only over HTTPS; default: whether the request came over TLS
   * (`req.secure`, or a TLS socket), so a server with `tls` writes Secure cookies.
   */
  readonly secure?: boolean;
  /** Default "Lax". */
  readonly sameSite?: "Strict" | "Lax" | "None";
  readonly domain?: string;
  /** Default "/". */
  readonly path?: string;
}

export const DEFAULT_SESSION_COOKIE = "livets_session";
export const DEFAULT_SESSION_MAX_AGE = 14 * 24 * 60 * 60;

// Browsers keep cookies up to 4096 bytes, name and attributes included.
const MAX_SEALED_BYTES = 3800;
const SIGNED = "s1";
const SEALED = "e1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The two keys of a session cookie, derived once from the server's secret. */
export class SessionKeys {
  private readonly signing: Buffer;
  private readonly encryption: Buffer;
  private readonly binding: Buffer;

  constructor(secret: Secret) {
    // Separate keys per use: a session MAC can never pass for a join token's.
    const derive = (label: string) => Buffer.from(hkdfSync("sha256", secret, "livets", label, 32));
    this.signing = derive("session cookie signing");
    this.encryption = derive("session cookie encryption");
    this.binding = derive("session binding");
  }

  /**
   * A digest of a session's values, for a join token: the join must come
   * with a cookie whose session has the same digest, so a page rendered
   * for one session cannot join under another (or none) after a sign-out.
   */
  digest(data: SessionData): string {
    return createHmac("sha256", this.binding).update(JSON.stringify(data)).digest("base64url").slice(0, 22);
  }

  /**
   * The cookie value for `data`, expiring `maxAgeSeconds` from `now`.
   * Throws a RangeError when the result is too large for a cookie.
   */
  seal(name: string, data: SessionData, maxAgeSeconds: number, encrypt: boolean, now = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ d: data, e: now + maxAgeSeconds * 1000 }));
    const value = encrypt ? this.encrypt(name, body) : this.sign(name, body);
    if (value.length > MAX_SEALED_BYTES) {
      throw new RangeError(
        `session is ${value.length} bytes as a cookie, over the ${MAX_SEALED_BYTES} a browser keeps: store large values elsewhere and keep an id in the session`,
      );
    }
    return value;
  }

  /** The session in a cookie value, or null when it is absent, altered, expired or malformed. Never throws. */
  unseal(name: string, value: string | undefined, now = Date.now()): SessionData | null {
    if (value === undefined || value.length > MAX_SEALED_BYTES) return null;
    const dot = value.indexOf(".");
    const format = value.slice(0, dot);
    const body = format === SIGNED ? this.verify(name, value.slice(dot + 1)) : format === SEALED ? this.decrypt(name, value.slice(dot + 1)) : null;
    if (body === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return null;
    }
    if (!isJsonObject(parsed) || !isJsonObject(parsed.d) || typeof parsed.e !== "number" || now >= parsed.e) return null;
    return parsed.d;
  }

  private mac(name: string, body: string): Buffer {
    // The cookie's name is signed too: a value cannot be moved to another cookie.
    return createHmac("sha256", this.signing).update(name).update("\0").update(body).digest();
  }

  private sign(name: string, body: Buffer): string {
    const encoded = body.toString("base64url");
    return `${SIGNED}.${encoded}.${this.mac(name, encoded).toString("base64url")}`;
  }

  private verify(name: string, rest: string): Buffer | null {
    const dot = rest.indexOf(".");
    if (dot <= 0 || dot !== rest.lastIndexOf(".")) return null;
    const encoded = rest.slice(0, dot);
    const given = Buffer.from(rest.slice(dot + 1));
    const expected = Buffer.from(this.mac(name, encoded).toString("base64url"));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return Buffer.from(encoded, "base64url");
  }

  private encrypt(name: string, body: Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.encryption, iv);
    cipher.setAAD(Buffer.from(name));
    const sealed = Buffer.concat([iv, cipher.update(body), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED}.${sealed.toString("base64url")}`;
  }

  private decrypt(name: string, rest: string): Buffer | null {
    const sealed = Buffer.from(rest, "base64url");
    if (sealed.length < IV_BYTES + TAG_BYTES || sealed.toString("base64url") !== rest) return null;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.encryption, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(name));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      return null;
    }
  }
}
