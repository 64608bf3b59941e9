// One joined view, with its components, bound to a browser connection.
// Work for it (join, events, URL changes, infos, timers, async results)
// runs one task at a time; after each task the nodes that changed render,
// top-down, each diffed on its own by the core, and the browser's request
// is answered exactly once.

import { rm } from "node:fs/promises";
import type { AsyncResult } from "./async-result";
import { decideEvent, quoted } from "./events";
import { decodeInfo } from "./info-codec";
import { trusted } from "./html";
import { isTrackable } from "./template-track";
import { InstanceCore } from "./instance-core";
import type { InstanceEnv, MountContext } from "./instance-env";
import type { JsonValue } from "./json";
import { LiveRender, nodeName, nodePlace, type Answer, type TooLarge } from "./live-render";
import type { LiveView, LiveViewClass, Session } from "./live-view";
import { liveNodeHost, type LiveNodeOwner } from "./live-node-host";
import type { ViewProbe } from "./metrics/metrics";
import { nowNs } from "./metrics/tracing";
import { runMountHooks } from "./mount-hooks";
import type { UploadRecord } from "./native";
import { navigateFrame, redirectFrame, titleFrame, uploadExternalFrame, uploadHeldFrame, uploadRefusedFrame } from "./protocol";
import { checkUploadOptions, UPLOAD_CANCEL_EVENT, UPLOAD_EVENT, UPLOAD_EXTERNAL_EVENT, UPLOAD_START_EVENT, ViewUploads } from "./uploads";
import { RemountBackoff } from "./remount-backoff";
import { TaskQueue } from "./task-queue";
import type { Params } from "./token";
import type { Cancel } from "./view-host";
import { ViewNavigation } from "./view-navigation";
import { ViewSubscriptions } from "./view-subscriptions";
import { ViewTimers } from "./view-timers";
import { ViewTree, type NodeInstance, type TreeNode } from "./view-tree";
import { clearStreams } from "./stream";
import { PushEvents } from "./push-events";
import { attachNesting, LiveNesting } from "./nested-views";
import { devChannelUrl, reportDebug, reportViewError, reportViewOk } from "./dev/dev-mode";
import { DebugTrace, debugEnabled, now } from "./dev/debug-log";

type Phase = "new" | "live" | "crashed" | "closed";

/** Where a handler's outcome goes: the request it answers and the names its log lines use. */
interface HandlerSite {
  /** The browser's request to answer (0: none). */
  readonly ref: number;
  /** The wire id the request was made on. */
  readonly target: string;
  /** What ran, for a crash's log line ("handleEvent("inc")"). */
  readonly where: string;
  /** What caused the render, for a failed render's log line. */
  readonly cause: string;
}

/** The server side of one view joined by one connection. */
export class LiveInstance {
  /** "ClassName (/route)", for log lines. */
  readonly label: string;
  private phase: Phase = "new";
  private tree: ViewTree | null = null;
  private ctx: MountContext;
  /** Bumped on every teardown, so work started by an older view is dropped. */
  private generation = 0;
  private readonly backoff: RemountBackoff;
  private inTask = false;
  private flushQueued = false;
  /** The page title last sent, so only changes go out. */
  private sentTitle: string | undefined;
  private readonly queue: TaskQueue;
  private readonly core: InstanceCore;
  private readonly render: LiveRender;
  private readonly navigation: ViewNavigation;
  private readonly subscriptions: ViewSubscriptions;
  private readonly timers: ViewTimers;
  private readonly owner: LiveNodeOwner;
  /** The mounted view's uploads; null when it declares none. */
  private uploads: ViewUploads | null = null;
  /** Events the view pushed to its hooks, and its reply to a hook's event. */
  private readonly pushes = new PushEvents();
  /** Each node's handleEvent places by event name, for log lines: an event does not build its own. */
  private readonly handlerPlaces = new WeakMap<TreeNode, Map<string, string>>();
  /** The live views its render places with liveRender. */
  private readonly nesting: LiveNesting;
  private readonly probe: ViewProbe;
  /** LIVETS_DEBUG=1 (the log) or `livets dev` (the page's console): where debug lines go; null when neither. */
  private readonly debugLog: ((line: string) => void) | null;
  /** The last handler's time, for the debug line of the render that follows it. */
  private handlerMs: number | null = null;

  constructor(
    private readonly env: InstanceEnv,
    readonly conn: number,
    readonly id: string,
    readonly View: LiveViewClass,
    readonly route: string,
  ) {
    this.label = `${View.name || "LiveView"} (${route})`;
    this.ctx = { route, params: {}, url: route, session: {}, connectParams: {}, flash: {}, address: "unknown", userAgent: "", onMount: [] };
    this.backoff = new RemountBackoff(env.remountDelayMs, env.maxCrashes);
    this.queue = new TaskQueue((err) => this.env.logger.error(`[livets] ${this.label}: internal error:`, err));
    this.probe = env.metrics.forView(View.name, route);
    this.core = new InstanceCore(env.core, env.logger, conn, id, this.label, this.probe);
    this.render = new LiveRender(this.core, env.logger, this.label, env.maxLiveMessageBytes);
    this.navigation = new ViewNavigation(id);
    this.subscriptions = new ViewSubscriptions(this.core);
    this.timers = new ViewTimers(
      (task) => this.run(task),
      () => this.phase === "live",
    );
    this.owner = this.nodeOwner();
    this.nesting = new LiveNesting(env.nesting(this, () => this.ctx));
    const { logger } = env;
    const toLog = debugEnabled();
    const toPage = devChannelUrl() !== null;
    this.debugLog = toLog || toPage ? (line) => {
      if (toLog) (logger.info ?? console.log).call(logger, line);
      if (toPage) reportDebug(this.id, line);
    } : null;
  }

  /** The mounted view while it is live, for diagnostics (the dashboard's list); else null. */
  get liveView(): LiveView<object> | null {
    const root = this.phase === "live" ? this.tree?.root : undefined;
    return root === undefined ? null : (root.instance as unknown as LiveView<object>);
  }

  /** The topics the view subscribed to and those it tracks presences on, for diagnostics. */
  topics(): { readonly subscribed: readonly string[]; readonly presence: readonly string[] } {
    return this.subscriptions.list();
  }

  /** Whether work is queued, async work is in flight or a remount is pending. */
  get busy(): boolean {
    return this.queue.busy || (this.timers.asyncPending && this.phase === "live") || this.backoff.pending;
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
    const started = nowNs();
    this.run(async () => {
      await after;
      if (this.phase !== "new") return;
      this.ctx = ctx;
      this.navigation.startWith(ctx.flash);
      await this.start(ref);
      this.probe.join(started, this.liveView !== null);
    });
  }

  /** A browser event on the view (`wireId` = its id) or one of its components. */
  event(ref: number, wireId: string, name: string, payloadText: string): void {
    const started = nowNs();
    this.run(async () => {
      const node = this.liveNode(ref, wireId);
      if (node === null) return;
      let raw: JsonValue;
      try {
        raw = JSON.parse(payloadText) as JsonValue;
      } catch {
        this.env.refused(this.conn, "malformed payload", `malformed payload of ${quoted(name)} on ${nodeName(this.label, node)}`);
        return this.core.reply(ref, "malformed payload", wireId);
      }
      if (name === UPLOAD_EVENT || name === UPLOAD_CANCEL_EVENT || name === UPLOAD_START_EVENT || name === UPLOAD_EXTERNAL_EVENT) {
        return this.uploadEvent(ref, wireId, name, raw);
      }
      const decision = decideEvent(node.Class, name, raw);
      if (decision.kind === "refused") {
        this.env.refused(this.conn, decision.reason, `${decision.log} on ${nodeName(this.label, node)}`);
        return this.core.reply(ref, decision.reason, wireId);
      }
      const where = this.handlerPlace(node, name);
      const handler = async (): Promise<void> => {
        if (decision.kind === "model") {
          node.instance.setState({ [decision.field]: decision.value });
          if (decision.notify) await node.instance.handleEvent(name, decision.payload);
        } else if (decision.kind === "clear-flash") {
          this.clearFlash(decision.flash);
          if (decision.notify) await node.instance.handleEvent(name, decision.payload);
        } else {
          this.pushes.hold(ref, await node.instance.handleEvent(name, decision.payload), where);
        }
      };
      await this.guarded(handler, { ref, target: wireId, where, cause: where });
      this.probe.event(name, started, this.phase === "live");
    });
  }

  /** The framework's upload events: an announcement of files, or a cancel. */
  private async uploadEvent(ref: number, wireId: string, name: string, payload: JsonValue): Promise<void> {
    const uploads = this.uploads;
    if (uploads === null || wireId !== this.id) {
      this.env.refused(this.conn, "no uploads", `${quoted(name)} on ${this.label}, which declares no uploads`);
      return this.core.reply(ref, "no uploads on this view", wireId);
    }
    let error: string | null;
    try {
      error = name === UPLOAD_EVENT ? await uploads.announce(payload)
        : name === UPLOAD_START_EVENT ? await uploads.start(payload)
        : name === UPLOAD_EXTERNAL_EVENT ? uploads.externalProgress(payload)
        : uploads.cancelFromBrowser(payload);
    } catch (err) {
      // An `external` function that throws is the view's bug, as a throwing handler is.
      return this.guarded(() => { throw err; }, { ref, target: wireId, where: `uploads external(${quoted(name)})`, cause: quoted(name) });
    }
    if (error !== null) {
      this.env.refused(this.conn, "bad upload", `${quoted(name)} on ${this.label}: ${error}`);
      return this.core.reply(ref, error, wireId);
    }
    return this.guarded(() => undefined, { ref, target: wireId, where: quoted(name), cause: quoted(name) });
  }

  /** The core wrote a chunk of one of this view's uploads, finished it, or gave up on it. */
  upload(record: UploadRecord): void {
    const uploads = this.uploads;
    if (uploads === null) {
      if (record.type === "upload-done") void rm(record.path, { force: true });
      return;
    }
    if (record.type === "upload-progress") uploads.progress(record.entry, record.received);
    else if (record.type === "upload-done") uploads.done(record.entry, record.path);
    else uploads.failed(record.entry, record.reason);
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
    this.probe.delivered();
    this.handle(0, `handleInfo(${quoted(topic)})`, (view) => view.handleInfo(topic, decodeInfo(dataText)));
  }

  /**
   * Unmounts everything after any queued work and unregisters it from the
   * core. Resolves when done.
   */
  dispose(): Promise<void> {
    if (this.phase !== "closed") {
      this.phase = "closed";
      this.backoff.cancel();
      // At once, not after queued work: the next view on the connection
      // (live navigation joins it right after this leave) may place them.
      this.nesting.release();
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

  /**
   * The one way a handler runs, whatever called it (an event, a URL
   * change, an info, a timer, an async result): the handler, then the
   * pushPatches it asked for, then a render that answers `site.ref`. Work
   * of a view torn down meanwhile stops there; a throw crashes the view.
   */
  private async guarded(handler: () => unknown, site: HandlerSite): Promise<void> {
    const generation = this.generation;
    try {
      const started = this.debugLog !== null ? now() : 0;
      await handler();
      if (this.debugLog !== null) this.handlerMs = now() - started;
      if (generation !== this.generation) return;
      await this.followNavigation();
    } catch (err) {
      return this.crash(err, site.where, site.ref, generation, site.target);
    }
    return this.flush(site.ref, site.target, site.cause);
  }

  /** Runs a view-level handler as a task, then renders and answers `ref`. */
  private handle(ref: number, what: string, fn: (view: LiveView<object>) => void | Promise<void>): void {
    this.run(() => {
      const tree = this.tree;
      if (this.phase !== "live" || tree === null) {
        if (ref !== 0) this.core.reply(ref, this.phase === "crashed" ? "view is restarting" : "not joined");
        return;
      }
      const view = tree.root.instance as unknown as LiveView<object>;
      return this.guarded(() => fn(view), { ref, target: this.id, where: what, cause: what });
    });
  }

  /** "handleEvent("inc")", with the component when not the root; the names are the class's own events. */
  private handlerPlace(node: TreeNode, name: string): string {
    let places = this.handlerPlaces.get(node);
    if (places === undefined) this.handlerPlaces.set(node, (places = new Map()));
    let where = places.get(name);
    if (where === undefined) places.set(name, (where = nodePlace(node, `handleEvent(${quoted(name)})`)));
    return where;
  }

  private liveNode(ref: number, wireId: string): TreeNode | null {
    const node = this.phase === "live" ? this.tree?.nodes.get(wireId) : undefined;
    if (node === undefined) {
      this.core.reply(ref, this.phase === "crashed" ? "view is restarting" : "not joined", wireId);
      return null;
    }
    return node;
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
    const where = repeat ? `every(${ms}) callback` : `after(${ms}) callback`;
    return this.timers.start(ms, repeat, async () => {
      if (generation !== this.generation || this.phase !== "live") return;
      await this.guarded(fn, { ref: 0, target: this.id, where, cause: "timer" });
    });
  }

  private startAsync(name: string, work: () => unknown, settle: (result: AsyncResult<unknown>) => void | Promise<void>): void {
    const generation = this.generation;
    const where = `async ${quoted(name.replace(/^\w+:/, ""))}`;
    this.timers.startAsync(name, work, async (outcome) => {
      if (generation !== this.generation) return;
      await this.guarded(() => settle(outcome), { ref: 0, target: this.id, where, cause: "async result" });
    });
  }

  // ---- mounting ---------------------------------------------------------

  /** Mounts a new view (join or remount) and registers it, answering `ref`. */
  private async start(ref: number): Promise<void> {
    const generation = ++this.generation;
    const view = new this.View();
    attachNesting(view, this.nesting);
    this.uploads?.dispose();
    this.uploads = null;
    const tree = new ViewTree(this.id, view as unknown as NodeInstance, this.View, (node) => liveNodeHost(node, this.owner), false);
    this.tree = tree;
    const session: Session = {
      connected: true,
      route: this.ctx.route,
      path: this.ctx.url.split("?")[0],
      url: this.ctx.url,
      data: this.ctx.session,
      connectParams: this.ctx.connectParams,
      address: this.ctx.address,
      userAgent: this.ctx.userAgent,
    };
    let markup: string;
    try {
      this.uploads = this.makeUploads();
      const halt = await runMountHooks(this.ctx.onMount, view as LiveView<object>, this.ctx.params, session);
      if (generation !== this.generation) return;
      if (halt !== null) return this.leaveForUrl(ref, halt);
      await view.mount(this.ctx.params, session);
      if (generation !== this.generation) return;
      await view.handleParams(this.ctx.params, this.ctx.url);
      if (generation !== this.generation) return;
      await this.followNavigation();
      if (this.leaveDuringMount(ref)) return;
      const renderStart = nowNs();
      markup = this.render.render(tree, tree.root);
      this.probe.render("join", renderStart);
      // Over the limit, the view may shrink what it shows (handleError);
      // without that, the join cannot be answered with a render.
      const size = Buffer.byteLength(markup);
      if (size > this.env.maxLiveMessageBytes) {
        const error = this.render.tooLarge(tree.root, size);
        if (typeof view.handleError !== "function") return this.failStart(ref, "render", null, "update too large");
        await view.handleError(error);
        if (generation !== this.generation) return;
        markup = this.render.render(tree, tree.root);
        const again = Buffer.byteLength(markup);
        if (again > this.env.maxLiveMessageBytes) {
          this.render.tooLarge(tree.root, again);
          return this.failStart(ref, "render", null, "update too large");
        }
      }
    } catch (err) {
      return this.failStart(ref, "mount", err);
    }
    if (generation !== this.generation) return;
    this.phase = "live";
    this.sendBeforePatches();
    const registered = this.core.register(this.id, ref, markup);
    if (registered === "too-large") {
      this.render.tooLarge(tree.root, Buffer.byteLength(markup));
      return this.failStart(ref, "register", null, "update too large");
    }
    if (registered !== "sent") return this.failStart(ref, "register", null);
    const last = tree.root.last;
    this.render.sent(tree.root, last !== null && last.toString() === markup ? last : trusted(markup), isTrackable(markup));
    clearStreams(view);
    this.subscriptions.goLive();
    const rendered: TreeNode[] = [tree.root];
    try {
      for (const child of tree.root.children.values()) this.render.visit(tree, child, 0, "", rendered, { answered: true }, []);
    } catch (err) {
      return this.crash(err, "render", 0, generation);
    }
    this.render.afterRender(rendered);
    this.syncTitle();
    this.nesting.settle(true);
    this.sendPushed();
    // A remount after a crash (ref 0) renders the fresh state, not the
    // one that failed: the overlay stays until a join or an update works.
    if (ref !== 0) reportViewOk(this.id, true);
  }

  /** A redirect or navigation asked for while mounting: the page is left at once. */
  private leaveDuringMount(ref: number): boolean {
    const departure = this.navigation.takeDeparture();
    if (departure === null) return false;
    this.leaveForUrl(ref, departure.url);
    return true;
  }

  /** Sends the browser to `url` (a redirect) instead of mounting. */
  private leaveForUrl(ref: number, url: string): void {
    this.core.send(redirectFrame(url));
    // The join must be answered; the browser is already leaving.
    this.core.register(this.id, ref, "");
    this.phase = "closed";
    this.teardown(true);
    this.env.gone(this);
  }

  private failStart(ref: number, stage: string, err: unknown, reason = "join failed"): void {
    if (err !== null) {
      this.env.logger.error(`[livets] ${this.label}: ${stage} threw while joining:`, err);
      reportViewError(this.label, this.id, stage, err, this.rootState());
    }
    if (ref !== 0) this.core.reply(ref, reason);
    this.phase = "closed";
    this.teardown(true);
    this.env.gone(this);
  }

  // ---- rendering --------------------------------------------------------

  /** `renderChanged`, timed for the debug line when LIVETS_DEBUG or `livets dev` asks for one. */
  private async flush(ref: number, target: string, cause: string): Promise<void> {
    if (this.debugLog === null) return this.renderChanged(ref, target, cause);
    const trace = new DebugTrace(cause, this.handlerMs);
    this.handlerMs = null;
    this.render.trace = trace;
    try {
      await this.renderChanged(ref, target, cause);
    } finally {
      this.render.trace = null;
      this.debugLog(trace.line(this.label));
    }
  }

  /**
   * Renders every node that changed and answers `ref` (for the node
   * `target`) exactly once: with its patch if it rendered, else with an
   * empty one.
   */
  private async renderChanged(ref: number, target: string, cause: string): Promise<void> {
    const tree = this.tree;
    if (this.phase !== "live" || tree === null) return;
    const generation = this.generation;
    this.sendBeforePatches();
    const reply = this.pushes.takeReply(ref, target);
    if (reply !== null) this.core.send(reply);
    const rendered: TreeNode[] = [];
    const answer: Answer = { answered: ref === 0 };
    const tooLarge: TooLarge[] = [];
    const renderStart = nowNs();
    try {
      this.render.visit(tree, tree.root, ref, target, rendered, answer, tooLarge);
      this.probe.render(cause, renderStart);
    } catch (err) {
      return this.crash(err, `render after ${cause}`, answer.answered ? 0 : ref, generation);
    }
    if (tooLarge.length > 0) {
      // The request's effect is not on the page: its loading state ends
      // with a refusal, not a success.
      if (!answer.answered) this.core.reply(ref, "update too large", target);
      answer.answered = true;
      // Each view or component hears of it once and may render something
      // smaller; what is still too large then is only logged.
      try {
        for (const { node, error } of tooLarge) {
          if (typeof node.instance.handleError !== "function") continue;
          await node.instance.handleError(error);
          if (generation !== this.generation) return;
        }
        this.render.visit(tree, tree.root, 0, target, rendered, answer, []);
      } catch (err) {
        return this.crash(err, `handleError after ${cause}`, 0, generation);
      }
    }
    if (!answer.answered) {
      const node = tree.nodes.get(target) ?? tree.root;
      this.render.unchanged(node, ref);
    }
    this.render.afterRender(rendered);
    this.syncTitle();
    this.backoff.recovered();
    this.nesting.settle(false);
    this.sendPushed();
    reportViewOk(this.id);
    this.sendLeaving();
  }

  // ---- navigation and flash ---------------------------------------------

  /** Runs `handleParams` for each pushPatch the last handler asked for. */
  private followNavigation(): Promise<void> {
    return this.navigation.followPatches(
      (url) => this.env.resolve(url, this.View),
      async (url, params) => {
        this.ctx = { ...this.ctx, url, params };
        const view = this.tree?.root.instance as unknown as LiveView<object> | undefined;
        if (view !== undefined) await view.handleParams(params, url);
      },
    );
  }

  /**
   * The page title follows the view's `pageTitle()`: sent at the join (the
   * page may have been rendered with other state) and whenever it changes.
   */
  private syncTitle(): void {
    const view = this.tree?.root.instance as unknown as LiveView<object> | undefined;
    const own = view?.pageTitle();
    if (own === undefined || own === null) return;
    const title = String(own) + this.env.titleSuffix;
    if (title === this.sentTitle) return;
    this.sentTitle = title;
    this.core.send(titleFrame(this.id, title));
  }

  /** Flash and history changes go out before the patches they explain. */
  private sendBeforePatches(): void {
    for (const frame of this.navigation.takeBeforePatches()) this.core.send(frame);
  }

  /** Pushed events go out after the patches, so hooks see what was rendered with them. */
  private sendPushed(): void {
    for (const frame of this.pushes.takeEvents()) this.core.send(frame);
  }

  /** Navigations away go out after the last patch. */
  private sendLeaving(): void {
    const departure = this.navigation.takeDeparture();
    if (departure === null) return;
    if (departure.kind === "redirect") {
      this.core.send(redirectFrame(departure.url));
    } else {
      const { flash } = this.navigation;
      if (Object.keys(flash).length > 0) this.env.carryFlash(this.conn, flash);
      this.core.send(navigateFrame(this.id, departure.url, departure.replace));
    }
  }

  private putFlash(kind: string, message: string): void {
    this.navigation.put(kind, message);
    this.flashDirty();
  }

  private clearFlash(kind?: string): void {
    if (this.navigation.clear(kind)) this.flashDirty();
  }

  /** The flash shows in the view's root: it renders again. */
  private flashDirty(): void {
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
      if (ref !== 0) this.core.reply(ref, "view is restarting", wireId);
      return;
    }
    this.env.logger.error(`[livets] ${this.label}: ${where} threw:`, err);
    reportViewError(this.label, this.id, where, err, this.rootState());
    this.phase = "crashed";
    this.teardown(false);
    // The request is answered where it was made; the view's root is what
    // the browser marks as failed.
    if (wireId !== this.id && ref !== 0) this.core.reply(ref, "crashed", wireId);
    this.core.reply(wireId !== this.id ? 0 : ref, "crashed");
    const delay = this.backoff.crashed();
    if (delay === null) {
      this.env.logger.error(`[livets] ${this.label}: gave up after ${this.backoff.maxCrashes} crashes in a row`);
      this.phase = "closed";
      this.core.unregister(this.id);
      this.env.gone(this);
      return;
    }
    // Without a delay the fresh view is in place before the next message.
    if (delay === 0) return this.remount();
    this.backoff.schedule(delay, () => this.run(() => this.remount()));
  }

  /** The view's state as it was when something threw, for the dev overlay. */
  private rootState(): unknown {
    return (this.tree?.root.instance as { state?: unknown } | undefined)?.state;
  }

  private async remount(): Promise<void> {
    if (this.phase !== "crashed") return;
    this.navigation.startWith({});
    await this.start(0);
  }

  /**
   * Unmounts every node and stops everything they started. Components are
   * unregistered from the core; the view itself only when `dropView`.
   */
  private teardown(dropView: boolean): void {
    this.generation++;
    this.timers.stopAll();
    this.navigation.forgetAsks();
    this.subscriptions.dropAll();
    this.uploads?.dispose();
    this.uploads = null;
    this.pushes.clear();
    this.nesting.release();
    const tree = this.tree;
    this.tree = null;
    tree?.removeAll(
      (wireId) => {
        if (wireId !== this.id || dropView) this.core.unregister(wireId);
      },
      (err, what) => this.core.logThrow(err, what),
    );
  }

  private makeUploads(): ViewUploads | null {
    const options = checkUploadOptions(this.label, (this.View as { uploads?: unknown }).uploads);
    if (options.size === 0) return null;
    return new ViewUploads(
      options,
      {
        allow: (entry, size, chunkBytes) => this.core.uploadAllow(entry, size, chunkBytes),
        cancel: (entry) => this.core.uploadCancel(entry),
        refuse: (entry, reason) => this.core.send(uploadRefusedFrame(this.id, entry, reason)),
        hold: (entry) => this.core.send(uploadHeldFrame(this.id, entry)),
        sendExternal: (entry, meta) => this.core.send(uploadExternalFrame(this.id, entry, meta)),
      },
      () => {
        const root = this.tree?.root;
        if (root !== undefined) this.owner.stateChanged(root);
      },
    );
  }

  /** What the hosts of this view's nodes reach. */
  private nodeOwner(): LiveNodeOwner {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      get live() {
        return self.phase === "live";
      },
      get flash() {
        return self.navigation.flash;
      },
      core: this.core,
      subscriptions: this.subscriptions,
      get uploads() {
        return self.uploads;
      },
      stateChanged: (node) => {
        node.dirty = true;
        this.changed();
      },
      navigate: (to) => {
        this.navigation.ask(to);
        this.changed();
      },
      putFlash: (kind, message) => this.putFlash(kind, message),
      clearFlash: (kind) => this.clearFlash(kind),
      timer: (ms, fn, repeat) => this.timer(ms, fn, repeat),
      startAsync: (name, work, settle) => this.startAsync(name, work, settle),
      cancelAsync: (name) => this.timers.cancelAsync(name),
      place: (parent, Component, id, props) => {
        const tree = this.tree;
        if (tree === null) throw new Error("component() on a view that is not mounted");
        return tree.place(parent, Component, id, props);
      },
      pushEvent: (wireId, name, payload) => {
        this.pushes.push(wireId, name, payload);
        this.changed();
      },
      notifyView: (topic, data) => this.handle(0, `handleInfo(${quoted(topic)})`, (view) => view.handleInfo(topic, data)),
    };
  }
}
