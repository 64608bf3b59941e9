// The compiled shim and the core library it links. Loaded on first use so
// that html, tokens and ComponentRenderer work without them.

import * as path from "path";

import type { CoreLimitOptions } from "./core-limits";
import { missingLibraryHint } from "./native-deps";

/** An opaque core server handle from `createServer`. */
export type ServerHandle = { readonly __livetsServerHandle: unique symbol };

/**
 * Options for the core server (see lts_config in livetscore.h): the limits
 * a LiveTSServer passes as given (core-limits.ts, one list), and the
 * server's own settings.
 */
export interface NativeConfig extends CoreLimitOptions {
  host?: string;
  port?: number;
  /** 0: the LiveTS protocol (default), 1: raw messages. */
  mode?: number;
  wsPath?: string;
  /** "redis://host:port[/db]": this server is one node of several. */
  redisUrl?: string;
  /** Every request the core does not answer itself arrives as http-* records (livetscore.h, "Streamed HTTP"). */
  streamRequests?: boolean;
  /** Where the core writes upload files (lts_server_set_upload_callback); default $TMPDIR or /tmp. */
  uploadDir?: string;
  /** PEM certificate chain and key: the server speaks HTTPS and WSS (lts_config.tls_cert_file, tls_key_file). */
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

/** Counters of a running core server (lts_stats). */
export interface CoreStats {
  connections: number;
  websockets: number;
  components: number;
  topics: number;
  subscriptions: number;
  slowConsumersClosed: number;
  originsRejected: number;
  messagesRefused: number;
  /** 1 while linked to Redis, else 0. */
  redisConnected: number;
  redisReconnects: number;
  /** Publishes not sent to Redis because the link was down (delivered locally all the same). */
  redisDroppedPublishes: number;
  /** Refusals by cause ("event_rate", "connections_per_ip", …; lts_cause_name), every cause listed. */
  refusals: Record<string, number>;
  /** Component updates the core diffed (lts_stats_v2). */
  diffs: number;
  /** Their time on the core's loop thread (parse, diff, encode), in nanoseconds. */
  diffNs: number;
  /** Bytes of the patch operations they produced. */
  patchBytes: number;
  /** Publishes from this process (`broadcast` of the server and of views, presence excluded). */
  publishes: number;
  /** Publishes of other nodes received through Redis. */
  remotePublishes: number;
  /** Publishes handed to a subscriber here (a view, a raw connection, a server handler), one per subscriber. */
  deliveries: number;
}

/** An HTTP request the host must answer with `respond`. */
export interface RequestRecord {
  type: "request";
  id: number;
  method: string;
  target: string;
  /** Raw header lines, "Name: value\r\n" each. */
  headers: string;
  body: Buffer;
  /** The client's IP address as text (through trusted proxies); absent from an older shim. */
  address?: string;
}

/** A WebSocket connection opened on `path`. */
export interface OpenRecord {
  type: "open";
  conn: number;
  path: string;
  /** The upgrade request's header lines ("Name: value\r\n" each). */
  headers: string;
}

/** A WebSocket connection closed; the core already forgot its components. */
export interface CloseRecord {
  type: "close";
  conn: number;
  code: number;
}

/**
 * A join (name = token, payload = params), event (name, payload), leave,
 * or URL change (name = the new path and query).
 */
export interface LiveRecord {
  type: "join" | "event" | "leave" | "url";
  conn: number;
  ref: number;
  component: string;
  name: string;
  /** JSON text; "null" if the browser sent none. */
  payload: string;
  /** The client's IP address as text (through trusted proxies); absent from an older shim. */
  address?: string;
}

/** A whole message in raw mode. */
export interface MessageRecord {
  type: "message";
  conn: number;
  data: string;
  binary: boolean;
}

/** A publish on a topic a component subscribed to. */
export interface InfoRecord {
  type: "info";
  conn: number;
  component: string;
  topic: string;
  data: string;
}

/**
 * A refusal the core made itself (a rate, a cap, a Host), at most once per
 * cause and connection every 10 s; `count` is how many refusals it stands
 * for (1 for the first, the rest of the interval in one).
 */
export interface NoticeRecord {
  type: "notice";
  /** lts_cause_name: "event_rate", "connections_per_ip", … */
  cause: string;
  /** 0 when no WebSocket is concerned. */
  conn: number;
  address: string;
  /** One sentence for a log line, naming the option to change. */
  detail: string;
  count: number;
}

/** A streamed request's head; its body follows in http-body records. */
export interface HttpHeadRecord {
  type: "http-head";
  id: number;
  method: string;
  target: string;
  /** HTTP/1.<versionMinor>. */
  versionMinor: number;
  /** "name: value\r\n" lines in the order received, names lowercased. */
  headers: string;
  address: string;
  /** 0: no body; > 0: its Content-Length; -1: chunked. */
  bodyLength: number;
  /** The body's first piece, when it came with the head (no http-body record for it). */
  body?: Buffer;
  /** The body ended with it (no http-end record follows); nothing needs consuming. */
  ended?: boolean;
}

/** The next piece of a streamed request's body; acknowledge it with requestConsume. */
export interface HttpBodyRecord {
  type: "http-body";
  id: number;
  data: Buffer;
}

/** The body is complete, the response may write again, or the request is over. */
export interface HttpEventRecord {
  type: "http-end" | "http-drain";
  id: number;
}

export interface HttpDoneRecord {
  type: "http-done";
  id: number;
  /** The request ended before its response did: the client left, or the core closed it. */
  aborted: boolean;
}

export type HttpRecord = HttpHeadRecord | HttpBodyRecord | HttpEventRecord | HttpDoneRecord;

/** Anything the core reports. */
/** An upload the host allowed: a chunk written, every byte in (`path`), or failed (`reason`). */
export interface UploadRecord {
  type: "upload-progress" | "upload-done" | "upload-failed";
  conn: number;
  component: string;
  entry: string;
  received: number;
  size: number;
  /** upload-done: the complete file, now the host's; else "". */
  path: string;
  /** upload-failed: why; else "". */
  reason: string;
}

export type CoreRecord =
  | UploadRecord
  | HttpRecord
  | RequestRecord
  | OpenRecord
  | CloseRecord
  | LiveRecord
  | MessageRecord
  | InfoRecord
  | NoticeRecord;

/**
 * The functions of build/livets.node. Ids and refs are Numbers. Failures of
 * the core throw an Error whose `code` is the LTS_E* name (lts_err_name),
 * whose `errno` is the numeric code and whose message is lts_last_error's
 * sentence; bad argument types throw a TypeError.
 */
export interface NativeBinding {
  createServer(config: NativeConfig, onEvents: (records: CoreRecord[]) => void): ServerHandle;
  start(h: ServerHandle): number;
  /** Starts the core with no listener: connections come only through `adopt`. */
  startUnbound(h: ServerHandle): void;
  /**
   * Hands the core a connected TCP socket's descriptor and the bytes
   * already read from it (lts_server_adopt). The core keeps a duplicate:
   * close yours, without shutting the socket down, once this returns.
   */
  adopt(h: ServerHandle, fd: number, request: Uint8Array): void;
  stop(h: ServerHandle): void;
  respond(
    h: ServerHandle,
    requestId: number,
    status: number,
    headers: string | null,
    body: string | Uint8Array | null,
  ): void;
  /** The host took `bytes` more of the body (reading resumes below 256 KiB untaken). */
  requestConsume(h: ServerHandle, requestId: number, bytes: number): void;
  /** Status line and headers ("Name: value\r\n" lines); reason null for the standard phrase. */
  responseStart(h: ServerHandle, requestId: number, status: number, reason: string | null, headers: string | null): void;
  /** False when over 64 KiB is unsent: wait for the http-drain record. */
  responseWrite(h: ServerHandle, requestId: number, bytes: Uint8Array | string): boolean;
  responseEnd(h: ServerHandle, requestId: number, bytes: Uint8Array | string | null): void;
  /** The answers made until releaseCalls wake the core's loop once, not each. */
  holdCalls(h: ServerHandle): void;
  releaseCalls(h: ServerHandle): void;
  /** responseStart and responseEnd in one call (and one socket write). */
  responseSend(h: ServerHandle, requestId: number, status: number, reason: string | null, headers: string | null,
               bytes: Uint8Array | string | null): void;
  /** Closes the request's connection at once. */
  requestAbort(h: ServerHandle, requestId: number): void;
  register(h: ServerHandle, conn: number, component: string, ref: number, html: string): void;
  update(h: ServerHandle, conn: number, component: string, ref: number, html: string): void;
  /** lts_component_update_splices: `splices` is offset, removed, text, offset, ... */
  updateSplices(h: ServerHandle, conn: number, component: string, ref: number, baseBytes: number, splices: readonly (number | string)[]): void;
  unregister(h: ServerHandle, conn: number, component: string): void;
  replyError(h: ServerHandle, conn: number, component: string, ref: number, reason: string): void;
  send(h: ServerHandle, conn: number, text: string): void;
  /** One binary message (a string is sent as its UTF-8 bytes). */
  sendBinary(h: ServerHandle, conn: number, bytes: Uint8Array | string): void;
  close(h: ServerHandle, conn: number, code: number, reason?: string): void;
  /** Lets `conn` send `size` bytes for upload `entry` of `component` (lts_upload_allow). */
  uploadAllow(h: ServerHandle, conn: number, component: string, entry: string, size: number, chunkBytes: number): void;
  /** Forgets an unfinished upload and removes its partial file (lts_upload_cancel). */
  uploadCancel(h: ServerHandle, conn: number, entry: string): void;
  subscribe(h: ServerHandle, conn: number, component: string, topic: string): void;
  unsubscribe(h: ServerHandle, conn: number, component: string, topic: string): void;
  /** Publishes on `topic` are then written to the connection itself as text frames, with no record. */
  connSubscribe(h: ServerHandle, conn: number, topic: string): void;
  connUnsubscribe(h: ServerHandle, conn: number, topic: string): void;
  publish(h: ServerHandle, topic: string, data: string): void;
  /** Publishes on `topic` then reach the host as info records with conn 0. */
  hostSubscribe(h: ServerHandle, topic: string): void;
  hostUnsubscribe(h: ServerHandle, topic: string): void;
  presenceTrack(h: ServerHandle, conn: number, topic: string, key: string, metaJson: string | null): void;
  presenceUntrack(h: ServerHandle, conn: number, topic: string, key: string): void;
  /** JSON text: key → array of metas, on every node. */
  presenceList(h: ServerHandle, topic: string): string;
  stats(h: ServerHandle): CoreStats;
  addStatic(h: ServerHandle, prefix: string, dir: string): void;
  /** Loads the certificate again (null: the same files) for new connections; throws LTS_ETLS and keeps the old one if it cannot. */
  reloadTls(h: ServerHandle, certFile: string | null, keyFile: string | null): void;
  diff(oldHtml: string, newHtml: string): string;
  version(): { number: number; string: string };
}

/** An Error thrown by the core, with its LTS_E* name. */
export interface CoreError extends Error {
  code: string;
  errno: number;
}

/** Whether `err` is a core error with the given LTS_E* name. */
export function isCoreError(err: unknown, code?: string): err is CoreError {
  if (!(err instanceof Error)) return false;
  const c = (err as Partial<CoreError>).code;
  return typeof c === "string" && c.startsWith("LTS_") && (code === undefined || c === code);
}

/** Where the shim is expected. */
export const NATIVE_PATH = path.join(__dirname, "..", "build", "livets.node");

let loaded: NativeBinding | undefined;

/**
 * What to do about a failed load: install a system library, or (in a
 * checkout, where the shim is built rather than shipped) build it.
 */
function loadFailureHint(reason: string): string {
  const missing = missingLibraryHint(reason);
  if (missing !== null) return missing;
  if (/cannot find module/i.test(reason)) {
    return "The package is incomplete: install it from its tarball (npm install livets-<version>.tgz), " +
      "or in a LiveTS checkout build it with scripts/build.";
  }
  return "Reinstall the package; LiveTS runs on Linux x64 with Node 18 or later.";
}

/**
 * The native binding, loaded once; throws an Error naming the file and why.
 * The shim itself refuses a core library of another version than its header.
 */
export function loadNative(): NativeBinding {
  if (loaded !== undefined) return loaded;
  let binding: NativeBinding;
  try {
    binding = require(NATIVE_PATH) as NativeBinding;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`LiveTS: cannot load the native binding ${NATIVE_PATH}: ${reason}\n${loadFailureHint(reason)}`);
  }
  loaded = binding;
  return binding;
}
