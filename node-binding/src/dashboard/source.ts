// What the dashboard reads, gathered from a running server's views: one
// pass over the instances, with the costly parts (a state's JSON size, a
// presence list) only for the rows it shows.

import type { LiveInstance } from "../live-instance";
import type { Presences } from "../presence";
import type { MetricsSnapshot } from "../metrics/snapshot";
import type { DashboardSource, DashboardTopicRow, DashboardViewRow } from "./dashboard-view";

/** What the server gives the dashboard; `instances` and `presence` are empty while it is not running. */
export interface DashboardServer {
  snapshot(): MetricsSnapshot;
  instances(): readonly LiveInstance[];
  presence(topic: string): Presences;
}

function stateBytes(state: unknown): number | null {
  try {
    const text = JSON.stringify(state);
    return text === undefined ? 0 : Buffer.byteLength(text);
  } catch {
    return null; // a cycle or a BigInt: not serialisable, so not measured
  }
}

export function dashboardSource(server: DashboardServer): DashboardSource {
  return {
    snapshot: () => server.snapshot(),
    views(limit) {
      const live = server.instances().filter((instance) => instance.liveView !== null);
      const rows: DashboardViewRow[] = live.slice(0, limit).map((instance) => ({
        route: instance.route,
        view: instance.View.name || "LiveView",
        conn: instance.conn,
        stateBytes: stateBytes((instance.liveView as { state?: unknown } | null)?.state),
      }));
      return { rows, total: live.length };
    },
    topics(limit) {
      const subscribers = new Map<string, number>();
      const presence = new Set<string>();
      for (const instance of server.instances()) {
        if (instance.liveView === null) continue;
        const { subscribed, presence: tracked } = instance.topics();
        for (const topic of subscribed) subscribers.set(topic, (subscribers.get(topic) ?? 0) + 1);
        for (const topic of tracked) presence.add(topic);
      }
      const all = [...new Set([...subscribers.keys(), ...presence])].sort();
      const rows: DashboardTopicRow[] = all.slice(0, limit).map((topic) => ({
        topic,
        subscribers: subscribers.get(topic) ?? 0,
        present: presence.has(topic) ? Object.keys(server.presence(topic)).length : null,
      }));
      return { rows, total: all.length };
    },
  };
}
