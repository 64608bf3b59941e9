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
import { Slot } from "./template-context";

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
  /** The tree to compare the next render with (shares the unchanged subtrees of the previous one); its markup is the new HTML. */
  readonly tree: Html;
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
    const sa = internals.shape(a);
    if (sa !== internals.shape(b)) return false;
    if (sa === null) return a.toString() === b.toString();
    const va = internals.values(a);
    const vb = internals.values(b);
    for (let i = 0; i < va.length; i++) if (!sameValue(va[i], vb[i])) return false;
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
  /** A changed part has a stream container: the core keeps those emptied, so the render goes whole. */
  streams = false;

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
    if (STREAM.test(after)) this.streams = true;
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
    const shape = internals.shape(next);
    if (shape === null || shape !== internals.shape(prev)) return this.whole(prev, next, cursor);
    if (shape.opaque) {
      return sameValue(prev, next) ? skip(prev, cursor) : this.whole(prev, next, cursor);
    }
    const first = this.edits.length;
    const start = { at: cursor.at, offset: cursor.offset };
    const { strings, slots, staticBytes: statics } = shape;
    const pv = internals.values(prev);
    const nv = internals.values(next);
    for (let i = 0; i < nv.length; i++) {
      cursor.at += (strings[i] ?? strings.raw[i]).length;
      cursor.offset += statics[i];
      const before = pv[i];
      const after = nv[i];
      if (slots[i].slot === Slot.Text) {
        nv[i] = this.text(before, after, cursor);
      } else if (sameValue(before, after)) {
        nv[i] = before;
        const markup = slotMarkup(slots[i], before);
        cursor.at += markup.length;
        cursor.offset += Buffer.byteLength(markup);
      } else {
        // Attribute holes are few and short: their markup is compared as text.
        const old = slotMarkup(slots[i], before);
        this.replace(cursor, old, slotMarkup(slots[i], after));
        cursor.at += old.length;
        cursor.offset += Buffer.byteLength(old);
      }
    }
    const last = strings.length - 1;
    cursor.at += (strings[last] ?? strings.raw[last]).length;
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

  /**
   * Gives `next` the UTF-8 length of `prev` with the splices recorded
   * since `first`, and for short markup the text too; long markup is built
   * from the values when asked for, so a large page is not copied per change.
   */
  settle(next: Html, prev: Html, start: Cursor, first: number): void {
    let bytes = internals.bytes(prev);
    for (let k = first; k < this.edits.length; k++) bytes += this.edits[k].bytes - this.edits[k].removed;
    if (bytes > SETTLE_BYTES) {
      internals.know(next, null, bytes);
      return;
    }
    const old = prev.toString();
    let text = "";
    let from = 0;
    for (let k = first; k < this.edits.length; k++) {
      const edit = this.edits[k];
      const at = edit.at - start.at;
      text += old.slice(from, at) + edit.text;
      from = at + edit.cut;
    }
    internals.know(next, text + old.slice(from), bytes);
  }
}

/** Markup longer than this is not spliced as text: rendering it from its kept parts is as fast. */
const SETTLE_BYTES = 4096;

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
  if (internals.shape(prev) === null || internals.shape(next) === null) return null;
  const tracker = new Tracker();
  const tree = tracker.node(prev, next, { at: 0, offset: 0 });
  if (tracker.streams) return null;
  return { tree, bytes: internals.bytes(tree), splices: tracker.edits.map(({ offset, removed, text }) => ({ offset, removed, text })) };
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
  const shape = internals.shape(value);
  if (shape === null) return value.toString();
  return renderTemplate(shape.strings, internals.values(value).map(freshValue));
}

function freshValue(value: unknown): unknown {
  if (value instanceof Html) return trusted(freshMarkup(value));
  if (Array.isArray(value)) return value.map(freshValue);
  return value;
}
