import { join } from "node:path";

import { LiveTSServer, html } from "livets";

import { Counter } from "./counter";
import { layout } from "./layout";
// livets:imports (livets generate view adds its imports above this line)

function portFromEnv(): number {
  const text = process.env.PORT ?? "3000";
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    console.error(`PORT must be a number from 0 to 65535, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return port;
}

/** A comma-separated list from the environment ("a,b"), or undefined when it is unset or empty. */
function listFromEnv(name: string): string[] | undefined {
  const items = (process.env[name] ?? "").split(",").map((h) => h.trim()).filter((h) => h !== "");
  return items.length > 0 ? items : undefined;
}

/** The server with every route; `livets generate view` adds routes here. */
export function createServer(): LiveTSServer {
  const server = new LiveTSServer({
    port: portFromEnv(),
    host: process.env.HOST ?? "127.0.0.1",
    // Signs join tokens and session cookies. Set it in production, the same
    // in every process, so open pages rejoin after a restart or on another
    // process instead of reloading.
    secret: process.env.LIVETS_SECRET || undefined,
    // Behind a reverse proxy: the names users reach the app by, the proxy's
    // address, and whether the proxy speaks HTTPS to browsers.
    allowedHosts: listFromEnv("LIVETS_ALLOWED_HOSTS"),
    trustedProxies: listFromEnv("LIVETS_TRUSTED_PROXIES"),
    httpsOrigins: process.env.LIVETS_HTTPS_ORIGINS === "1",
    title: "__TITLE__",{{pubsub}}
    head: html`<link rel="stylesheet" href="/assets/app.css"><script defer src="/assets/app.js"></script>`,
    assets: { prefix: "/assets/", dir: join(__dirname, "..", "public") },
    layout,
  });
  server.route("/", Counter);
  // livets:routes (livets generate view adds its routes above this line)
  return server;
}

async function main(): Promise<void> {
  const server = createServer();
  const port = await server.listen();
  const host = process.env.HOST ?? "127.0.0.1";
  console.log(`listening on http://${host.includes(":") ? `[${host}]` : host}:${port}/`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
