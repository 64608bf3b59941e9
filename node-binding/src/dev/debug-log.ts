// LIVETS_DEBUG=1: one log line per event (or other task that rendered) of
// every view, with where its time went: the handler, then each view or
// component that rendered, its render and diff times, and the patch's size
// and operation count.
//
// The core diffs on its own loop thread and reports neither the time nor
// the patch, so with debugging on the TS layer runs the same differ
// (lts_diff) on the same two renders once more, timed: the patch is the
// one the core sends, and the time is what its diff of it costs. Nothing
// of this runs with LIVETS_DEBUG unset, outside `livets dev` (which shows
// the same lines in the page's console while LiveTS.debug() is on).

import { performance } from "node:perf_hooks";
import { loadNative } from "../native";

/** Whether LIVETS_DEBUG asks for the per-event log ("1", "true", anything but "", "0", "false"). */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.LIVETS_DEBUG;
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

/** The current time in ms, for the spans a trace records. */
export const now = (): number => performance.now();

const ms = (value: number): string => `${value.toFixed(2)} ms`;

/** A patch's size and operation count, and what diffing it took. */
export interface DiffCost {
  readonly ms: number;
  readonly bytes: number;
  readonly ops: number;
}

/** Diffs `before` and `after` with the core's differ, timed; null when the core cannot be loaded. */
export function measureDiff(before: string, after: string): DiffCost | null {
  try {
    const diff = loadNative().diff;
    const started = now();
    const patch = diff(before, after);
    const took = now() - started;
    const ops: unknown = JSON.parse(patch);
    return { ms: took, bytes: Buffer.byteLength(patch), ops: Array.isArray(ops) ? ops.length : 0 };
  } catch {
    return null;
  }
}

/** The timings of one task of one view, logged as one line when it ends. */
export class DebugTrace {
  private readonly parts: string[] = [];

  constructor(
    /** What ran: `handleEvent("inc")`, `setState`, `timer`. */
    private readonly cause: string,
    /** How long the handler took; null when the task ran none (a setState outside one). */
    private readonly handlerMs: number | null,
  ) {}

  /** A view or component that rendered: a first render has no diff, only its HTML's size. */
  rendered(name: string, renderMs: number, htmlBytes: number, diff: DiffCost | null, first: boolean): void {
    const sent = first
      ? `first render ${htmlBytes} B`
      : diff !== null
        ? `diff ${ms(diff.ms)}, patch ${diff.bytes} B, ${diff.ops} ${diff.ops === 1 ? "op" : "ops"}`
        : `diff not measured (no core)`;
    this.parts.push(`${name}: render ${ms(renderMs)}, ${sent}`);
  }

  /** The log line, for the view `label`. */
  line(label: string): string {
    const handler = this.handlerMs !== null ? `handler ${ms(this.handlerMs)}` : "no handler";
    const rendered = this.parts.length > 0 ? this.parts.join("; ") : "nothing rendered";
    return `[livets] debug ${label} ${this.cause}: ${handler}; ${rendered}`;
  }
}
