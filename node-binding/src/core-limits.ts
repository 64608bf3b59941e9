// The core's limits against hostile clients (docs/security.md), as
// LiveTSServer options. They are checked here, at construction, so a bad
// value fails where it was written rather than at listen(), and passed
// to the core under the same names (native.ts NativeConfig extends this
// list).

/** The options the core enforces; each is left at the core's default when absent. */
export interface CoreLimitOptions {
  /** Views one WebSocket may have joined; default 100. */
  maxViewsPerConnection?: number;
  /** Open TCP connections per client address; default 256. */
  maxConnectionsPerIp?: number;
  /** Open TCP connections in all; default the descriptor limit (`ulimit -n`) less a reserve. */
  maxConnections?: number;
  /** Time to receive one whole WebSocket message, in ms; default 10000. */
  messageTimeoutMs?: number;
  /** Bytes of unfinished WebSocket messages, all connections together; default 64 MiB. */
  maxPartialBytes?: number;
  /** Bytes of one connection's requests the application has not answered yet; default 4 MiB. */
  maxHostQueueBytes?: number;
  /** The same for the whole server; default 64 MiB. */
  maxHostQueueBytesTotal?: number;
  /** Events and URL changes per second per connection; default 100. */
  eventRate?: number;
  /** Events and URL changes a connection may send at once; default 200. */
  eventBurst?: number;
  /** Joins per second per connection; default 10. */
  joinRate?: number;
  /** Joins a connection may send at once; default 30. */
  joinBurst?: number;
  /** Page requests per second per client address; default 20. */
  pageRate?: number;
  /** Page requests a client address may send at once; default 100. */
  pageBurst?: number;
  /** Largest HTTP response body; default 16 MiB. */
  maxResponseBytes?: number;
  /** Largest render or patch sent to a browser; default 4 MiB. A larger render is not sent (see `LiveView.handleError`). */
  maxLiveMessageBytes?: number;
  /**
   * Largest request body the core accepts for a `handler`, in bytes;
   * default 1 MiB. Larger ones get 413 and the connection closes. Bodies
   * stream to the handler as they arrive, so a large limit costs no memory
   * by itself.
   */
  maxBodyBytes?: number;
  /** A request body that stops arriving for this long (ms) gets 408; default 10000. */
  bodyTimeoutMs?: number;
  /** Largest WebSocket message a browser may send (inflated size); default 1 MiB. */
  maxMessageBytes?: number;
  /** Unsent bytes per connection before a client that does not read is closed; default 4 MiB. */
  maxOutboundBytes?: number;
  /** Names the Host header may carry besides the bound address, localhost, 127.0.0.1 and [::1]; "*" for any. */
  allowedHosts?: readonly string[];
  /** Addresses of proxies whose X-Forwarded-For names the client; default none. */
  trustedProxies?: readonly string[];
  /** Accept https:// Origins on this plain-HTTP server (TLS ends at a proxy); default false. */
  httpsOrigins?: boolean;
  /** Exact origins that may open a WebSocket, or "*"; default: the Origin's host must equal the Host header. */
  allowedOrigins?: readonly string[] | "*";
  /** Time to send a request's headers, from their first byte, in ms; default 10000. */
  headerTimeoutMs?: number;
  /** Idle keep-alive connections close after this many ms; default 60000. */
  idleTimeoutMs?: number;
  /** A WebSocket silent this long (ms) is pinged, and dropped if silent as long again; default 30000. */
  pingIntervalMs?: number;
  /** Turn off permessage-deflate; default false. */
  disableCompression?: boolean;
  /**
   * Share the port with other processes (SO_REUSEPORT): every server that
   * sets it may listen on the same host and port, and the kernel spreads
   * connections among them, so a machine's cores each run one process
   * (Node's `cluster`, systemd instances, containers on the host network).
   * Give them all the same `secret`, so a page rendered by one joins on
   * any other, and the same `pubsub.redis`, so broadcasts and presence
   * span them. Default false: a second server on the port fails to listen.
   */
  reusePort?: boolean;
  /** Pages (text types) at least this long go out gzipped to clients that accept it; default 1024 bytes. */
  compressMinBytes?: number;
  /** Never gzip pages; default false. */
  disablePageCompression?: boolean;
  /**
   * Let browsers that cannot keep a WebSocket (a proxy blocks the upgrade)
   * fall back to HTTP long polling on /live/poll; default true. With false,
   * the path is an ordinary one (404 unless a route takes it).
   */
  longPolling?: boolean;
}

type Kind = "count" | "bytes" | "list" | "origins" | "boolean";

/** Every core option and how it is checked; also the keys passed to the core. */
const LIMITS: Readonly<Record<keyof CoreLimitOptions, Kind>> = {
  maxViewsPerConnection: "count",
  maxConnectionsPerIp: "count",
  maxConnections: "count",
  messageTimeoutMs: "count",
  maxPartialBytes: "bytes",
  maxHostQueueBytes: "bytes",
  maxHostQueueBytesTotal: "bytes",
  eventRate: "count",
  eventBurst: "count",
  joinRate: "count",
  joinBurst: "count",
  pageRate: "count",
  pageBurst: "count",
  maxResponseBytes: "bytes",
  maxLiveMessageBytes: "bytes",
  maxBodyBytes: "bytes",
  bodyTimeoutMs: "count",
  maxMessageBytes: "bytes",
  maxOutboundBytes: "bytes",
  allowedHosts: "list",
  trustedProxies: "list",
  httpsOrigins: "boolean",
  allowedOrigins: "origins",
  headerTimeoutMs: "count",
  idleTimeoutMs: "count",
  pingIntervalMs: "count",
  disableCompression: "boolean",
  reusePort: "boolean",
  compressMinBytes: "bytes",
  disablePageCompression: "boolean",
  longPolling: "boolean",
};

/** The largest count the core's unsigned fields take. */
const MAX_COUNT = 2 ** 31 - 1;

function isNameList(value: unknown): value is readonly string[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === "string" && v !== "" && !v.includes(",") && !/\s/.test(v))
  );
}

function check(name: string, kind: Kind, value: unknown): void {
  switch (kind) {
    case "count":
      if (!(Number.isInteger(value) && (value as number) > 0 && (value as number) <= MAX_COUNT)) {
        throw new TypeError(`${name} must be a positive integer (at most 2^31-1), not ${String(value)}`);
      }
      return;
    case "bytes":
      if (!(Number.isSafeInteger(value) && (value as number) > 0)) {
        throw new TypeError(`${name} must be a positive whole number of bytes, not ${String(value)}`);
      }
      return;
    case "list":
      if (!isNameList(value)) {
        throw new TypeError(`${name} must be a non-empty array of strings without commas or spaces`);
      }
      return;
    case "origins":
      if (value !== "*" && !isNameList(value)) {
        throw new TypeError(`${name} must be "*" or a non-empty array of origins such as "https://example.com"`);
      }
      return;
    case "boolean":
      if (typeof value !== "boolean") throw new TypeError(`${name} must be true or false`);
      return;
  }
}

/**
 * The core options set in `options`, checked: a TypeError names the first
 * bad one. Absent (undefined) options are left out, so the core's
 * defaults apply.
 */
export function coreLimits(options: CoreLimitOptions): CoreLimitOptions {
  const config: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(LIMITS) as [keyof CoreLimitOptions, Kind][]) {
    const value = options[name];
    if (value === undefined) continue;
    check(name, kind, value);
    config[name] = Array.isArray(value) ? [...value] : value;
  }
  return config as CoreLimitOptions;
}
