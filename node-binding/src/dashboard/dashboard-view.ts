// The live dashboard: a LiveView of LiveTS's own, refreshed once a
// second by a timer, showing the server's metrics as numbers and inline
// SVG charts, the live views with the size of their state, pub/sub
// topics and presence, the Redis link, memory and event loop lag.

import { html, type Html } from "../html";
import { LiveView, type LiveViewClass, type Session } from "../live-view";
import type { MetricsSnapshot } from "../metrics/snapshot";
import { lineChart } from "./charts";

/** One live view as the dashboard lists it. */
export interface DashboardViewRow {
  readonly route: string;
  readonly view: string;
  readonly conn: number;
  /** JSON size of its `state`; null when it cannot be serialised. */
  readonly stateBytes: number | null;
}

/** One topic: how many views here subscribe, and who is present on it (every node). */
export interface DashboardTopicRow {
  readonly topic: string;
  readonly subscribers: number;
  /** Presence keys, or null when nobody here tracks presence on it. */
  readonly present: number | null;
}

/** What the dashboard reads from its server. */
export interface DashboardSource {
  snapshot(): MetricsSnapshot;
  views(limit: number): { readonly rows: readonly DashboardViewRow[]; readonly total: number };
  topics(limit: number): { readonly rows: readonly DashboardTopicRow[]; readonly total: number };
}

/** Seconds of history each chart shows. */
export const DASHBOARD_HISTORY = 60;
/** How often the dashboard refreshes, in ms. */
export const DASHBOARD_INTERVAL_MS = 1000;
/** Rows of the views and topics tables; the rest are counted. */
const MAX_ROWS = 50;

interface Point {
  readonly at: number;
  readonly connections: number;
  readonly eventsPerSecond: number;
  readonly renderMs: number;
  readonly diffMs: number;
  readonly patchBytesPerSecond: number;
  readonly residentMiB: number;
  readonly lagMs: number;
}

interface State {
  snapshot: MetricsSnapshot;
  history: Point[];
  views: { readonly rows: readonly DashboardViewRow[]; readonly total: number };
  topics: { readonly rows: readonly DashboardTopicRow[]; readonly total: number };
}

/** The next history point: rates from the change since the last snapshot. */
function nextPoint(previous: MetricsSnapshot | null, now: MetricsSnapshot): Point {
  const seconds = previous === null ? 0 : (now.at - previous.at) / 1000;
  const events = previous === null ? 0 : now.events - previous.events;
  const renders = previous === null ? 0 : now.renderSeconds.count - previous.renderSeconds.count;
  const renderSeconds = previous === null ? 0 : now.renderSeconds.sum - previous.renderSeconds.sum;
  const diffs = previous === null ? 0 : now.diff.count - previous.diff.count;
  const diffSeconds = previous === null ? 0 : now.diff.seconds - previous.diff.seconds;
  const patchBytes = previous === null ? 0 : now.diff.patchBytes - previous.diff.patchBytes;
  return {
    at: now.at,
    connections: now.websockets ?? 0,
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    renderMs: renders > 0 ? (renderSeconds / renders) * 1000 : 0,
    diffMs: diffs > 0 ? (diffSeconds / diffs) * 1000 : 0,
    patchBytesPerSecond: seconds > 0 ? patchBytes / seconds : 0,
    residentMiB: now.process.residentBytes / 1048576,
    lagMs: now.process.eventLoopLagSeconds.p99 * 1000,
  };
}

function fixed(n: number, digits = 1): string {
  return n.toFixed(digits);
}

function bytes(n: number | null): string {
  if (n === null) return "?";
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${fixed(n / 1024)} KiB`;
  return `${fixed(n / 1048576)} MiB`;
}

/** The dashboard's view class, reading `source`. */
export function dashboardView(source: DashboardSource): LiveViewClass {
  class LiveTSDashboard extends LiveView<State> {
    state: State = { snapshot: source.snapshot(), history: [], views: { rows: [], total: 0 }, topics: { rows: [], total: 0 } };

    override mount(_params: unknown, session: Session): void {
      this.refresh();
      if (session.connected) this.every(DASHBOARD_INTERVAL_MS, () => this.refresh());
    }

    override pageTitle(): string {
      return "LiveTS dashboard";
    }

    private refresh(): void {
      const previous = this.state.history.length > 0 ? this.state.snapshot : null;
      const snapshot = source.snapshot();
      const history = [...this.state.history, nextPoint(previous, snapshot)].slice(-DASHBOARD_HISTORY);
      this.setState({ snapshot, history, views: source.views(MAX_ROWS), topics: source.topics(MAX_ROWS) });
    }

    override render(): Html {
      const { snapshot: s, history, views, topics } = this.state;
      const last = history[history.length - 1];
      const series = (pick: (p: Point) => number): number[] => history.map(pick);
      const refused = Object.entries(s.refusals).filter(([, n]) => n > 0);
      return html`<main id="livets-dashboard">
  <h1>LiveTS dashboard</h1>
  <p>Connections: <strong id="connections">${s.websockets ?? 0}</strong>
    · TCP <span id="tcp-connections">${s.connections ?? 0}</span>
    · views <span id="view-count">${views.total}</span>
    · events <span id="events-total">${s.events}</span>
    · joins <span id="joins-total">${s.joins}</span></p>
  <section id="charts">
    ${lineChart("connections", "Live connections", series((p) => p.connections), DASHBOARD_HISTORY, String(last?.connections ?? 0))}
    ${lineChart("events", "Events per second", series((p) => p.eventsPerSecond), DASHBOARD_HISTORY, fixed(last?.eventsPerSecond ?? 0))}
    ${lineChart("render", "Mean render time (ms)", series((p) => p.renderMs), DASHBOARD_HISTORY, fixed(last?.renderMs ?? 0, 2))}
    ${lineChart("diff", "Mean diff time in the core (ms)", series((p) => p.diffMs), DASHBOARD_HISTORY, fixed(last?.diffMs ?? 0, 3))}
    ${lineChart("patch-bytes", "Patch bytes per second", series((p) => p.patchBytesPerSecond), DASHBOARD_HISTORY, fixed(last?.patchBytesPerSecond ?? 0, 0))}
    ${lineChart("memory", "Resident memory (MiB)", series((p) => p.residentMiB), DASHBOARD_HISTORY, fixed(last?.residentMiB ?? 0))}
    ${lineChart("lag", "Event loop lag, p99 (ms)", series((p) => p.lagMs), DASHBOARD_HISTORY, fixed(last?.lagMs ?? 0, 2))}
  </section>
  <h2>Process</h2>
  <p id="process">Resident <span id="memory">${bytes(s.process.residentBytes)}</span>
    · heap ${bytes(s.process.heapUsedBytes)} of ${bytes(s.process.heapTotalBytes)}
    · event loop lag p99 <span id="event-loop-lag">${fixed(s.process.eventLoopLagSeconds.p99 * 1000, 2)} ms</span></p>
  <h2>Redis</h2>
  <p id="redis">${s.redis.enabled ? (s.redis.connected ? "connected" : "down") : "not used (single process)"}${
    s.redis.enabled ? ` · reconnects ${s.redis.reconnects} · dropped publishes ${s.redis.droppedPublishes}` : ""}</p>
  <h2>Pub/sub</h2>
  <p id="pubsub">published ${s.pubsub.published} · from other nodes ${s.pubsub.remotePublished}
    · deliveries ${s.pubsub.deliveries} (to views ${s.pubsub.delivered}, to server handlers ${s.pubsub.hostMessages})
    · topics ${s.pubsub.topics ?? 0} · subscriptions ${s.pubsub.subscriptions ?? 0}</p>
  <table id="topics"><thead><tr><th>Topic</th><th>Views here</th><th>Present (all nodes)</th></tr></thead><tbody>
    ${topics.rows.map((t) => html`<tr><td>${t.topic}</td><td>${t.subscribers}</td><td>${t.present ?? ""}</td></tr>`)}
  </tbody></table>
  ${topics.total > topics.rows.length ? html`<p>and ${topics.total - topics.rows.length} more topics</p>` : ""}
  <h2>Live views</h2>
  <table id="views"><thead><tr><th>Route</th><th>View</th><th>Connection</th><th>State</th></tr></thead><tbody>
    ${views.rows.map((v) => html`<tr><td>${v.route}</td><td>${v.view}</td><td>${v.conn}</td><td>${bytes(v.stateBytes)}</td></tr>`)}
  </tbody></table>
  ${views.total > views.rows.length ? html`<p>and ${views.total - views.rows.length} more views</p>` : ""}
  <h2>Refusals</h2>
  ${refused.length === 0 ? html`<p id="refusals">none</p>` : html`<table id="refusals"><tbody>
    ${refused.map(([cause, n]) => html`<tr><td>${cause}</td><td>${n}</td></tr>`)}
  </tbody></table>`}
</main>`;
    }
  }
  return LiveTSDashboard as unknown as LiveViewClass;
}
