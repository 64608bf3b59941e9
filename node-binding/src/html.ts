// Escaping by construction: the only strings that reach the page unescaped
// are a template's literal text (written by the developer) and raw().

let trust: (text: string) => Html;
const KEY: unique symbol = Symbol("livets.Html");

/**
 * A fragment of HTML that is safe to insert as is: produced by the `html`
 * tag (with every interpolation escaped) or by `raw()`. Not constructible
 * otherwise, so a plain string can never pass for markup.
 */
export class Html {
  private readonly text: string;

  // The key keeps plain JavaScript from calling `new Html(str)` either.
  private constructor(key: typeof KEY, text: string) {
    if (key !== KEY) throw new TypeError("Html values come only from html`` and raw()");
    this.text = text;
  }

  static {
    trust = (text) => new Html(KEY, text);
  }

  /** The markup. */
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/**
 * Escapes `& < > " '` and the backtick, which is enough for text and for
 * quoted attribute values. It does not make an unquoted attribute or a
 * `javascript:` URL safe: quote attributes and check URLs yourself.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

/**
 * Marks `markup` as trusted HTML: it is inserted without escaping. The one
 * way around escaping, so never pass it text that came from a user.
 */
export function raw(markup: string): Html {
  return trust(String(markup));
}

function renderValue(value: unknown): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(renderValue).join("");
  return escapeHtml(String(value));
}

/**
 * Tagged template for markup. Each `${value}` is escaped; an `Html` value
 * (from `html` or `raw`) is inserted as is; an array renders each item in
 * order; `null`, `undefined` and `false` render nothing, so
 * `${cond && html`...`}` works.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  // A literal with an invalid escape has no cooked text; its raw text is
  // still the developer's own markup.
  let out = strings[0] ?? strings.raw[0];
  for (let i = 0; i < values.length; i++) {
    out += renderValue(values[i]) + (strings[i + 1] ?? strings.raw[i + 1]);
  }
  return trust(out);
}

/** The markup of a render result: `Html` as is, a plain string unescaped. */
export function toMarkup(value: Html | string): string {
  if (value instanceof Html) return value.toString();
  if (typeof value === "string") return value;
  throw new TypeError("render() must return an Html value or a string");
}
