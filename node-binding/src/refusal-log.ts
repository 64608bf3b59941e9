// Refusals are what a hostile client produces by the thousand: logging
// each one lets a single tab fill the disk and bury everything else, and
// logging none hides the attack. Each cause is logged at once the first
// time on a connection, then counted, and the count reported as one line
// when its interval ends (the core does the same for its own refusals,
// LiveTSNet/Refusals.swift).

import type { Logger } from "./logger";

/** How long one line stands for the refusals of its cause on its connection. */
export const REFUSAL_INTERVAL_MS = 10_000;

/** Time and one timer, replaceable so tests need no sleeping. */
export interface RefusalClock {
  now(): number;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The real clock; its timer never keeps the process alive. */
export const systemClock: RefusalClock = {
  now: () => Date.now(),
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

interface Window {
  readonly conn: number;
  readonly opened: number;
  /** Refused since the logged one, in this window. */
  more: number;
  /** The text of the latest of them, for the summary line. */
  latest: string;
}

/** Formats a count as "4,811". */
function counted(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Logs refusals through a `Logger`, once per cause per connection per
 * interval, with the count of the rest.
 */
export class RefusalLog {
  private readonly windows = new Map<string, Window>();
  private cancelSweep: (() => void) | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly clock: RefusalClock = systemClock,
    private readonly intervalMs: number = REFUSAL_INTERVAL_MS,
  ) {}

  /**
   * A refusal of `cause` (a short fixed text: never a value the client
   * chose, or a client could open a window per value) on connection
   * `conn` from `address`; `what` says what was refused.
   */
  refuse(conn: number, address: string, cause: string, what: string): void {
    const key = `${conn}\0${cause}`;
    const now = this.clock.now();
    const line = `${prefix(conn, address)}: ${what}`;
    const open = this.windows.get(key);
    if (open !== undefined && now - open.opened < this.intervalMs) {
      open.more++;
      open.latest = line;
      return;
    }
    if (open !== undefined) this.report(open);
    this.windows.set(key, { conn, opened: now, more: 0, latest: line });
    this.logger.warn(line);
    this.scheduleSweep();
  }

  /** The connection closed: its counts are reported now and forgotten. */
  closed(conn: number): void {
    for (const [key, window] of this.windows) {
      if (window.conn !== conn) continue;
      this.windows.delete(key);
      this.report(window);
    }
    if (this.windows.size === 0) this.stopSweep();
  }

  /** Reports every count whose interval has ended. Runs on its own timer. */
  sweep(): void {
    const now = this.clock.now();
    for (const [key, window] of this.windows) {
      if (now - window.opened < this.intervalMs) continue;
      this.windows.delete(key);
      this.report(window);
    }
    this.cancelSweep = null;
    this.scheduleSweep();
  }

  /** Reports every pending count and stops the timer (the server is closing). */
  flush(): void {
    for (const window of this.windows.values()) this.report(window);
    this.windows.clear();
    this.stopSweep();
  }

  private report(window: Window): void {
    if (window.more === 0) return;
    const seconds = this.intervalMs / 1000;
    this.logger.warn(`${window.latest} … and ${counted(window.more)} more in ${seconds} s`);
  }

  /** One timer for every window, set for the first to end. */
  private scheduleSweep(): void {
    if (this.cancelSweep !== null || this.windows.size === 0) return;
    let first = Infinity;
    for (const window of this.windows.values()) first = Math.min(first, window.opened);
    const wait = Math.max(0, first + this.intervalMs - this.clock.now());
    this.cancelSweep = this.clock.after(wait, () => this.sweep());
  }

  private stopSweep(): void {
    this.cancelSweep?.();
    this.cancelSweep = null;
  }
}

/** "[livets] conn 12 (203.0.113.5)": who a refusal line is about. */
export function prefix(conn: number, address: string): string {
  return `[livets] conn ${conn} (${address})`;
}
