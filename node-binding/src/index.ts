// The public API of the livets package.

import { loadNative } from "./native";

export { Html, html, raw, escapeHtml, type AttributeValue, type Attributes } from "./html";
export { each } from "./each";
export {
  JS,
  JSCommands,
  type TransitionClasses,
  type VisibilityOptions,
  type ToggleOptions,
  type TransitionOptions,
  type PushOptions,
  type DispatchOptions,
  type NavigationOptions,
} from "./js";
export { isSafeUrl, SAFE_SCHEMES } from "./url-safety";
export {
  LiveView,
  modelFields,
  type LiveViewClass,
  type ModelField,
  type ModelSpec,
  type ModelTypeOf,
  type CheckedModel,
  type CheckedViewClass,
  type EventName,
  type Session,
  type StateOf,
} from "./live-view";
export { liveRender, type LiveRenderOptions } from "./nested-views";
export { LiveComponent, type LiveComponentClass, type PropsOf, type ComponentStateOf } from "./live-component";
export { loading, type AsyncResult, type AsyncKeys, type AsyncValue } from "./async-result";
export type { Cancel, EventPayload, Flash, NavigateOptions } from "./view-host";
export type { JsonValue, JsonObject } from "./json";
export { flashGroup } from "./flash";
export { LiveTSServer, LIVE_PATH, type LiveTSServerOptions, type TopicHandler, type RouteGroup, type AssetsMount } from "./server";
export type { MountHook, MountHookResult } from "./mount-hooks";
export type { RouteOptions } from "./route-settings";
export type { Layout, LayoutOption, LayoutPage, LayoutRender } from "./layout";
export type { SessionCookieOptions, SessionData } from "./session-cookie";
export type { SessionMiddleware } from "./session-middleware";
export type { CoreLimitOptions } from "./core-limits";
export type { HostRequestOptions, RequestHandler } from "./http/host-requests";
export type { TlsOptions } from "./tls-options";
export { UpdateTooLargeError } from "./update-error";
export type { StreamItem, StreamInsertOptions, StreamOptions } from "./stream";
export type { RedirectOptions } from "./url";
export { REDIS_LINK_TOPIC, RESERVED_TOPIC_PREFIX, isRedisLink, type RedisLink } from "./core-topics";
export { isPresenceDiff, applyPresenceDiff, type Presences, type PresenceDiff } from "./presence";
export type { CoreStats } from "./native";
export type { MetricsSnapshot, Totals } from "./metrics/snapshot";
export type { MetricsOptions, MetricsRequest } from "./metrics/endpoint";
export type { Span, SpanName, SpanListener, TracingOptions } from "./metrics/tracing";
export type { ProcessStats } from "./metrics/process-stats";
export { PROMETHEUS_CONTENT_TYPE } from "./metrics/prometheus";
export { SECONDS_BUCKETS, BYTES_BUCKETS } from "./metrics/histogram";
export { localDevelopmentOnly, type DashboardGuard, type DashboardOptions } from "./dashboard/guard";
export type { ExternalUpload, UploadEntry, UploadOptions } from "./uploads";
export type { PageRequest, SessionFunction } from "./page-render";
export type { Logger } from "./logger";
export { CONTENT_SECURITY_POLICY, contentSecurityPolicy } from "./page";
export { ComponentRenderer } from "./renderer";
export { allowedEvents, isAllowedEvent, MODEL_EVENT, CLEAR_FLASH_EVENT, type ModelType } from "./events";
export {
  signToken,
  verifyToken,
  DEFAULT_TOKEN_TTL_MS,
  type JoinClaims,
  type Params,
  type Secret,
  type TokenCheck,
  type TokenFailure,
  type TokenGrant,
} from "./token";
export { isCoreError, type CoreError } from "./native";

/**
 * Diffs two HTML fragments with the core's differ and returns the patch as
 * JSON text (docs/protocol.md, "Patch operations"). Needs the native core.
 */
export function diff(oldHtml: string, newHtml: string): string {
  return loadNative().diff(oldHtml, newHtml);
}

/** The version of the loaded native core, e.g. {number: 300, string: "0.3.0"}. */
export function coreVersion(): { number: number; string: string } {
  return loadNative().version();
}
