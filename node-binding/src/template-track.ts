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
import { Slot, type SlotInfo } from "./template-context";

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
    // Unchanged holes are counted into the cursor only when a change after
    // them needs its place: a template whose values are all equal costs
    // their comparison alone, and its end is known from `prev`'s length.
    let counted = 0;
    /** Puts the cursor at hole `hole`, past the unchanged holes before it not yet counted. */
    const reach = (hole: number): void => {
      for (; counted < hole; counted++) {
        cursor.at += (strings[counted] ?? strings.raw[counted]).length;
        cursor.offset += statics[counted];
        advance(cursor, slots[counted], pv[counted]);
      }
      cursor.at += (strings[hole] ?? strings.raw[hole]).length;
      cursor.offset += statics[hole];
      counted = hole + 1;
    };
    for (let i = 0; i < nv.length; i++) {
      const before = pv[i];
      const after = nv[i];
      if (Object.is(before, after)) {
        nv[i] = before;
        continue;
      }
      const slot = slots[i];
      if (slot.slot === Slot.Text && (before instanceof Html || Array.isArray(before)) && (after instanceof Html || Array.isArray(after))) {
        reach(i);
        nv[i] = this.text(before, after, cursor);
        continue;
      }
      if (sameValue(before, after)) {
        nv[i] = before;
        continue;
      }
      reach(i);
      const old = slotMarkup(slot, before);
      this.replace(cursor, old, slotMarkup(slot, after));
      cursor.at += old.length;
      cursor.offset += Buffer.byteLength(old);
    }
    cursor.at = start.at + internals.units(prev);
    cursor.offset = start.offset + internals.bytes(prev);
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
      const hint = (after as Noted)[LIST_HINT];
      if (hint !== undefined && hint.before === (before as Noted)[LIST_ID]) return this.hinted(before, after, hint.changed, cursor);
      for (let i = 0; i < after.length; i++) {
        const item = before[i];
        // The common case of a kept list (each()): the same item, passed by its known length.
        if (item === after[i] && item instanceof Html) skip(item, cursor);
        else after[i] = this.text(item, after[i], cursor);
      }
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

  /**
   * A list whose maker says which items are not the same objects as in
   * `before`: only those are compared, each found by the lengths summed
   * before it, so the items that stayed are not even read.
   */
  hinted(before: readonly unknown[], after: unknown[], changed: readonly number[], cursor: Cursor): unknown[] {
    const sums = sumsOf(before);
    const n = before.length;
    const start = { at: cursor.at, offset: cursor.offset };
    const shifts: Shift[] = [];
    for (const i of changed) {
      cursor.at = start.at + unitsBefore(sums, i);
      cursor.offset = start.offset + bytesBefore(sums, i);
      after[i] = this.text(before[i], after[i], cursor);
      const units = unitsOf(after[i]) - unitsOf(before[i]);
      const bytes = bytesOf(after[i]) - bytesOf(before[i]);
      if (units !== 0 || bytes !== 0) shifts.push({ past: i, units, bytes });
    }
    cursor.at = start.at + unitsBefore(sums, n);
    cursor.offset = start.offset + bytesBefore(sums, n);
    (after as Noted)[LIST_SUMS] = shifts.length === 0 ? sums : shifted(sums, shifts);
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
      let units = internals.units(prev);
      for (let k = first; k < this.edits.length; k++) units += this.edits[k].text.length - this.edits[k].cut;
      internals.know(next, null, bytes, units);
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
    const markup = text + old.slice(from);
    internals.know(next, markup, bytes, markup.length);
  }
}

/** A list's maker's word on it: `before` is the list it replaces, and only the items at `changed` (ascending) are other objects. */
interface ListHint {
  /** The replaced list's id: a reference would keep every earlier list alive through the next. */
  readonly before: number;
  readonly changed: readonly number[];
}

// Kept on the arrays themselves: a weak map entry per render would cost
// the collector more than the tracking it saves.
const LIST_HINT: unique symbol = Symbol("livets.listHint");
const LIST_SUMS: unique symbol = Symbol("livets.listSums");
const LIST_ID: unique symbol = Symbol("livets.listId");
let listIds = 0;

type Noted = readonly unknown[] & { [LIST_HINT]?: ListHint; [LIST_SUMS]?: ListSums; [LIST_ID]?: number };

function idOf(list: Noted): number {
  return list[LIST_ID] ?? (list[LIST_ID] = ++listIds);
}

/**
 * Records that `after` is `before` with only the items at `changed`
 * (ascending) replaced, so tracking compares those alone (each()).
 */
export function noteListChanges(after: readonly unknown[], before: readonly unknown[], changed: readonly number[]): void {
  (after as Noted)[LIST_HINT] = { before: idOf(before), changed };
}

/**
 * Per list, the UTF-16 and UTF-8 lengths of its items' markup summed up to
 * each index, and the changes of length since: a one-item change adds a
 * shift rather than copying the sums (the list before it keeps its own),
 * and the shifts are folded in once there are many.
 */
interface ListSums {
  // Plain arrays: typed ones live outside the heap, and one per event costs the collector more than the copy.
  readonly units: number[];
  readonly bytes: number[];
  readonly shifts: readonly Shift[];
}

/** The items after index `past` start `units` and `bytes` later than the sums say. */
interface Shift {
  readonly past: number;
  readonly units: number;
  readonly bytes: number;
}

/** Shifts kept before they are folded into new sums: reading a sum costs one step per shift. */
const MAX_SHIFTS = 16;

function sumsOf(list: readonly unknown[]): ListSums {
  let sums = (list as Noted)[LIST_SUMS];
  if (sums === undefined) {
    const units: number[] = [0];
    const bytes: number[] = [0];
    for (let i = 0; i < list.length; i++) {
      units[i + 1] = units[i] + unitsOf(list[i]);
      bytes[i + 1] = bytes[i] + bytesOf(list[i]);
    }
    sums = { units, bytes, shifts: [] };
    (list as Noted)[LIST_SUMS] = sums;
  }
  return sums;
}

function unitsBefore(sums: ListSums, index: number): number {
  let units = sums.units[index];
  for (const shift of sums.shifts) if (index > shift.past) units += shift.units;
  return units;
}

function bytesBefore(sums: ListSums, index: number): number {
  let bytes = sums.bytes[index];
  for (const shift of sums.shifts) if (index > shift.past) bytes += shift.bytes;
  return bytes;
}

function shifted(sums: ListSums, more: readonly Shift[]): ListSums {
  const shifts = sums.shifts.concat(more);
  if (shifts.length <= MAX_SHIFTS) return { units: sums.units, bytes: sums.bytes, shifts };
  // Each shift's change noted where it starts, then carried along in one pass.
  const units = new Array<number>(sums.units.length).fill(0);
  const bytes = new Array<number>(sums.bytes.length).fill(0);
  for (const shift of shifts) {
    units[shift.past + 1] += shift.units;
    bytes[shift.past + 1] += shift.bytes;
  }
  let du = 0;
  let db = 0;
  for (let k = 0; k < units.length; k++) {
    du += units[k];
    db += bytes[k];
    units[k] = sums.units[k] + du;
    bytes[k] = sums.bytes[k] + db;
  }
  return { units, bytes, shifts: [] };
}

function unitsOf(value: unknown): number {
  return value instanceof Html ? internals.units(value) : textMarkup(value).length;
}

function bytesOf(value: unknown): number {
  return value instanceof Html ? internals.bytes(value) : Buffer.byteLength(textMarkup(value));
}

/** Markup longer than this is not spliced as text: rendering it from its kept parts is as fast. */
const SETTLE_BYTES = 4096;

function skip(prev: Html, cursor: Cursor): Html {
  cursor.at += internals.units(prev);
  cursor.offset += internals.bytes(prev);
  return prev;
}

/** Moves the cursor past an unchanged hole's markup. */
function advance(cursor: Cursor, slot: SlotInfo, value: unknown): void {
  if (slot.slot === Slot.Text) {
    skipText(value, cursor);
    return;
  }
  const markup = slotMarkup(slot, value);
  cursor.at += markup.length;
  cursor.offset += Buffer.byteLength(markup);
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
