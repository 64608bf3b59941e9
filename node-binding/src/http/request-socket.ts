// What `req.socket` and `res.socket` are for a request the core streams:
// the core owns the real socket, so this stands in for it with what
// Express and its helpers read (remoteAddress, encrypted, readable,
// writable, 'close'), and destroy() ends the request in the core.

import { EventEmitter } from "events";

export class RequestSocket extends EventEmitter {
  readonly remoteAddress: string | undefined;
  readonly remoteFamily: string | undefined;
  readonly remotePort: number | undefined = undefined;
  /** Whether the core's TLS carried the request (Express reads it for req.protocol and req.secure). */
  readonly encrypted: boolean;
  readable = true;
  writable = true;
  destroyed = false;
  readonly readableHighWaterMark = 16 * 1024;
  readonly writableLength = 0;
  readonly bytesWritten = 0;
  private readonly abort: () => void;

  constructor(address: string, abort: () => void, encrypted = false) {
    super();
    this.encrypted = encrypted;
    this.remoteAddress = address === "" ? undefined : address;
    this.remoteFamily = address === "" ? undefined : address.includes(":") ? "IPv6" : "IPv4";
    this.abort = abort;
  }

  /** Ends the request: its connection closes and the client sees the answer cut off. */
  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.abort();
    if (error !== undefined && this.listenerCount("error") > 0) this.emit("error", error);
    return this;
  }

  /** The request is over: what on-finished and friends wait for. */
  closed(aborted: boolean): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.readable = false;
    this.writable = false;
    this.emit("close", aborted);
  }

  // Timeouts are the core's (header, body and idle timeouts); the rest has
  // nothing to do on a socket the core owns.
  setTimeout(_ms: number, callback?: () => void): this {
    if (callback !== undefined) this.once("timeout", callback);
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  cork(): void {}
  uncork(): void {}
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  address(): Record<string, never> {
    return {};
  }
}
