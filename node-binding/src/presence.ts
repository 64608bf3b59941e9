// Presence, as Phoenix.Presence has it: who is on a topic, by key, with
// one meta per connection that tracks the key (two tabs of one user are one
// key with two metas). The core keeps the entries, shares them between
// nodes and removes them when a connection closes or a node dies; changes
// reach the topic's subscribers as a `presence_diff` info.

import { ownTopic } from "./core-topics";
import type { JsonValue } from "./json";

/** Who is on a topic: key → one meta per connection tracking it. */
export type Presences = Readonly<Record<string, readonly JsonValue[]>>;

/** What `handleInfo` receives on a topic when presences join or leave. */
export interface PresenceDiff {
  readonly presence_diff: {
    readonly joins: Presences;
    readonly leaves: Presences;
  };
}

/** Whether an info is a presence change rather than a broadcast. */
export function isPresenceDiff(data: unknown): data is PresenceDiff {
  if (typeof data !== "object" || data === null) return false;
  const diff = (data as { presence_diff?: unknown }).presence_diff;
  return typeof diff === "object" && diff !== null && "joins" in diff && "leaves" in diff;
}

/** `presences` with `diff` applied: leaves drop their metas, joins add theirs. */
export function applyPresenceDiff(presences: Presences, diff: PresenceDiff): Presences {
  const out: Record<string, JsonValue[]> = {};
  for (const [key, metas] of Object.entries(presences)) out[key] = [...metas];
  const { joins, leaves } = diff.presence_diff;
  for (const [key, metas] of Object.entries(leaves)) {
    const left = new Set(metas.map((m) => JSON.stringify(m)));
    const kept = (out[key] ?? []).filter((m) => !left.delete(JSON.stringify(m)));
    if (kept.length === 0) delete out[key];
    else out[key] = kept;
  }
  for (const [key, metas] of Object.entries(joins)) out[key] = [...(out[key] ?? []), ...metas];
  return out;
}

/** Parses the core's presence list, refusing anything that is not key → array. */
export function parsePresences(text: string): Presences {
  const value = JSON.parse(text) as unknown;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("presence list is not an object");
  for (const metas of Object.values(value as object)) {
    if (!Array.isArray(metas)) throw new Error("presence list holds a non-array");
  }
  return value as Presences;
}

/** Checks a key and serialises a meta for the core, with a clear error for bad input. */
export function presenceArgs(topic: string, key: string, meta: unknown): { topic: string; key: string; meta: string } {
  ownTopic(topic, "presence");
  if (typeof key !== "string" || key === "") throw new TypeError("a presence key must be a non-empty string");
  const text = JSON.stringify(meta ?? {});
  if (text === undefined) throw new TypeError("presence meta must be JSON-serialisable");
  return { topic, key, meta: text };
}
