// livets/testing: a view mounted in-process, driven like a browser would.
// The page render, the signed join (token and CSRF check included) and
// every event go through the same LiveHub a real server uses; only the
// native core is replaced by a recorder that keeps each component's HTML.

import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssertionError } from "assert";
import { randomBytes } from "crypto";

import type { CorePort } from "./core-port";
import { LiveHub } from "./hub";
import type { JsonObject, JsonValue } from "./json";
import type { LiveView, LiveViewClass } from "./live-view";
import type { Logger } from "./logger";
import { renderPage } from "./page-render";
import { parsePresences, type Presences } from "./presence";
import { Kind, type HostFrame, type PushEventFrame, type RefusedFrame, type RenderFrame, type ReplyFrame } from "./protocol";
import { NESTED_ID_PREFIX } from "./nested-views";
import { Router } from "./router";
import { applySplices, type Splice } from "./template-track";
import { UPLOAD_EVENT, UPLOAD_START_EVENT } from "./uploads";
import { parseLocal } from "./url";
import type { Flash } from "./view-host";

/** Options for `mountView`. */
export interface MountOptions {
  /** The page's path and query; default the route, or "/". */
  readonly url?: string;
  /** The route pattern the view is served at ("/users/:id"); default the URL's path. */
  readonly route?: string;
  /** Other views by route, for pushPatch and pushNavigate to resolve against. */
  readonly routes?: Readonly<Record<string, LiveViewClass>>;
  /** What the server's `session` option would return for the page. */
  readonly session?: JsonObject;
  /** Extra join params, as a connector's `connectParams`. */
  readonly connectParams?: Readonly<Record<string, JsonValue>>;
  /** The client's IP address the view sees in `session.address`; default "unknown". */
  readonly address?: string;
  /** Delay before a crashed view is mounted again; default 0. */
  readonly remountDelayMs?: number;
  /** Where warnings and errors go; default: kept in `warnings` and `errors` only. */
  readonly logger?: Logger;
}

/** Which component an event is for: its id, or the ids from the view down joined by "/". */
/** A file for `TestView.upload`. */
export interface TestFile {
  readonly name: string;
  readonly content: string | Uint8Array;
  /** The MIME type a browser would give; "" by default. */
  readonly type?: string;
}

export interface TargetOptions {
  readonly target?: string;
}

/** A patch as the test kit records it: the new HTML in place of patch operations. */
export type TestPatch = readonly [typeof Kind.patch, string, number, number, string];

/** A message the browser would have received, with HTML in place of patch operations. */
export type TestMessage = RenderFrame | TestPatch | RefusedFrame | HostFrame;

/** The view asked to leave for another URL while mounting. */
export class LiveRedirect extends Error {
  constructor(readonly location: string) {
    super(`the view redirected to ${location}`);
    this.name = "LiveRedirect";
  }
}

/** The view refused an event or URL change, or crashed handling it. */
export class EventRefused extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`refused: ${reason}`);
    this.name = "EventRefused";
    if (options !== undefined && "cause" in options) (this as { cause?: unknown }).cause = options.cause;
  }
}

const CONN = 1;

type NavigationKind = typeof Kind.history | typeof Kind.navigate | typeof Kind.redirect;

class RecordingCore implements CorePort {
  readonly html = new Map<string, string>();
  readonly seq = new Map<string, number>();
  readonly messages: TestMessage[] = [];
  readonly published: { topic: string; data: string }[] = [];
  readonly topics = new Map<string, Set<string>>();
  private hub: LiveHub | null = null;

  attach(hub: LiveHub): void {
    this.hub = hub;
  }

  register(_conn: number, id: string, ref: number, html: string): void {
    this.html.set(id, html);
    this.seq.set(id, 1);
    this.messages.push([Kind.render, id, 1, ref, html]);
  }

  update(_conn: number, id: string, ref: number, html: string): void {
    const seq = this.seq.get(id);
    if (seq === undefined) return;
    this.html.set(id, html);
    this.seq.set(id, seq + 1);
    this.messages.push([Kind.patch, id, seq + 1, ref, html]);
  }

  updateSplices(conn: number, id: string, ref: number, baseBytes: number, splices: readonly Splice[]): void {
    const html = this.html.get(id);
    if (html === undefined) return;
    this.update(conn, id, ref, applySplices(html, baseBytes, splices));
  }

  unregister(_conn: number, id: string): void {
    this.html.delete(id);
    this.seq.delete(id);
    this.topics.delete(id);
  }

  replyError(_conn: number, id: string, ref: number, reason: string): void {
    this.messages.push([Kind.refused, id, ref, reason]);
  }

  subscribe(_conn: number, id: string, topic: string): void {
    let set = this.topics.get(id);
    if (set === undefined) this.topics.set(id, (set = new Set()));
    set.add(topic);
  }

  unsubscribe(_conn: number, id: string, topic: string): void {
    this.topics.get(id)?.delete(topic);
  }

  publish(topic: string, data: string): void {
    this.published.push({ topic, data });
    // Delivered after the current task, as the core's loop thread would.
    setImmediate(() => {
      for (const [id, set] of this.topics) if (set.has(topic)) this.hub?.info(CONN, id, topic, data);
    });
  }

  send(_conn: number, text: string): void {
    this.messages.push(JSON.parse(text) as TestMessage);
  }

  /** Uploads allowed and not cancelled: entry → its view and size. */
  readonly uploads = new Map<string, { id: string; size: number; chunkBytes: number }>();

  uploadAllow(_conn: number, id: string, entry: string, size: number, chunkBytes: number): void {
    this.uploads.set(entry, { id, size, chunkBytes });
  }

  uploadCancel(_conn: number, entry: string): void {
    this.uploads.delete(entry);
  }

  // Presence as the core keeps it, for one connection: topic → key → meta.
  readonly presences = new Map<string, Map<string, JsonValue>>();

  presenceTrack(_conn: number, topic: string, key: string, metaJson: string): void {
    const meta = JSON.parse(metaJson) as JsonValue;
    let keys = this.presences.get(topic);
    if (keys === undefined) this.presences.set(topic, (keys = new Map()));
    const old = keys.get(key);
    keys.set(key, meta);
    this.publish(topic, JSON.stringify({ presence_diff: { joins: { [key]: [meta] }, leaves: old === undefined ? {} : { [key]: [old] } } }));
  }

  presenceUntrack(_conn: number, topic: string, key: string): void {
    const keys = this.presences.get(topic);
    const old = keys?.get(key);
    if (keys === undefined || old === undefined) return;
    keys.delete(key);
    this.publish(topic, JSON.stringify({ presence_diff: { joins: {}, leaves: { [key]: [old] } } }));
  }

  presenceList(topic: string): string {
    const out: Record<string, JsonValue[]> = {};
    for (const [key, meta] of this.presences.get(topic) ?? []) out[key] = [meta];
    return JSON.stringify(out);
  }
}

const ENTITIES: Readonly<Record<string, string>> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#96;": "`" };
const unescape = (s: string): string => s.replace(/&(?:amp|lt|gt|quot|#39|#96);/g, (e) => ENTITIES[e]);
const NESTED = /<([a-z][a-z0-9-]*) data-livets-id="([^"]*)"( data-livets-sticky)?><\/\1>/g;

/**
 * A mounted view under test. Every method that sends something waits until
 * the view has handled it and returns the view's HTML afterwards; a refused
 * event or a crash rejects with `EventRefused`.
 */
export class TestView {
  private ref = 2;
  private checkedNavigation = 0;

  /** @internal */
  constructor(
    private readonly hub: LiveHub,
    private readonly core: RecordingCore,
    /** The view root's id on the page. */
    readonly id: string,
    /** The HTML of the first, plain page render (components inline). */
    readonly pageHtml: string,
    /** Warnings the framework logged (refused events and the like). */
    readonly warnings: unknown[][],
    /** Errors the framework logged (crashes, failed renders). */
    readonly errors: unknown[][],
  ) {}

  /** Every message the browser would have received, in order. */
  get messages(): readonly TestMessage[] {
    return this.core.messages;
  }

  /** The view's current HTML, components filled in, as the browser shows it. */
  html(): string {
    return this.compose(this.id, new Set());
  }

  /** Waits for queued work, including async results still running, then returns `html()`. */
  async render(): Promise<string> {
    await this.settle();
    return this.html();
  }

  /** The flash messages the browser was last told about. */
  get flash(): Flash {
    for (let i = this.core.messages.length - 1; i >= 0; i--) {
      const m = this.core.messages[i];
      if (m[0] === Kind.flash && m[1] === this.id) return m[2];
    }
    return {};
  }

  /** Sends a click on an element with `ts-on:click="event"`; `value` is its ts-value-* payload. */
  click(event: string, value: Readonly<Record<string, JsonValue>> = {}, options: TargetOptions = {}): Promise<string> {
    return this.event(event, value, options);
  }

  /** Submits a form with `ts-on:submit="event"` and these fields. */
  submit(event: string, form: Readonly<Record<string, JsonValue>> = {}, options: TargetOptions = {}): Promise<string> {
    return this.event(event, form, options);
  }

  /** A `ts-on:change` (or input) event with this payload ({value, name} for a control, fields for a form). */
  change(event: string, payload: Readonly<Record<string, JsonValue>> = {}, options: TargetOptions = {}): Promise<string> {
    return this.event(event, payload, options);
  }

  /** A ts-model input setting `field` to `value`. */
  model(field: string, value: JsonValue, options: TargetOptions = {}): Promise<string> {
    return this.event("$model", { field, value }, options);
  }

  /** Any event by name with any payload. */
  async event(name: string, payload: JsonValue = {}, options: TargetOptions = {}): Promise<string> {
    const ref = this.ref++;
    this.hub.event(CONN, ref, this.wireId(options.target), name, JSON.stringify(payload));
    return this.answer(ref);
  }

  /**
   * Sends `name` as a hook's `pushEvent` would and returns the view's reply
   * (what its `handleEvent` returned; undefined for none). A refused event
   * or a crash rejects with `EventRefused`.
   */
  async pushEvent(name: string, payload: JsonValue = {}, options: TargetOptions = {}): Promise<JsonValue | undefined> {
    const ref = this.ref++;
    this.hub.event(CONN, ref, this.wireId(options.target), name, JSON.stringify(payload));
    await this.answer(ref);
    const reply = this.core.messages.find((m): m is ReplyFrame => m[0] === Kind.reply && m[2] === ref);
    return reply?.[3];
  }

  /** The events the view (or the component or nested view `target`) pushed to its hooks, in order. */
  pushed(options: TargetOptions = {}): { readonly event: string; readonly payload: JsonValue }[] {
    const id = options.target === undefined ? this.id : this.wireId(options.target);
    return this.core.messages
      .filter((m): m is PushEventFrame => m[0] === Kind.pushEvent && m[1] === id)
      .map((m) => ({ event: m[2], payload: m[3] }));
  }

  /**
   * Picks `files` in the view's `ts-upload="upload"` input: the view checks
   * them as it checks a browser's, and each one it takes arrives whole in a
   * temporary file, as the core would have written it. Returns the HTML
   * afterwards; refused files are listed with their errors.
   */
  async upload(upload: string, files: readonly TestFile[]): Promise<string> {
    const batch = this.ref;
    const entries = files.map((f, i) => ({ ref: `t${batch}x${i}`, name: f.name, size: Buffer.byteLength(f.content), type: f.type ?? "" }));
    await this.event(UPLOAD_EVENT, { upload, entries });
    // Held entries (autoUpload: false) go as their form is submitted.
    const held = entries.filter((e) => this.core.messages.some((m) => m[0] === Kind.uploadAck && m[2] === e.ref && m[4] === 0));
    if (held.length > 0) await this.event(UPLOAD_START_EVENT, { refs: held.map((e) => e.ref) });
    for (const [i, entry] of entries.entries()) {
      if (!this.core.uploads.has(entry.ref)) continue;
      this.core.uploads.delete(entry.ref);
      const path = join(tmpdir(), `livets-upload-test-${randomBytes(12).toString("hex")}`);
      await writeFile(path, files[i].content, { mode: 0o600, flag: "wx" });
      this.hub.upload({ type: "upload-done", conn: CONN, component: this.id, entry: entry.ref, received: entry.size, size: entry.size, path, reason: "" });
    }
    return this.render();
  }

  /** The browser's URL changes to `url` without a reload (a patch link, back or forward). */
  async patch(url: string): Promise<string> {
    const ref = this.ref++;
    this.hub.urlChanged(CONN, ref, this.id, url);
    return this.answer(ref);
  }

  /** Delivers `data` on `topic` as a broadcast would, if the view subscribed to it. */
  async info(topic: string, data: unknown): Promise<string> {
    const text = JSON.stringify(data) ?? "null";
    if (this.core.topics.get(this.id)?.has(topic) === true) this.hub.info(CONN, this.id, topic, text);
    await this.settle();
    return this.html();
  }

  /** The topics the view is subscribed to. */
  get topics(): readonly string[] {
    return [...(this.core.topics.get(this.id) ?? [])];
  }

  /** Who the view tracked on `topic`: key → metas, as `presence(topic)` lists them. */
  presence(topic: string): Presences {
    return parsePresences(this.core.presenceList(topic));
  }

  /** What the view broadcast, data as JSON text. */
  get broadcasts(): readonly { readonly topic: string; readonly data: string }[] {
    return this.core.published;
  }

  /** Asserts that the view changed the URL to `url` (pushPatch) since the last navigation assert. */
  assertPatched(url: string): void {
    this.assertNavigation(Kind.history, url, "patched");
  }

  /** Asserts that the view navigated to `url` (pushNavigate) since the last navigation assert. */
  assertNavigated(url: string): void {
    this.assertNavigation(Kind.navigate, url, "navigated");
  }

  /** Asserts that the view redirected to `url` since the last navigation assert. */
  assertRedirected(url: string): void {
    this.assertNavigation(Kind.redirect, url, "redirected");
  }

  /**
   * Waits until the view has no queued work, no async work in flight and
   * no remount pending, for at most `timeoutMs` of real time. Works with
   * node:test's mocked setTimeout and setInterval (it yields with
   * setImmediate), so timer tests can `mock.timers.tick()` between calls.
   */
  async settle(timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    do {
      await this.hub.idle(CONN);
      await new Promise<void>((resolve) => setImmediate(resolve));
    } while (this.hub.busy(CONN) && Date.now() - start < timeoutMs);
  }

  /** Leaves the view, as closing the tab would; it unmounts. */
  async unmount(): Promise<void> {
    this.core.unregister(CONN, this.id);
    this.hub.leave(CONN, this.id);
    await this.hub.closeAll();
  }

  private async answer(ref: number): Promise<string> {
    await this.settle();
    const refusal = this.core.messages.find((m): m is RefusedFrame => m[0] === Kind.refused && m[2] === ref);
    if (refusal !== undefined) {
      const cause = refusal[3] === "crashed" ? this.errors[this.errors.length - 1]?.find((a) => a instanceof Error) : undefined;
      throw new EventRefused(refusal[3], cause === undefined ? undefined : { cause });
    }
    return this.html();
  }

  private assertNavigation(kind: NavigationKind, url: string, verb: string): void {
    const messages = this.core.messages;
    const found: string[] = [];
    for (let i = this.checkedNavigation; i < messages.length; i++) {
      const m = messages[i];
      if (m[0] === Kind.redirect) {
        if (kind === Kind.redirect) found.push(m[1]);
      } else if (m[0] === kind) {
        found.push(m[2] as string);
      }
    }
    this.checkedNavigation = messages.length;
    if (!found.includes(url)) {
      throw new AssertionError({
        message: `expected the view to have ${verb} to ${url}; it ${found.length > 0 ? `${verb} to ${found.join(", ")}` : `had not ${verb}`}`,
        actual: found,
        expected: url,
        operator: `assert${verb[0].toUpperCase()}${verb.slice(1)}`,
      });
    }
  }

  private wireId(target: string | undefined): string {
    if (target === undefined) return this.id;
    const ids = [...this.core.html.keys()].filter((id) => id !== this.id);
    const byPath = `${this.id}/${target.split("/").map(encodeURIComponent).join("/")}`;
    if (ids.includes(byPath)) return byPath;
    // A nested live view (liveRender) by the id its parent gave it.
    if (ids.includes(NESTED_ID_PREFIX + target)) return NESTED_ID_PREFIX + target;
    const byId = ids.filter((id) => decodeURIComponent(id.slice(id.lastIndexOf("/") + 1)) === target);
    if (byId.length === 1) return byId[0];
    throw new Error(
      byId.length === 0 ? `no component ${JSON.stringify(target)} is rendered` : `component id ${JSON.stringify(target)} is ambiguous: give its path`,
    );
  }

  private compose(id: string, seen: Set<string>): string {
    const own = this.core.html.get(id) ?? "";
    seen.add(id);
    return own.replace(NESTED, (whole, tag: string, escaped: string, sticky: string | undefined) => {
      const child = unescape(escaped);
      if (seen.has(child) || !this.core.html.has(child)) return whole;
      return `<${tag} data-livets-id="${escaped}"${sticky ?? ""}>${this.compose(child, seen)}</${tag}>`;
    });
  }
}

/**
 * Mounts `View` as a browser would: renders its page, then joins it with
 * the page's signed token and CSRF token. Resolves once the first live
 * render is in; rejects with `LiveRedirect` if the view redirected while
 * mounting, or with an Error if the join was refused.
 */
export async function mountView<V extends LiveView<object>>(View: LiveViewClass<V>, options: MountOptions = {}): Promise<TestView> {
  const url = options.url ?? (options.route !== undefined && !options.route.includes(":") ? options.route : "/");
  const local = parseLocal(url);
  if (local === null) throw new TypeError(`url must be a local path, not ${JSON.stringify(url)}`);
  const router = new Router<LiveViewClass>();
  for (const [route, Other] of Object.entries(options.routes ?? {})) router.add(route, Other);
  router.add(options.route ?? local.pathname, View as unknown as LiveViewClass);
  const warnings: unknown[][] = [];
  const errors: unknown[][] = [];
  const logger: Logger = options.logger ?? {
    warn: (...args: unknown[]) => void warnings.push(args),
    error: (...args: unknown[]) => void errors.push(args),
  };
  const secret = randomBytes(32);
  const core = new RecordingCore();
  const hub = new LiveHub(core, { secret, router, logger, remountDelayMs: options.remountDelayMs ?? 0, maxCrashes: 5 });
  core.attach(hub);
  const session = options.session ?? {};
  const page = await renderPage(
    { router, secret, tokenTtlMs: 60_000, session: () => session, logger },
    { method: "GET", url: local.href, headers: {}, cookies: {}, address: options.address },
  );
  if (page.kind === "redirect") throw new LiveRedirect(page.location);
  if (page.kind !== "page") throw new Error(`no view is served at ${local.href}`);
  const params = { ...options.connectParams, _csrf_token: page.csrf, _url: local.href };
  hub.join(CONN, 1, page.id, page.token, JSON.stringify(params), options.address);
  const view = new TestView(hub, core, page.id, page.markup, warnings, errors);
  await view.settle();
  const last = core.messages[core.messages.length - 1];
  if (last !== undefined && last[0] === Kind.redirect) throw new LiveRedirect(last[1]);
  const refused = core.messages.find((m): m is RefusedFrame => m[0] === Kind.refused && m[1] === page.id && m[2] === 1);
  if (refused !== undefined || !core.html.has(page.id)) {
    throw new Error(`the join was refused: ${refused !== undefined ? refused[3] : "no render"}`);
  }
  return view;
}
