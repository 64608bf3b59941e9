// The dev channel: what `livets dev` tells open pages (a stylesheet
// changed, the app restarted, a view failed), as server-sent events from
// a small HTTP server of runDev's own. It outlives the app's restarts, so
// a page hears "restarted" from the same stream that told it "css", and
// the app's own port, routes and CSP stay as in production but for one
// connect-src source.

import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** What the channel sends: an event name and its JSON data. */
export interface DevEvent {
  readonly type: "css" | "reload" | "restarted" | "view-error" | "view-ok" | "build-error" | "build-ok" | "debug";
  readonly data: object;
}

/** The path pages read events from. */
export const EVENTS_PATH = "/events";

// A comment line now and then keeps proxies and idle timers from closing the stream.
const KEEPALIVE_MS = 15_000;

/** The server-sent events endpoint on 127.0.0.1. */
export class DevChannel {
  private readonly clients = new Set<http.ServerResponse>();
  private readonly keepalive: ReturnType<typeof setInterval>;
  /** The last failure not yet cleared, sent to every page that connects meanwhile. */
  private standing: DevEvent | null = null;

  private constructor(
    private readonly server: http.Server,
    /** "http://127.0.0.1:port", what LIVETS_DEV_URL carries. */
    readonly url: string,
  ) {
    server.on("request", (req, res) => this.answer(req, res));
    this.keepalive = setInterval(() => {
      for (const res of this.clients) res.write(":\n\n");
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /** Listens on 127.0.0.1 at `port` (0: any free one). */
  static open(port = 0): Promise<DevChannel> {
    return new Promise((resolve, reject) => {
      const server = http.createServer();
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.removeListener("error", reject);
        const { port: bound } = server.address() as AddressInfo;
        resolve(new DevChannel(server, `http://127.0.0.1:${bound}`));
      });
    });
  }

  /** How many pages listen. */
  get listeners(): number {
    return this.clients.size;
  }

  /** Sends `event` to every page that listens. */
  send(event: DevEvent): void {
    if (event.type === "view-error" || event.type === "build-error") this.standing = event;
    else if (event.type === "build-ok" || (event.type === "view-ok" && this.standing?.type === "view-error" && (this.standing.data as { id?: string }).id === (event.data as { id?: string }).id)) this.standing = null;
    const text = frame(event);
    for (const res of this.clients) res.write(text);
  }

  close(): Promise<void> {
    clearInterval(this.keepalive);
    for (const res of this.clients) res.end();
    this.clients.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    // The page's origin is the app's, another port: the stream is readable
    // cross-origin, and holds nothing the page's own server does not send it.
    const cors = { "Access-Control-Allow-Origin": "*" };
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== EVENTS_PATH) {
      res.writeHead(404, { ...cors, "Content-Type": "text/plain; charset=utf-8" }).end("livets dev: not found\n");
      return;
    }
    res.writeHead(200, { ...cors, "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive" });
    res.write("retry: 500\n\n");
    if (this.standing !== null) res.write(frame(this.standing));
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
  }
}

function frame(event: DevEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
