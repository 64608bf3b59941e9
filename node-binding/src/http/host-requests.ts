// With a `handler`, the core streams every request it does not answer
// itself; this splits them between the live pages (GET and HEAD on a
// registered route, rendered as before) and the application's handler
// (everything else: any method, any path).

import type { HttpRecord, NativeBinding, NativeConfig, RequestRecord, ServerHandle } from "../native";
import { TurnHold } from "../turn-hold";
import { RequestBridge, type BridgeLogger, type LeftRequests, type RequestHandler } from "./request-bridge";

/** The LiveTSServer options of this module. */
export interface HostRequestOptions {
  /**
   * Your own HTTP handler on the same port: `(req, res) => void`, with
   * Node's IncomingMessage and ServerResponse (an Express app is one).
   * It gets every request that is not a live page (GET or HEAD on a
   * registered route), a static file or the live socket. A throw (or a
   * rejected promise) is logged and answered 500; without a handler such
   * requests get 404. Handled requests count against `pageRate` and
   * `pageBurst` like pages (per client address): raise them for an API.
   */
  handler?: RequestHandler;
}

export type { RequestHandler };

/** The core options of a handler (its limits, maxBodyBytes and bodyTimeoutMs, are in core-limits.ts). */
export function hostRequestConfig(options: HostRequestOptions): Partial<NativeConfig> {
  if (options.handler !== undefined && typeof options.handler !== "function") {
    throw new TypeError("handler must be a function (req, res) => void, such as an Express app");
  }
  const config: Partial<NativeConfig> = {};
  if (options.handler !== undefined) config.streamRequests = true;
  return config;
}

export class HostRequests {
  private readonly bridge: RequestBridge;
  /** Requests answered as pages: their later records are not the handler's. */
  private readonly pages = new Set<number>();
  /** This turn's answers are held for one wake-up of the core's loop. */
  private readonly turn: TurnHold;

  constructor(
    native: NativeBinding,
    handle: ServerHandle,
    handler: RequestHandler,
    private readonly isPage: (path: string) => boolean,
    private readonly page: (request: RequestRecord) => void,
    logger: BridgeLogger,
    encrypted: boolean,
    left?: LeftRequests,
  ) {
    // Handlers answer in the same ticks as their records: released at the next microtask.
    this.turn = new TurnHold(native, handle, queueMicrotask);
    this.bridge = new RequestBridge(
      {
        consume: (id, bytes) => native.requestConsume(handle, id, bytes),
        start: (id, status, reason, headers) => native.responseStart(handle, id, status, reason, headers),
        write: (id, bytes) => native.responseWrite(handle, id, bytes),
        end: (id, bytes) => native.responseEnd(handle, id, bytes),
        send: (id, status, reason, headers, bytes) => native.responseSend(handle, id, status, reason, headers, bytes),
        abort: (id) => native.requestAbort(handle, id),
        encrypted,
      },
      handler,
      logger,
      left,
    );
  }

  onRecord(record: HttpRecord): void {
    // The answers a batch of records brings (handlers run in this turn's
    // ticks) wake the core once, in a microtask after those ticks, instead
    // of once each: on a shared core each wake-up is a thread switch.
    this.turn.hold();
    if (record.type === "http-head") {
      const { method, target } = record;
      if ((method === "GET" || method === "HEAD") && this.isPage(target.split("?")[0])) {
        this.pages.add(record.id);
        this.page({ type: "request", id: record.id, method, target, headers: record.headers, body: Buffer.alloc(0), address: record.address });
        return;
      }
    } else if (this.pages.has(record.id)) {
      // A page's body is not read: the core drops it after the answer.
      if (record.type === "http-done") this.pages.delete(record.id);
      return;
    }
    this.bridge.onRecord(record);
  }

}
