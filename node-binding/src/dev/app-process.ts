// The app's server as a child process that `livets dev` restarts: with
// source maps on (stacks name .ts lines), the dev channel's URL in its
// environment, and an IPC channel over which its LiveTSServer reports
// (dev-mode.ts).

import { fork, type ChildProcess } from "node:child_process";
import type { DevMessage } from "./dev-mode";
import { DEV_URL_ENV } from "./dev-mode";

// How long a stopping app may take to close its connections before it is killed.
const STOP_GRACE_MS = 3000;

/** The app's server process, started again on demand. */
export class AppProcess {
  private child: ChildProcess | null = null;
  /** Set while a restart is under way, so restarts asked for meanwhile fold into one more. */
  private restarting: Promise<void> | null = null;
  private again = false;

  constructor(
    /** The app's entry, e.g. dist/server.js. */
    private readonly entry: string,
    private readonly cwd: string,
    private readonly channelUrl: string,
    private readonly onMessage: (message: DevMessage) => void,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    const child = fork(this.entry, [], {
      cwd: this.cwd,
      execArgv: [...process.execArgv.filter((a) => a !== "--enable-source-maps"), "--enable-source-maps"],
      env: { ...process.env, [DEV_URL_ENV]: this.channelUrl, NODE_ENV: process.env.NODE_ENV ?? "development" },
      stdio: ["inherit", "inherit", "inherit", "ipc"],
    });
    this.child = child;
    child.on("message", (message: unknown) => {
      if (typeof message === "object" && message !== null && typeof (message as { livets?: unknown }).livets === "string") {
        this.onMessage(message as DevMessage);
      }
    });
    child.on("exit", (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.log(`app exited (${signal ?? `code ${code}`}); it starts again at the next change`);
    });
  }

  /** Stops the app and starts it again; restarts asked for meanwhile run once after. */
  async restart(): Promise<void> {
    if (this.restarting !== null) {
      this.again = true;
      return this.restarting;
    }
    this.restarting = (async () => {
      do {
        this.again = false;
        await this.stop();
        this.start();
      } while (this.again);
    })();
    try {
      await this.restarting;
    } finally {
      this.restarting = null;
    }
  }

  /** Ends the app: SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      child.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill("SIGTERM");
    });
  }
}
