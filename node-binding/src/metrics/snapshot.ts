// A server's metrics at one moment: the core's counters (connections,
// the Redis link, refusals by cause), the live views by route, and what
// Metrics counted; as plain data (`server.metrics()`) and as Prometheus
// families (the /metrics endpoint).

import type { CoreStats } from "../native";
import type { HistogramSeries } from "./histogram";
import type { Metrics } from "./metrics";
import type { Family } from "./prometheus";
import type { ProcessStats } from "./process-stats";

/** A histogram summed over its series: how many, and their total. */
export interface Totals {
  readonly count: number;
  readonly sum: number;
}

/** `server.metrics()`: everything /metrics exposes, as numbers. */
export interface MetricsSnapshot {
  /** When it was taken, ms since the Unix epoch. */
  readonly at: number;
  /** Open TCP connections (WebSockets included); null while the server is not running. */
  readonly connections: number | null;
  /** Open WebSocket connections: browser tabs with live views. */
  readonly websockets: number | null;
  /** Live views on this process, by route pattern. */
  readonly views: Readonly<Record<string, number>>;
  readonly joins: number;
  readonly events: number;
  /** Events by view class and event name, with their latency totals in seconds. */
  readonly eventsByView: readonly { readonly view: string; readonly event: string; readonly count: number; readonly seconds: number }[];
  readonly eventSeconds: Totals;
  readonly renderSeconds: Totals;
  /** HTML handed to the core's differ: how many hand-offs, how many bytes. */
  readonly renderBytes: Totals;
  /** The core's diffs of those updates: how many, their time on its loop thread, the bytes of their patches. */
  readonly diff: { readonly count: number; readonly seconds: number; readonly patchBytes: number };
  readonly pubsub: {
    /** From the core: publishes from this process, publishes of other nodes through Redis, and deliveries here (one per subscriber). */
    readonly published: number;
    readonly remotePublished: number;
    readonly deliveries: number;
    /** Of those deliveries, the ones to views (handleInfo) and to `server.subscribe` handlers. */
    readonly delivered: number;
    readonly hostMessages: number;
    /** From the core: topics with a subscriber, (subscriber, topic) pairs. */
    readonly topics: number | null;
    readonly subscriptions: number | null;
  };
  readonly redis: {
    /** Whether this server is one node of several (the pubsub.redis option). */
    readonly enabled: boolean;
    readonly connected: boolean;
    readonly reconnects: number;
    readonly droppedPublishes: number;
  };
  /** Refusals by cause: the core's (rates, caps, origins) and this layer's (tokens, events). */
  readonly refusals: Readonly<Record<string, number>>;
  readonly process: ProcessStats;
}

/** What a snapshot is taken from. */
export interface SnapshotSources {
  readonly metrics: Metrics;
  readonly core: CoreStats | null;
  readonly routes: readonly string[];
  readonly redisEnabled: boolean;
  readonly process: ProcessStats;
}

function totals(series: readonly HistogramSeries[]): Totals {
  let count = 0;
  let sum = 0;
  for (const s of series) {
    count += s.count;
    sum += s.sum;
  }
  return { count, sum };
}

export function takeSnapshot(sources: SnapshotSources): MetricsSnapshot {
  const { metrics, core } = sources;
  const views: Record<string, number> = {};
  for (const route of sources.routes) views[route] = (views[route] ?? 0) + 1;
  const latency = new Map(metrics.eventSeconds.series().map((s) => [`${s.labels.view}\0${s.labels.event}`, s.sum]));
  const eventsByView = metrics.events.series().map(({ labels, value }) => ({
    view: labels.view,
    event: labels.event,
    count: value,
    seconds: latency.get(`${labels.view}\0${labels.event}`) ?? 0,
  }));
  const refusals: Record<string, number> = {};
  for (const [cause, n] of Object.entries(core?.refusals ?? {})) refusals[cause] = n;
  for (const { labels, value } of metrics.refusals.series()) refusals[labels.cause] = (refusals[labels.cause] ?? 0) + value;
  return {
    at: Date.now(),
    connections: core?.connections ?? null,
    websockets: core?.websockets ?? null,
    views,
    joins: metrics.joins.total(),
    events: metrics.events.total(),
    eventsByView,
    eventSeconds: totals(metrics.eventSeconds.series()),
    renderSeconds: totals(metrics.renderSeconds.series()),
    renderBytes: totals(metrics.renderBytes.series()),
    diff: { count: core?.diffs ?? 0, seconds: (core?.diffNs ?? 0) / 1e9, patchBytes: core?.patchBytes ?? 0 },
    pubsub: {
      published: core?.publishes ?? 0,
      remotePublished: core?.remotePublishes ?? 0,
      deliveries: core?.deliveries ?? 0,
      delivered: metrics.delivered,
      hostMessages: metrics.hostMessages,
      topics: core?.topics ?? null,
      subscriptions: core?.subscriptions ?? null,
    },
    redis: {
      enabled: sources.redisEnabled,
      connected: core !== null && core.redisConnected === 1,
      reconnects: core?.redisReconnects ?? 0,
      droppedPublishes: core?.redisDroppedPublishes ?? 0,
    },
    refusals,
    process: sources.process,
  };
}

const gauge = (name: string, help: string, value: number | null): Family[] =>
  value === null ? [] : [{ name, help, type: "gauge", samples: [{ labels: {}, value }] }];

const counter = (name: string, help: string, value: number): Family => ({ name, help, type: "counter", samples: [{ labels: {}, value }] });

/** The snapshot and the histograms behind it as Prometheus families, every name prefixed livets_. */
export function families(snapshot: MetricsSnapshot, metrics: Metrics): Family[] {
  const { pubsub, redis, process: proc } = snapshot;
  return [
    ...gauge("livets_connections", "Open TCP connections, WebSockets included.", snapshot.connections),
    ...gauge("livets_websockets", "Open WebSocket connections (browser tabs with live views).", snapshot.websockets),
    {
      name: "livets_views",
      help: "Live views on this process, by route.",
      type: "gauge",
      samples: Object.entries(snapshot.views).map(([route, value]) => ({ labels: { route }, value })),
    },
    { name: "livets_joins_total", help: "Joins answered, by view and outcome.", type: "counter", samples: metrics.joins.series() },
    { name: "livets_join_duration_seconds", help: "From a join's arrival to its first render handed to the core.", type: "histogram", bounds: metrics.joinSeconds.bounds, series: metrics.joinSeconds.series() },
    { name: "livets_events_total", help: "Browser events handled, by view and event.", type: "counter", samples: metrics.events.series() },
    { name: "livets_event_duration_seconds", help: "From an event's arrival (queueing included) to its answer, by view and event.", type: "histogram", bounds: metrics.eventSeconds.bounds, series: metrics.eventSeconds.series() },
    { name: "livets_render_duration_seconds", help: "Render passes of a view's tree, hand-offs to the core included.", type: "histogram", bounds: metrics.renderSeconds.bounds, series: metrics.renderSeconds.series() },
    { name: "livets_diff_handoff_duration_seconds", help: "Handing one node's HTML to the core, which diffs it on its loop thread.", type: "histogram", bounds: metrics.handOffSeconds.bounds, series: metrics.handOffSeconds.series() },
    { name: "livets_render_bytes", help: "HTML of one node handed to the core's differ, in bytes.", type: "histogram", bounds: metrics.renderBytes.bounds, series: metrics.renderBytes.series() },
    counter("livets_diffs_total", "Component updates the core diffed.", snapshot.diff.count),
    counter("livets_diff_seconds_total", "Time the core spent on those diffs (parse, diff, encode) on its loop thread.", snapshot.diff.seconds),
    counter("livets_patch_bytes_total", "Bytes of the patch operations those diffs produced.", snapshot.diff.patchBytes),
    counter("livets_pubsub_published_total", "Publishes from this process (server and view broadcasts).", pubsub.published),
    counter("livets_pubsub_remote_published_total", "Publishes of other nodes received through Redis.", pubsub.remotePublished),
    counter("livets_pubsub_deliveries_total", "Publishes handed to a subscriber here (a view, a raw connection, a server handler).", pubsub.deliveries),
    counter("livets_pubsub_delivered_total", "Publishes delivered to views on this process (handleInfo), from any node.", pubsub.delivered),
    counter("livets_pubsub_host_messages_total", "Publishes delivered to server.subscribe handlers on this process.", pubsub.hostMessages),
    ...gauge("livets_pubsub_topics", "Topics with at least one subscriber.", pubsub.topics),
    ...gauge("livets_pubsub_subscriptions", "(subscriber, topic) pairs.", pubsub.subscriptions),
    ...gauge("livets_redis_enabled", "1 when this server is one node of several through Redis.", redis.enabled ? 1 : 0),
    ...gauge("livets_redis_connected", "1 while linked to Redis (publishing and subscribed).", redis.connected ? 1 : 0),
    counter("livets_redis_reconnects_total", "Times the Redis link came back after being lost.", redis.reconnects),
    counter("livets_redis_dropped_publishes_total", "Publishes not sent to Redis because the link was down.", redis.droppedPublishes),
    {
      name: "livets_refusals_total",
      help: "Refusals by cause: the core's limits and this layer's checks.",
      type: "counter",
      samples: Object.entries(snapshot.refusals).map(([cause, value]) => ({ labels: { cause }, value })),
    },
    ...gauge("livets_process_resident_memory_bytes", "Resident memory of this process.", proc.residentBytes),
    ...gauge("livets_process_heap_used_bytes", "V8 heap in use.", proc.heapUsedBytes),
    ...gauge("livets_process_heap_total_bytes", "V8 heap allocated.", proc.heapTotalBytes),
    ...gauge("livets_process_external_bytes", "Memory of C++ objects bound to JavaScript (Buffers).", proc.externalBytes),
    {
      name: "livets_event_loop_lag_seconds",
      help: "How late the event loop ran over the last second.",
      type: "gauge",
      samples: [
        { labels: { stat: "mean" }, value: proc.eventLoopLagSeconds.mean },
        { labels: { stat: "p99" }, value: proc.eventLoopLagSeconds.p99 },
        { labels: { stat: "max" }, value: proc.eventLoopLagSeconds.max },
      ],
    },
  ];
}
