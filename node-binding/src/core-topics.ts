// Topics the core itself speaks on (include/livetscore.h, "lts:" topics).

/** Topics starting with this are the core's: anyone may subscribe, only the core publishes. */
export const RESERVED_TOPIC_PREFIX = "lts:";

/**
 * Where the core says the Redis link came up or went down, on this node
 * only: subscribe with `server.subscribe` (or a view's `subscribe`) and
 * re-sync state you keep yourself when `connected` turns true, since
 * broadcasts made during an outage reached only their own node.
 */
export const REDIS_LINK_TOPIC = "lts:redis";

/** What arrives on `REDIS_LINK_TOPIC`. */
export interface RedisLink {
  readonly connected: boolean;
  /** How many times the link has come back after being lost. */
  readonly reconnects: number;
  /** While down: why, as Redis or the socket said ("Connection refused", "WRONGPASS …"). */
  readonly error?: string;
}

/** Whether `data` (from `REDIS_LINK_TOPIC`) is a link change, for handlers that take any topic. */
export function isRedisLink(data: unknown): data is RedisLink {
  const link = data as Partial<RedisLink> | null;
  return (
    typeof link?.connected === "boolean" &&
    Number.isSafeInteger(link.reconnects) &&
    (link.error === undefined || typeof link.error === "string")
  );
}

/** `topic`, if the application may publish or track presence on it; else a TypeError. */
export function ownTopic(topic: string, use: string): string {
  if (typeof topic !== "string" || topic === "") throw new TypeError(`a ${use} topic must be a non-empty string`);
  if (topic.startsWith(RESERVED_TOPIC_PREFIX)) {
    throw new TypeError(`${JSON.stringify(topic)} is reserved for the core: topics starting with "${RESERVED_TOPIC_PREFIX}" cannot take a ${use}`);
  }
  return topic;
}
