// Live views inside a view's markup: `liveRender(ChildView, { id, session })`.
// A child is a view of its own (a LiveInstance on the same connection, with
// its own state, events, task queue, crashes and remounts), placed by its
// parent's render. The server mounts it when a parent render first places
// it and unmounts it when a parent render leaves it out, so the browser
// never joins it: its root is one more root without a token, as a
// component's is (docs/protocol.md, "Nested views"). A sticky child outlives
// its parent: when the parent goes (live navigation), it waits for the next
// view on the connection to place it again.

import { escapeHtml, trusted, type Html } from "./html";
import { isJsonObject, type JsonObject } from "./json";
import type { LiveViewClass } from "./live-view";

/** A nested view's wire id is this prefix and the id its parent gave it. */
export const NESTED_ID_PREFIX = "lv-n-";
/** On a sticky child's root: the page layer carries it into the next page's root. */
export const STICKY_ATTR = "data-livets-sticky";

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TAG = /^[a-z][a-z0-9-]{0,31}$/;

/** How `liveRender` places a child view. */
export interface LiveRenderOptions {
  /** Unique on the page: letters, digits, `-` and `_`, 1 to 64 of them. */
  readonly id: string;
  /** What the child's `mount` gets as `session.data`; read once, when it mounts. */
  readonly session?: JsonObject;
  /** Survives live navigation of its parent when the next page places it with the same id and class. */
  readonly sticky?: boolean;
  /** The tag of the child's root element, "div" by default. */
  readonly tag?: string;
}

/** One child as a parent's render placed it. */
export interface Placement {
  readonly View: LiveViewClass;
  readonly id: string;
  readonly wireId: string;
  readonly session: JsonObject;
  readonly sticky: boolean;
  readonly tag: string;
}

/** Where `liveRender` calls go while a view renders. */
export interface Nesting {
  begin(): void;
  place(placement: Placement): Html;
  end(): void;
}

let current: Nesting | null = null;

/**
 * Renders `View` as a live view of its own inside the calling view's
 * render: its root element (`tag`, with `data-livets-id` "lv-n-" + id) goes
 * where this is interpolated. The child mounts once, with `session`, and
 * keeps its state across its parent's renders; its events and renders are
 * its own, and a crash in it remounts only it. Call it from a view's
 * `render()`; elsewhere (a component, `ComponentRenderer`) the root is
 * rendered empty and nothing mounts.
 */
export function liveRender(View: LiveViewClass, options: LiveRenderOptions): Html {
  const placement = checkPlacement(View, options);
  return current === null ? trusted(rootMarkup(placement, "")) : current.place(placement);
}

/** Makes `view`'s render place its `liveRender` children with `nesting`. */
export function attachNesting(view: object, nesting: Nesting): void {
  const render = (view as { render: () => unknown }).render;
  Object.defineProperty(view, "render", {
    configurable: true,
    writable: true,
    value: function (this: unknown): unknown {
      const outer = current;
      current = nesting;
      nesting.begin();
      try {
        return render.call(this);
      } finally {
        nesting.end();
        current = outer;
      }
    },
  });
}

function checkPlacement(View: LiveViewClass, options: LiveRenderOptions): Placement {
  if (typeof View !== "function" || typeof View.prototype?.render !== "function") {
    throw new TypeError("liveRender needs a LiveView class as its first argument");
  }
  const { id, session = {}, sticky = false, tag = "div" } = (options ?? {}) as LiveRenderOptions;
  if (typeof id !== "string" || !ID.test(id)) {
    throw new TypeError(`liveRender needs an id of 1 to 64 letters, digits, '-' or '_', not ${JSON.stringify(id) ?? String(id)}`);
  }
  if (!isJsonObject(session)) throw new TypeError(`liveRender(${View.name}, { id: "${id}" }): session must be a JSON object`);
  if (typeof tag !== "string" || !TAG.test(tag)) throw new TypeError(`liveRender(${View.name}, { id: "${id}" }): bad tag ${JSON.stringify(tag)}`);
  return { View, id, wireId: NESTED_ID_PREFIX + id, session, sticky: sticky === true, tag };
}

function rootMarkup(p: Placement, content: string): string {
  return `<${p.tag} data-livets-id="${escapeHtml(p.wireId)}"${p.sticky ? ` ${STICKY_ATTR}` : ""}>${content}</${p.tag}>`;
}

// ---- a page render ----------------------------------------------------

/**
 * A page render's children: each is rendered in full (its own mount and
 * render, nothing left running) into its root once the parent's markup is
 * done, since a child's mount may be async and a render is not.
 */
export class PageNesting implements Nesting {
  private readonly placed = new Map<string, Placement>();

  constructor(private readonly renderChild: (placement: Placement) => Promise<string>) {}

  begin(): void {
    this.placed.clear();
  }

  place(placement: Placement): Html {
    if (this.placed.has(placement.wireId)) throw new Error(`liveRender: two children with id "${placement.id}" in one render`);
    this.placed.set(placement.wireId, placement);
    return trusted(rootMarkup(placement, ""));
  }

  end(): void {}

  /** `markup` with each child's page render in its root. */
  async fill(markup: string): Promise<string> {
    let out = markup;
    for (const placement of this.placed.values()) {
      const inner = await this.renderChild(placement);
      const empty = rootMarkup(placement, "");
      out = out.replace(empty, () => rootMarkup(placement, inner));
    }
    return out;
  }
}

// ---- a live view's children --------------------------------------------

/** A mounted child, as its parent holds it (a LiveInstance). */
export interface NestedChild {
  readonly id: string;
  readonly View: LiveViewClass;
}

/** What a parent's children need from the hub: the connection they share. */
export interface NestingHost {
  /** Mounts a new child on the parent's connection. */
  mount(placement: Placement): NestedChild;
  /** Unmounts a child and forgets it. */
  drop(child: NestedChild): void;
  /** Whether a view other than a waiting sticky one holds `wireId` on the connection. */
  taken(wireId: string): boolean;
  /** A sticky child of a parent that went, if one waits with this id and class. */
  claimSticky(wireId: string, View: LiveViewClass): NestedChild | null;
  /** Keeps a sticky child for the next view on the connection. */
  keepSticky(child: NestedChild): void;
  /** The next view has rendered: sticky children it did not place go. */
  dropUnclaimed(): void;
}

/** The children of one live view, kept in step with its renders. */
export class LiveNesting implements Nesting {
  private readonly children = new Map<string, { readonly child: NestedChild; readonly sticky: boolean }>();
  private placing: Map<string, Placement> | null = null;
  /** What the last render placed, until `settle` acts on it. */
  private placed: Map<string, Placement> | null = null;

  constructor(private readonly host: NestingHost) {}

  begin(): void {
    this.placing = new Map();
  }

  place(placement: Placement): Html {
    const placing = this.placing as Map<string, Placement>;
    if (placing.has(placement.wireId)) throw new Error(`liveRender: two children with id "${placement.id}" in one render`);
    if (!this.children.has(placement.wireId) && this.host.taken(placement.wireId)) {
      throw new Error(`liveRender: id "${placement.id}" is already a live view on this page`);
    }
    placing.set(placement.wireId, placement);
    return trusted(rootMarkup(placement, ""));
  }

  end(): void {
    this.placed = this.placing;
    this.placing = null;
  }

  /**
   * After the parent's render went to the core (so a child's root is on
   * the page before its first render arrives): mounts the children the
   * render placed for the first time and unmounts those it left out.
   * `first` is the render of a join or remount, after which sticky
   * children nobody placed go.
   */
  settle(first: boolean): void {
    const placed = this.placed;
    this.placed = null;
    if (placed !== null) {
      for (const [wireId, kept] of this.children) {
        const p = placed.get(wireId);
        if (p !== undefined && p.View === kept.child.View) continue;
        this.children.delete(wireId);
        this.host.drop(kept.child);
      }
      for (const [wireId, p] of placed) {
        if (this.children.has(wireId)) continue;
        const child = (p.sticky ? this.host.claimSticky(wireId, p.View) : null) ?? this.host.mount(p);
        this.children.set(wireId, { child, sticky: p.sticky });
      }
    }
    if (first) this.host.dropUnclaimed();
  }

  /** The parent is torn down: sticky children wait for the next view, the others go. */
  release(): void {
    this.placed = null;
    for (const { child, sticky } of this.children.values()) {
      if (sticky) this.host.keepSticky(child);
      else this.host.drop(child);
    }
    this.children.clear();
  }
}
