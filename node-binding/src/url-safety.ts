// The scheme of a URL decides whether following it runs code
// (`javascript:`, `data:text/html`, `vbscript:`). Interpolated URLs keep
// only schemes that navigate or fetch.

/** Schemes an interpolated URL attribute may carry; others are replaced. */
export const SAFE_SCHEMES: ReadonlySet<string> = new Set(["http", "https", "mailto", "tel", "sms", "ftp"]);

/** What an unsafe URL is replaced with: inert, and obvious in the markup. */
export const BLOCKED_URL = "about:invalid#livets-blocked-url";

/**
 * Whether `url` would be followed as a safe URL: relative, or with a scheme
 * in SAFE_SCHEMES. Reads it as browsers do: leading spaces and control
 * characters are dropped and tabs and newlines anywhere are ignored, so
 * "java\tscript:" counts as "javascript:".
 */
export function isSafeUrl(url: string): boolean {
  // eslint-disable-next-line no-control-regex
  const cleaned = url.replace(/^[\u0000-\u0020]+/, "").replace(/[\t\n\r]/g, "");
  const match = /^([^:/?#]*):/.exec(cleaned);
  if (match === null) return true;
  const scheme = match[1].toLowerCase();
  // "a:b" with a character no scheme has is a relative path.
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return true;
  return SAFE_SCHEMES.has(scheme);
}
