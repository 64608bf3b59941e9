// The live half of a server: joins, events, URL changes, leaves and infos
// from the core, routed to the instance of the view they concern. Shared
// by LiveTSServer and the test kit, so a test runs exactly this code.

import type { CorePort } from "./core-port";
import { quoted } from "./events";
import type { InstanceEnv } from "./instance-env";
import { isJsonObject, parseJson, type JsonValue } from "./json";
import { DEFAULT_MAX_LIVE_MESSAGE_BYTES } from "./limits";
import { LiveInstance } from "./live-instance";
import { Metrics } from "./metrics/metrics";
import type { LiveViewClass } from "./live-view";
import type { Logger } from "./logger";
import { rm } from "node:fs/promises";
import { isCoreError, type UploadRecord } from "./native";
import { RefusalLog, type RefusalClock } from "./refusal-log";
import type { MountHook } from "./mount-hooks";
import type { Router } from "./router";
import type { ServerSessions } from "./server-sessions";
import { sameSecret, verifyToken, type Params, type Secret } from "./token";
import { mergeParams, parseLocal } from "./url";
import type { Flash } from "./view-host";
import type { MountContext } from "./instance-env";
import { NESTED_ID_PREFIX, type NestedChild, type NestingHost, type Placement } from "./nested-views";

/** Join params the connector sends that are not the app's. */
export const CSRF_PARAM = "_csrf_token";
export const URL_PARAM = "_url";

/** What a connection's address is when the core did not say. */
export const UNKNOWN_ADDRESS = "unknown";

/** How long a flash waits for the next view of a pushNavigate. */
const CARRY_MS = 30_000;

/** Settings of a hub. */
export interface HubOptions {
  readonly secret: Secret;
  readonly router: Router<LiveViewClass>;
  readonly logger: Logger;
  readonly remountDelayMs: number;
  readonly maxCrashes: number;
  /** Largest HTML a live render or patch may have (the core's maxLiveMessageBytes). */
  readonly maxLiveMessageBytes?: number;
  /** Follows every view's `pageTitle()` in the page title; default "". */
  readonly titleSuffix?: string;
  /** The clock refusal lines are counted by; the real one by default. */
  readonly refusalClock?: RefusalClock;
  /** The cookie sessions a join's token is checked against; without them, tokens are not tied to a cookie. */
  readonly sessions?: ServerSessions;
  /** The on-mount hooks of a route pattern, the server's first. */
  readonly mountHooks?: (route: string) => readonly MountHook[];
  /** Where joins, events and renders are counted; a hub of its own by default. */
  readonly metrics?: Metrics;
}

/** Routes live traffic to view instances. */
export class LiveHub {
  private readonly conns = new Map<number, Map<string, LiveInstance>>();
  private readonly carried = new Map<number, { flash: Flash; until: number }>();
  /** Each open connection's client address, as its last record gave it. */
  private readonly addresses = new Map<number, string>();
  /** Each open connection's upgrade request headers the views may need. */
  private readonly upgrades = new Map<number, { readonly cookie?: string; readonly userAgent: string }>();
  /** Sticky nested views whose parent went, by connection, until the next view places or drops them. */
  private readonly sticky = new Map<number, Map<string, LiveInstance>>();
  private readonly refusals: RefusalLog;
  private readonly env: InstanceEnv;
  readonly metrics: Metrics;

  constructor(
    private readonly core: CorePort,
    private readonly options: HubOptions,
  ) {
    this.refusals = new RefusalLog(options.logger, options.refusalClock);
    this.metrics = options.metrics ?? new Metrics(options.logger);
    this.env = {
      metrics: this.metrics,
      core,
      logger: options.logger,
      maxLiveMessageBytes: options.maxLiveMessageBytes ?? DEFAULT_MAX_LIVE_MESSAGE_BYTES,
      titleSuffix: options.titleSuffix ?? "",
      refused: (conn, cause, what) => this.refused(conn, cause, what),
      remountDelayMs: options.remountDelayMs,
      maxCrashes: options.maxCrashes,
      resolve: (url, View) => this.resolve(url, View),
      carryFlash: (conn, flash) => this.carried.set(conn, { flash, until: Date.now() + CARRY_MS }),
      gone: (instance) => this.forget(instance),
      nesting: (parent, context) => this.nestingOf(parent, context),
    };
  }

  /**
   * A browser joins root `id` with `token` and its params (JSON text).
   * Refused, with a refused frame (`Kind.refused`), unless the token is genuine,
   * unexpired and issued for this root, the params echo the page's CSRF
   * token, and the browser's URL (if it says) is served by the same view.
   */
  /** A WebSocket is open; `headers` are its upgrade request's, by lowercase name. */
  open(conn: number, headers: Readonly<Record<string, string>>): void {
    this.upgrades.set(conn, { cookie: headers.cookie, userAgent: headers["user-agent"] ?? "" });
  }

  join(conn: number, ref: number, id: string, token: string, paramsText: string, address: string = UNKNOWN_ADDRESS): void {
    this.addresses.set(conn, address);
    const check = verifyToken(this.options.secret, token);
    if (!check.ok) return this.refuseJoin(conn, id, ref, `invalid token (${check.reason})`);
    if (check.id !== id) return this.refuseJoin(conn, id, ref, "token is for another view", check.view);
    const sent = parseJson(paramsText);
    const params = isJsonObject(sent) ? sent : {};
    const csrf = params[CSRF_PARAM];
    if (typeof csrf !== "string" || !sameSecret(csrf, check.csrf)) return this.refuseJoin(conn, id, ref, "csrf token mismatch", check.view);
    // The page was rendered for the session its cookie held then; a socket
    // without that cookie (signed out since, or another browser holding a
    // copied page) cannot join it. The connector reloads, and the page
    // request sees the session as it is now.
    const sessions = this.options.sessions;
    if (check.binding !== undefined && sessions !== undefined && sessions.binding(sessions.read(this.upgrades.get(conn)?.cookie)) !== check.binding) {
      return this.refuseJoin(conn, id, ref, "session changed", check.view);
    }
    const View = this.options.router.get(check.view);
    if (View === undefined) return this.refuseJoin(conn, id, ref, "unknown view", check.view);
    let url = check.url;
    let viewParams: Params = check.params;
    const at = params[URL_PARAM];
    if (at !== undefined) {
      const resolved = typeof at === "string" ? this.resolve(at, View) : null;
      if (resolved === null) return this.refuseJoin(conn, id, ref, "url is not served by the token's view", check.view);
      url = (parseLocal(at as string) ?? { href: url }).href;
      viewParams = resolved;
    }
    let views = this.conns.get(conn);
    if (views === undefined) {
      views = new Map();
      this.conns.set(conn, views);
    }
    // A rejoin replaces the old instance once it has let go of its ids.
    const previous = views.get(id);
    const after = previous !== undefined ? previous.dispose() : Promise.resolve();
    const instance = new LiveInstance(this.env, conn, id, View, check.view);
    views.set(id, instance);
    instance.join(
      ref,
      {
        route: check.view,
        params: viewParams,
        url,
        session: check.session,
        connectParams: appParams(params),
        flash: this.takeCarried(conn),
        address,
        userAgent: this.upgrades.get(conn)?.userAgent ?? "",
        onMount: this.options.mountHooks?.(check.view) ?? [],
      },
      after,
    );
  }

  /** A user event on root `id` or a component inside it. */
  event(conn: number, ref: number, id: string, name: string, payloadText: string, address?: string): void {
    if (address !== undefined) this.addresses.set(conn, address);
    const instance = this.instanceOf(conn, id);
    if (instance === undefined) return this.refuse(conn, id, ref, "not joined");
    instance.event(ref, id, name, payloadText);
  }

  /** The browser's URL changed without a reload (`Kind.urlChange` from the connector). */
  urlChanged(conn: number, ref: number, id: string, url: string, address?: string): void {
    if (address !== undefined) this.addresses.set(conn, address);
    const instance = this.conns.get(conn)?.get(id);
    if (instance === undefined) return this.refuse(conn, id, ref, "not joined");
    const params = this.resolve(url, instance.View);
    if (params === null) {
      this.refused(conn, "url not served", `URL ${quoted(url)} is not served by ${instance.label}`);
      return this.refuse(conn, id, ref, "url is not served by this view");
    }
    instance.urlChanged(ref, (parseLocal(url) ?? { href: url }).href, params);
  }

  /** The browser left root `id`; the core has already forgotten it. */
  leave(conn: number, id: string): void {
    const views = this.conns.get(conn);
    const instance = views?.get(id);
    if (views === undefined || instance === undefined) return;
    views.delete(id);
    if (views.size === 0) this.conns.delete(conn);
    void instance.dispose();
  }

  /** Progress, completion or failure of an upload the view allowed. */
  upload(record: UploadRecord): void {
    const instance = this.conns.get(record.conn)?.get(record.component);
    if (instance !== undefined) return instance.upload(record);
    // The view left meanwhile: a finished file is nobody's.
    if (record.type === "upload-done") void rm(record.path, { force: true });
  }

  /** A publish reached root `id`. */
  info(conn: number, id: string, topic: string, data: string): void {
    this.conns.get(conn)?.get(id)?.info(topic, data);
  }

  /** The connection closed: every view on it goes. */
  close(conn: number): void {
    const views = this.conns.get(conn);
    this.carried.delete(conn);
    this.refusals.closed(conn);
    this.addresses.delete(conn);
    this.upgrades.delete(conn);
    // Waiting sticky views are in `views` too: they go with the rest.
    this.sticky.delete(conn);
    if (views === undefined) return;
    this.conns.delete(conn);
    for (const instance of views.values()) void instance.dispose();
  }

  /** Unmounts every view; resolves when they are unmounted. */
  async closeAll(): Promise<void> {
    const all = [...this.conns.values()].flatMap((views) => [...views.values()]);
    this.conns.clear();
    this.sticky.clear();
    this.carried.clear();
    this.addresses.clear();
    this.refusals.flush();
    await Promise.all(all.map((instance) => instance.dispose()));
  }

  /** Settles when every view on `conn` (or every view) has no work queued. */
  async idle(conn?: number): Promise<void> {
    const views = conn === undefined ? [...this.conns.values()] : [this.conns.get(conn) ?? new Map<string, LiveInstance>()];
    await Promise.all(views.flatMap((v) => [...v.values()]).map((instance) => instance.idle()));
  }

  /** Whether any view on `conn` has work queued, async work in flight or a remount pending. */
  busy(conn: number): boolean {
    return [...(this.conns.get(conn)?.values() ?? [])].some((instance) => instance.busy);
  }

  /** Every view instance, for diagnostics (metrics, the dashboard). */
  instances(): LiveInstance[] {
    return [...this.conns.values()].flatMap((views) => [...views.values()]);
  }

  /** The number of live views, for diagnostics. */
  get size(): number {
    let n = 0;
    for (const views of this.conns.values()) n += views.size;
    return n;
  }

  private resolve(url: string, View: LiveViewClass): Params | null {
    const local = parseLocal(url);
    const match = local === null ? null : this.options.router.match(local.pathname);
    if (local === null || match === null || match.value !== View) return null;
    return mergeParams(local.query, match.pathParams);
  }

  private instanceOf(conn: number, wireId: string): LiveInstance | undefined {
    const slash = wireId.indexOf("/");
    return this.conns.get(conn)?.get(slash < 0 ? wireId : wireId.slice(0, slash));
  }

  /** The connection the nested views of `parent` share, and the sticky ones waiting on it. */
  private nestingOf(parent: LiveInstance, context: () => MountContext): NestingHost {
    const conn = parent.conn;
    const waiting = (): Map<string, LiveInstance> => {
      let pool = this.sticky.get(conn);
      if (pool === undefined) this.sticky.set(conn, (pool = new Map()));
      return pool;
    };
    return {
      mount: (p: Placement): NestedChild => {
        const views = this.conns.get(conn);
        const at = context();
        const child = new LiveInstance(this.env, conn, p.wireId, p.View, at.route);
        // No views left means the connection closed meanwhile: the child is not mounted.
        if (views === undefined) return child;
        views.set(p.wireId, child);
        child.join(0, { ...at, params: {}, session: p.session, flash: {}, onMount: [] });
        return child;
      },
      drop: (child) => {
        const instance = this.conns.get(conn)?.get(child.id);
        if (instance !== child) return;
        this.forget(instance);
        void instance.dispose();
      },
      taken: (wireId) => this.conns.get(conn)?.has(wireId) === true && this.sticky.get(conn)?.has(wireId) !== true,
      claimSticky: (wireId, View) => {
        const pool = this.sticky.get(conn);
        const child = pool?.get(wireId);
        if (pool === undefined || child === undefined || child.View !== View) return null;
        pool.delete(wireId);
        return child;
      },
      keepSticky: (child) => {
        const instance = this.conns.get(conn)?.get(child.id);
        if (instance === child) waiting().set(child.id, instance);
      },
      dropUnclaimed: () => {
        // A page's root decides; a nested view remounting after a crash
        // says nothing about what the page shows.
        const pool = parent.id.startsWith(NESTED_ID_PREFIX) ? undefined : this.sticky.get(conn);
        if (pool === undefined) return;
        this.sticky.delete(conn);
        for (const child of pool.values()) {
          this.forget(child);
          void child.dispose();
        }
      },
    };
  }

  private takeCarried(conn: number): Flash {
    const carried = this.carried.get(conn);
    this.carried.delete(conn);
    return carried !== undefined && carried.until > Date.now() ? carried.flash : {};
  }

  private forget(instance: LiveInstance): void {
    const views = this.conns.get(instance.conn);
    if (views?.get(instance.id) !== instance) return;
    views.delete(instance.id);
    if (views.size === 0) this.conns.delete(instance.conn);
  }

  /** Counted by cause, and logged once per cause and interval. */
  private refused(conn: number, cause: string, what: string): void {
    this.metrics.refused(cause);
    this.refusals.refuse(conn, this.addressOf(conn), cause, what);
  }

  private addressOf(conn: number): string {
    return this.addresses.get(conn) ?? UNKNOWN_ADDRESS;
  }

  /** Every refused join is logged (counted per cause), with what the token named if it was genuine. */
  private refuseJoin(conn: number, id: string, ref: number, reason: string, route?: string): void {
    const view = route === undefined ? "" : ` for ${quoted(route)}`;
    this.refused(conn, reason, `refused join of ${quoted(id)}${view}: ${reason}`);
    this.refuse(conn, id, ref, reason);
  }

  private refuse(conn: number, id: string, ref: number, reason: string): void {
    try {
      this.core.replyError(conn, id, ref, reason);
    } catch (err) {
      // A record can still arrive while the server stops (LTS_ESTATE); a
      // connection that left meanwhile is no error (the core drops the reply).
      if (!isCoreError(err, "LTS_ESTATE")) throw err;
    }
  }
}

/** The join params the app sees: all but the connector's own. */
function appParams(params: Readonly<Record<string, JsonValue>>): Readonly<Record<string, JsonValue>> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k !== CSRF_PARAM && k !== URL_PARAM) out[k] = v;
  }
  return out;
}
