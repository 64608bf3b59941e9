// A view and the components it renders, as a tree of nodes. Each node has
// a wire id (the view's root id, then "/" and the escaped component id per
// level), the HTML the core holds for it, and the children its last render
// placed. Rendering a node collects the children it places anew: kept ones
// keep their instance and state, new ones mount, missing ones are reported
// for unmounting.

import { renderingAs } from "./each";
import { allowedEvents, checkComponentClass, modelFieldsOf, type HandlerClass } from "./events";
import { Html, escapeHtml, trusted } from "./html";
import type { UpdateTooLargeError } from "./update-error";
import type { EventPayload, NodeHost } from "./view-host";
import { attachHost } from "./view-host";

/** What a node's instance offers, view or component alike. */
export interface NodeInstance {
  render(): Html;
  setState(partial: object): void;
  handleEvent(event: string, payload: EventPayload): unknown;
  unmount(): void;
  updated?(): void;
  handleError?(error: UpdateTooLargeError): void | Promise<void>;
  mount?(props: object): unknown;
  update?(props: object): unknown;
}

/** One view or component in the tree. */
export interface TreeNode {
  readonly wireId: string;
  /** The component id its parent gave it; "" for the view. */
  readonly cid: string;
  readonly instance: NodeInstance;
  readonly Class: HandlerClass & { readonly tag?: string };
  readonly parent: TreeNode | null;
  props: object;
  children: Map<string, TreeNode>;
  /** The children placed by the render in progress. */
  placing: Map<string, TreeNode> | null;
  /** The HTML the core holds for it (its markup is built when asked for); null until registered. */
  html: Html | null;
  /** The template tree of its last render. */
  last: Html | null;
  /** `html` when the next render can be compared with it (template-track.ts); null otherwise. */
  tracked: Html | null;
  dirty: boolean;
}

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const TAG = /^[a-z][a-z0-9-]*$/;

function tagOf(Class: { readonly name: string; readonly tag?: string }): string {
  const tag = Class.tag ?? "div";
  if (typeof tag !== "string" || !TAG.test(tag) || VOID.has(tag) || tag === "script" || tag === "style") {
    throw new TypeError(`${Class.name}.tag must be a lowercase element name that can hold content, not ${String(tag)}`);
  }
  return tag;
}

function shallowEqual(a: object, b: object): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && Object.is(ra[k], rb[k]));
}

function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** The wire id of component `cid` placed by `parent`. */
export function childWireId(parent: string, cid: string): string {
  return `${parent}/${encodeURIComponent(cid)}`;
}

/**
 * The tree of one view. `inline` trees (a page render) put each
 * component's markup inside its root; live trees leave the root empty and
 * send each component's markup on its own.
 */
export class ViewTree {
  readonly nodes = new Map<string, TreeNode>();
  readonly root: TreeNode;
  /** Every mounted node, including one just replaced under the same wire id. */
  private readonly mounted = new Set<TreeNode>();
  private readonly byInstance = new WeakMap<object, TreeNode>();

  constructor(
    wireId: string,
    view: NodeInstance,
    View: HandlerClass,
    private readonly hostFor: (node: TreeNode) => NodeHost,
    private readonly inline: boolean,
  ) {
    this.root = this.add(wireId, "", view, View, null, {});
  }

  private add(wireId: string, cid: string, instance: NodeInstance, Class: TreeNode["Class"], parent: TreeNode | null, props: object): TreeNode {
    const node: TreeNode = { wireId, cid, instance, Class, parent, props, children: new Map(), placing: null, html: null, last: null, tracked: null, dirty: true };
    this.nodes.set(wireId, node);
    this.mounted.add(node);
    this.byInstance.set(instance, node);
    attachHost(instance, this.hostFor(node));
    return node;
  }

  /** The node of a view or component instance in this tree. */
  nodeOf(instance: object): TreeNode | undefined {
    return this.byInstance.get(instance);
  }

  /**
   * Renders `node`: its markup (components as empty roots in a live tree,
   * filled in an inline one) and the children it no longer places. A
   * render that throws leaves every instance it mounted in `nodes`, so
   * `removeAll` still unmounts them.
   */
  render(node: TreeNode): { markup: string; removed: TreeNode[] } {
    const { value, removed } = this.renderValue(node);
    return { markup: value.toString(), removed };
  }

  /** `render` without the markup: the template tree, whose text is built only when asked for. */
  renderValue(node: TreeNode): { value: Html; removed: TreeNode[] } {
    const placed = new Map<string, TreeNode>();
    node.placing = placed;
    try {
      const value = htmlOf(renderingAs(node, () => node.instance.render()), node.Class.name);
      const removed = [...node.children.values()].filter((c) => placed.get(c.cid) !== c);
      node.children = placed;
      node.dirty = false;
      node.last = value;
      return { value, removed };
    } finally {
      node.placing = null;
    }
  }

  /** Places component `cid` of class `Class` with `props` in the render of `parentInstance`. */
  place(parentInstance: object, Class: unknown, cid: string, props: object): Html {
    const parent = this.byInstance.get(parentInstance);
    if (parent === undefined || parent.placing === null) {
      throw new Error("component() must be called while its view or component renders");
    }
    checkComponentClass(Class);
    // Declarations are checked where the component is first used, as a
    // view's are at registerComponent.
    allowedEvents(Class);
    modelFieldsOf(Class);
    if (cid === "" || cid.length > 200) throw new TypeError("a component id must be a non-empty string of at most 200 characters");
    if (parent.placing.has(cid)) throw new Error(`component id ${JSON.stringify(cid)} is placed twice in one render of ${parent.Class.name}`);
    if (typeof props !== "object" || props === null) throw new TypeError("component props must be an object");
    const ComponentClass = Class as TreeNode["Class"];
    const tag = tagOf(ComponentClass);
    let node = parent.children.get(cid);
    if (node !== undefined && node.Class === ComponentClass) {
      if (!shallowEqual(node.props, props)) {
        node.props = props;
        if (isThenable(node.instance.update?.(props))) throw new TypeError(`${ComponentClass.name}.update must be synchronous`);
        node.dirty = true;
      }
    } else {
      if (node !== undefined) {
        // Same id, another class: the old one goes, as if left out.
        node = undefined;
      }
      const wireId = childWireId(parent.wireId, cid);
      const instance = new (ComponentClass as unknown as new () => NodeInstance)();
      node = this.add(wireId, cid, instance, ComponentClass, parent, props);
      if (isThenable(instance.mount?.(props))) throw new TypeError(`${ComponentClass.name}.mount must be synchronous`);
    }
    parent.placing.set(cid, node);
    const open = `<${tag} data-livets-id="${escapeHtml(node.wireId)}">`;
    if (!this.inline) return trusted(`${open}</${tag}>`);
    const { markup } = this.render(node);
    return trusted(`${open}${markup}</${tag}>`);
  }

  /**
   * Unmounts `node` and everything under it, deepest first, and forgets
   * them; `gone` is told each wire id.
   */
  remove(node: TreeNode, gone: (wireId: string) => void, log: (err: unknown, what: string) => void): void {
    for (const child of node.children.values()) this.remove(child, gone, log);
    node.children.clear();
    // A node replaced under the same wire id belongs to its successor now.
    if (this.nodes.get(node.wireId) === node) this.nodes.delete(node.wireId);
    this.mounted.delete(node);
    unmountNode(node, gone, log);
  }

  /** Unmounts every node, components deepest first and the view last. */
  removeAll(gone: (wireId: string) => void, log: (err: unknown, what: string) => void): void {
    const all = [...this.mounted].sort((a, b) => depth(b) - depth(a));
    this.nodes.clear();
    this.mounted.clear();
    for (const node of all) {
      node.children.clear();
      unmountNode(node, gone, log);
    }
  }
}

/** Calls `unmount` (logging a throw), detaches the host, and reports the wire id. */
function unmountNode(node: TreeNode, gone: (wireId: string) => void, log: (err: unknown, what: string) => void): void {
  try {
    node.instance.unmount();
  } catch (err) {
    log(err, `${node.Class.name}.unmount`);
  }
  // After unmount, which may still read its id and props.
  attachHost(node.instance, null);
  gone(node.wireId);
}

/**
 * The markup of a render. A plain string is refused, never inserted: it
 * would be markup built by hand from values nobody escaped.
 */
function htmlOf(value: unknown, name: string): Html {
  if (value instanceof Html) return value;
  if (typeof value === "string") {
    throw new TypeError(`render() of ${name} returned a string; build markup with html\`\` (or raw() for trusted markup)`);
  }
  throw new TypeError(`render() of ${name} must return html\`\`, not ${value === null ? "null" : typeof value}`);
}

function depth(node: TreeNode): number {
  let d = 0;
  for (let n = node.parent; n !== null; n = n.parent) d++;
  return d;
}
