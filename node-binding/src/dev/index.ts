// `livets dev` (what `npm run dev` runs): compiles the app's TypeScript on
// every change (incrementally), restarts its server when server code
// changed, and keeps open pages in step through the dev channel: a
// stylesheet change is swapped in place, a restart rejoins each view (the
// connector sends back what was typed), and a failing render or mount
// shows an overlay until a render of that view succeeds. None of this
// exists in production: the app only turns its dev side on when runDev
// starts it (dev-mode.ts), and never with NODE_ENV=production.

import * as fs from "node:fs";
import * as path from "node:path";
import { AppProcess } from "./app-process";
import { parseDevArgs, type DevOptions } from "./args";
import { DevChannel } from "./channel";
import { loadTypeScript, watchTypeScript, type Build } from "./compiler";
import type { DevMessage } from "./dev-mode";

export { parseDevArgs, DevUsageError, DEV_USAGE, type DevOptions } from "./args";

// File events come in bursts (an editor writes, renames, touches): one
// answer per burst.
const SETTLE_MS = 60;

const SCRIPT = /\.(c|m)?js$/;

/** A running `livets dev`, for tests and embedders; `runDev` is the command. */
export interface DevSession {
  /** The dev channel's URL (what the app gets as LIVETS_DEV_URL). */
  readonly channelUrl: string;
  /** Stops watching, ends the app, closes the channel. */
  stop(): Promise<void>;
}

/**
 * `livets dev [options]`: runs until SIGINT or SIGTERM, then stops the app
 * and resolves. Throws DevUsageError for a bad command line, and refuses
 * to run with NODE_ENV=production.
 */
export async function runDev(argv: string[]): Promise<void> {
  const session = await startDev(parseDevArgs(argv));
  await new Promise<void>((resolve) => {
    const end = (): void => {
      process.removeListener("SIGINT", end);
      process.removeListener("SIGTERM", end);
      void session.stop().then(resolve);
    };
    process.once("SIGINT", end);
    process.once("SIGTERM", end);
  });
}

/** Starts everything `livets dev` runs, for `options`. */
export async function startDev(options: DevOptions, log: (line: string) => void = (line) => console.log(`[livets dev] ${line}`)): Promise<DevSession> {
  if (process.env.NODE_ENV === "production") {
    throw new Error("livets dev: NODE_ENV is production, where reloads and the error overlay never run; use livets start");
  }
  const channel = await DevChannel.open(options.devPort);
  const app = new AppProcess(options.entry, options.appDir, channel.url, (message) => fromApp(channel, message), log);
  const stops: Array<() => void> = [];
  const restart = (why: string): void => {
    log(`${why}: restarting the app`);
    void app.restart();
  };
  try {
    if (options.tsconfig !== null) {
      const ts = loadTypeScript(options.appDir);
      log(`compiling ${path.relative(options.appDir, options.tsconfig) || options.tsconfig} with TypeScript ${ts.version} in watch mode`);
      stops.push(watchTypeScript(ts, options.tsconfig, (build) => afterBuild(build, channel, app, restart), (text) => process.stdout.write(text)));
    } else {
      app.start();
      stops.push(watchFiles(options.serverDir, (files) => files.some((f) => SCRIPT.test(f) && !f.includes("node_modules")), () => restart("server code changed")));
    }
    for (const dir of options.publicDirs) {
      stops.push(watchFiles(dir, () => true, (files) => browserFilesChanged(channel, files)));
    }
  } catch (err) {
    for (const stop of stops) stop();
    await app.stop();
    await channel.close();
    throw err;
  }
  log(`dev channel on ${channel.url}; running ${path.relative(options.appDir, options.entry)}`);
  let stopped: Promise<void> | null = null;
  return {
    channelUrl: channel.url,
    stop: () =>
      (stopped ??= (async () => {
        for (const stop of stops) stop();
        await app.stop();
        await channel.close();
      })()),
  };
}

function afterBuild(build: Build, channel: DevChannel, app: AppProcess, restart: (why: string) => void): void {
  if (build.errorCount > 0) {
    const count = build.errorCount === 1 ? "1 error" : `${build.errorCount} errors`;
    channel.send({ type: "build-error", data: { view: "TypeScript", id: "", where: "compile", message: `TypeScript: ${count}`, stack: build.errors, state: "" } });
  } else {
    channel.send({ type: "build-ok", data: {} });
  }
  if (build.first) app.start();
  else if (build.written.some((f) => SCRIPT.test(f))) restart("server code changed");
}

function fromApp(channel: DevChannel, message: DevMessage): void {
  if (message.livets === "listening") return channel.send({ type: "restarted", data: {} });
  const { livets, ...data } = message;
  channel.send({ type: livets, data });
}

/** Stylesheets alone are swapped in place; any other browser file reloads the page. */
function browserFilesChanged(channel: DevChannel, files: readonly string[]): void {
  const paths = files.map((f) => f.split(path.sep).join("/"));
  if (paths.every((f) => f.endsWith(".css"))) channel.send({ type: "css", data: { files: paths } });
  else channel.send({ type: "reload", data: { files: paths } });
}

/**
 * Watches `dir` and everything under it; `act` gets the files (relative
 * to `dir`) of each burst of changes that `wanted` keeps.
 */
function watchFiles(dir: string, wanted: (files: readonly string[]) => boolean, act: (files: readonly string[]) => void): () => void {
  let pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const watcher = fs.watch(dir, { recursive: true }, (_event, file) => {
    if (file === null) return;
    pending.add(String(file));
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const files = [...pending];
      pending = new Set();
      if (wanted(files)) act(files);
    }, SETTLE_MS);
  });
  return () => {
    if (timer !== null) clearTimeout(timer);
    watcher.close();
  };
}
