// The production CorePort: each call goes to the native binding with the
// server handle it belongs to.

import type { CorePort } from "./core-port";
import type { NativeBinding, ServerHandle } from "./native";
import type { Splice } from "./template-track";

/** The core calls of one running native server. */
export class NativeCorePort implements CorePort {
  constructor(
    private readonly native: NativeBinding,
    private readonly handle: ServerHandle,
  ) {}

  register(conn: number, id: string, ref: number, html: string): void {
    this.native.register(this.handle, conn, id, ref, html);
  }

  update(conn: number, id: string, ref: number, html: string): void {
    this.native.update(this.handle, conn, id, ref, html);
  }

  updateSplices(conn: number, id: string, ref: number, baseBytes: number, splices: readonly Splice[]): void {
    // Flat, so the shim reads one array: offset, removed, text, offset, ...
    const flat: (number | string)[] = [];
    for (const s of splices) flat.push(s.offset, s.removed, s.text);
    this.native.updateSplices(this.handle, conn, id, ref, baseBytes, flat);
  }

  unregister(conn: number, id: string): void {
    this.native.unregister(this.handle, conn, id);
  }

  replyError(conn: number, id: string, ref: number, reason: string): void {
    this.native.replyError(this.handle, conn, id, ref, reason);
  }

  subscribe(conn: number, id: string, topic: string): void {
    this.native.subscribe(this.handle, conn, id, topic);
  }

  unsubscribe(conn: number, id: string, topic: string): void {
    this.native.unsubscribe(this.handle, conn, id, topic);
  }

  publish(topic: string, data: string): void {
    this.native.publish(this.handle, topic, data);
  }

  presenceTrack(conn: number, topic: string, key: string, metaJson: string): void {
    this.native.presenceTrack(this.handle, conn, topic, key, metaJson);
  }

  presenceUntrack(conn: number, topic: string, key: string): void {
    this.native.presenceUntrack(this.handle, conn, topic, key);
  }

  presenceList(topic: string): string {
    return this.native.presenceList(this.handle, topic);
  }

  send(conn: number, text: string): void {
    this.native.send(this.handle, conn, text);
  }

  uploadAllow(conn: number, id: string, entry: string, size: number, chunkBytes: number): void {
    this.native.uploadAllow(this.handle, conn, id, entry, size, chunkBytes);
  }

  uploadCancel(conn: number, entry: string): void {
    this.native.uploadCancel(this.handle, conn, entry);
  }
}
