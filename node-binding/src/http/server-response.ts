// A streamed request's answer as a real http.ServerResponse. Node's own
// header methods (setHeader, getHeader, removeHeader, hasHeader,
// getHeaders, with their validation) are kept; what would write to a
// socket (writeHead, write, end, flushHeaders, destroy) is replaced by own
// properties that talk to the core, so they survive Express's prototype
// swap and any wrapper (on-headers) a middleware puts around writeHead.

import * as http from "http";

import type { RequestSocket } from "./request-socket";

/** The response's side of the bridge; each call may throw when the request is gone. */
export interface ResponseSink {
  start(status: number, reason: string, headers: string): void;
  /** False: over the high-water mark; 'drain' follows. */
  write(bytes: Buffer): boolean;
  end(bytes: Buffer | null): void;
  /** start and end at once, for a response given whole. */
  send(status: number, reason: string, headers: string, bytes: Buffer | null): void;
  abort(): void;
}

/** Node's error codes, for code that checks them. */
function codedError(code: string, message: string, Kind: ErrorConstructor = Error): Error {
  const error = new Kind(message) as Error & { code: string };
  error.code = code;
  return error;
}

type Callback = (error?: Error | null) => void;

function toBuffer(chunk: unknown, encoding: BufferEncoding | undefined): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, encoding ?? "utf8");
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw codedError("ERR_INVALID_ARG_TYPE", 'The "chunk" argument must be of type string or an instance of Buffer or Uint8Array', TypeError);
}

/** The header lines for the core, in the case the application gave. */
function headerBlock(res: http.ServerResponse): string {
  let out = "";
  // getRawHeaderNames (Node 15.13+) keeps the case the application used.
  const raw = (res as { getRawHeaderNames?: () => string[] }).getRawHeaderNames;
  const names = typeof raw === "function" ? raw.call(res) : res.getHeaderNames();
  for (const name of names) {
    const value = res.getHeader(name);
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) out += `${name}: ${String(item)}\r\n`;
  }
  return out;
}

/** What the bridge tells a response. */
export interface ResponseControl {
  readonly res: http.ServerResponse;
  drained(): void;
  /** The request is over; `aborted` when before the response ended. */
  done(aborted: boolean): void;
}

export function createServerResponse(req: http.IncomingMessage, socket: RequestSocket, sink: ResponseSink): ResponseControl {
  const res = new http.ServerResponse(req);
  (res as { socket: unknown }).socket = socket;
  let over = false;
  /** The core no longer takes calls for this request. */
  let gone = false;
  let needDrain = false;
  /** end() is sending the head: writeHead (and whatever wraps it) holds it for one call with the body. */
  let holdHead = false;
  /** The held head's status; 0 when none is held. */
  let heldStatus = 0;
  let heldReason = "";
  let heldBlock = "";

  const call = <T>(action: () => T, fallback: T): T => {
    if (gone) return fallback;
    try {
      return action();
    } catch (error) {
      // The request ended on the loop thread while this call was made
      // (the client left): its done record is on its way.
      if ((error as { code?: string }).code === "LTS_ENOTFOUND") {
        gone = true;
        return fallback;
      }
      throw error;
    }
  };

  const writeHead = function (this: http.ServerResponse, statusCode: number, reason?: unknown, headers?: unknown): http.ServerResponse {
    if (res.headersSent) throw codedError("ERR_HTTP_HEADERS_SENT", "Cannot write headers after they are sent to the client");
    const status = Number(statusCode);
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      throw codedError("ERR_HTTP_INVALID_STATUS_CODE", `Invalid status code: ${String(statusCode)}`, RangeError);
    }
    if (typeof reason === "string") {
      res.statusMessage = reason;
    } else {
      headers = reason ?? headers;
      res.statusMessage ||= http.STATUS_CODES[status] ?? "unknown";
    }
    res.statusCode = status;
    if (Array.isArray(headers)) {
      const pairs: unknown[] = Array.isArray(headers[0]) ? (headers as unknown[][]).flat() : headers;
      for (let i = 0; i + 1 < pairs.length; i += 2) res.setHeader(String(pairs[i]), pairs[i + 1] as string);
    } else if (headers !== null && typeof headers === "object") {
      for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value as string);
    }
    // 1xx heads are the core's own (100 Continue): nothing else to say there.
    if (status < 200) return res;
    const block = headerBlock(res);
    if (holdHead) {
      heldStatus = status;
      heldReason = res.statusMessage;
      heldBlock = block;
    } else {
      call(() => sink.start(status, res.statusMessage, block), undefined);
    }
    (res as unknown as { _header: string })._header = `HTTP/1.1 ${status} ${res.statusMessage}\r\n${block}\r\n`;
    return res;
  };

  const implicitHeader = (): void => {
    res.writeHead(res.statusCode);
  };

  const afterEnd = (callback: Callback | undefined): boolean => {
    const error = codedError("ERR_STREAM_WRITE_AFTER_END", "write after end");
    process.nextTick(() => {
      if (res.listenerCount("error") > 0) res.emit("error", error);
      callback?.(error);
    });
    return false;
  };

  const write = function (chunk: unknown, encoding?: BufferEncoding | Callback, callback?: Callback): boolean {
    if (typeof encoding === "function") {
      callback = encoding;
      encoding = undefined;
    }
    if (chunk === null) throw codedError("ERR_STREAM_NULL_VALUES", "May not write null values to stream", TypeError);
    if (res.writableEnded) return afterEnd(callback);
    const bytes = toBuffer(chunk, encoding);
    if (!res.headersSent) implicitHeader();
    let ok = true;
    if (bytes.length > 0 && !over) ok = call(() => sink.write(bytes), false);
    if (!ok && !gone && !over) needDrain = true;
    if (callback !== undefined) process.nextTick(callback);
    return ok;
  };

  const end = function (chunk?: unknown, encoding?: BufferEncoding | Callback, callback?: Callback): http.ServerResponse {
    if (typeof chunk === "function") {
      callback = chunk as Callback;
      chunk = undefined;
    } else if (typeof encoding === "function") {
      callback = encoding;
      encoding = undefined;
    }
    if (res.writableEnded) {
      if (callback !== undefined) {
        if (over) process.nextTick(callback);
        else res.once("finish", callback);
      }
      return res;
    }
    const bytes = chunk === undefined || chunk === null ? null : toBuffer(chunk, encoding as BufferEncoding | undefined);
    if (!res.headersSent) {
      // As Node does: a body given whole at the end gets its length, so the
      // client is not sent chunks for it.
      const bodyless = res.statusCode === 204 || res.statusCode === 304;
      if (!bodyless && !res.hasHeader("content-length") && !res.hasHeader("transfer-encoding")) {
        res.setHeader("Content-Length", bytes?.length ?? 0);
      }
      holdHead = true;
      try {
        implicitHeader();
      } finally {
        holdHead = false;
      }
    }
    (res as { finished: boolean }).finished = true;
    if (callback !== undefined) res.once("finish", callback);
    const body = bytes !== null && bytes.length > 0 ? bytes : null;
    if (heldStatus !== 0) {
      const status = heldStatus;
      heldStatus = 0;
      if (!over) call(() => sink.send(status, heldReason, heldBlock, body), undefined);
    } else if (!over) {
      call(() => sink.end(body), undefined);
    }
    res.emit("prefinish");
    return res;
  };

  const destroy = function (error?: Error): http.ServerResponse {
    if (res.destroyed) return res;
    (res as { destroyed: boolean }).destroyed = true;
    call(() => sink.abort(), undefined);
    if (error !== undefined && res.listenerCount("error") > 0) process.nextTick(() => res.emit("error", error));
    return res;
  };

  Object.assign(res, {
    writeHead,
    _implicitHeader: implicitHeader,
    write,
    end,
    destroy,
    flushHeaders(): void {
      if (!res.headersSent) implicitHeader();
    },
    // The core sends 100 Continue itself when it hands the request over.
    writeContinue(callback?: () => void): void {
      if (callback !== undefined) process.nextTick(callback);
    },
    setTimeout(_ms: number, callback?: () => void): http.ServerResponse {
      if (callback !== undefined) res.once("timeout", callback);
      return res;
    },
    cork(): void {},
    uncork(): void {},
  });

  return {
    res,
    drained(): void {
      if (!needDrain) return;
      needDrain = false;
      res.emit("drain");
    },
    done(aborted: boolean): void {
      if (over) return;
      over = true;
      gone = true;
      if (!aborted) res.emit("finish");
      else (res as { destroyed: boolean }).destroyed = true;
      res.emit("close");
    },
  };
}
