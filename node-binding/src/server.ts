import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";

import { allowedEvents, checkViewClass } from "./events";
import { LiveInstance, encodeInfo, type CorePort } from "./live-instance";
import type { LiveViewClass, ViewHost } from "./live-view";
import {
  isCoreError,
  loadNative,
  type CoreRecord,
  type InfoRecord,
  type LiveRecord,
  type NativeBinding,
  type RequestRecord,
  type ServerHandle,
} from "./native";
import { CLIENT_PREFIX, PAGE_HEADERS, livePage, statusPage } from "./page";
import { renderOnce } from "./renderer";
import { DEFAULT_TOKEN_TTL_MS, signToken, verifyToken, type Params } from "./token";

/** Options for `new LiveTSServer()`. */
export interface LiveTSServerOptions {
  /** TCP port; 0 (the default) picks a free one, reported by `listen()`. */
  port?: number;
  /** IP literal to bind; default 127.0.0.1. */
  host?: string;
  /**
   * Key that signs join tokens. Defaults to random bytes per process, so
   * pages rendered before a restart must be reloaded; set it to keep them.
   */
  secret?: string | Uint8Array;
  /** The <title> of every page; default "LiveTS". */
  title?: string;
  /** How long a rendered page may take to join, in ms; default one day. */
  tokenTtlMs?: number;
}

/** The WebSocket endpoint the connector uses (docs/protocol.md). */
export const LIVE_PATH = "/live";

type Running = { native: NativeBinding; handle: ServerHandle; port: number };

function clientDir(): string | null {
  // Resolved through symlinks, so a linked install still finds ../client.
  const root = path.resolve(fs.realpathSync(__dirname), "..");
  // An installed package carries its own copy; a checkout uses the client build.
  for (const dir of [path.join(root, "client"), path.join(root, "..", "client", "dist")]) {
    try {
      if (fs.statSync(dir).isDirectory()) return dir;
    } catch {
      // not there: try the next one
    }
  }
  return null;
}

function parseTarget(target: string): URL | null {
  try {
    return new URL(target, "http://localhost");
  } catch {
    return null;
  }
}

function jsonObject(text: string): Readonly<Record<string, unknown>> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // the browser's params are advisory; a bad value just means none
  }
  return {};
}

/**
 * A LiveTS application server: routes paths to LiveView classes, renders
 * their first page over HTTP and keeps each browser tab's instance live
 * over a WebSocket, through the native core.
 */
export class LiveTSServer {
  private readonly routes = new Map<string, LiveViewClass>();
  private readonly conns = new Map<number, Map<string, LiveInstance>>();
  private readonly options: Required<Omit<LiveTSServerOptions, "secret">>;
  private readonly secret: string | Uint8Array;
  private running: Running | null = null;

  constructor(options: LiveTSServerOptions = {}) {
    const { port = 0, host = "127.0.0.1", title = "LiveTS", tokenTtlMs = DEFAULT_TOKEN_TTL_MS } =
      options;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new TypeError("port must be an integer from 0 to 65535");
    }
    if (typeof host !== "string" || host === "") throw new TypeError("host must be a non-empty string");
    if (typeof title !== "string") throw new TypeError("title must be a string");
    if (!(tokenTtlMs > 0)) throw new TypeError("tokenTtlMs must be a positive number");
    const secret = options.secret ?? randomBytes(32);
    if (!(typeof secret === "string" || secret instanceof Uint8Array) || secret.length === 0) {
      throw new TypeError("secret must be a non-empty string or Uint8Array");
    }
    this.options = { port, host, title, tokenTtlMs };
    this.secret = secret;
  }

  /**
   * Serves `View` at `path` ("/counter"): a GET renders a fresh instance,
   * and each browser tab then joins its own live instance. Returns `this`.
   */
  registerComponent(routePath: string, View: LiveViewClass): this {
    if (typeof routePath !== "string" || !routePath.startsWith("/") || /[?#\s]/.test(routePath)) {
      throw new TypeError(`path must start with "/" and hold no query, fragment or space: ${routePath}`);
    }
    if (routePath.startsWith(CLIENT_PREFIX) || routePath === LIVE_PATH) {
      throw new TypeError(`path ${routePath} is taken by LiveTS itself`);
    }
    checkViewClass(View);
    allowedEvents(View);
    this.routes.set(routePath, View);
    return this;
  }

  /** Same as `registerComponent`. */
  route(routePath: string, View: LiveViewClass): this {
    return this.registerComponent(routePath, View);
  }

  /** The bound port while listening, else null. */
  get port(): number | null {
    return this.running?.port ?? null;
  }

  /** Starts listening; resolves with the bound port. */
  async listen(): Promise<number> {
    if (this.running !== null) throw new Error("LiveTSServer is already listening");
    const native = loadNative();
    const { host, port } = this.options;
    const handle: ServerHandle = native.createServer({ host, port, wsPath: LIVE_PATH }, (records) =>
      this.onRecords(handle, records),
    );
    try {
      const dir = clientDir();
      if (dir !== null) native.addStatic(handle, CLIENT_PREFIX, dir);
      else console.warn("[livets] no client build found: pages will render but not go live");
      const bound = native.start(handle);
      this.running = { native, handle, port: bound };
      return bound;
    } catch (err) {
      try {
        native.stop(handle);
      } catch {
        // the start error is the one worth reporting
      }
      throw err;
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
    const instances = [...this.conns.values()].flatMap((views) => [...views.values()]);
    this.conns.clear();
    try {
      running.native.stop(running.handle);
    } finally {
      for (const instance of instances) instance.dispose();
    }
    await Promise.all(instances.map((instance) => instance.idle()));
  }

  /** Publishes `data` (JSON-serialisable) to every view subscribed to `topic`. */
  broadcast(topic: string, data: unknown): void {
    const running = this.running;
    if (running === null) throw new Error("LiveTSServer is not listening");
    running.native.publish(running.handle, String(topic), encodeInfo(data));
  }

  private onRecords(handle: ServerHandle, records: CoreRecord[]): void {
    // Records queued before close() belong to connections that are gone.
    const running = this.running;
    if (running === null || running.handle !== handle) return;
    for (const record of records) {
      try {
        this.onRecord(running, record);
      } catch (err) {
        console.error(`[livets] failed to handle a ${record.type} from the core:`, err);
      }
    }
  }

  private onRecord(running: Running, record: CoreRecord): void {
    switch (record.type) {
      case "request":
        this.onRequest(running, record);
        break;
      case "join":
        this.onJoin(running, record);
        break;
      case "event":
        this.onEvent(running, record);
        break;
      case "leave":
        this.onLeave(running, record);
        break;
      case "info":
        this.onInfo(record);
        break;
      case "close":
        this.dropConnection(record.conn);
        break;
      case "open":
      case "message":
        break;
    }
  }

  private onRequest(running: Running, request: RequestRecord): void {
    const respond = (status: number, body: string, extraHeaders = ""): void => {
      const sent = request.method === "HEAD" ? "" : body;
      try {
        running.native.respond(running.handle, request.id, status, PAGE_HEADERS + extraHeaders, sent);
      } catch (err) {
        if (!isCoreError(err, "LTS_ENOTFOUND") && !isCoreError(err, "LTS_ESTATE")) throw err;
      }
    };
    const { title } = this.options;
    const url = parseTarget(request.target);
    if (url === null) return respond(400, statusPage(title, 400, "Bad Request"));
    const View = this.routes.get(url.pathname);
    if (View === undefined) return respond(404, statusPage(title, 404, "Not Found"));
    if (request.method !== "GET" && request.method !== "HEAD") {
      return respond(405, statusPage(title, 405, "Method Not Allowed"), "Allow: GET, HEAD\r\n");
    }
    const viewPath = url.pathname;
    const params: Params = Object.fromEntries(url.searchParams);
    renderOnce(View, params, viewPath, this.pageHost()).then(
      (body) => {
        if (this.running !== running) return;
        const id = `lv-${randomBytes(6).toString("hex")}`;
        const token = signToken(this.secret, viewPath, params, this.options.tokenTtlMs);
        respond(200, livePage(title, id, token, body));
      },
      (err: unknown) => {
        console.error(`[livets] ${View.name} (${viewPath}): page render failed:`, err);
        if (this.running === running) respond(500, statusPage(title, 500, "Internal Server Error"));
      },
    );
  }

  /** The host of a page's throwaway instance: it may broadcast, nothing more. */
  private pageHost(): ViewHost {
    return {
      connected: false,
      stateChanged() {},
      subscribe() {},
      unsubscribe() {},
      broadcast: (topic, data) => {
        if (this.running !== null) this.broadcast(topic, data);
      },
    };
  }

  private corePort(running: Running): CorePort {
    const { native, handle } = running;
    return {
      register: (conn, id, ref, html) => native.register(handle, conn, id, ref, html),
      update: (conn, id, ref, html) => native.update(handle, conn, id, ref, html),
      unregister: (conn, id) => native.unregister(handle, conn, id),
      replyError: (conn, id, ref, reason) => native.replyError(handle, conn, id, ref, reason),
      subscribe: (conn, id, topic) => native.subscribe(handle, conn, id, topic),
      unsubscribe: (conn, id, topic) => native.unsubscribe(handle, conn, id, topic),
      publish: (topic, data) => native.publish(handle, topic, data),
    };
  }

  private refuse(running: Running, record: LiveRecord, reason: string): void {
    try {
      running.native.replyError(running.handle, record.conn, record.component, record.ref, reason);
    } catch (err) {
      if (!isCoreError(err, "LTS_ENOTFOUND")) throw err;
    }
  }

  private onJoin(running: Running, record: LiveRecord): void {
    const check = verifyToken(this.secret, record.name);
    if (!check.ok) return this.refuse(running, record, `invalid token (${check.reason})`);
    const View = this.routes.get(check.view);
    if (View === undefined) return this.refuse(running, record, "unknown view");
    let views = this.conns.get(record.conn);
    if (views === undefined) {
      views = new Map();
      this.conns.set(record.conn, views);
    }
    // A rejoin replaces the old instance; the core replaces its HTML.
    views.get(record.component)?.dispose();
    const instance = new LiveInstance(
      this.corePort(running),
      record.conn,
      record.component,
      View,
      check.view,
      (gone) => this.forget(gone),
    );
    views.set(record.component, instance);
    instance.join(record.ref, check.params, jsonObject(record.payload));
  }

  private onEvent(running: Running, record: LiveRecord): void {
    const instance = this.conns.get(record.conn)?.get(record.component);
    if (instance === undefined) return this.refuse(running, record, "not joined");
    instance.event(record.ref, record.name, record.payload);
  }

  private onLeave(running: Running, record: LiveRecord): void {
    try {
      running.native.unregister(running.handle, record.conn, record.component);
    } catch (err) {
      if (!isCoreError(err, "LTS_ENOTFOUND")) throw err;
    }
    const views = this.conns.get(record.conn);
    const instance = views?.get(record.component);
    if (views === undefined || instance === undefined) return;
    views.delete(record.component);
    if (views.size === 0) this.conns.delete(record.conn);
    instance.dispose();
  }

  private onInfo(record: InfoRecord): void {
    this.conns.get(record.conn)?.get(record.component)?.info(record.topic, record.data);
  }

  private dropConnection(conn: number): void {
    const views = this.conns.get(conn);
    if (views === undefined) return;
    this.conns.delete(conn);
    for (const instance of views.values()) instance.dispose();
  }

  private forget(instance: LiveInstance): void {
    const views = this.conns.get(instance.conn);
    if (views?.get(instance.id) !== instance) return;
    views.delete(instance.id);
    if (views.size === 0) this.conns.delete(instance.conn);
  }
}
