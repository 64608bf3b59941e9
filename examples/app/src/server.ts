import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { LiveTSServer, html } from "livets";

import { Account, requireUser } from "./account";
import { ChatRoom, shareChat } from "./chat";
import { Clock } from "./clock";
import { Counter } from "./counter";
import { Feed } from "./feed";
import { Home } from "./home";
import { addDemoRoutes, loadExpress } from "./http-routes";
import { siteLayout } from "./layout";
import { ElementView, Search } from "./search";
import { SharedTodos, shareTodos } from "./shared-todo";
import { Todos } from "./todos";
import { UploadDemo } from "./uploads";
import { Widgets } from "./widgets";

function portFromEnv(): number {
  const text = process.env.PORT ?? "3000";
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    console.error(`PORT must be a number from 0 to 65535, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return port;
}

/**
 * LIVETS_ALLOWED_HOSTS: the names users reach the demo by, comma-separated
 * ("example.com,www.example.com"), for a demo behind a proxy or on a
 * public name; without it only the bound address, localhost, 127.0.0.1 and
 * [::1] are answered (DNS rebinding gets 400).
 */
function allowedHostsFromEnv(): string[] | undefined {
  const hosts = (process.env.LIVETS_ALLOWED_HOSTS ?? "").split(",").map((h) => h.trim()).filter((h) => h !== "");
  return hosts.length > 0 ? hosts : undefined;
}

/**
 * LIVETS_TLS_CERT and LIVETS_TLS_KEY: PEM files for serving HTTPS and WSS
 * from the core itself; both or neither. SIGHUP reads them again (after a
 * renewal) without a restart.
 */
function tlsFromEnv(): { cert: string; key: string } | undefined {
  const cert = process.env.LIVETS_TLS_CERT ?? "";
  const key = process.env.LIVETS_TLS_KEY ?? "";
  if (cert === "" && key === "") return undefined;
  if (cert === "" || key === "") {
    console.error("LIVETS_TLS_CERT and LIVETS_TLS_KEY go together: set both for HTTPS, or neither");
    process.exit(2);
  }
  return { cert, key };
}

/**
 * Join tokens are signed with this secret, so it must outlive a restart:
 * open tabs then rejoin the restarted server instead of reloading. In
 * production set LIVETS_SECRET; for the demo a random secret is kept in a
 * file beside the app.
 */
function secretFromEnvOrFile(): string {
  const fromEnv = process.env.LIVETS_SECRET;
  if (fromEnv) return fromEnv;
  const file = join(__dirname, "..", ".dev-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

async function main(): Promise<void> {
  const tls = tlsFromEnv();
  // The demo's own HTTP routes (a JSON API, sign-in and sign-out) are an
  // Express app on the live views' port.
  const expressLib = loadExpress();
  const app = expressLib();
  const server = new LiveTSServer({
    handler: app,
    // The session (who signed in at /login) is encrypted, not only signed.
    sessionCookie: { encrypt: true },
    titleSuffix: " · LiveTS",
    port: portFromEnv(),
    host: "127.0.0.1",
    title: "LiveTS examples",
    secret: secretFromEnvOrFile(),
    // app.js tells the user when a view came back with fresh state (livets:remounted).
    head: html`<link rel="stylesheet" href="/assets/app.css"><script defer src="/assets/app.js"></script>`,
    // favicon.ico and robots.txt at "/", after the live routes and the Express routes.
    assets: [
      { prefix: "/assets/", dir: join(__dirname, "..", "public") },
      { prefix: "/", dir: join(__dirname, "..", "public-root") },
    ],
    // The nav bar around every page.
    layout: siteLayout,
    allowedHosts: allowedHostsFromEnv(),
    tls,
    // LIVETS_LONG_POLLING=off: browsers get WebSockets only (docs/api.md).
    longPolling: process.env.LIVETS_LONG_POLLING !== "off",
    // LIVETS_REDIS_URL (read by LiveTSServer) makes this process one node of several.
    // The live dashboard and Prometheus metrics, open to everyone who reaches
    // the demo: it binds 127.0.0.1. An app on a public address gives a guard
    // (who is signed in as an admin); without one, the dashboard is refused
    // in production and to other machines.
    dashboard: { path: "/_livets", guard: () => true },
    metrics: { path: "/metrics" },
  });
  const shared = [shareTodos(server), shareChat(server)];
  server.registerComponent("/", Home);
  server.registerComponent("/counter", Counter);
  server.registerComponent("/todos", Todos);
  server.registerComponent("/todo", SharedTodos);
  server.registerComponent("/chat", ChatRoom);
  server.registerComponent("/search", Search);
  server.registerComponent("/elements/:symbol", ElementView);
  server.registerComponent("/clock", Clock);
  server.registerComponent("/feed", Feed);
  server.registerComponent("/upload", UploadDemo);
  server.registerComponent("/widgets", Widgets);
  // Signed-in pages: without a user in the session cookie, the page
  // redirects to /login and a join is refused.
  server.group({ onMount: [requireUser] }, (routes) => {
    routes.route("/account", Account);
  });
  addDemoRoutes(app, expressLib, server);

  const port = await server.listen();
  for (const replica of shared) replica.start();
  // scripts/soak asks a running demo for the core's counters (refusals by cause).
  process.on("SIGUSR2", () => console.log(`stats ${JSON.stringify(server.stats())}`));
  // Shown without its password: this line ends up in logs.
  const redis = process.env.LIVETS_REDIS_URL?.replace(/\/\/[^/]*@/, "//***@");
  console.log(`listening on ${tls ? "https" : "http"}://127.0.0.1:${port}/${redis ? ` (pub/sub through ${redis})` : ""}`);
  if (tls) {
    process.on("SIGHUP", () => {
      try {
        server.reloadTls();
        console.log("SIGHUP: TLS certificate reloaded");
      } catch (err) {
        console.error(`SIGHUP: TLS certificate not reloaded, keeping the current one: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }

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

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
