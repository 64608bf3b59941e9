import { randomBytes } from "node:crypto";

import { REDIS_LINK_TOPIC, isRedisLink, type LiveTSServer } from "livets";

/** A Lamport time and the node that made it: later stamps win. */
export type Stamp = readonly [number, string];

/** What a replica holds: records with an id, a time to sort by, and a stamp. */
export interface Entry {
  readonly id: string;
  /** Milliseconds since the epoch; the list is in this order. */
  readonly at: number;
  readonly stamp: Stamp;
  /** A deletion is kept, so an older copy from a slow node cannot bring the record back. */
  readonly deleted?: boolean;
}

type Message<R> =
  | { readonly kind: "put"; readonly entry: R }
  /** From a node that (re)joined: here is what I hold, send me what you hold. */
  | { readonly kind: "hello"; readonly from: string; readonly entries: readonly R[] }
  | { readonly kind: "snapshot"; readonly entries: readonly R[] };

function newer(a: Stamp, b: Stamp): boolean {
  return a[0] !== b[0] ? a[0] > b[0] : a[1] > b[1];
}

/**
 * A list that every process behind the same Redis keeps a copy of. Changes
 * travel as LiveTS broadcasts on one topic; each record keeps its newest
 * version (last writer wins by stamp), so copies that saw the same changes
 * in any order agree. A process that starts late, or whose Redis link came
 * back, says hello with everything it holds, and the others answer with
 * everything they hold. Both directions matter: after an outage each side
 * may hold changes the other missed, and only the node that links last is
 * sure to be heard, so its hello carries its changes and the answers carry
 * everyone else's.
 */
export class Replica<R extends Entry> {
  readonly node = randomBytes(6).toString("hex");
  private clock = 0;
  private readonly entries = new Map<string, R>();
  /** Whether the Redis link is up: null until the core first says (and always with no Redis). */
  private link: boolean | null = null;

  constructor(
    private readonly server: LiveTSServer,
    readonly topic: string,
    private readonly isEntry: (value: unknown) => value is R,
    /** Live records kept; the oldest go first. */
    private readonly keep = Number.POSITIVE_INFINITY,
  ) {
    server.subscribe(topic, (data) => this.hear(data));
    server.subscribe(REDIS_LINK_TOPIC, (link) => {
      if (!isRedisLink(link)) return;
      this.link = link.connected;
      if (link.connected) this.hello();
    });
  }

  /** Exchanges state with the other nodes now; again each time the Redis link comes up. Call after listen(). */
  start(): void {
    this.hello();
  }

  /** False while the other nodes are out of reach: changes stay on this node until the link returns. */
  get linked(): boolean | null {
    return this.link;
  }

  /** The live records, oldest first. */
  list(): R[] {
    return [...this.entries.values()].filter((e) => e.deleted !== true).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  }

  get(id: string): R | undefined {
    const entry = this.entries.get(id);
    return entry?.deleted === true ? undefined : entry;
  }

  /** A fresh id, unique across nodes. */
  newId(): string {
    return `${Date.now().toString(36)}-${this.node}-${(++this.clock).toString(36)}`;
  }

  /** Stores a new version of a record here and on every node. */
  put(fields: Omit<R, "stamp">): void {
    const entry = { ...fields, stamp: [++this.clock, this.node] } as unknown as R;
    this.merge(entry);
    this.send({ kind: "put", entry });
  }

  /**
   * Takes in a message heard on the topic; true if the list changed. Views
   * call it from handleInfo too, so they never render before their own
   * process has seen the change. Anything malformed is ignored.
   */
  apply(data: unknown): boolean {
    const message = data as Partial<Message<R>> | null;
    if (message?.kind === "put") return this.isEntry(message.entry) && this.merge(message.entry);
    if ((message?.kind === "snapshot" || message?.kind === "hello") && Array.isArray(message.entries)) {
      let changed = false;
      for (const entry of message.entries) if (this.isEntry(entry) && this.merge(entry)) changed = true;
      return changed;
    }
    return false;
  }

  private hear(data: unknown): void {
    const message = data as Partial<Message<R>> | null;
    this.apply(data);
    if (message?.kind === "hello" && message.from !== this.node && this.entries.size > 0) {
      this.send({ kind: "snapshot", entries: [...this.entries.values()] });
    }
  }

  private hello(): void {
    this.send({ kind: "hello", from: this.node, entries: [...this.entries.values()] });
  }

  private send(message: Message<R>): void {
    if (this.server.port !== null) this.server.broadcast(this.topic, message);
  }

  private merge(entry: R): boolean {
    this.clock = Math.max(this.clock, entry.stamp[0]);
    const old = this.entries.get(entry.id);
    if (old !== undefined && !newer(entry.stamp, old.stamp)) return false;
    this.entries.set(entry.id, entry);
    this.trim();
    return true;
  }

  private trim(): void {
    if (this.entries.size <= this.keep) return;
    const oldest = [...this.entries.values()].sort((a, b) => a.at - b.at);
    for (const entry of oldest.slice(0, this.entries.size - this.keep)) this.entries.delete(entry.id);
  }
}

function isStamp(value: unknown): value is Stamp {
  return Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === "string";
}

/** Whether a record from the wire has the fields every entry needs; the caller checks its own. */
export function isEntry(value: unknown): value is Entry {
  const v = value as Partial<Entry> | null;
  return (
    typeof v?.id === "string" &&
    v.id.length <= 100 &&
    typeof v.at === "number" &&
    isStamp(v.stamp) &&
    (v.deleted === undefined || typeof v.deleted === "boolean")
  );
}
