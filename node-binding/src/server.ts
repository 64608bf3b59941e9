import * as fs from "fs";
import type * as http from "http";
import * as path from "path";

import { attachServer, type PageQuery } from "./attach";
import { coreLimits, type CoreLimitOptions } from "./core-limits";
import { REDIS_LINK_TOPIC, isRedisLink, ownTopic, type RedisLink } from "./core-topics";
import { allowedEvents, checkViewClass, modelFieldsOf } from "./events";
import { Html, trusted } from "./html";
import { HostRequests, hostRequestConfig, type HostRequestOptions } from "./http/host-requests";
import { TurnHold } from "./turn-hold";
import { LiveHub, UNKNOWN_ADDRESS } from "./hub";
import { decodeInfo, encodeInfo } from "./info-codec";
import { DEFAULT_MAX_LIVE_MESSAGE_BYTES, DEFAULT_MAX_PAGE_BYTES, formatBytes } from "./limits";
import { allowedHostsWith, checkAssetsDir, checkListenOptions, listenError, resolveHost, type ListenTarget } from "./listen-address";
import type { CheckedViewClass, LiveView, LiveViewClass } from "./live-view";
import type { Logger } from "./logger";
import {
  isCoreError,
  loadNative,
  type CoreRecord,
  type CoreStats,
  type NativeBinding,
  type NativeConfig,
  type NoticeRecord,
  type RequestRecord,
  type ServerHandle,
} from "./native";
import { NativeCorePort } from "./native-core-port";
import { checkLayout, wrapPage, type LayoutOption } from "./layout";
import { CLIENT_PREFIX, DEFAULT_FRAME_ANCESTORS, checkFrameAncestors, livePage, liveRoot, pageFeatures, pageHeaders, statusPage } from "./page";
import { REFUSAL_INTERVAL_MS } from "./refusal-log";
import { parseCookies, parseHeaders, renderPage, type PageSettings, type SessionFunction } from "./page-render";
import { parsePresences, type Presences } from "./presence";
import { checkMountHooks, type MountHook } from "./mount-hooks";
import { RouteSettings, type RouteOptions } from "./route-settings";
import { Router } from "./router";
import { ServerSessions } from "./server-sessions";
import type { SessionCookieOptions } from "./session-cookie";
import type { SessionMiddleware } from "./session-middleware";
import { tlsConfig, type TlsOptions } from "./tls-options";
import { checkDashboardOptions, guardHook, type DashboardOptions } from "./dashboard/guard";
import { dashboardView } from "./dashboard/dashboard-view";
import { dashboardSource } from "./dashboard/source";
import { MetricsEndpoint, checkMetricsOptions, type MetricsOptions } from "./metrics/endpoint";
import { Metrics } from "./metrics/metrics";
import { ProcessProbe } from "./metrics/process-stats";
import { prometheusText } from "./metrics/prometheus";
import { families, takeSnapshot, type MetricsSnapshot } from "./metrics/snapshot";
import type { SpanListener, TracingOptions } from "./metrics/tracing";
import { staticMount } from "./static-files";
import { rootFileAnswer, serveRootFile, type RootMount } from "./root-assets";
import { defaultSecret } from "./default-secret";
import { DEFAULT_TOKEN_TTL_MS, type Secret } from "./token";
import { devConnectSource, devErrorPage, devHead, reportListening } from "./dev/dev-mode";

/**
 * Options for `new LiveTSServer()`. Besides those below, the core's limits
 * against hostile clients (`CoreLimitOptions`: rates, caps, sizes, hosts,
 * proxies; docs/security.md) are options too, passed to the core as given.
 */
export interface LiveTSServerOptions extends CoreLimitOptions, HostRequestOptions {
  /** TCP port; 0 (the default) picks a free one, reported by `listen()`. */
  port?: number;
  /** An existing directory where the core writes uploads as they arrive; default $TMPDIR or /tmp. */
  uploadDir?: string;
  /** Address to bind: an IP address, or a name looked up at `listen()` ("localhost"); default 127.0.0.1. */
  host?: string;
  /**
   * Key that signs join tokens and session cookies; the same in every
   * process. Without it the server warns at start and signs with random
   * bytes per process, so pages rendered before a restart must be
   * reloaded; under `livets dev` (LIVETS_DEV=1) with a key kept in
   * .livets/dev-secret, so they rejoin.
   */
  secret?: Secret;
  /** The <title> of every page whose view has no `pageTitle()`; default "LiveTS". */
  title?: string;
  /** Follows a view's `pageTitle()` in the page title, e.g. " · MyApp"; default "". */
  titleSuffix?: string;
  /** Trusted markup for every page's <head>: stylesheets, icons. Build it with html``. */
  head?: Html;
  /**
   * The layout of every page (nav, footer around the view), unless its
   * group or route sets another or null; see `LayoutOption`.
   */
  layout?: LayoutOption;
  /**
   * Serves the files under `dir` at URL `prefix` ("/assets/"), from the
   * core; several mounts as an array. A mount at "/" (favicon.ico,
   * robots.txt) answers only what nothing else does: live routes, the live
   * socket, /_livets/ and the handler's routes come first (see `handler`).
   */
  assets?: AssetsMount | readonly AssetsMount[];
  /** How long a rendered page may take to join, in ms; default one day. */
  tokenTtlMs?: number;
  /** Session values for each page request, signed into its join token. */
  session?: SessionFunction;
  /**
   * How long a crashed view waits before it is mounted again, in ms
   * (default 1000); the wait doubles with each crash in a row.
   */
  remountDelayMs?: number;
  /** Crashes in a row after which a view is left for dead (default 5). */
  maxCrashes?: number;
  /** Where warnings and errors go; default `console`. */
  logger?: Logger;
  /**
   * Largest page a render may produce, in bytes; default 8 MiB. A larger
   * one is answered with 500 and logged with its view, route and size.
   */
  maxPageBytes?: number;
  /**
   * Who may show the pages in a frame, as a CSP frame-ancestors source
   * list; default "'self'" (this origin only, with X-Frame-Options:
   * SAMEORIGIN). "'none'" forbids framing (X-Frame-Options: DENY); a list
   * of origins such as "'self' https://admin.example.com" allows those
   * (without X-Frame-Options, which cannot say it).
   */
  frameAncestors?: string;
  /**
   * Pub/sub across processes. With `redis` ("redis://host[:port][/db]",
   * port 6379 by default, an IPv6 host in brackets; with
   * "user:password@" or ":password@" before the host for AUTH), this
   * server is one node of several: broadcasts and presence reach the views
   * of every node on the same Redis, each delivered once. Without it, and
   * without the LIVETS_REDIS_URL environment variable, everything stays in
   * this process. While Redis is away, local delivery goes on, `stats()`
   * reports the outage, and the link comes back with backoff; each change
   * of the link arrives on `REDIS_LINK_TOPIC` (see `subscribe`) and is
   * logged as a warning, with the reason.
   */
  pubsub?: { readonly redis?: string };
  /**
   * Run before every view's `mount`, on its page render and on every join,
   * before the hooks of its group and route (see `MountHook`): where a
   * whole app checks who is signed in.
   */
  onMount?: readonly MountHook[];
  /**
   * The cookie session (`sessionMiddleware()` in your handlers, `session.data`
   * in every view): signed with a key derived from `secret`, or encrypted
   * too (`encrypt: true`); HttpOnly, SameSite=Lax, 14 days by default.
   */
  sessionCookie?: SessionCookieOptions;
  /** Serve HTTPS and WSS from the core with these PEM files; see `reloadTls`. */
  tls?: TlsOptions;
  /**
   * Serves `metrics()` as Prometheus text at `path` (GET and HEAD), to
   * requests `guard` allows (all, without one). Off by default.
   */
  metrics?: MetricsOptions;
  /** `onSpan` is called with a span for every join, event, render and hand-off to the differ (see `onSpan`). */
  tracing?: TracingOptions;
  /**
   * Serves a live dashboard of this server (metrics, views, topics, memory)
   * at `path`, to the sessions `guard` allows; without a guard, only to
   * clients on this machine and only when NODE_ENV is not "production".
   */
  dashboard?: DashboardOptions;
}

/** A folder of files served at a URL prefix: see `LiveTSServerOptions.assets`. */
export interface AssetsMount {
  readonly prefix: string;
  readonly dir: string;
}

/** Checks the `assets` option: the prefix mounts, and the root mount if any. */
function checkAssets(assets: LiveTSServerOptions["assets"]): { prefixed: readonly AssetsMount[]; root: AssetsMount | null } {
  if (assets === undefined) return { prefixed: [], root: null };
  const mounts: readonly AssetsMount[] = Array.isArray(assets) ? assets : [assets as AssetsMount];
  const prefixes = new Set<string>();
  for (const { prefix, dir } of mounts) {
    if (typeof prefix !== "string" || !prefix.startsWith("/") || !prefix.endsWith("/")) {
      throw new TypeError(`assets.prefix must be a path such as "/assets/" (with a "/" at each end), got ${shown(prefix)}`);
    }
    if (typeof dir !== "string" || dir === "") throw new TypeError(`assets.dir must be the path of a folder, got ${shown(dir)}`);
    if (prefix.startsWith(CLIENT_PREFIX)) throw new TypeError(`assets.prefix ${prefix} is taken by LiveTS itself`);
    if (prefixes.has(prefix)) throw new TypeError(`assets.prefix ${prefix} is given twice: one folder per prefix`);
    prefixes.add(prefix);
  }
  return { prefixed: mounts.filter((m) => m.prefix !== "/"), root: mounts.find((m) => m.prefix === "/") ?? null };
}

/** What `LiveTSServer.group` hands its callback. */
export interface RouteGroup {
  route<V extends LiveView<object>, M = unknown>(route: string, View: CheckedViewClass<V, M>, options?: RouteOptions): RouteGroup;
}

/** A handler for `LiveTSServer.subscribe`: the published data, parsed. */
export type TopicHandler = (data: unknown, topic: string) => void;

/** The WebSocket endpoint the connector uses (docs/protocol.md). */
export const LIVE_PATH = "/live";

/** A started core; port 0 when it only serves the servers it is attached to. */
type Running = { native: NativeBinding; handle: ServerHandle; port: number; hub: LiveHub; turn: TurnHold; requests?: HostRequests; root: RootMount | null };

/** Records a view answers: the answers of one batch wake the core once (turn-hold.ts). */
const VIEW_RECORDS: ReadonlySet<CoreRecord["type"]> = new Set(["join", "event", "url", "leave", "info"]);

// The core's grammar (RedisEndpoint.swift), checked here too so a bad URL
// fails at construction: printable ASCII, %XX escapes in the credentials,
// a user without ":" and a non-empty password, IPv6 hosts in brackets, an
// optional port and database number. tests/fixtures/redis-urls.txt holds
// the cases both checks must agree on.
const URL_ESCAPE = "%[0-9A-Fa-f]{2}";
const REDIS_USER = `(?:(?![:/%?#])[!-~]|${URL_ESCAPE})*`;
const REDIS_PASSWORD = `(?:(?![/%?#])[!-~]|${URL_ESCAPE})+`;
const REDIS_HOST = String.raw`\[(?:(?![\[\]/@?#])[!-~])+\]|(?:(?![\[\]:/@?#])[!-~])+`;
const REDIS_URL = new RegExp(
  `^redis://(?:${REDIS_USER}:${REDIS_PASSWORD}@)?(?:${REDIS_HOST})(?::(\\d{1,5}))?(?:/\\d{0,5})?$`);

function isRedisUrl(url: string): boolean {
  const match = REDIS_URL.exec(url);
  if (match === null) return false;
  const port = match[1] === undefined ? 6379 : Number(match[1]);
  return port >= 1 && port <= 65535;
}

/** The Redis URL from the options or LIVETS_REDIS_URL, checked; null for none. */
function redisUrlOf(pubsub: LiveTSServerOptions["pubsub"]): string | null {
  const url = pubsub?.redis ?? process.env.LIVETS_REDIS_URL;
  if (url === undefined || url === "") return null;
  if (typeof url !== "string" || !isRedisUrl(url)) {
    // The message may reach logs: never with the password in it.
    const shown = typeof url === "string" ? url.replace(/\/\/[^/]*@/, "//***@") : url;
    throw new TypeError(`pubsub.redis must look like redis://[[user]:password@]host[:port][/db], not ${JSON.stringify(shown)}`);
  }
  return url;
}

function clientDir(): string | null {
  // Resolved through symlinks, so a linked install still finds ../client.
  const root = path.resolve(fs.realpathSync(__dirname), "..");
  // A checkout serves the client build itself, so a connector rebuilt on its
  // own is never shadowed by an older copy; an installed package has only
  // the copy build.sh put in it.
  for (const dir of [path.join(root, "..", "client", "dist"), path.join(root, "client")]) {
    try {
      if (fs.statSync(dir).isDirectory()) return dir;
    } catch {
      // not there: try the next one
    }
  }
  return null;
}

/** A value as an error message shows it: strings quoted. */
function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function nonNegative(value: number, name: string): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new TypeError(`${name} must be a non-negative number, got ${shown(value)}`);
  return value;
}

/**
 * A LiveTS application server: routes paths to LiveView classes, renders
 * their first page over HTTP and keeps each browser tab's instance live
 * over a WebSocket, through the native core.
 */
export class LiveTSServer {
  private readonly router = new Router<LiveViewClass>();
  private readonly routes: RouteSettings;
  private readonly sessions: ServerSessions;
  private readonly port0: number;
  private readonly host: string;
  private readonly title: string;
  private readonly titleSuffix: string;
  private readonly head: string;
  private readonly assets: readonly AssetsMount[];
  /** The mount at "/", served last (root-assets.ts). */
  private readonly rootAssets: AssetsMount | null;
  private readonly secret: Secret;
  /** Said once, at the first start, when no secret was given (default-secret.ts). */
  private secretWarning: string | null;
  private readonly pages: PageSettings;
  private readonly logger: Logger;
  private readonly remountDelayMs: number;
  private readonly maxCrashes: number;
  private readonly maxPageBytes: number;
  private readonly pageHeaders: string;
  /** The core's limits as the options set them, for createServer. */
  private readonly limits: Partial<NativeConfig>;
  private readonly options: LiveTSServerOptions;
  private readonly tls: Partial<NativeConfig>;
  private readonly redisUrl: string | null;
  private readonly uploadDir: string | undefined;
  /** The Redis link as the core last told it; null before it has, or with no Redis. */
  private redisLink: RedisLink | null = null;
  private readonly handlers = new Map<string, Set<TopicHandler>>();
  private running: Running | null = null;
  /** The Node servers LiveTS is attached to, each with the function that detaches it. */
  private readonly attached = new Map<http.Server, () => void>();
  private readonly counted: Metrics;
  private readonly processProbe = new ProcessProbe();
  private readonly metricsEndpoint: MetricsEndpoint | null;

  constructor(options: LiveTSServerOptions = {}) {
    const { port = 0, host = "127.0.0.1", title = "LiveTS", tokenTtlMs = DEFAULT_TOKEN_TTL_MS } = options;
    checkListenOptions(port, host);
    if (typeof title !== "string") throw new TypeError(`title must be a string, got ${shown(title)}`);
    const { titleSuffix = "" } = options;
    if (typeof titleSuffix !== "string") throw new TypeError(`titleSuffix must be a string, got ${shown(titleSuffix)}`);
    if (!(tokenTtlMs > 0)) throw new TypeError(`tokenTtlMs must be a positive number of milliseconds, got ${shown(tokenTtlMs)}`);
    if (options.head !== undefined && !(options.head instanceof Html)) {
      throw new TypeError("head must be built with html`` (it is inserted unescaped)");
    }
    const assets = checkAssets(options.assets);
    const fallback = options.secret === undefined ? defaultSecret() : null;
    const secret = options.secret ?? fallback?.secret;
    if (!(typeof secret === "string" || secret instanceof Uint8Array) || secret.length === 0) {
      // A string or bytes are never shown: they may be a real key.
      throw new TypeError(`secret must be a non-empty string or Uint8Array, got ${typeof secret === "string" || secret instanceof Uint8Array ? "an empty one" : shown(secret)}`);
    }
    this.port0 = port;
    this.host = host;
    this.title = title;
    this.titleSuffix = titleSuffix;
    this.head = (options.head?.toString() ?? "") + devHead(CLIENT_PREFIX);
    this.assets = assets.prefixed;
    this.rootAssets = assets.root;
    this.secret = secret;
    this.logger = options.logger ?? console;
    this.secretWarning = fallback?.warning ?? null;
    this.remountDelayMs = nonNegative(options.remountDelayMs ?? 1000, "remountDelayMs");
    this.maxCrashes = nonNegative(options.maxCrashes ?? 5, "maxCrashes");
    this.limits = { ...coreLimits(options), ...hostRequestConfig(options) };
    this.options = options;
    this.tls = tlsConfig(options.tls);
    const maxPageBytes = options.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES;
    if (!(Number.isSafeInteger(maxPageBytes) && maxPageBytes > 0)) {
      throw new TypeError(`maxPageBytes must be a positive whole number of bytes, not ${String(maxPageBytes)}`);
    }
    this.maxPageBytes = maxPageBytes;
    this.pageHeaders = pageHeaders(checkFrameAncestors(options.frameAncestors ?? DEFAULT_FRAME_ANCESTORS), devConnectSource());
    this.redisUrl = redisUrlOf(options.pubsub);
    if (options.uploadDir !== undefined && (typeof options.uploadDir !== "string" || options.uploadDir === "")) {
      throw new TypeError("LiveTSServer: uploadDir must be the path of an existing directory");
    }
    this.uploadDir = options.uploadDir;
    this.counted = new Metrics(this.logger);
    if (options.tracing?.onSpan !== undefined) this.counted.onSpan(options.tracing.onSpan);
    const reserved = { clientPrefix: CLIENT_PREFIX, livePath: LIVE_PATH };
    const metricsOptions = checkMetricsOptions(options.metrics, reserved);
    const logError = (message: string, err: unknown): void => this.logger.error(message, err);
    this.metricsEndpoint = metricsOptions === null ? null : new MetricsEndpoint(metricsOptions, () => this.metricsText(), logError);
    if (this.redisUrl !== null) this.subscribe(REDIS_LINK_TOPIC, (link) => this.onRedisLink(link));
    this.routes = new RouteSettings(checkMountHooks(options.onMount, "onMount"), checkLayout(options.layout, "layout") ?? null);
    this.sessions = new ServerSessions(secret, options.sessionCookie ?? {});
    this.pages = {
      router: this.router,
      secret,
      tokenTtlMs,
      session: options.session,
      sessions: this.sessions,
      mountHooks: (route) => this.routes.mountHooks(route),
      logger: this.logger,
      broadcast: (topic, data) => {
        if (this.running !== null) this.broadcast(topic, data);
      },
      presence: (topic) => (this.running !== null ? this.presence(topic) : {}),
    };
    const dashboard = checkDashboardOptions(options.dashboard, reserved);
    if (dashboard !== null) {
      const source = dashboardSource({
        snapshot: () => this.metrics(),
        instances: () => this.running?.hub.instances() ?? [],
        presence: (topic) => (this.running !== null ? this.presence(topic) : {}),
      });
      this.registerComponent(dashboard.path, dashboardView(source), { onMount: [guardHook(dashboard.guard, logError)], layout: null });
    }
  }

  /**
   * Serves `View` at `route`: "/counter", or a pattern with placeholders
   * such as "/users/:id" (their values join the query params). A GET
   * renders a fresh instance, and each browser tab then joins its own live
   * instance. `options.onMount` adds hooks for this route. A route can be
   * registered once. Returns `this`.
   */
  registerComponent<V extends LiveView<object>, M = unknown>(route: string, View: CheckedViewClass<V, M>, options?: RouteOptions): this {
    // LIVE_PATH + "/poll" is the long-polling endpoint (docs/protocol.md).
    if (typeof route === "string" && (route.startsWith(CLIENT_PREFIX) || route === LIVE_PATH || route === `${LIVE_PATH}/poll`)) {
      throw new TypeError(`path ${route} is taken by LiveTS itself`);
    }
    if (route === this.metricsEndpoint?.path) throw new TypeError(`path ${route} is taken by the metrics endpoint`);
    checkViewClass(View);
    allowedEvents(View);
    modelFieldsOf(View);
    if (this.router.has(route)) {
      throw new Error(`route ${route} is already registered (to ${this.router.get(route)?.name || "a view"}): each route serves one view`);
    }
    this.routes.set(route, options);
    this.router.add(route, View as unknown as LiveViewClass);
    return this;
  }

  /** Same as `registerComponent`. */
  route<V extends LiveView<object>, M = unknown>(route: string, View: CheckedViewClass<V, M>, options?: RouteOptions): this {
    return this.registerComponent<V, M>(route, View, options);
  }

  /**
   * Routes that share settings (Phoenix's live_session): `register` gets a
   * `route(path, View, options?)` whose routes run `options.onMount`
   * after the server's hooks and before each route's own, and have
   * `options.layout` unless they set their own.
   *
   *     server.group({ onMount: [requireUser], layout: accountLayout }, (routes) => {
   *       routes.route("/account", Account);
   *     });
   */
  group(options: RouteOptions, register: (routes: RouteGroup) => void): this {
    const groupHooks = checkMountHooks(options.onMount, "onMount of a group");
    const groupLayout = checkLayout(options.layout, "layout of a group");
    const routes: RouteGroup = {
      route: (route, View, own) => {
        const layout = own?.layout !== undefined ? own.layout : groupLayout;
        this.registerComponent(route, View, { ...own, onMount: [...groupHooks, ...checkMountHooks(own?.onMount, `onMount of route ${route}`)], layout });
        return routes;
      },
    };
    register(routes);
    return this;
  }

  /**
   * Express-style middleware giving each request `req.session`, the same
   * cookie session views read as `session.data`: set it to sign someone
   * in, set it to null to sign them out. Pages rendered for the old
   * session can no longer join: they reload and see the new one.
   */
  sessionMiddleware(): SessionMiddleware {
    return this.sessions.middleware();
  }

  /** The bound port while listening, else null (also when only attached). */
  get port(): number | null {
    const port = this.running?.port ?? 0;
    return port > 0 ? port : null;
  }

  /** Starts listening; resolves with the bound port. */
  async listen(): Promise<number> {
    if (this.running?.port === 0) throw new Error("LiveTSServer is already running, attached to a server: call listen() before attach() to serve on both");
    if (this.running !== null) throw new Error("LiveTSServer is already listening");
    const address = await resolveHost(this.host);
    // Another listen() or attach() may have started the server during the lookup.
    if (this.running !== null) throw new Error("LiveTSServer is already listening");
    const port = this.startCore({ host: this.host, address, port: this.port0, reusePort: this.options.reusePort === true });
    reportListening();
    return port;
  }

  /**
   * Serves this app's live routes (first renders), the connector's files,
   * `assets` and the live socket through `server`, a Node http.Server that
   * keeps its port and every other request and upgrade (an Express app's
   * routes, another WebSocket path). Each live socket's connection moves
   * into the core, which serves it as if it had accepted it. Without
   * `listen()`, LiveTS binds no port of its own, and closing the last
   * attached server (its 'close' event) closes LiveTS too. Returns `this`.
   */
  attach(server: http.Server): this {
    if (this.attached.has(server)) throw new Error("LiveTSServer is already attached to this server");
    // The core would expect TLS on every socket it holds, and an attached
    // server's sockets arrive decrypted (or, from https.Server, not at all).
    if (this.rootAssets !== null) {
      // The server's own listeners answer what LiveTS leaves, and LiveTS
      // cannot tell which paths they serve: a file could shadow one.
      throw new Error('attach() cannot be used with assets at "/": the server you attach to owns the paths LiveTS does not serve; serve those files from it (express.static) instead');
    }
    if (this.tls.tlsCertFile !== undefined) {
      throw new Error("attach() cannot be used with the tls option: the core's TLS is for its own port; terminate TLS in the server you attach to (or in a proxy) instead");
    }
    const dir = clientDir();
    const mounts = [
      ...(dir !== null ? [staticMount(CLIENT_PREFIX, dir)] : []),
      ...this.assets.map((mount) => staticMount(mount.prefix, mount.dir)),
    ];
    if (this.running === null) this.startCore(null);
    const running = this.listening();
    const detach = attachServer(server, {
      isLiveRoute: (pathname) => this.servesPage(pathname),
      answerPage: (query, send) => {
        if (this.metricsEndpoint?.answer(query, send) === true) return;
        this.answerPage(query, (status, body, extraHeaders = "") => send(status, this.pageHeaders + extraHeaders, body));
      },
      mounts,
      livePath: LIVE_PATH,
      adopt: (fd, request) => running.native.adopt(running.handle, fd, request),
      logger: this.logger,
    });
    const onClose = (): void => {
      if (!this.attached.delete(server)) return;
      detach();
      if (this.attached.size === 0 && this.running === running && running.port === 0) void this.close();
    };
    server.once("close", onClose);
    this.attached.set(server, () => {
      server.removeListener("close", onClose);
      detach();
    });
    if (server.listening) reportListening();
    else server.once("listening", reportListening);
    return this;
  }

  /** Starts the core: listening on `target`, or, with null, for attached servers only. */
  private startCore(target: ListenTarget | null): number {
    const native = loadNative();
    if (this.secretWarning !== null) {
      this.logger.warn(this.secretWarning);
      this.secretWarning = null;
    }
    let running: Running | null = null;
    const config: NativeConfig = {
      host: target?.address ?? "127.0.0.1",
      port: this.port0,
      wsPath: LIVE_PATH,
      ...this.limits,
      allowedHosts: allowedHostsWith(this.host, this.limits.allowedHosts),
      ...this.tls,
      ...(this.redisUrl !== null ? { redisUrl: this.redisUrl } : {}),
      ...(this.uploadDir !== undefined ? { uploadDir: this.uploadDir } : {}),
    };
    const handle: ServerHandle = native.createServer(config, (records) => {
      if (running !== null && this.running === running) this.onRecords(running, records);
    });
    try {
      const dir = clientDir();
      if (dir !== null) native.addStatic(handle, CLIENT_PREFIX, dir);
      else this.logger.warn("[livets] no client build found: pages will render but not go live");
      for (const mount of this.assets) native.addStatic(handle, mount.prefix, checkAssetsDir(mount.dir));
      const root = this.rootAssets !== null ? { ...staticMount("/", checkAssetsDir(this.rootAssets.dir)), except: LIVE_PATH } : null;
      const hub = new LiveHub(new NativeCorePort(native, handle), {
        secret: this.secret,
        router: this.router,
        logger: this.logger,
        remountDelayMs: this.remountDelayMs,
        maxCrashes: this.maxCrashes,
        maxLiveMessageBytes: this.limits.maxLiveMessageBytes ?? DEFAULT_MAX_LIVE_MESSAGE_BYTES,
        sessions: this.sessions,
        mountHooks: (route) => this.routes.mountHooks(route),
        titleSuffix: this.titleSuffix,
        metrics: this.counted,
      });
      running = { native, handle, port: 0, hub, turn: new TurnHold(native, handle), root };
      const { handler } = this.options, live = running;
      if (handler !== undefined) {
        running.requests = new HostRequests(native, handle, handler, (path) => this.servesPage(path),
                                            (request) => this.onRequest(live, request), this.logger,
                                            this.tls.tlsCertFile !== undefined,
                                            root !== null ? (req, res) => serveRootFile(root, req, res, (err) => this.fileFailed(req.url ?? "/", err, () => {
                                              if (res.headersSent) return void res.destroy();
                                              res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end("500 Internal Server Error\n");
                                            })) : undefined);
      }
      this.running = running;
      this.processProbe.start();
      if (target !== null) running.port = native.start(handle);
      else native.startUnbound(handle);
      for (const topic of this.handlers.keys()) native.hostSubscribe(handle, topic);
      return running.port;
    } catch (err) {
      this.running = null;
      this.processProbe.stop();
      try {
        native.stop(handle);
      } catch {
        // the start error is the one worth reporting
      }
      throw target !== null ? listenError(err, target) : err;
    }
  }

  /**
   * Closes every connection and the listener, then unmounts every live
   * view. Resolves when they are unmounted. Safe to call twice.
   */
  async close(): Promise<void> {
    const running = this.running;
    if (running === null) return;
    this.running = null;
    this.redisLink = null;
    this.processProbe.stop();
    for (const detach of this.attached.values()) detach();
    this.attached.clear();
    try {
      running.native.stop(running.handle);
    } finally {
      await running.hub.closeAll();
    }
  }

  /** Publishes `data` (JSON-serialisable) to every view subscribed to `topic`. */
  broadcast(topic: string, data: unknown): void {
    const running = this.listening();
    running.native.publish(running.handle, ownTopic(String(topic), "broadcast"), encodeInfo(data));
  }

  /**
   * Calls `handler` with every publish on `topic` (a `broadcast` here or on
   * any node behind the same Redis), whether or not a view is open: for
   * state shared between processes. Works before and after `listen()`.
   * On `REDIS_LINK_TOPIC` the handler also gets the link's current state
   * at once, if known. Returns a function that stops it.
   */
  subscribe(topic: string, handler: TopicHandler): () => void {
    if (typeof topic !== "string" || topic === "") throw new TypeError(`topic must be a non-empty string, got ${shown(topic)}`);
    if (typeof handler !== "function") throw new TypeError(`handler must be a function, got ${shown(handler)}`);
    let set = this.handlers.get(topic);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(topic, set);
      const running = this.running;
      if (running !== null) running.native.hostSubscribe(running.handle, topic);
    }
    set.add(handler);
    const link = this.redisLink;
    if (topic === REDIS_LINK_TOPIC && link !== null && this.running !== null) {
      // As the core does for a new subscription: the current state at once, then every change.
      setImmediate(() => {
        if (this.handlers.get(topic)?.has(handler) === true && this.redisLink === link) handler(link, topic);
      });
    }
    return () => {
      const current = this.handlers.get(topic);
      if (current === undefined || !current.delete(handler) || current.size > 0) return;
      this.handlers.delete(topic);
      const running = this.running;
      if (running !== null) running.native.hostUnsubscribe(running.handle, topic);
    };
  }

  /** Who is on `topic` on every node (see `LiveView.track`). Needs a listening server. */
  presence(topic: string): Presences {
    const running = this.listening();
    return parsePresences(running.native.presenceList(running.handle, String(topic)));
  }

  /**
   * Reads the `tls` files again (a renewed certificate) for connections
   * accepted from now on. Throws a core error (LTS_ETLS, naming the file)
   * if they cannot be used; the server then keeps its certificate.
   */
  reloadTls(): void {
    const running = this.listening();
    running.native.reloadTls(running.handle, null, null);
  }

  /** The core's counters: connections, subscriptions, the Redis link. Needs a listening server. */
  stats(): CoreStats {
    const running = this.listening();
    return running.native.stats(running.handle);
  }

  /**
   * What this server counted: connections, live views by route, joins,
   * events and renders, pub/sub traffic, the Redis link, refusals by
   * cause, memory and event loop lag. Works before `listen()` too (the
   * core's figures are then null or 0).
   */
  metrics(): MetricsSnapshot {
    const running = this.running;
    let core: CoreStats | null = null;
    try {
      if (running !== null) core = running.native.stats(running.handle);
    } catch (err) {
      // Stopping meanwhile: the core's figures are simply not there.
      if (!isCoreError(err, "LTS_ESTATE")) throw err;
    }
    return takeSnapshot({
      metrics: this.counted,
      core,
      routes: (running?.hub.instances() ?? []).filter((instance) => instance.liveView !== null).map((instance) => instance.route),
      redisEnabled: this.redisUrl !== null,
      process: this.processProbe.read(),
    });
  }

  /** `metrics()` in the Prometheus text format, with every histogram's buckets: what the `metrics` endpoint serves. */
  metricsText(): string {
    return prometheusText(families(this.metrics(), this.counted));
  }

  /**
   * Calls `listener` with a span for every join, event, render and
   * hand-off of HTML to the core's differ, for a tracer (OpenTelemetry,
   * say): `{ name, view, event?, startNs, durationNs, attributes }`.
   * Returns the function that stops it. A listener that throws is removed.
   */
  onSpan(listener: SpanListener): () => void {
    return this.counted.onSpan(listener);
  }

  /** Whether a GET of `pathname` is LiveTS's to answer: a live route or the metrics endpoint. */
  private servesPage(pathname: string): boolean {
    return pathname === this.metricsEndpoint?.path || this.router.match(pathname) !== null;
  }

  /** The running server, for calls that need one. */
  private listening(): Running {
    if (this.running === null) throw new Error("LiveTSServer is not listening");
    return this.running;
  }

  /**
   * Keeps the link's state for handlers that subscribe later (the core
   * gives it to a new subscription only, and this one came first), and
   * logs outages and their ends: the first thing an operator looks for
   * when tabs stop agreeing.
   */
  private onRedisLink(link: unknown): void {
    if (!isRedisLink(link)) return;
    this.redisLink = link;
    if (!link.connected) {
      this.logger.warn(`[livets] Redis link down (${link.error ?? "lost"}): broadcasts and presence reach this process only; retrying`);
    } else if (link.reconnects > 0) {
      this.logger.warn(`[livets] Redis link back (reconnect ${link.reconnects}); messages sent meanwhile were not replayed`);
    }
  }

  private onRecords(running: Running, records: CoreRecord[]): void {
    for (const record of records) {
      if (VIEW_RECORDS.has(record.type)) running.turn.hold();
      try {
        this.onRecord(running, record);
      } catch (err) {
        this.logger.error(`[livets] failed to handle a ${record.type} from the core:`, err);
      }
    }
  }

  private onRecord(running: Running, record: CoreRecord): void {
    const { hub } = running;
    switch (record.type) {
      case "request":
        this.onRequest(running, record);
        break;
      case "join":
        hub.join(record.conn, record.ref, record.component, record.name, record.payload, record.address ?? UNKNOWN_ADDRESS);
        break;
      case "event":
        hub.event(record.conn, record.ref, record.component, record.name, record.payload, record.address);
        break;
      case "url":
        hub.urlChanged(record.conn, record.ref, record.component, record.name, record.address);
        break;
      case "leave":
        hub.leave(record.conn, record.component);
        break;
      case "info":
        if (record.conn === 0) this.onTopic(record.topic, record.data);
        else hub.info(record.conn, record.component, record.topic, record.data);
        break;
      case "close":
        hub.close(record.conn);
        break;
      case "notice":
        this.onNotice(record);
        break;
      case "http-head":
      case "http-body":
      case "http-end":
      case "http-drain":
      case "http-done":
        running.requests?.onRecord(record);
        break;
      case "open":
        hub.open(record.conn, parseHeaders(record.headers));
        break;
      case "message":
        break;
      case "upload-progress":
      case "upload-done":
      case "upload-failed":
        hub.upload(record);
        break;
    }
  }

  /** The core already counted and spaced these out: one line each. */
  private onNotice(notice: NoticeRecord): void {
    const who = notice.conn !== 0 ? `conn ${notice.conn} ` : "";
    // A notice with a count > 1 folds that many refusals of the last interval.
    const rest = notice.count > 1 ? ` (${notice.count.toLocaleString("en-US")} times in ${REFUSAL_INTERVAL_MS / 1000} s)` : "";
    this.logger.warn(`[livets] refused (${notice.cause}) ${who}from ${notice.address}: ${notice.detail}${rest}`);
  }

  private onTopic(topic: string, text: string): void {
    const handlers = this.handlers.get(topic);
    if (handlers === undefined) return;
    // The link's own notices are LiveTS's bookkeeping, not the app's traffic.
    if (topic !== REDIS_LINK_TOPIC) this.counted.hostMessages++;
    const data = decodeInfo(text);
    for (const handler of [...handlers]) {
      try {
        handler(data, topic);
      } catch (err) {
        this.logger.error(`[livets] a subscriber of ${JSON.stringify(topic)} threw:`, err);
      }
    }
  }

  private onRequest(running: Running, request: RequestRecord): void {
    const respond = (status: number, body: string, extraHeaders = ""): void => {
      if (this.running !== running) return;
      // A HEAD gets the whole page too: the core sends only its head, whose
      // Content-Length (and Content-Encoding) are then the GET's.
      const sent = body;
      try {
        running.native.respond(running.handle, request.id, status, this.pageHeaders + extraHeaders, sent);
      } catch (err) {
        if (isCoreError(err, "LTS_ETOOBIG") && status !== 500) {
          // The core's maxResponseBytes is below this page: the request is still open.
          this.logger.error(
            `[livets] page ${request.target.slice(0, 200)}: ${formatBytes(Buffer.byteLength(sent))} is over the core's ` +
              "maxResponseBytes; answered 500. Render less, or raise maxResponseBytes (and maxPageBytes).",
          );
          return respond(500, statusPage(this.title, 500, "Internal Server Error"));
        }
        // The server stopped while the page rendered: nobody is waiting for it.
        if (!isCoreError(err, "LTS_ESTATE")) throw err;
      }
    };
    const query = { ...request, address: request.address ?? UNKNOWN_ADDRESS };
    if (this.metricsEndpoint?.answer(query, (status, headers, body) => this.respondRaw(running, request.id, status, headers, body)) === true) return;
    const pathname = request.target.split("?")[0];
    const { root } = running;
    if (root === null || (request.method !== "GET" && request.method !== "HEAD") || this.router.match(pathname) !== null) {
      return this.answerPage(query, respond);
    }
    rootFileAnswer(root, pathname, parseHeaders(request.headers)["if-none-match"]).then(
      (file) => {
        if (file === null) return this.answerPage(query, respond);
        if (this.running !== running) return;
        running.native.respond(running.handle, request.id, file.status, file.headers, file.body);
      },
      (err: unknown) => this.fileFailed(request.target, err, () => respond(500, statusPage(this.title, 500, "Internal Server Error"))),
    ).catch((err: unknown) => this.logger.error(`[livets] file ${request.target.slice(0, 200)}: could not answer:`, err));
  }

  /** Answers a request with exactly these headers, unless the server stopped meanwhile. */
  private respondRaw(running: Running, id: number, status: number, headers: string, body: string): void {
    if (this.running !== running) return;
    try {
      running.native.respond(running.handle, id, status, headers, body);
    } catch (err) {
      if (!isCoreError(err, "LTS_ESTATE")) throw err;
    }
  }

  /** A root file that exists and could not be read (EIO, EACCES): logged, and `answer` ends the request. */
  private fileFailed(target: string, err: unknown, answer: () => void): void {
    this.logger.error(`[livets] file ${target.slice(0, 200)}: could not be read:`, err);
    answer();
  }

  /**
   * A live route's page, or the status page that answers instead, for the
   * core's requests and an attached server's alike. `respond` adds the
   * page headers.
   */
  private answerPage(request: PageQuery, respond: (status: number, body: string, extraHeaders?: string) => void): void {
    const { title } = this;
    if (request.method !== "GET" && request.method !== "HEAD") {
      const known = this.router.match(request.target.split("?")[0]) !== null;
      if (!known) return respond(404, statusPage(title, 404, "Not Found"));
      return respond(405, statusPage(title, 405, "Method Not Allowed"), "Allow: GET, HEAD\r\n");
    }
    const headers = parseHeaders(request.headers);
    const pageRequest = {
      method: request.method,
      url: request.target,
      headers,
      cookies: parseCookies(headers.cookie),
      address: request.address,
    };
    renderPage(this.pages, pageRequest).then(
      (outcome) => {
        switch (outcome.kind) {
          case "bad-request":
            return respond(400, statusPage(title, 400, "Bad Request"));
          case "not-found":
            return respond(404, statusPage(title, 404, "Not Found"));
          case "redirect":
            return respond(302, statusPage(title, 302, "Found"), `Location: ${outcome.location}\r\n`);
          case "page": {
            const pageTitle = outcome.title !== undefined ? outcome.title + this.titleSuffix : title;
            const root = liveRoot(outcome.id, outcome.token, outcome.markup);
            const layout = this.routes.layout(outcome.route);
            const features = pageFeatures(outcome.markup, this.router.get(outcome.route)?.uploads !== undefined);
            let page: string;
            if (layout === null) {
              page = livePage({ title: pageTitle, head: this.head, csrf: outcome.csrf, body: root, features });
            } else {
              let wrapped;
              try {
                wrapped = wrapPage(layout, { content: trusted(root), title: pageTitle, route: outcome.route, url: outcome.url, session: outcome.session });
              } catch (err) {
                this.logger.error(`[livets] page ${request.target.slice(0, 200)}: the layout of ${outcome.route} failed:`, err);
                return respond(500, statusPage(title, 500, "Internal Server Error"));
              }
              page = livePage({ title: pageTitle, head: this.head + wrapped.head, csrf: outcome.csrf, body: wrapped.body, layout: wrapped.identity, features });
            }
            const size = Buffer.byteLength(page);
            if (size > this.maxPageBytes) {
              this.logger.error(
                `[livets] page ${request.target.slice(0, 200)}: ${outcome.view} (${outcome.route}) rendered ${formatBytes(size)}, ` +
                  `over maxPageBytes (${formatBytes(this.maxPageBytes)}); answered 500. ` +
                  "Render less (paginate), or raise the maxPageBytes option.",
              );
              return respond(500, statusPage(title, 500, "Internal Server Error"));
            }
            return respond(200, page);
          }
        }
      },
      (err: unknown) => {
        this.logger.error(`[livets] page ${request.target.slice(0, 200)}: render failed:`, err);
        const page = statusPage(title, 500, "Internal Server Error");
        respond(500, devErrorPage(page, CLIENT_PREFIX, request.target.split("?")[0], err) ?? page);
      },
    ).catch((err: unknown) => this.logger.error(`[livets] page ${request.target.slice(0, 200)}: could not answer:`, err));
  }
}
