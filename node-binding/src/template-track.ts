// Change tracking: a view's new render (a tree of html`` templates) is
// compared with its previous one hole by hole, and what changed becomes
// splices against the previous markup, so neither this layer nor the core
// handles the parts of a page that stayed the same.
//
// A template call site's statics are one object for every call, so two
// templates with the same statics differ only where their values do.
// Subtrees whose values are equal are kept from the previous render with
// the markup already worked out for them; only changed ones render.

import { Html, escapeHtml, htmlInternals as internals, renderTemplate, slotMarkup, trusted } from "./html";
import { AttrKind, Slot, slotsOf } from "./template-context";

/**
 * Replace `removed` bytes at byte `offset` of the previous markup with
 * `text`. Offsets count UTF-8 bytes of the previous markup, ascending,
 * never overlapping.
 */
export interface Splice {
  readonly offset: number;
  readonly removed: number;
  readonly text: string;
}

/** A splice with the same place in UTF-16 code units, to rebuild the string. */
interface Edit extends Splice {
  readonly at: number;
  readonly cut: number;
  readonly bytes: number;
}

/** The outcome of tracking one render against the previous one. */
export interface TrackedRender {
  /** The tree to compare the next render with (shares the unchanged subtrees of the previous one). */
  readonly tree: Html;
  readonly markup: string;
  readonly bytes: number;
  readonly splices: readonly Splice[];
}

/** Position in the previous markup, in code units and in UTF-8 bytes. */
interface Cursor {
  at: number;
  offset: number;
}

const STREAM = /ts-stream/i;

/** Whether markup can be tracked at all: the core keeps stream containers emptied, not as rendered. */
export function isTrackable(markup: string): boolean {
  return !STREAM.test(markup);
}

/** Templates whose output is not its statics and holes laid end to end (a URL check may cut it). */
const opaque = new WeakMap<TemplateStringsArray, boolean>();

function isOpaque(strings: TemplateStringsArray): boolean {
  let known = opaque.get(strings);
  if (known === undefined) {
    known = slotsOf(strings).some((s) => s.attr === AttrKind.Url);
    opaque.set(strings, known);
  }
  return known;
}

const staticBytes = new WeakMap<TemplateStringsArray, number[]>();

function bytesOfStatics(strings: TemplateStringsArray): number[] {
  let known = staticBytes.get(strings);
  if (known === undefined) {
    known = [];
    for (let i = 0; i < strings.length; i++) known.push(Buffer.byteLength(strings[i] ?? strings.raw[i]));
    staticBytes.set(strings, known);
  }
  return known;
}

function isNothing(value: unknown): boolean {
  return value === null || value === undefined || value === false;
}

/** The markup a checked value gives in element content (html.ts's textOf). */
function textMarkup(value: unknown): string {
  if (isNothing(value)) return "";
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(textMarkup).join("");
  return escapeHtml(String(value));
}

/** Whether two checked values render the same markup, decided without rendering where the structure allows. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Html && b instanceof Html) {
    const pa = internals.parts(a);
    const pb = internals.parts(b);
    if (pa === null || pb === null) return pa === pb && a.toString() === b.toString();
    if (pa.strings !== pb.strings) return false;
    for (let i = 0; i < pa.values.length; i++) if (!sameValue(pa.values[i], pb.values[i])) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  return false;
}

class Tracker {
  readonly edits: Edit[] = [];

  /** A splice replacing `before` (at the cursor) with `after`, trimmed to what differs. */
  replace(cursor: Cursor, before: string, after: string): void {
    let head = 0;
    const limit = Math.min(before.length, after.length);
    while (head < limit && before.charCodeAt(head) === after.charCodeAt(head)) head++;
    // Never split a surrogate pair.
    if (head > 0 && isHighSurrogate(before.charCodeAt(head - 1))) head--;
    let tail = 0;
    while (tail < limit - head && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
    if (tail > 0 && isLowSurrogate(before.charCodeAt(before.length - tail))) tail--;
    if (head === before.length && head === after.length) return;
    const cut = before.slice(head, before.length - tail);
    const text = after.slice(head, after.length - tail);
    const lead = head === 0 ? 0 : Buffer.byteLength(before.slice(0, head));
    this.edits.push({
      offset: cursor.offset + lead,
      removed: Buffer.byteLength(cut),
      text,
      at: cursor.at + head,
      cut: cut.length,
      bytes: Buffer.byteLength(text),
    });
  }

  /**
   * Compares `next` with `prev` (whose markup starts at the cursor), records
   * the splices, moves the cursor past `prev`, and returns the node to keep:
   * `prev` itself when nothing changed.
   */
  node(prev: Html, next: Html, cursor: Cursor): Html {
    if (prev === next) return skip(prev, cursor);
    const pp = internals.parts(prev);
    const np = internals.parts(next);
    if (pp === null || np === null || pp.strings !== np.strings) return this.whole(prev, next, cursor);
    if (isOpaque(np.strings)) {
      return sameValue(prev, next) ? skip(prev, cursor) : this.whole(prev, next, cursor);
    }
    const first = this.edits.length;
    const start = { at: cursor.at, offset: cursor.offset };
    const slots = slotsOf(np.strings);
    const statics = bytesOfStatics(np.strings);
    for (let i = 0; i < np.values.length; i++) {
      const chunk = np.strings[i] ?? np.strings.raw[i];
      cursor.at += chunk.length;
      cursor.offset += statics[i];
      const before = pp.values[i];
      const after = np.values[i];
      if (slots[i].slot === Slot.Text) {
        np.values[i] = this.text(before, after, cursor);
      } else if (sameValue(before, after)) {
        np.values[i] = before;
        const markup = holeMarkup(np.strings, i, before);
        cursor.at += markup.length;
        cursor.offset += Buffer.byteLength(markup);
      } else {
        // Attribute holes are few and short: their markup is compared as text.
        const old = holeMarkup(np.strings, i, before);
        this.replace(cursor, old, holeMarkup(np.strings, i, after));
        cursor.at += old.length;
        cursor.offset += Buffer.byteLength(old);
      }
    }
    const last = np.strings.length - 1;
    cursor.at += (np.strings[last] ?? np.strings.raw[last]).length;
    cursor.offset += statics[last];
    if (this.edits.length === first) return prev;
    this.settle(next, prev, start, first);
    return next;
  }

  /** A value in element content: a template, a list, or text. */
  text(before: unknown, after: unknown, cursor: Cursor): unknown {
    if (before instanceof Html && after instanceof Html) return this.node(before, after, cursor);
    if (Array.isArray(before) && Array.isArray(after)) return this.list(before, after, cursor);
    if (Object.is(before, after) || sameValue(before, after)) {
      skipText(before, cursor);
      return before;
    }
    const old = textMarkup(before);
    this.replace(cursor, old, textMarkup(after));
    cursor.at += old.length;
    cursor.offset += Buffer.byteLength(old);
    return after;
  }

  /**
   * A list: items equal at the same place are kept; with the same length,
   * items are compared in pairs; otherwise the run between the equal head
   * and tail is replaced as one splice (items added, removed or moved).
   */
  list(before: readonly unknown[], after: unknown[], cursor: Cursor): unknown[] {
    if (before.length === after.length) {
      for (let i = 0; i < after.length; i++) after[i] = this.text(before[i], after[i], cursor);
      return after;
    }
    let head = 0;
    const limit = Math.min(before.length, after.length);
    while (head < limit && sameValue(before[head], after[head])) {
      after[head] = before[head];
      skipText(before[head], cursor);
      head++;
    }
    let tail = 0;
    while (tail < limit - head && sameValue(before[before.length - 1 - tail], after[after.length - 1 - tail])) {
      after[after.length - 1 - tail] = before[before.length - 1 - tail];
      tail++;
    }
    const old = textMarkup(before.slice(head, before.length - tail));
    this.replace(cursor, old, textMarkup(after.slice(head, after.length - tail)));
    cursor.at += old.length;
    cursor.offset += Buffer.byteLength(old);
    for (let i = before.length - tail; i < before.length; i++) skipText(before[i], cursor);
    return after;
  }

  /** `next` replaces `prev` as a whole: rendered, then compared as text. */
  whole(prev: Html, next: Html, cursor: Cursor): Html {
    const old = prev.toString();
    this.replace(cursor, old, next.toString());
    cursor.at += old.length;
    cursor.offset += internals.bytes(prev);
    return next;
  }

  /** Gives `next` the markup of `prev` with the splices recorded since `first`, without rendering it. */
  settle(next: Html, prev: Html, start: Cursor, first: number): void {
    const old = prev.toString();
    const pieces: string[] = [];
    let from = 0;
    let bytes = internals.bytes(prev);
    for (let k = first; k < this.edits.length; k++) {
      const edit = this.edits[k];
      const at = edit.at - start.at;
      pieces.push(old.slice(from, at), edit.text);
      from = at + edit.cut;
      bytes += edit.bytes - edit.removed;
    }
    pieces.push(old.slice(from));
    internals.know(next, pieces.join(""), bytes);
  }
}

function skip(prev: Html, cursor: Cursor): Html {
  cursor.at += prev.toString().length;
  cursor.offset += internals.bytes(prev);
  return prev;
}

function skipText(value: unknown, cursor: Cursor): void {
  if (value instanceof Html) {
    skip(value, cursor);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) skipText(item, cursor);
    return;
  }
  const markup = textMarkup(value);
  cursor.at += markup.length;
  cursor.offset += Buffer.byteLength(markup);
}

/** The markup hole `i` of a template without URL holes gives for `value`. */
function holeMarkup(strings: TemplateStringsArray, i: number, value: unknown): string {
  return slotMarkup(slotsOf(strings)[i], value);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Compares `next` with `prev` (the previous render, whose markup the core
 * holds) and returns the splices, or null when the render must go whole:
 * a render that is not a template, or markup with stream containers, which
 * the core keeps emptied and so not as this layer rendered it.
 */
export function trackRender(prev: Html, next: Html): TrackedRender | null {
  if (internals.parts(prev) === null || internals.parts(next) === null) return null;
  const tracker = new Tracker();
  const cursor: Cursor = { at: 0, offset: 0 };
  const tree = tracker.node(prev, next, cursor);
  const markup = tree.toString();
  let shift = 0;
  for (const edit of tracker.edits) {
    // Where the splice's text sits in the new markup, with a name's length either side.
    const at = edit.at + shift;
    if (STREAM.test(markup.slice(Math.max(0, at - 9), at + edit.text.length + 9))) return null;
    shift += edit.text.length - edit.cut;
  }
  return { tree, markup, bytes: internals.bytes(tree), splices: tracker.edits.map(({ offset, removed, text }) => ({ offset, removed, text })) };
}

/**
 * `base` (whose UTF-8 length is `baseBytes`) with `splices` applied, as the
 * core applies them; throws when they do not fit it.
 */
export function applySplices(base: string, baseBytes: number, splices: readonly Splice[]): string {
  const bytes = Buffer.from(base);
  if (bytes.length !== baseBytes) throw new RangeError(`splices are against ${baseBytes} bytes, not ${bytes.length}`);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const { offset, removed, text } of splices) {
    if (offset < from || offset + removed > bytes.length) throw new RangeError(`splice at ${offset} (${removed} bytes) is out of order or past the end`);
    pieces.push(bytes.subarray(from, offset), Buffer.from(text));
    from = offset + removed;
  }
  pieces.push(bytes.subarray(from));
  return Buffer.concat(pieces).toString();
}

/** A template tree's markup rendered from scratch, ignoring what earlier renders kept: what tracking must equal. */
export function freshMarkup(value: Html): string {
  const parts = internals.parts(value);
  if (parts === null) return value.toString();
  return renderTemplate(parts.strings, parts.values.map(freshValue));
}

function freshValue(value: unknown): unknown {
  if (value instanceof Html) return trusted(freshMarkup(value));
  if (Array.isArray(value)) return value.map(freshValue);
  return value;
}
