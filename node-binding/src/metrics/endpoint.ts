// The optional /metrics endpoint: Prometheus text on a path of the
// server's own port, for GET and HEAD, behind an optional guard.

import type { PageQuery, PageSender } from "../attach";
import { parseHeaders } from "../page-render";
import { PROMETHEUS_CONTENT_TYPE } from "./prometheus";

/** What a metrics guard decides on. */
export interface MetricsRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  /** By lowercase name. */
  readonly headers: Readonly<Record<string, string>>;
  /** The client's address, through `trustedProxies`. */
  readonly address: string;
}

/** The `metrics` option of LiveTSServer. */
export interface MetricsOptions {
  /** Where the text is served, e.g. "/metrics". */
  readonly path: string;
  /**
   * Whether a request may read the metrics; without it, anyone who reaches
   * the port may. A refused request is answered 404, as a path that does
   * not exist. A throw is logged and refuses.
   */
  readonly guard?: (request: MetricsRequest) => boolean | Promise<boolean>;
}

/** Paths LiveTS serves itself, which no endpoint of its own may take. */
export interface ReservedPaths {
  readonly clientPrefix: string;
  readonly livePath: string;
}

/** Checks a path option of LiveTS's own pages (`metrics.path`, `dashboard.path`). */
export function checkOwnPath(path: unknown, option: string, reserved: ReservedPaths): string {
  if (typeof path !== "string" || !/^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/.test(path) || path.includes("/:") || path.includes("//")) {
    throw new TypeError(`${option} must be a path such as "/metrics" (no query, placeholder or space), got ${JSON.stringify(path)}`);
  }
  if (path.startsWith(reserved.clientPrefix) || path === reserved.livePath) throw new TypeError(`${option} ${path} is taken by LiveTS itself`);
  return path;
}

/** Checks the option; null when metrics are not served. */
export function checkMetricsOptions(options: MetricsOptions | undefined, reserved: ReservedPaths): MetricsOptions | null {
  if (options === undefined) return null;
  if (typeof options !== "object" || options === null) throw new TypeError('metrics must be an object such as { path: "/metrics" }');
  const path = checkOwnPath(options.path, "metrics.path", reserved);
  if (options.guard !== undefined && typeof options.guard !== "function") {
    throw new TypeError("metrics.guard must be a function (request) => boolean");
  }
  return { path, guard: options.guard };
}

/** Serves the metrics text at its path. */
export class MetricsEndpoint {
  constructor(
    private readonly options: MetricsOptions,
    private readonly text: () => string,
    private readonly logError: (message: string, err: unknown) => void,
  ) {}

  get path(): string {
    return this.options.path;
  }

  /** Answers `query` if it is for the metrics path; false otherwise (the caller answers it). */
  answer(query: PageQuery, send: PageSender): boolean {
    const pathname = query.target.split("?")[0];
    if (pathname !== this.options.path) return false;
    if (query.method !== "GET" && query.method !== "HEAD") {
      send(405, "Content-Type: text/plain; charset=utf-8\r\nAllow: GET, HEAD\r\n", "405 Method Not Allowed\n");
      return true;
    }
    this.allowed(query).then(
      (ok) => {
        if (!ok) return send(404, "Content-Type: text/plain; charset=utf-8\r\n", "404 Not Found\n");
        send(200, `Content-Type: ${PROMETHEUS_CONTENT_TYPE}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n`, this.text());
      },
      (err: unknown) => {
        this.logError("[livets] metrics: could not answer:", err);
        send(500, "Content-Type: text/plain; charset=utf-8\r\n", "500 Internal Server Error\n");
      },
    ).catch((err: unknown) => this.logError("[livets] metrics: could not answer:", err));
    return true;
  }

  private async allowed(query: PageQuery): Promise<boolean> {
    const { guard } = this.options;
    if (guard === undefined) return true;
    try {
      return (await guard({ method: query.method, url: query.target, headers: parseHeaders(query.headers), address: query.address })) === true;
    } catch (err) {
      this.logError("[livets] metrics.guard threw; the request is refused:", err);
      return false;
    }
  }
}
