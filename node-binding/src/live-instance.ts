// One joined view, with its components, bound to a browser connection.
// Work for it (join, events, URL changes, infos, timers, async results)
// runs one task at a time; after each task the nodes that changed render,
// top-down, each diffed on its own by the core, and the browser's request
// is answered exactly once.

import type { AsyncResult } from "./async-result";
import { ownTopic } from "./core-topics";
import { decideEvent, quoted } from "./events";
import type { Html } from "./html";
import type { JsonObject, JsonValue } from "./json";
import { formatBytes } from "./limits";
import type { LiveView, LiveViewClass, Session } from "./live-view";
import { isCoreError } from "./native";
import { parsePresences, presenceArgs, type Presences } from "./presence";
import { TaskQueue } from "./task-queue";
import type { Params } from "./token";
import { UpdateTooLargeError } from "./update-error";
import type { Cancel, ComponentType, Flash, Navigation, NodeHost } from "./view-host";
import { ViewTree, type NodeInstance, type TreeNode } from "./view-tree";

/** The core calls a live view needs, already bound to one server. */
export interface CorePort {
  register(conn: number, id: string, ref: number, html: string): void;
  update(conn: number, id: string, ref: number, html: string): void;
  unregister(conn: number, id: string): void;
  replyError(conn: number, id: string, ref: number, reason: string): void;
  subscribe(conn: number, id: string, topic: string): void;
  unsubscribe(conn: number, id: string, topic: string): void;
  publish(topic: string, data: string): void;
  presenceTrack(conn: number, topic: string, key: string, metaJson: string): void;
  presenceUntrack(conn: number, topic: string, key: string): void;
  /** JSON text: key → metas, on every node. */
  presenceList(topic: string): string;
  /** One protocol message (docs/protocol.md) as JSON text. */
  send(conn: number, text: string): void;
}

/** Where the framework writes what went wrong: `console` by default. */
export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** What a view is mounted with. */
export interface MountContext {
  readonly route: string;
  readonly params: Params;
  readonly url: string;
  readonly session: JsonObject;
  readonly connectParams: Readonly<Record<string, JsonValue>>;
  readonly flash: Flash;
  /** The client's IP address as the core resolved it, or "unknown". */
  readonly address: string;
}

/** What the instance needs from the server around it. */
export interface InstanceEnv {
  readonly core: CorePort;
  readonly logger: Logger;
  /** Base delay before a crashed view is mounted again; doubles per crash in a row. */
  readonly remountDelayMs: number;
  /** Crashes in a row after which the view is given up. */
  readonly maxCrashes: number;
  /** Largest HTML one render or patch may carry; a larger one is not sent. */
  readonly maxLiveMessageBytes: number;
  /** Logs a refusal of `cause` on `conn` (counted, not one line each). */
  refused(conn: number, cause: string, what: string): void;
  /** The params of `url` if the same view class serves it, else null. */
  resolve(url: string, View: LiveViewClass): Params | null;
  /** A pushNavigate is leaving with this flash: the next view on the connection shows it. */
  carryFlash(conn: number, flash: Flash): void;
  /** The instance is gone for good (failed join, given up after crashes). */
  gone(instance: LiveInstance): void;
}

/** Serialises `data` for a publish; `undefined` travels as null. */
export function encodeInfo(data: unknown): string {
  return JSON.stringify(data) ?? "null";
}

/** Parses a publish's data; text that is not JSON arrives as the string itself. */
export function decodeInfo(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Publishers other than broadcast() may send plain text.
    return text;
  }
}

const MAX_PATCHES_PER_TASK = 8;
const MAX_REMOUNT_DELAY_MS = 30_000;

type Phase = "new" | "live" | "crashed" | "closed";

interface Timer {
  handle: ReturnType<typeof setTimeout> | null;
  queued: boolean;
  readonly repeat: boolean;
}

/** The server side of one view joined by one connection. */
export class LiveInstance {
  /** "ClassName (/route)", for log lines. */
  readonly label: string;
  private phase: Phase = "new";
  private tree: ViewTree | null = null;
  private ctx: MountContext;
  private flash: Flash = {};
  private flashChanged = false;
  private navigation: Navigation | null = null;
  /** Messages for the browser that go out before the next patches. */
  private pending: JsonValue[] = [];
  private readonly topics = new Set<string>();
  /** Presences this view tracked, by "topic\0key"; sent to the core once live. */
  private readonly tracked = new Map<string, { topic: string; key: string; meta: string }>();
  private readonly timers = new Set<Timer>();
  private readonly asyncs = new Map<string, number>();
  private asyncSeq = 0;
  /** Bumped on every teardown, so work started by an older view is dropped. */
  private generation = 0;
  private crashes = 0;
  private remountTimer: ReturnType<typeof setTimeout> | null = null;
  private inTask = false;
  private flushQueued = false;
  private readonly queue: TaskQueue;

  constructor(
    private readonly env: InstanceEnv,
    readonly conn: number,
    readonly id: string,
    readonly View: LiveViewClass,
    route: string,
  ) {
    this.label = `${View.name || "LiveView"} (${route})`;
    this.ctx = { route, params: {}, url: route, session: {}, connectParams: {}, flash: {}, address: "unknown" };
    this.queue = new TaskQueue((err) => this.env.logger.error(`[livets] ${this.label}: internal error:`, err));
  }

  /** Whether work is queued, async work is in flight or a remount is pending. */
  get busy(): boolean {
    return this.queue.busy || (this.asyncs.size > 0 && this.phase === "live") || this.remountTimer !== null;
  }

  /** Settles when the queue is empty, including work queued meanwhile. */
  async idle(): Promise<void> {
    while (this.queue.busy) await this.queue.idle();
  }

  /**
   * Mounts a fresh view and registers its first render, answering join
   * `ref`. `after` is the teardown of the instance this one replaces: the
   * two share wire ids, so the old one must let go of them first.
   */
  join(ref: number, ctx: MountContext, after: Promise<void> = Promise.resolve()): void {
    this.run(async () => {
      await after;
      if (this.phase !== "new") return;
      this.ctx = ctx;
      this.flash = ctx.flash;
      this.flashChanged = Object.keys(ctx.flash).length > 0;
      await this.start(ref);
    });
  }

  /** A browser event on the view (`wireId` = its id) or one of its components. */
  event(ref: number, wireId: string, name: string, payloadText: string): void {
    this.run(async () => {
      const node = this.liveNode(ref, wireId);
      if (node === null) return;
      let raw: JsonValue;
      try {
        raw = JSON.parse(payloadText) as JsonValue;
      } catch {
        this.env.refused(this.conn, "malformed payload", `malformed payload of ${quoted(name)} on ${this.named(node)}`);
        return this.reply(ref, "malformed payload", wireId);
      }
      const decision = decideEvent(node.Class, name, raw);
      const where = this.where(node, `handleEvent(${quoted(name)})`);
      if (decision.kind === "refused") {
        this.env.refused(this.conn, decision.reason, `${decision.log} on ${this.named(node)}`);
        return this.reply(ref, decision.reason, wireId);
      }
      const generation = this.generation;
      try {
        if (decision.kind === "model") {
          node.instance.setState({ [decision.field]: decision.value });
          if (decision.notify) await node.instance.handleEvent(name, decision.payload);
        } else if (decision.kind === "clear-flash") {
          this.clearFlash(decision.flash);
          if (decision.notify) await node.instance.handleEvent(name, decision.payload);
        } else {
          await node.instance.handleEvent(name, decision.payload);
        }
        if (generation !== this.generation) return;
        await this.followNavigation();
      } catch (err) {
        return this.crash(err, where, ref, generation, wireId);
      }
      return this.flush(ref, wireId, where);
    });
  }

  /** The browser's URL changed to `url` (served by this view, with `params`). */
  urlChanged(ref: number, url: string, params: Params): void {
    this.handle(ref, "handleParams", async (view) => {
      this.ctx = { ...this.ctx, url, params };
      await view.handleParams(params, url);
    });
  }

  /** A publish on a subscribed topic. */
  info(topic: string, dataText: string): void {
    this.handle(0, `handleInfo(${quoted(topic)})`, (view) => view.handleInfo(topic, decodeInfo(dataText)));
  }

  /**
   * Unmounts everything after any queued work and unregisters it from the
   * core. Resolves when done.
   */
  dispose(): Promise<void> {
    if (this.phase !== "closed") {
      this.phase = "closed";
      this.cancelRemount();
      this.run(() => this.teardown(true));
    }
    return this.idle();
  }

  // ---- tasks ------------------------------------------------------------

  private run(task: () => void | Promise<void>): void {
    this.queue.run(async () => {
      this.inTask = true;
      try {
        await task();
      } finally {
        this.inTask = false;
      }
    });
  }

  /** Runs a view-level handler as a task, then renders and answers `ref`. */
  private handle(ref: number, what: string, fn: (view: LiveView<object>) => void | Promise<void>): void {
    this.run(async () => {
      if (this.phase !== "live" || this.tree === null) {
        if (ref !== 0) this.reply(ref, this.phase === "crashed" ? "view is restarting" : "not joined");
        return;
      }
      const generation = this.generation;
      try {
        await fn(this.tree.root.instance as unknown as LiveView<object>);
        if (generation !== this.generation) return;
        await this.followNavigation();
      } catch (err) {
        return this.crash(err, what, ref, generation);
      }
      return this.flush(ref, this.id, what);
    });
  }

  private liveNode(ref: number, wireId: string): TreeNode | null {
    const node = this.phase === "live" ? this.tree?.nodes.get(wireId) : undefined;
    if (node === undefined) {
      this.reply(ref, this.phase === "crashed" ? "view is restarting" : "not joined", wireId);
      return null;
    }
    return node;
  }

  private where(node: TreeNode, what: string): string {
    return node.parent === null ? what : `${node.Class.name} ${quoted(node.cid)} ${what}`;
  }

  /** "Counter (/counter)", or "TodoItem "t1" in Todos (/todos)" for a component. */
  private named(node: TreeNode): string {
    return node.parent === null ? this.label : `${node.Class.name} ${quoted(node.cid)} in ${this.label}`;
  }

  // ---- mounting ---------------------------------------------------------

  /** Mounts a new view (join or remount) and registers it, answering `ref`. */
  private async start(ref: number): Promise<void> {
    const generation = ++this.generation;
    const view = new this.View();
    const tree = new ViewTree(this.id, view as unknown as NodeInstance, this.View, (node) => this.hostFor(node), false);
    this.tree = tree;
    const session: Session = {
      connected: true,
      route: this.ctx.route,
      path: this.ctx.url.split("?")[0],
      url: this.ctx.url,
      data: this.ctx.session,
      connectParams: this.ctx.connectParams,
      address: this.ctx.address,
    };
    let markup: string;
    try {
      await view.mount(this.ctx.params, session);
      if (generation !== this.generation) return;
      await view.handleParams(this.ctx.params, this.ctx.url);
      if (generation !== this.generation) return;
      await this.followNavigation();
      if (this.leaveDuringMount(ref)) return;
      markup = this.renderNode(tree.root);
      // Over the limit, the view may shrink what it shows (handleError);
      // without that, the join cannot be answered with a render.
      const size = Buffer.byteLength(markup);
      if (size > this.env.maxLiveMessageBytes) {
        const error = this.tooLarge(tree.root, size);
        if (typeof view.handleError !== "function") return this.failStart(ref, "render", null, "update too large");
        await view.handleError(error);
        if (generation !== this.generation) return;
        markup = this.renderNode(tree.root);
        const again = Buffer.byteLength(markup);
        if (again > this.env.maxLiveMessageBytes) {
          this.tooLarge(tree.root, again);
          return this.failStart(ref, "render", null, "update too large");
        }
      }
    } catch (err) {
      return this.failStart(ref, "mount", err);
    }
    if (generation !== this.generation) return;
    this.phase = "live";
    this.sendPending();
    const registered = this.deliver(() => this.env.core.register(this.conn, this.id, ref, markup));
    if (registered === "too-large") {
      this.tooLarge(tree.root, Buffer.byteLength(markup));
      return this.failStart(ref, "register", null, "update too large");
    }
    if (registered !== "sent") return this.failStart(ref, "register", null);
    tree.root.html = markup;
    for (const topic of this.topics) this.call(() => this.env.core.subscribe(this.conn, this.id, topic));
    for (const { topic, key, meta } of this.tracked.values()) this.call(() => this.env.core.presenceTrack(this.conn, topic, key, meta));
    const rendered: TreeNode[] = [tree.root];
    try {
      for (const child of tree.root.children.values()) this.visit(child, 0, "", rendered, { answered: true }, []);
    } catch (err) {
      return this.crash(err, "render", 0, generation);
    }
    this.afterRender(rendered);
  }

  /** A redirect or navigation asked for while mounting: the page is left at once. */
  private leaveDuringMount(ref: number): boolean {
    const nav = this.navigation;
    if (nav === null || nav.kind === "patch") return false;
    this.navigation = null;
    this.send(["g", nav.url]);
    // The join must be answered; the browser is already leaving.
    this.call(() => this.env.core.register(this.conn, this.id, ref, ""));
    this.phase = "closed";
    this.teardown(true);
    this.env.gone(this);
    return true;
  }

  private failStart(ref: number, stage: string, err: unknown, reason = "join failed"): void {
    if (err !== null) this.env.logger.error(`[livets] ${this.label}: ${stage} threw while joining:`, err);
    if (ref !== 0) this.reply(ref, reason);
    this.phase = "closed";
    this.teardown(true);
    this.env.gone(this);
  }

  // ---- rendering --------------------------------------------------------

  /**
   * Renders every node that changed and answers `ref` (for the node
   * `target`) exactly once: with its patch if it rendered, else with an
   * empty one.
   */
  private async flush(ref: number, target: string, cause: string): Promise<void> {
    const tree = this.tree;
    if (this.phase !== "live" || tree === null) return;
    const generation = this.generation;
    this.sendPending();
    const rendered: TreeNode[] = [];
    const answer = { answered: ref === 0 };
    const tooLarge: { node: TreeNode; error: UpdateTooLargeError }[] = [];
    try {
      this.visit(tree.root, ref, target, rendered, answer, tooLarge);
    } catch (err) {
      return this.crash(err, `render after ${cause}`, answer.answered ? 0 : ref, generation);
    }
    if (tooLarge.length > 0) {
      // The request's effect is not on the page: its loading state ends
      // with a refusal, not a success.
      if (!answer.answered) this.reply(ref, "update too large", target);
      answer.answered = true;
      // Each view or component hears of it once and may render something
      // smaller; what is still too large then is only logged.
      try {
        for (const { node, error } of tooLarge) {
          if (typeof node.instance.handleError !== "function") continue;
          await node.instance.handleError(error);
          if (generation !== this.generation) return;
        }
        this.visit(tree.root, 0, target, rendered, answer, []);
      } catch (err) {
        return this.crash(err, `handleError after ${cause}`, 0, generation);
      }
    }
    if (!answer.answered) {
      const node = tree.nodes.get(target) ?? tree.root;
      const html = node.html ?? "";
      this.call(() => this.env.core.update(this.conn, node.wireId, ref, html));
    }
    this.afterRender(rendered);
    this.crashes = 0;
    this.sendLeaving();
  }

  /**
   * Renders `node` and its changed descendants and sends each. A render
   * over the live limit is not sent (the browser and the core keep the
   * last one) and goes into `tooLarge`; components it placed wait for a
   * render of it that is sent, since their roots are not on the page.
   */
  private visit(
    node: TreeNode,
    ref: number,
    target: string,
    rendered: TreeNode[],
    answer: { answered: boolean },
    tooLarge: { node: TreeNode; error: UpdateTooLargeError }[],
  ): void {
    const tree = this.tree;
    if (tree === null) return;
    if (node.dirty || node.html === null) {
      const { markup, removed } = tree.render(node);
      const unmountRemoved = (): void => {
        for (const gone of removed) tree.remove(gone, (id) => this.unregister(id), (err, what) => this.logThrow(err, what));
      };
      const size = Buffer.byteLength(markup);
      let outcome: "sent" | "too-large" | "failed" = "too-large";
      if (size <= this.env.maxLiveMessageBytes) {
        if (node.html === null) {
          outcome = this.deliver(() => this.env.core.register(this.conn, node.wireId, 0, markup));
        } else {
          const withRef = !answer.answered && node.wireId === target ? ref : 0;
          outcome = this.deliver(() => this.env.core.update(this.conn, node.wireId, withRef, markup));
          if (withRef !== 0 && outcome !== "too-large") answer.answered = true;
        }
      }
      // After the update, so a component's root is gone from the page before it is.
      unmountRemoved();
      if (outcome === "too-large") {
        tooLarge.push({ node, error: this.tooLarge(node, size) });
        return;
      }
      node.html = markup;
      rendered.push(node);
    }
    for (const child of node.children.values()) this.visit(child, ref, target, rendered, answer, tooLarge);
  }

  /** Renders `node`, unmounting the components it no longer places. */
  private renderNode(node: TreeNode): string {
    const tree = this.tree as ViewTree;
    const { markup, removed } = tree.render(node);
    for (const gone of removed) tree.remove(gone, (id) => this.unregister(id), (err, what) => this.logThrow(err, what));
    return markup;
  }

  /** Logs a render over the live limit; returns what the view's handleError gets. */
  private tooLarge(node: TreeNode, size: number): UpdateTooLargeError {
    const limit = this.env.maxLiveMessageBytes;
    this.env.logger.error(
      `[livets] ${this.named(node)}: a render of ${formatBytes(size)} is over maxLiveMessageBytes ` +
        `(${formatBytes(limit)}) and was not sent; the page keeps the last render. ` +
        "Render less (paginate), or raise the maxLiveMessageBytes option.",
    );
    return new UpdateTooLargeError(node.Class.name, size, limit);
  }

  private afterRender(rendered: readonly TreeNode[]): void {
    for (const node of rendered) {
      if (typeof node.instance.updated !== "function") continue;
      try {
        node.instance.updated();
      } catch (err) {
        this.logThrow(err, `${node.Class.name}.updated`);
      }
    }
  }

  // ---- navigation and flash ---------------------------------------------

  /** Runs `handleParams` for each pushPatch the last handler asked for. */
  private async followNavigation(): Promise<void> {
    for (let i = 0; i < MAX_PATCHES_PER_TASK; i++) {
      const nav = this.navigation;
      if (nav === null || nav.kind !== "patch") return;
      this.navigation = null;
      const params = this.env.resolve(nav.url, this.View);
      if (params === null) {
        this.navigation = { kind: "navigate", url: nav.url, replace: nav.replace };
        return;
      }
      this.ctx = { ...this.ctx, url: nav.url, params };
      this.pending.push(["h", this.id, nav.url, nav.replace]);
      const view = this.tree?.root.instance as unknown as LiveView<object> | undefined;
      if (view !== undefined) await view.handleParams(params, nav.url);
    }
    throw new Error(`pushPatch called from handleParams more than ${MAX_PATCHES_PER_TASK} times in a row`);
  }

  /** Flash and history changes go out before the patches they explain. */
  private sendPending(): void {
    if (this.flashChanged) {
      this.flashChanged = false;
      this.pending.unshift(["f", this.id, this.flash]);
    }
    const out = this.pending;
    this.pending = [];
    for (const message of out) this.send(message);
  }

  /** Navigations away go out after the last patch. */
  private sendLeaving(): void {
    const nav = this.navigation;
    if (nav === null || nav.kind === "patch") return;
    this.navigation = null;
    if (nav.kind === "redirect") {
      this.send(["g", nav.url]);
    } else {
      if (Object.keys(this.flash).length > 0) this.env.carryFlash(this.conn, this.flash);
      this.send(["n", this.id, nav.url, nav.replace]);
    }
  }

  private putFlash(kind: string, message: string): void {
    this.flash = { ...this.flash, [kind]: message };
    this.flashDirty();
  }

  private clearFlash(kind?: string): void {
    if (kind === undefined) {
      if (Object.keys(this.flash).length === 0) return;
      this.flash = {};
    } else {
      if (!Object.prototype.hasOwnProperty.call(this.flash, kind)) return;
      const next: Record<string, string> = { ...this.flash };
      delete next[kind];
      this.flash = next;
    }
    this.flashDirty();
  }

  private flashDirty(): void {
    this.flashChanged = true;
    const root = this.tree?.root;
    if (root !== undefined) root.dirty = true;
    this.changed();
  }

  // ---- crashes ----------------------------------------------------------

  /**
   * A handler, render or timer threw: the view and its components are
   * unmounted, the browser is told ("crashed", which marks the root with
   * ts-error), and a fresh view is mounted after a delay that doubles with
   * each crash in a row.
   */
  private crash(err: unknown, where: string, ref: number, generation: number, wireId: string = this.id): void | Promise<void> {
    if (generation !== this.generation || this.phase !== "live") {
      if (ref !== 0) this.reply(ref, "view is restarting", wireId);
      return;
    }
    this.env.logger.error(`[livets] ${this.label}: ${where} threw:`, err);
    this.phase = "crashed";
    this.teardown(false);
    // The request is answered where it was made; the view's root is what
    // the browser marks as failed.
    if (wireId !== this.id && ref !== 0) this.reply(ref, "crashed", wireId);
    this.reply(wireId !== this.id ? 0 : ref, "crashed");
    this.crashes++;
    if (this.crashes > this.env.maxCrashes) {
      this.env.logger.error(`[livets] ${this.label}: gave up after ${this.env.maxCrashes} crashes in a row`);
      this.phase = "closed";
      this.unregister(this.id);
      this.env.gone(this);
      return;
    }
    const delay = Math.min(this.env.remountDelayMs * 2 ** (this.crashes - 1), MAX_REMOUNT_DELAY_MS);
    // Without a delay the fresh view is in place before the next message.
    if (delay === 0) return this.remount();
    this.remountTimer = setTimeout(() => {
      this.remountTimer = null;
      this.run(() => this.remount());
    }, delay);
    this.remountTimer.unref?.();
  }

  private async remount(): Promise<void> {
    if (this.phase !== "crashed") return;
    this.flash = {};
    this.flashChanged = false;
    await this.start(0);
  }

  private cancelRemount(): void {
    if (this.remountTimer !== null) clearTimeout(this.remountTimer);
    this.remountTimer = null;
  }

  /**
   * Unmounts every node and stops everything they started. Components are
   * unregistered from the core; the view itself only when `dropView`.
   */
  private teardown(dropView: boolean): void {
    this.generation++;
    for (const timer of this.timers) if (timer.handle !== null) clearTimeout(timer.handle);
    this.timers.clear();
    this.asyncs.clear();
    this.navigation = null;
    this.pending = [];
    for (const topic of this.topics) this.call(() => this.env.core.unsubscribe(this.conn, this.id, topic));
    this.topics.clear();
    // The connection may stay (live navigation): its presences go with the view.
    for (const { topic, key } of this.tracked.values()) this.call(() => this.env.core.presenceUntrack(this.conn, topic, key));
    this.tracked.clear();
    const tree = this.tree;
    this.tree = null;
    tree?.removeAll(
      (wireId) => {
        if (wireId !== this.id || dropView) this.unregister(wireId);
      },
      (err, what) => this.logThrow(err, what),
    );
  }

  // ---- the host each node talks to --------------------------------------

  private hostFor(node: TreeNode): NodeHost {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const isView = node.parent === null;
    const viewOnly = (what: string): void => {
      if (!isView) throw new Error(`${what} is for views; a component can notifyView() instead`);
    };
    return {
      connected: true,
      get id() {
        return node.cid;
      },
      get props() {
        return node.props;
      },
      get flash() {
        return self.flash;
      },
      stateChanged: () => {
        node.dirty = true;
        this.changed();
      },
      subscribe: (topic) => {
        viewOnly("subscribe");
        if (this.topics.has(topic)) return;
        this.topics.add(topic);
        if (this.phase === "live") this.call(() => this.env.core.subscribe(this.conn, this.id, topic));
      },
      unsubscribe: (topic) => {
        if (!this.topics.delete(topic) || this.phase !== "live") return;
        this.call(() => this.env.core.unsubscribe(this.conn, this.id, topic));
      },
      broadcast: (topic, data) => this.env.core.publish(ownTopic(topic, "broadcast"), encodeInfo(data)),
      track: (topic, key, meta) => {
        viewOnly("track");
        const entry = presenceArgs(topic, key, meta);
        this.tracked.set(`${topic}\0${key}`, entry);
        if (this.phase === "live") this.call(() => this.env.core.presenceTrack(this.conn, entry.topic, entry.key, entry.meta));
      },
      untrack: (topic, key) => {
        viewOnly("untrack");
        if (!this.tracked.delete(`${topic}\0${key}`)) return;
        this.call(() => this.env.core.presenceUntrack(this.conn, topic, key));
      },
      presence: (topic): Presences => parsePresences(this.env.core.presenceList(topic)),
      navigate: (to) => {
        this.navigation = to;
        this.changed();
      },
      putFlash: (kind, message) => this.putFlash(kind, message),
      clearFlash: (kind) => this.clearFlash(kind),
      timer: (ms, fn, repeat) => {
        viewOnly("every() and after()");
        return this.timer(ms, fn, repeat);
      },
      async: (name, work, settle) => {
        viewOnly("assignAsync() and startAsync()");
        this.startAsync(name, work, settle);
      },
      cancelAsync: (name) => {
        this.asyncs.delete(name);
      },
      component: (parent: object, Component: ComponentType, id: string, props: object): Html => {
        const tree = this.tree;
        if (tree === null) throw new Error("component() on a view that is not mounted");
        return tree.place(parent, Component, id, props);
      },
      notifyView: (topic, data) => {
        this.handle(0, `handleInfo(${quoted(topic)})`, (view) => view.handleInfo(topic, data));
      },
    };
  }

  /** State changed outside a task: render on the next tick. */
  private changed(): void {
    if (this.inTask || this.flushQueued || this.phase !== "live") return;
    this.flushQueued = true;
    this.run(() => {
      this.flushQueued = false;
      return this.flush(0, this.id, "setState");
    });
  }

  private timer(ms: number, fn: () => void | Promise<void>, repeat: boolean): Cancel {
    const generation = this.generation;
    const timer: Timer = { handle: null, queued: false, repeat };
    const tick = (): void => {
      if (!repeat) this.timers.delete(timer);
      if (timer.queued) return;
      timer.queued = true;
      this.run(async () => {
        timer.queued = false;
        if (generation !== this.generation || this.phase !== "live") return;
        try {
          await fn();
          if (generation !== this.generation) return;
          await this.followNavigation();
        } catch (err) {
          return this.crash(err, repeat ? `every(${ms}) callback` : `after(${ms}) callback`, 0, generation);
        }
        return this.flush(0, this.id, "timer");
      });
    };
    timer.handle = repeat ? setInterval(tick, ms) : setTimeout(tick, ms);
    timer.handle.unref?.();
    this.timers.add(timer);
    return () => {
      if (timer.handle !== null) clearTimeout(timer.handle);
      timer.handle = null;
      this.timers.delete(timer);
    };
  }

  private startAsync(name: string, work: () => unknown, settle: (result: AsyncResult<unknown>) => void | Promise<void>): void {
    const generation = this.generation;
    const seq = ++this.asyncSeq;
    this.asyncs.set(name, seq);
    let promise: Promise<unknown>;
    try {
      promise = Promise.resolve(work());
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise
      .then(
        (result): AsyncResult<unknown> => ({ status: "ok", result }),
        (error: unknown): AsyncResult<unknown> => ({ status: "failed", error }),
      )
      .then((outcome) =>
        this.run(async () => {
          if (generation !== this.generation || this.asyncs.get(name) !== seq || this.phase !== "live") return;
          this.asyncs.delete(name);
          try {
            await settle(outcome);
            if (generation !== this.generation) return;
            await this.followNavigation();
          } catch (err) {
            return this.crash(err, `async ${quoted(name.replace(/^\w+:/, ""))}`, 0, generation);
          }
          return this.flush(0, this.id, "async result");
        }),
      );
  }

  // ---- the core ---------------------------------------------------------

  private send(message: JsonValue): void {
    const text = JSON.stringify(message);
    this.call(() => this.env.core.send(this.conn, text));
  }

  private unregister(wireId: string): void {
    this.call(() => this.env.core.unregister(this.conn, wireId));
  }

  private reply(ref: number, reason: string, wireId: string = this.id): void {
    this.call(() => this.env.core.replyError(this.conn, wireId, ref, reason));
  }

  private logThrow(err: unknown, what: string): void {
    this.env.logger.error(`[livets] ${this.label}: ${what} threw:`, err);
  }

  /** Hands HTML to the core: sent, refused by the core's own size limit, or failed otherwise. */
  private deliver(fn: () => void): "sent" | "too-large" | "failed" {
    try {
      fn();
      return "sent";
    } catch (err) {
      if (isCoreError(err, "LTS_ETOOBIG")) return "too-large";
      if (!isCoreError(err, "LTS_ENOTFOUND") && !isCoreError(err, "LTS_ESTATE")) {
        this.env.logger.error(`[livets] ${this.label}: the core refused a call:`, err);
      }
      return "failed";
    }
  }

  /** Runs a core call; a vanished connection is expected, anything else is logged. */
  private call(fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (err) {
      if (!isCoreError(err, "LTS_ENOTFOUND") && !isCoreError(err, "LTS_ESTATE")) {
        this.env.logger.error(`[livets] ${this.label}: the core refused a call:`, err);
      }
      return false;
    }
  }
}
