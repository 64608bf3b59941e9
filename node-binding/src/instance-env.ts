// What a live view instance is given: how it was joined, and what it needs
// from the server around it.

import type { MountHook } from "./mount-hooks";
import type { CorePort } from "./core-port";
import type { JsonObject, JsonValue } from "./json";
import type { LiveInstance } from "./live-instance";
import type { LiveViewClass } from "./live-view";
import type { Logger } from "./logger";
import type { NestingHost } from "./nested-views";
import type { Metrics } from "./metrics/metrics";
import type { Params } from "./token";
import type { Flash } from "./view-host";

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
  /** The browser's User-Agent header, "" when it sent none. */
  readonly userAgent: string;
  /** The route's on-mount hooks, the server's first; run before every mount. */
  readonly onMount: readonly MountHook[];
}

/** What the instance needs from the server around it. */
export interface InstanceEnv {
  readonly core: CorePort;
  readonly logger: Logger;
  /** Where the instance counts its joins, events and renders. */
  readonly metrics: Metrics;
  /** Base delay before a crashed view is mounted again; doubles per crash in a row. */
  readonly remountDelayMs: number;
  /** Crashes in a row after which the view is given up. */
  readonly maxCrashes: number;
  /** Largest HTML one render or patch may carry; a larger one is not sent. */
  readonly maxLiveMessageBytes: number;
  /** Follows every view's `pageTitle()` in the page title. */
  readonly titleSuffix: string;
  /** Logs a refusal of `cause` on `conn` (counted, not one line each). */
  refused(conn: number, cause: string, what: string): void;
  /** The params of `url` if the same view class serves it, else null. */
  resolve(url: string, View: LiveViewClass): Params | null;
  /** A pushNavigate is leaving with this flash: the next view on the connection shows it. */
  carryFlash(conn: number, flash: Flash): void;
  /** The instance is gone for good (failed join, given up after crashes). */
  gone(instance: LiveInstance): void;
  /** Where the views `parent` places with liveRender mount: its connection, with its context. */
  nesting(parent: LiveInstance, context: () => MountContext): NestingHost;
}
