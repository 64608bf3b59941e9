// The topics a live view subscribed to and the presences it tracked. They
// are kept here from mount on and handed to the core once the view is
// live (registered), so a view that fails to join leaves nothing behind;
// they go with the view at teardown, even when the connection stays
// (live navigation).

import type { InstanceCore } from "./instance-core";
import { presenceArgs } from "./presence";

/** Subscriptions and presences of one view. */
export class ViewSubscriptions {
  private readonly topics = new Set<string>();
  /** Presences by "topic\0key". */
  private readonly tracked = new Map<string, { topic: string; key: string; meta: string }>();

  constructor(private readonly core: InstanceCore) {}

  /** `live`: the view is registered, so the core hears of it now. */
  subscribe(topic: string, live: boolean): void {
    if (this.topics.has(topic)) return;
    this.topics.add(topic);
    if (live) this.core.subscribe(topic);
  }

  unsubscribe(topic: string, live: boolean): void {
    if (!this.topics.delete(topic) || !live) return;
    this.core.unsubscribe(topic);
  }

  /** Checks and keeps a presence; throws for a bad topic, key or meta. */
  track(topic: string, key: string, meta: unknown, live: boolean): void {
    const entry = presenceArgs(topic, key, meta);
    this.tracked.set(`${topic}\0${key}`, entry);
    if (live) this.core.track(entry.topic, entry.key, entry.meta);
  }

  untrack(topic: string, key: string): void {
    if (!this.tracked.delete(`${topic}\0${key}`)) return;
    this.core.untrack(topic, key);
  }

  /** What the view subscribed to and tracks, for diagnostics. */
  list(): { readonly subscribed: readonly string[]; readonly presence: readonly string[] } {
    return { subscribed: [...this.topics], presence: [...new Set([...this.tracked.values()].map((entry) => entry.topic))] };
  }

  /** The view was registered: the core gets what it asked for while mounting. */
  goLive(): void {
    for (const topic of this.topics) this.core.subscribe(topic);
    for (const { topic, key, meta } of this.tracked.values()) this.core.track(topic, key, meta);
  }

  /** The view is gone: everything it asked for is undone. */
  dropAll(): void {
    for (const topic of this.topics) this.core.unsubscribe(topic);
    this.topics.clear();
    for (const { topic, key } of this.tracked.values()) this.core.untrack(topic, key);
    this.tracked.clear();
  }
}
