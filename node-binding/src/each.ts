// Lists whose items render on their own. An item's markup is kept from the
// last render while the item is the same object and the list's other
// inputs (`deps`) are the same, so a one-row change runs one row's
// template, and change tracking passes the other rows by identity: the
// cost of an event follows what changed, not the length of the list.

import { Html, settledList } from "./html";
import { noteListChanges, sameValue } from "./template-track";

interface Kept {
  readonly site: number;
  readonly deps: readonly unknown[] | undefined;
  readonly html: Html;
}

/** Per item object, its markup from each list that rendered it. Dies with the item. */
const kept = new WeakMap<object, Kept[]>();
/** A render function's source names its list: the same arrow written once gives one id however many closures of it run. */
const sites = new Map<string, number>();

interface LastList {
  readonly items: readonly unknown[];
  readonly out: readonly Html[];
  readonly deps: readonly unknown[] | undefined;
}
/**
 * Per list, the items and markup of its last render: an item at the same
 * index as then is found without a lookup. Lists are told apart by their
 * site and by what renders them (a view or component, see `renderingAs`),
 * so fifty views of one table each find their own. The markup per item
 * stays the one to fall back on (moved items, lists taking turns).
 */
const lastLists = new WeakMap<object, Map<number, LastList>>();
/** What renders now: lists with no owner (a render to a string) share one. */
const NO_OWNER = {};
let owner: object = NO_OWNER;

/** Runs `render` with the lists it renders kept as `renderer`'s. */
export function renderingAs<T>(renderer: object, render: () => T): T {
  const outer = owner;
  owner = renderer;
  try {
    return render();
  } finally {
    owner = outer;
  }
}

const warned = new Set<number>();

/**
 * Whether every kept item is rendered again and compared, warning when the
 * two differ: on under NODE_ENV=development (`livets dev`) and test.
 */
let checking = process.env.NODE_ENV === "development" || process.env.NODE_ENV === "test";

/** Turns the check of kept items on or off (tests). */
export function checkKeptItems(on: boolean): void {
  checking = on;
}

/** Sites by render function: a function written once (not an arrow made per render) is named without reading its source. */
const siteByFunction = new WeakMap<object, number>();

function siteOf(render: (...args: never[]) => unknown): number {
  let site = siteByFunction.get(render);
  if (site === undefined) siteByFunction.set(render, (site = siteBySource(render)));
  return site;
}

function siteBySource(render: (...args: never[]) => unknown): number {
  const source = render.toString();
  // Bound and native functions all print the same source: never kept.
  if (source.endsWith("[native code] }")) return -1;
  let site = sites.get(source);
  if (site === undefined) {
    site = sites.size;
    sites.set(source, site);
  }
  return site;
}

function sameDeps(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Renders each item of a list with `render`, keeping an item's markup from
 * the last render while the item is the same object and `deps` are the
 * same (`Object.is`, item by item):
 *
 * ```ts fragment
 * html`<tbody>${each(this.state.rows, (row) => html`<tr ts-key="${row.id}">…</tr>`)}</tbody>`
 * html`<ul>${each(todos, (t) => html`<li class="${t.id === selected ? "on" : ""}">${t.title}</li>`, [selected])}</ul>`
 * ```
 *
 * `render` must read nothing but its item and what `deps` list. Change an
 * item by replacing it (`rows[i] = { ...rows[i], score }`), not in place:
 * an item changed in place is the same object, and keeps its old markup.
 * Under NODE_ENV=development (as `livets dev` runs) or test every kept item
 * is rendered again and compared, and a difference is logged once per list
 * with what to fix. Items that are not objects are kept only at the same
 * index. The array returned belongs to the template it is passed to: do
 * not change it.
 */
export function each<T>(items: Iterable<T>, render: (item: T) => Html, deps?: readonly unknown[]): Html[] {
  const site = siteOf(render);
  const list = Array.isArray(items) ? (items as readonly T[]) : Array.from(items);
  let lists = lastLists.get(owner);
  if (lists === undefined) lastLists.set(owner, (lists = new Map()));
  const last = site < 0 ? undefined : lists.get(site);
  const lastItems = last !== undefined && sameDeps(last.deps, deps) ? last.items : EMPTY;
  const inPlace = Math.min(lastItems.length, list.length);
  // Items that stayed in place keep their markup: the last render's, copied
  // whole (a builtin copy, cheaper than item by item), then the rest mended.
  const out: Html[] = inPlace === 0 ? new Array(list.length) : (last as LastList).out.slice(0, list.length);
  if (out.length < list.length) out.length = list.length;
  const changed: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    // Only the arrays are read for an item that stayed: the same input at the same place gives the same markup.
    if (i < inPlace && lastItems[i] === item) {
      if (checking) {
        out[i] = checked(site, out[i], render(item));
        if (out[i] !== (last as LastList).out[i]) changed.push(i);
      }
      continue;
    }
    out[i] = site < 0 || typeof item !== "object" || item === null ? render(item) : keptOrRendered(site, item, render, deps);
    changed.push(i);
  }
  if (site >= 0) {
    if (last !== undefined && last.out.length === out.length) noteListChanges(out, last.out, changed);
    lists.set(site, { items: list, out, deps });
  }
  return settledList(out);
}

const EMPTY: readonly unknown[] = [];

function keptOrRendered<T>(site: number, item: T & object, render: (item: T) => Html, deps: readonly unknown[] | undefined): Html {
  let entries = kept.get(item);
  let at = -1;
  if (entries !== undefined) for (let k = 0; k < entries.length && at < 0; k++) if (entries[k].site === site) at = k;
  if (at >= 0 && sameDeps((entries as Kept[])[at].deps, deps)) {
    const html = (entries as Kept[])[at].html;
    return checking ? checked(site, html, render(item)) : html;
  }
  const html = render(item);
  const fresh: Kept = { site, deps, html };
  if (entries === undefined) kept.set(item, (entries = []));
  if (at < 0) entries.push(fresh);
  else entries[at] = fresh;
  return html;
}

function checked(site: number, keptHtml: Html, fresh: Html): Html {
  if (sameValue(keptHtml, fresh)) return keptHtml;
  if (!warned.has(site)) {
    warned.add(site);
    console.warn(
      "livets: each() kept an item's markup, but rendering it again gives different markup. " +
        "Its render reads something besides the item: list that in each()'s deps, " +
        "or replace items when they change instead of changing them in place.\n" +
        `  kept:  ${truncate(keptHtml.toString())}\n  fresh: ${truncate(fresh.toString())}`,
    );
  }
  return fresh;
}

function truncate(markup: string): string {
  return markup.length > 200 ? `${markup.slice(0, 200)}…` : markup;
}
