// The core calls the live half of a server makes, bound to one running
// core. NativeCorePort is the production one; the test kit records calls
// instead, so the hub and its views run the same code either way.

import type { Splice } from "./template-track";

/** The core calls a live view needs, already bound to one server. */
export interface CorePort {
  register(conn: number, id: string, ref: number, html: string): void;
  update(conn: number, id: string, ref: number, html: string): void;
  /** The new HTML as splices against the last HTML of `id`, which is `baseBytes` long (template-track.ts). */
  updateSplices(conn: number, id: string, ref: number, baseBytes: number, splices: readonly Splice[]): void;
  unregister(conn: number, id: string): void;
  replyError(conn: number, id: string, ref: number, reason: string): void;
  subscribe(conn: number, id: string, topic: string): void;
  unsubscribe(conn: number, id: string, topic: string): void;
  publish(topic: string, data: string): void;
  presenceTrack(conn: number, topic: string, key: string, metaJson: string): void;
  presenceUntrack(conn: number, topic: string, key: string): void;
  /** JSON text: key → metas, on every node. */
  presenceList(topic: string): string;
  /** One protocol message (docs/protocol.md) as JSON text. */
  send(conn: number, text: string): void;
  /** Lets `conn` send `size` bytes for upload `entry` of view `id`. */
  uploadAllow(conn: number, id: string, entry: string, size: number, chunkBytes: number): void;
  uploadCancel(conn: number, entry: string): void;
}
