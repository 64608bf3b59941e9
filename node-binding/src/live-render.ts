// Rendering a live view's tree: each node that changed renders on its
// own, top-down, and what changed goes to the core, which diffs it against
// what it holds: splices against the last HTML when the render can be
// compared with the last one template by template (template-track.ts),
// the whole HTML otherwise. A render over maxLiveMessageBytes is not sent.

import { quoted } from "./events";
import type { InstanceCore } from "./instance-core";
import { formatBytes } from "./limits";
import type { Logger } from "./logger";
import { clearStreams } from "./stream";
import { freshMarkup, isTrackable, trackRender, type TrackedRender } from "./template-track";
import { UpdateTooLargeError } from "./update-error";
import { htmlInternals, type Html } from "./html";
import type { TreeNode, ViewTree } from "./view-tree";
import { measureDiff, now, type DebugTrace } from "./dev/debug-log";

/**
 * Set by tests: every tracked render is checked against a render from
 * scratch, so a tracking mistake fails there instead of reaching a page.
 */
const checkSplices = process.env.LIVETS_CHECK_SPLICES === "1";

function checkTracked(node: TreeNode, value: Html, tracked: TrackedRender): void {
  const fresh = freshMarkup(value);
  const markup = tracked.tree.toString();
  if (fresh !== markup || Buffer.byteLength(fresh) !== tracked.bytes) {
    throw new Error(`change tracking of ${node.Class.name} gave other markup than a full render:\n${markup}\n---\n${fresh}`);
  }
}

/** Whether the request being answered got its answer yet. */
export interface Answer {
  answered: boolean;
}

/** A node whose render was over the limit, with what its handleError gets. */
export interface TooLarge {
  readonly node: TreeNode;
  readonly error: UpdateTooLargeError;
}

/** "Counter (/counter)", or "TodoItem "t1" in Todos (/todos)" for a component. */
export function nodeName(label: string, node: TreeNode): string {
  return node.parent === null ? label : `${node.Class.name} ${quoted(node.cid)} in ${label}`;
}

/** Where in a view `what` ran, for a crash's log line. */
export function nodePlace(node: TreeNode, what: string): string {
  return node.parent === null ? what : `${node.Class.name} ${quoted(node.cid)} ${what}`;
}

/** Renders the nodes of one view's tree and hands them to the core. */
/**
 * Below this, a page goes whole even when tracked: the core parses and
 * diffs a small page faster than it splices one (the counter at 50
 * connections: 18 µs of server CPU per event whole, 24 µs spliced). The
 * test mode splices every page, so its checks see the splice path.
 */
const spliceMinBytes = checkSplices ? 0 : 1024;

export class LiveRender {
  constructor(
    private readonly core: InstanceCore,
    private readonly logger: Logger,
    private readonly label: string,
    private readonly maxBytes: number,
  ) {}

  /** LIVETS_DEBUG=1 or `livets dev`: the task under way, which each render is recorded in. */
  trace: DebugTrace | null = null;

  /**
   * Renders `node` and its changed descendants and sends each, answering
   * `ref` with the patch of the node `target`. A render over the limit is
   * not sent (the browser and the core keep the last one) and goes into
   * `tooLarge`; components it placed wait for a render of it that is
   * sent, since their roots are not on the page.
   */
  visit(tree: ViewTree, node: TreeNode, ref: number, target: string, rendered: TreeNode[], answer: Answer, tooLarge: TooLarge[]): void {
    if (node.dirty || node.html === null) {
      const started = this.trace !== null ? now() : 0;
      const { value, removed } = tree.renderValue(node);
      const prev = node.tracked;
      const tracked: TrackedRender | null = node.html !== null && prev !== null && htmlInternals.bytes(prev) >= spliceMinBytes ? trackRender(prev, value) : null;
      if (tracked !== null && checkSplices) checkTracked(node, value, tracked);
      // The whole markup only when it goes whole.
      const markup = tracked === null ? value.toString() : "";
      const size = tracked?.bytes ?? Buffer.byteLength(markup);
      if (this.trace !== null) this.traceRender(node, now() - started, tracked === null ? markup : tracked.tree.toString(), size);
      let outcome: "sent" | "too-large" | "failed" = "too-large";
      if (size <= this.maxBytes) {
        if (node.html === null) {
          outcome = this.core.register(node.wireId, 0, markup);
        } else {
          const withRef = !answer.answered && node.wireId === target ? ref : 0;
          outcome = tracked !== null && prev !== null
            ? this.core.updateSplices(node.wireId, withRef, htmlInternals.bytes(prev), tracked.splices)
            : this.core.update(node.wireId, withRef, markup);
          if (withRef !== 0 && outcome !== "too-large") answer.answered = true;
        }
      }
      // After the update, so a component's root is gone from the page before it is.
      this.unmount(tree, removed);
      if (outcome === "too-large") {
        tooLarge.push({ node, error: this.tooLarge(node, size) });
        return;
      }
      if (tracked !== null) this.sent(node, tracked.tree, true);
      else this.sent(node, value, isTrackable(markup));
      // Stream items go once; a render that was not sent keeps them queued.
      clearStreams(node.instance);
      rendered.push(node);
    }
    for (const child of node.children.values()) this.visit(tree, child, ref, target, rendered, answer, tooLarge);
  }

  /** Records the render in the debug trace; the whole markup is built for it, in debug only. */
  private traceRender(node: TreeNode, renderMs: number, markup: string, bytes: number): void {
    const first = node.html === null;
    const name = node.parent === null ? node.Class.name : `${node.Class.name} ${quoted(node.cid)}`;
    this.trace?.rendered(name, renderMs, bytes, first ? null : measureDiff(node.html?.toString() ?? "", markup), first);
  }

  /** Records that the core holds the markup of `html` for `node`. */
  sent(node: TreeNode, html: Html, trackable: boolean): void {
    node.html = html;
    node.tracked = trackable ? html : null;
  }

  /** Answers `ref` on `node` with an empty patch: nothing changed. */
  unchanged(node: TreeNode, ref: number): void {
    if (node.tracked !== null) this.core.updateSplices(node.wireId, ref, htmlInternals.bytes(node.tracked), []);
    else this.core.update(node.wireId, ref, node.html?.toString() ?? "");
  }

  /** Renders `node` without sending it, unmounting the components it no longer places. */
  render(tree: ViewTree, node: TreeNode): string {
    const { markup, removed } = tree.render(node);
    this.unmount(tree, removed);
    return markup;
  }

  /** Logs a render over the live limit; returns what the view's handleError gets. */
  tooLarge(node: TreeNode, size: number): UpdateTooLargeError {
    this.logger.error(
      `[livets] ${nodeName(this.label, node)}: a render of ${formatBytes(size)} is over maxLiveMessageBytes ` +
        `(${formatBytes(this.maxBytes)}) and was not sent; the page keeps the last render. ` +
        "Render less (paginate), or raise the maxLiveMessageBytes option.",
    );
    return new UpdateTooLargeError(node.Class.name, size, this.maxBytes);
  }

  /** Calls `updated()` on each node that rendered; a throw there is logged, not a crash. */
  afterRender(rendered: readonly TreeNode[]): void {
    for (const node of rendered) {
      if (typeof node.instance.updated !== "function") continue;
      try {
        node.instance.updated();
      } catch (err) {
        this.core.logThrow(err, `${node.Class.name}.updated`);
      }
    }
  }

  private unmount(tree: ViewTree, removed: readonly TreeNode[]): void {
    for (const gone of removed) tree.remove(gone, (id) => this.core.unregister(id), (err, what) => this.core.logThrow(err, what));
  }
}
