// Streams: items a view sends once and then forgets. The view keeps only
// what it inserted, deleted or reset since its last render was sent; the
// render puts those items, after a marker with the operations, inside the
// `ts-stream` container, and the core turns them into stream operations
// and keeps the container empty (docs/protocol.md, "Stream operations").

import { Html, escapeHtml, trusted } from "./html";
import { hostOf } from "./view-host";

/** An item of a stream: anything with an `id` that is the DOM id of its element. */
export interface StreamItem {
  readonly id: string | number;
}

/** Where an item goes and how many the container keeps afterwards. */
export interface StreamInsertOptions {
  /** Index among the container's items; -1 (the default) or past the end appends. */
  readonly at?: number;
  /** Positive: keep the first N items; negative: the last N; 0 (the default): no cap. */
  readonly limit?: number;
}

export interface StreamOptions extends StreamInsertOptions {
  /** Empty the container before these items go in. */
  readonly reset?: boolean;
}

interface Insert {
  readonly id: string;
  readonly item: StreamItem;
  readonly at: number;
  readonly limit: number;
}

interface Pending {
  reset: boolean;
  deletes: Set<string>;
  inserts: Insert[];
}

// Per view or component, by stream name; emptied each time a render of it is sent.
const pendingByOwner = new WeakMap<object, Map<string, Pending>>();

/** The most positions and caps are trusted to be: far beyond any page. */
const MAX_INDEX = 1_000_000_000;

function checkName(name: string): string {
  if (typeof name !== "string" || name === "") throw new TypeError("a stream name must be a non-empty string");
  return name;
}

function idOf(item: unknown): string {
  const id = typeof item === "object" && item !== null ? (item as { id?: unknown }).id : item;
  if (typeof id !== "string" && typeof id !== "number") {
    throw new TypeError(`a stream item needs an id (string or number) to be its element's id, not ${String(id)}`);
  }
  const text = String(id);
  if (text === "" || /\s/.test(text)) throw new TypeError(`a stream item's id must be non-empty and without whitespace: ${JSON.stringify(text)}`);
  return text;
}

function checkIndex(what: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || Math.abs(value) > MAX_INDEX) throw new TypeError(`stream ${what} must be a whole number, not ${String(value)}`);
  return value;
}

function pendingOf(owner: object, name: string): Pending {
  let streams = pendingByOwner.get(owner);
  if (streams === undefined) pendingByOwner.set(owner, (streams = new Map()));
  let pending = streams.get(name);
  if (pending === undefined) streams.set(name, (pending = { reset: false, deletes: new Set(), inserts: [] }));
  return pending;
}

/** Queues `items` for the stream `name` of `owner` (a view or component) and asks for a render. */
export function streamItems(owner: object, name: string, items: Iterable<StreamItem>, options: StreamOptions = {}): void {
  checkName(name);
  const at = checkIndex("at", options.at, -1);
  const limit = checkIndex("limit", options.limit, 0);
  const list = [...items];
  const ids = list.map(idOf);
  const pending = pendingOf(owner, name);
  if (options.reset === true) {
    pending.reset = true;
    pending.deletes.clear();
    pending.inserts = [];
  }
  // The items keep their order: at a position, each goes after the one before.
  list.forEach((item, k) => queueInsert(pending, { id: ids[k], item, at: at < 0 ? at : at + k, limit }));
  hostOf(owner)?.stateChanged();
}

/** Queues one item for the stream `name` of `owner`. */
export function streamInsert(owner: object, name: string, item: StreamItem, options: StreamInsertOptions = {}): void {
  checkName(name);
  const insert = { id: idOf(item), item, at: checkIndex("at", options.at, -1), limit: checkIndex("limit", options.limit, 0) };
  queueInsert(pendingOf(owner, name), insert);
  hostOf(owner)?.stateChanged();
}

/** Queues the removal of an item (or the item with that id) from the stream `name` of `owner`. */
export function streamDelete(owner: object, name: string, itemOrId: StreamItem | string | number): void {
  checkName(name);
  const id = idOf(itemOrId);
  const pending = pendingOf(owner, name);
  pending.inserts = pending.inserts.filter((insert) => insert.id !== id);
  pending.deletes.add(id);
  hostOf(owner)?.stateChanged();
}

function queueInsert(pending: Pending, insert: Insert): void {
  // The later insert of an id wins; the page holds one element per id.
  pending.inserts = pending.inserts.filter((other) => other.id !== insert.id);
  pending.inserts.push(insert);
}

/**
 * The children of the `ts-stream` container of `name` for this render: a
 * marker with the stream's operations, then each queued item through
 * `render`, which must give one element whose id is the item's id. Empty
 * when nothing was queued since the last render was sent.
 */
export function renderStream<T extends StreamItem>(owner: object, name: string, render: (item: T) => Html): Html {
  checkName(name);
  const pending = pendingByOwner.get(owner)?.get(name);
  if (pending === undefined) return trusted("");
  if (hostOf(owner)?.connected !== true) return trusted(pageItems(pending).map((insert) => itemMarkup(name, insert, render)).join(""));
  const out: string[] = ["<template ts-stream-ops"];
  if (pending.reset) out.push(" reset");
  if (pending.deletes.size > 0) out.push(` delete="${escapeHtml([...pending.deletes].join(" "))}"`);
  if (pending.inserts.length > 0) {
    out.push(` at="${pending.inserts.map((i) => i.at).join(" ")}"`);
    out.push(` limit="${pending.inserts.map((i) => i.limit).join(" ")}"`);
  }
  out.push("></template>");
  for (const insert of pending.inserts) out.push(itemMarkup(name, insert, render));
  return trusted(out.join(""));
}

function itemMarkup<T extends StreamItem>(name: string, insert: Insert, render: (item: T) => Html): string {
  const markup = render(insert.item as T);
  if (!(markup instanceof Html)) throw new TypeError(`renderStream("${name}") must render each item with html\`\``);
  const text = markup.toString();
  // Checked where the id reads the same quoted or not; other ids are the view's care.
  if (/^[\w.:-]+$/.test(insert.id) && !text.includes(`id="${insert.id}"`) && !text.includes(`id=${insert.id}`)) {
    throw new TypeError(`renderStream("${name}"): the element of item ${JSON.stringify(insert.id)} must carry id="${insert.id}"`);
  }
  return text;
}

/**
 * The items a page render shows: its container starts empty, so the
 * operations can be carried out here and the page shows what the
 * browser will hold once the view joins.
 */
function pageItems(pending: Pending): Insert[] {
  let list: Insert[] = [];
  for (const insert of pending.inserts) {
    if (insert.at >= 0 && insert.at < list.length) list.splice(insert.at, 0, insert);
    else list.push(insert);
    if (insert.limit > 0) list = list.slice(0, insert.limit);
    else if (insert.limit < 0) list = list.slice(insert.limit);
  }
  return list;
}

/** Forgets what `owner` queued: its render went to the page. */
export function clearStreams(owner: object): void {
  pendingByOwner.delete(owner);
}
