// Reading a Cookie header and writing Set-Cookie lines (RFC 6265), without
// a dependency. Lenient when reading (browsers send what they were given),
// strict when writing (a bad name or value is a programming error).

/** Attributes of a Set-Cookie line. */
export interface CookieOptions {
  /** Seconds until the browser drops it; 0 or less deletes it now. Omitted: a session cookie. */
  readonly maxAge?: number;
  readonly expires?: Date;
  /** Default "/". */
  readonly path?: string;
  readonly domain?: string;
  /** Default true: scripts on the page cannot read it. */
  readonly httpOnly?: boolean;
  /** Only over HTTPS. */
  readonly secure?: boolean;
  /** Default "Lax": sent on top-level navigations from other sites, not on their subrequests or POSTs. */
  readonly sameSite?: "Strict" | "Lax" | "None";
}

// RFC 6265 cookie-name is an RFC 7230 token; cookie-value excludes
// whitespace, DQUOTE, comma, semicolon and backslash.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
const ATTRIBUTE = /^[\x20-\x3A\x3C-\x7E]*$/;

/**
 * The cookies of a Cookie header (or of several, joined), first one wins
 * for a repeated name, as browsers send the most specific path first.
 */
export function parseCookies(header: string | readonly string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (header === undefined) return out;
  const text = typeof header === "string" ? header : header.join("; ");
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name === "" || out.has(name)) continue;
    out.set(name, value);
  }
  return out;
}

/** One Set-Cookie header value. Throws a TypeError naming what is wrong. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!TOKEN.test(name)) throw new TypeError(`cookie name ${JSON.stringify(name)} is not a token (letters, digits and !#$%&'*+-.^_\`|~)`);
  if (!VALUE.test(value)) {
    throw new TypeError(`cookie ${name}: value has characters a cookie cannot carry (space, quote, comma, semicolon, backslash or non-ASCII); encode it first`);
  }
  const parts = [`${name}=${value}`];
  const path = options.path ?? "/";
  checkAttribute(name, "path", path);
  parts.push(`Path=${path}`);
  if (options.domain !== undefined) {
    checkAttribute(name, "domain", options.domain);
    parts.push(`Domain=${options.domain}`);
  }
  if (options.maxAge !== undefined) {
    if (!Number.isFinite(options.maxAge)) throw new TypeError(`cookie ${name}: maxAge must be a finite number of seconds`);
    parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
  }
  if (options.expires !== undefined) parts.push(`Expires=${options.expires.toUTCString()}`);
  if (options.httpOnly ?? true) parts.push("HttpOnly");
  const sameSite = options.sameSite ?? "Lax";
  // Browsers drop SameSite=None cookies that are not Secure.
  if (options.secure || sameSite === "None") parts.push("Secure");
  parts.push(`SameSite=${sameSite}`);
  return parts.join("; ");
}

function checkAttribute(cookie: string, attribute: string, value: string): void {
  if (!ATTRIBUTE.test(value)) throw new TypeError(`cookie ${cookie}: ${attribute} ${JSON.stringify(value)} has a semicolon or control character`);
}
