// Streamed requests from the core to an application's handler: each head
// becomes an http.IncomingMessage and http.ServerResponse pair (Express
// takes them as they are), body records feed the request with
// backpressure, and the answer goes back through the core.

import type * as http from "http";

import type { HttpBodyRecord, HttpHeadRecord, HttpRecord } from "../native";
import { createIncomingMessage } from "./incoming-message";
import { RequestSocket } from "./request-socket";
import { createServerResponse, type ResponseControl } from "./server-response";

/**
 * `(req, res) => void`, as for http.createServer; an Express app is one.
 * With root assets, a third argument `next` takes what the handler
 * leaves: `next()` (an Express app calls it when no route matched) serves
 * a file at "/" or 404, `next(error)` logs the error and answers 500.
 */
export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse, next?: (error?: unknown) => void) => unknown;

/** Answers a request the handler left with next(). */
export type LeftRequests = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The core calls a request needs (native.ts, bound to one server). */
export interface RequestPort {
  consume(id: number, bytes: number): void;
  start(id: number, status: number, reason: string, headers: string): void;
  write(id: number, bytes: Buffer): boolean;
  end(id: number, bytes: Buffer | null): void;
  /** start and end at once: the whole answer in one core call. */
  send(id: number, status: number, reason: string, headers: string, bytes: Buffer | null): void;
  abort(id: number): void;
  /** The core serves TLS: every request came encrypted (req.secure, Secure cookies). */
  readonly encrypted?: boolean;
}

export interface BridgeLogger {
  error(...args: unknown[]): void;
}

interface Exchange {
  readonly req: http.IncomingMessage;
  readonly control: ResponseControl;
  readonly socket: RequestSocket;
  /** Body bytes pushed into `req` and not yet acknowledged to the core. */
  unacknowledged: number;
  /** The reader asked for more since the last acknowledgement. */
  wantsMore: boolean;
  /** The body is all delivered: the core reads no more of it, so nothing needs acknowledging. */
  ended: boolean;
}

function isGone(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "LTS_ENOTFOUND";
}

export class RequestBridge {
  private readonly exchanges = new Map<number, Exchange>();

  constructor(
    private readonly port: RequestPort,
    private readonly handler: RequestHandler,
    private readonly logger: BridgeLogger,
    private readonly left?: LeftRequests,
  ) {}

  /** Requests under way (for tests and diagnostics). */
  get size(): number {
    return this.exchanges.size;
  }

  /** Takes an http-* record; the head of a request it does not know starts one. */
  onRecord(record: HttpRecord): void {
    switch (record.type) {
      case "http-head":
        this.start(record);
        break;
      case "http-body":
        this.body(record);
        break;
      case "http-end": {
        const exchange = this.exchanges.get(record.id);
        if (exchange !== undefined) this.ended(exchange);
        break;
      }
      case "http-drain":
        this.exchanges.get(record.id)?.control.drained();
        break;
      case "http-done":
        this.done(record.id, record.aborted);
        break;
    }
  }

  private start(head: HttpHeadRecord): void {
    const { id } = head;
    const abort = (): void => this.quietly(() => this.port.abort(id));
    const socket = new RequestSocket(head.address, abort, this.port.encrypted === true);
    const exchange: Exchange = {
      req: undefined as never,
      control: undefined as never,
      socket,
      unacknowledged: 0,
      wantsMore: false,
      ended: false,
    };
    const req = createIncomingMessage(head, socket, {
      resume: () => {
        exchange.wantsMore = true;
        this.acknowledge(id, exchange);
      },
      abort,
    });
    const control = createServerResponse(req, socket, {
      start: (status, reason, headers) => this.port.start(id, status, reason, headers),
      write: (bytes) => this.port.write(id, bytes),
      end: (bytes) => this.port.end(id, bytes),
      send: (status, reason, headers, bytes) => this.port.send(id, status, reason, headers, bytes),
      abort,
    });
    Object.assign(exchange, { req, control });
    this.exchanges.set(id, exchange);
    // The body (or its first piece) and its end may have come with the
    // head: a request read whole costs no acknowledgement.
    if (head.ended === true || head.bodyLength === 0) exchange.ended = true;
    if (head.body !== undefined) this.push(id, exchange, head.body);
    if (exchange.ended) {
      req.complete = true;
      req.push(null);
    }
    try {
      const result = this.left === undefined ? this.handler(req, control.res) : this.handler(req, control.res, this.next(head, control));
      if (result instanceof Promise) result.catch((error: unknown) => this.failed(head, control, error));
    } catch (error) {
      this.failed(head, control, error);
    }
  }

  private body(record: HttpBodyRecord): void {
    const exchange = this.exchanges.get(record.id);
    if (exchange !== undefined) this.push(record.id, exchange, record.data);
  }

  private push(id: number, exchange: Exchange, data: Buffer): void {
    exchange.unacknowledged += data.length;
    // push() false: the reader's buffer is full; the bytes are acknowledged
    // when it asks for more (_read), and the core stops reading meanwhile.
    exchange.wantsMore = exchange.req.push(data);
    this.acknowledge(id, exchange);
  }

  private ended(exchange: Exchange): void {
    exchange.ended = true;
    exchange.req.complete = true;
    exchange.req.push(null);
  }

  private acknowledge(id: number, exchange: Exchange): void {
    if (exchange.ended || !exchange.wantsMore || exchange.unacknowledged === 0) return;
    const bytes = exchange.unacknowledged;
    exchange.unacknowledged = 0;
    this.quietly(() => this.port.consume(id, bytes));
  }

  private done(id: number, aborted: boolean): void {
    const exchange = this.exchanges.get(id);
    if (exchange === undefined) return;
    this.exchanges.delete(id);
    const { req, control, socket } = exchange;
    control.done(aborted);
    if (!req.complete && !req.destroyed) {
      if (aborted) {
        (req as { aborted: boolean }).aborted = true;
        req.emit("aborted");
      }
      const error = Object.assign(new Error("aborted"), { code: "ECONNRESET" });
      req.destroy(aborted ? error : undefined);
    }
    socket.closed(aborted);
  }

  /** The `next` of one request: the first call counts, and only while nothing was sent. */
  private next(head: HttpHeadRecord, control: ResponseControl): (error?: unknown) => void {
    let called = false;
    return (error) => {
      if (called) return;
      called = true;
      if (error !== undefined && error !== null) return this.failed(head, control, error);
      if (control.res.headersSent || control.res.writableEnded) return;
      try {
        this.left?.(control.res.req, control.res);
      } catch (err) {
        this.failed(head, control, err);
      }
    };
  }

  /** A handler that threw: 500 if nothing was sent yet, else the connection is cut. */
  private failed(head: HttpHeadRecord, control: ResponseControl, error: unknown): void {
    this.logger.error(`[livets] handler for ${head.method} ${head.target.slice(0, 200)} threw:`, error);
    const { res } = control;
    try {
      if (res.headersSent) {
        if (!res.writableEnded) res.destroy();
        return;
      }
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      res.statusCode = 500;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end("500 Internal Server Error\n");
    } catch (second) {
      this.logger.error("[livets] could not answer 500:", second);
    }
  }

  /** Runs a core call whose request may have ended meanwhile. */
  private quietly(action: () => void): void {
    try {
      action();
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }
}
