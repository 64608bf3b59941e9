// Escaping by construction: the only strings that reach the page unescaped
// are a template's literal text (written by the developer) and raw(). Each
// interpolation is escaped for where it sits (template-context.ts).

import { AttrKind, Slot, attrKind, slotsOf, type SlotInfo } from "./template-context";
import { BLOCKED_URL, isSafeUrl } from "./url-safety";

let trust: (text: string) => Html;
let fromTemplate: (shape: TemplateShape, values: unknown[]) => Html;

/** What the statics of one html`` call site decide, worked out once per call site. */
export interface TemplateShape {
  readonly strings: TemplateStringsArray;
  readonly slots: readonly SlotInfo[];
  /** Has a URL attribute hole, so the markup is not the statics and holes laid end to end (a blocked URL cuts it). */
  readonly opaque: boolean;
  /** Each static chunk's UTF-8 length. */
  readonly staticBytes: readonly number[];
}

const shapes = new WeakMap<TemplateStringsArray, TemplateShape>();

function shapeOf(strings: TemplateStringsArray): TemplateShape {
  let shape = shapes.get(strings);
  if (shape === undefined) {
    const slots = slotsOf(strings);
    const staticBytes: number[] = [];
    for (let i = 0; i < strings.length; i++) staticBytes.push(Buffer.byteLength(strings[i] ?? strings.raw[i]));
    shape = { strings, slots, opaque: slots.some((s) => s.attr === AttrKind.Url), staticBytes };
    shapes.set(strings, shape);
  }
  return shape;
}
const KEY: unique symbol = Symbol("livets.Html");

/** What change tracking (template-track.ts) reads and keeps of an Html value. */
export interface HtmlInternals {
  /** The template's call site; null for raw() and trusted markup. */
  shape(html: Html): TemplateShape | null;
  /** The template's checked values, which tracking may swap for equal ones. */
  values(html: Html): unknown[];
  /** Records what is known of the markup without rendering it: its UTF-8 length and UTF-16 length, and the text if worked out. */
  know(html: Html, text: string | null, bytes: number, units: number): void;
  /** The markup's length in UTF-8 bytes, worked out once. */
  bytes(html: Html): number;
  /** The markup's length in UTF-16 code units, without rendering it when that is known. */
  units(html: Html): number;
}

export let htmlInternals: HtmlInternals;

/**
 * A fragment of HTML that is safe to insert as is: produced by the `html`
 * tag (with every interpolation escaped) or by `raw()`. Not constructible
 * otherwise, so a plain string can never pass for markup.
 *
 * A template's markup is rendered when first asked for, from its statics
 * and values (checked and copied when the template ran), so a render can
 * compare two trees of templates before it builds any text.
 */
export class Html {
  private text: string | null;
  private byteLength = -1;
  private unitLength = -1;
  private readonly shape: TemplateShape | null;
  private readonly values: unknown[] | null;

  // The key keeps plain JavaScript from calling `new Html(str)` either.
  private constructor(key: typeof KEY, text: string | null, shape: TemplateShape | null, values: unknown[] | null) {
    if (key !== KEY) throw new TypeError("Html values come only from html`` and raw()");
    this.text = text;
    this.shape = shape;
    this.values = values;
  }

  static {
    trust = (text) => new Html(KEY, text, null, null);
    fromTemplate = (shape, values) => new Html(KEY, null, shape, values);
    htmlInternals = {
      shape: (h) => h.shape,
      values: (h) => h.values as unknown[],
      know(h, text, bytes, units) {
        h.text = text;
        h.byteLength = bytes;
        h.unitLength = units;
      },
      bytes(h) {
        if (h.byteLength < 0) h.byteLength = Buffer.byteLength(h.toString());
        return h.byteLength;
      },
      units(h) {
        if (h.text !== null) return h.text.length;
        if (h.unitLength < 0) h.unitLength = h.toString().length;
        return h.unitLength;
      },
    };
  }

  /** The markup. */
  toString(): string {
    if (this.text === null) this.text = renderTemplate((this.shape as TemplateShape).strings, this.values as unknown[]);
    return this.text;
  }
}

/** Wraps markup the framework itself built from escaped parts. */
export function trusted(markup: string): Html {
  return trust(markup);
}

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

const SPECIAL = /[&<>"'`]/;
const SPECIALS = /[&<>"'`]/g;

/**
 * Escapes `& < > " '` and the backtick: enough for text and for quoted
 * attribute values. The `html` tag already does this, and more, for every
 * interpolation; use this only when building markup by hand.
 */
export function escapeHtml(value: string): string {
  // Most values need nothing: testing first spares them a replace.
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ENTITIES[c]) : value;
}


/** Every character that could end or alter an unquoted attribute value. */
function escapeUnquoted(value: string): string {
  return value.replace(/[^A-Za-z0-9_.\-/:?#@%+,;~!*()$]/g, (c) => `&#${c.codePointAt(0) ?? 0};`);
}

/**
 * Marks `markup` as trusted HTML: it is inserted without escaping, in any
 * position. The one way around escaping, so never pass it text that came
 * from a user.
 */
export function raw(markup: string): Html {
  return trust(String(markup));
}

/** A value `html` accepts in an attribute map: `true` gives a bare attribute. */
export type AttributeValue = string | number | boolean | null | undefined | Html;

/** Attributes to spread into a tag: `<input ${{ disabled: true, value: v }}>`. */
export type Attributes = Readonly<Record<string, AttributeValue>>;

const ATTR_NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*$/;
const BARE_NAMES = /^\s*(?:[A-Za-z_:][-A-Za-z0-9_:.]*\s*)*$/;

function isText(value: unknown): boolean {
  return value === null || value === undefined || value === false;
}

function textOf(value: unknown): string {
  if (isText(value)) return "";
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(textOf).join("");
  return escapeHtml(String(value));
}

/** An attribute value's plain text: arrays are space-separated lists. */
function plainOf(value: unknown): string {
  if (isText(value)) return "";
  if (Array.isArray(value)) return value.filter((v) => !isText(v)).map(plainOf).join(" ");
  return String(value);
}

function attributesOf(value: unknown): string {
  if (isText(value)) return "";
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(attributesOf).join(" ");
  if (typeof value === "string") {
    // `${checked ? "checked" : ""}`: bare attribute names only, never a value.
    if (!BARE_NAMES.test(value) || value.split(/\s+/).some((n) => n !== "" && attrKind(n) === AttrKind.Code)) {
      throw new TypeError(
        `html: ${JSON.stringify(value.slice(0, 60))} cannot stand between attributes; ` +
          'write name="${value}" or pass an object of attributes',
      );
    }
    return value;
  }
  if (typeof value === "object") return attributeMap(value as Record<string, unknown>);
  throw new TypeError(`html: a ${typeof value} cannot stand between attributes`);
}

function attributeMap(map: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [name, v] of Object.entries(map)) {
    if (!ATTR_NAME.test(name)) throw new TypeError(`html: ${JSON.stringify(name)} is not an attribute name`);
    if (isText(v)) continue;
    if (v === true) {
      out.push(name);
      continue;
    }
    const kind = attrKind(name);
    if (v instanceof Html) {
      out.push(`${name}="${v.toString()}"`);
      continue;
    }
    if (kind === AttrKind.Code) throw codeError(name);
    let text = plainOf(v);
    if (kind === AttrKind.Url && !isSafeUrl(text)) text = BLOCKED_URL;
    out.push(`${name}="${escapeHtml(text)}"`);
  }
  return out.join(" ");
}

function codeError(what: string): TypeError {
  return new TypeError(
    `html: interpolating into ${what} would run it as code; use raw() for trusted script, ` +
      "or a ts-on: binding",
  );
}

/**
 * Tagged template for markup. Each `${value}` is escaped for where it
 * stands:
 *
 * - in text and comments, `& < > " ' \`` become entities;
 * - in a quoted attribute value, the same; an unquoted `name=${v}` is quoted
 *   for you;
 * - in a URL attribute (`href`, `src`, `action`, …) a value whose scheme is
 *   not http, https, mailto, tel, sms or ftp becomes `about:invalid#…`, so
 *   `javascript:` links cannot be made from data;
 * - between attributes, an object spreads as attributes
 *   (`true` → bare, `false`/`null` → left out) and a string may only hold
 *   bare attribute names (`${on ? "checked" : ""}`);
 * - event-handler attributes (`on…`), `srcdoc`, tag names and the bodies of
 *   `<script>` and `<style>` take no data at all: that throws a TypeError.
 *
 * An `Html` value (from `html` or `raw`) is inserted as is anywhere; an
 * array renders each item in order (space-separated inside an attribute);
 * `null`, `undefined` and `false` render nothing, so
 * `${cond && html`...`}` works.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const shape = shapeOf(strings);
  const slots = shape.slots;
  // Checked now, so a bad value throws where the template runs; kept as
  // values that cannot change later (arrays copied, objects turned to
  // text), so rendering later gives what rendering now would have.
  for (let i = 0; i < values.length; i++) values[i] = checked(slots[i], values[i]);
  return fromTemplate(shape, values);
}

/** Whether a value is kept as it is: it renders the same text whenever it renders. */
function isSettled(value: unknown): boolean {
  const type = typeof value;
  return value === null || (type !== "object" && type !== "function") || value instanceof Html;
}

/**
 * Marks arrays of Html that only their maker and the template holding them
 * see (each()'s), which need no copy to stay as they are. A mark on the
 * array, not a weak set: one entry per render would cost the collector.
 * Not frozen: change tracking swaps their items for equal ones it knows.
 */
const SETTLED: unique symbol = Symbol("livets.settled");

/** Marks a new array of Html values, held by nothing else, as safe to keep without a copy. */
export function settledList(list: Html[]): Html[] {
  (list as Html[] & { [SETTLED]?: true })[SETTLED] = true;
  return list;
}

function checkedText(value: unknown): unknown {
  if (isSettled(value)) return value;
  if (Array.isArray(value)) return (value as { [SETTLED]?: true })[SETTLED] === true ? value : value.map(checkedText);
  return trust(escapeHtml(String(value)));
}

function checked(info: SlotInfo, value: unknown): unknown {
  switch (info.slot) {
    case Slot.Text:
    case Slot.Comment:
      return checkedText(value);
    case Slot.Attributes:
      return isText(value) || value instanceof Html ? value : trust(attributesOf(value));
    case Slot.ValueStart:
    case Slot.Quoted:
    case Slot.Unquoted:
      if (value instanceof Html) return value;
      if (info.attr === AttrKind.Code) throw codeError("an event handler or srcdoc attribute");
      return isSettled(value) ? value : plainOf(value);
    case Slot.AttrName:
    case Slot.Forbidden:
      if (value instanceof Html || isText(value)) return value;
      throw new TypeError(`html: data cannot be interpolated into ${info.where || "this position"}`);
  }
}

/** The markup of a template from its checked values. */
export function renderTemplate(strings: TemplateStringsArray, values: readonly unknown[]): string {
  const slots = slotsOf(strings);
  const out: string[] = [];
  // For URL values: where this value's output began, and its text so far.
  let urlMark = -1;
  let urlText = "";
  for (let i = 0; i < values.length; i++) {
    const chunk = strings[i] ?? strings.raw[i];
    const info = slots[i];
    const value = values[i];
    if (info.attr === AttrKind.Url && value instanceof Html) {
      // Trusted: the rest of this value is not tracked either.
      urlMark = -1;
    } else if (info.attr === AttrKind.Url) {
      if (info.slot === Slot.ValueStart) {
        out.push(chunk);
        urlMark = out.length;
        urlText = "";
      } else if (info.valueStart >= 0) {
        out.push(chunk.slice(0, info.valueStart));
        urlMark = out.length;
        urlText = chunk.slice(info.valueStart);
        out.push(urlText);
      } else {
        out.push(chunk);
        urlText += chunk;
      }
      const text = plainOf(value);
      urlText += text;
      out.push(valueMarkup(info, text));
      if (urlMark >= 0 && !isSafeUrl(urlText)) {
        // Everything after it stays inside the blocked URL's fragment.
        out.length = urlMark;
        out.push(info.slot === Slot.ValueStart && !info.continues ? `"${BLOCKED_URL}"` : BLOCKED_URL);
        urlMark = -1;
      }
      continue;
    }
    out.push(chunk, slotMarkup(info, value));
  }
  out.push(strings[values.length] ?? strings.raw[values.length]);
  return out.join("");
}

function valueMarkup(info: SlotInfo, text: string): string {
  if (info.slot === Slot.ValueStart) return info.continues ? escapeUnquoted(text) : `"${escapeHtml(text)}"`;
  return info.slot === Slot.Unquoted ? escapeUnquoted(text) : escapeHtml(text);
}

/** The markup of one hole outside URL values, where each hole's markup stands on its own. */
export function slotMarkup(info: SlotInfo, value: unknown): string {
  switch (info.slot) {
    case Slot.Text:
    case Slot.Comment:
      return textOf(value);
    case Slot.Attributes:
      return attributesOf(value);
    case Slot.ValueStart:
    case Slot.Quoted:
    case Slot.Unquoted:
      if (value instanceof Html) {
        return info.slot === Slot.ValueStart && !info.continues ? `"${value.toString()}"` : value.toString();
      }
      if (info.attr === AttrKind.Code) throw codeError("an event handler or srcdoc attribute");
      return valueMarkup(info, plainOf(value));
    case Slot.AttrName:
    case Slot.Forbidden:
      if (value instanceof Html) return value.toString();
      if (isText(value)) return "";
      throw new TypeError(`html: data cannot be interpolated into ${info.where || "this position"}`);
  }
}
