// The timers (every, after) and async work (assignAsync, startAsync) of
// one live view. Each fires as a task of the view's queue; a timer that
// fires again while its last tick still waits in the queue is skipped, so
// a slow view never builds a backlog. All of it stops when the view is
// torn down.

import type { AsyncResult } from "./async-result";
import type { Cancel } from "./view-host";

interface Timer {
  handle: ReturnType<typeof setTimeout> | null;
  queued: boolean;
}

/** Timers and async work started by one view. */
export class ViewTimers {
  private readonly timers = new Set<Timer>();
  /** The sequence number of the latest work started under each name. */
  private readonly asyncs = new Map<string, number>();
  private asyncSeq = 0;

  /**
   * `run` queues a task on the view; `live` says whether the view is
   * mounted (work that finishes after it stopped is dropped).
   */
  constructor(
    private readonly run: (task: () => Promise<void>) => void,
    private readonly live: () => boolean,
  ) {}

  /** Whether async work is in flight. */
  get asyncPending(): boolean {
    return this.asyncs.size > 0;
  }

  /** Calls `fire` as a task every `ms` (or once, unless `repeat`). */
  start(ms: number, repeat: boolean, fire: () => Promise<void>): Cancel {
    const timer: Timer = { handle: null, queued: false };
    const tick = (): void => {
      if (!repeat) this.timers.delete(timer);
      if (timer.queued) return;
      timer.queued = true;
      this.run(() => {
        timer.queued = false;
        return fire();
      });
    };
    timer.handle = repeat ? setInterval(tick, ms) : setTimeout(tick, ms);
    timer.handle.unref?.();
    this.timers.add(timer);
    return () => {
      if (timer.handle !== null) clearTimeout(timer.handle);
      timer.handle = null;
      this.timers.delete(timer);
    };
  }

  /**
   * Runs `work` and hands its outcome to `settle` as a task, unless newer
   * work took the same name, it was cancelled, or the view stopped.
   */
  startAsync(name: string, work: () => unknown, settle: (outcome: AsyncResult<unknown>) => Promise<void>): void {
    const seq = ++this.asyncSeq;
    this.asyncs.set(name, seq);
    let promise: Promise<unknown>;
    try {
      promise = Promise.resolve(work());
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise
      .then(
        (result): AsyncResult<unknown> => ({ status: "ok", result }),
        (error: unknown): AsyncResult<unknown> => ({ status: "failed", error }),
      )
      .then((outcome) =>
        this.run(async () => {
          if (this.asyncs.get(name) !== seq || !this.live()) return;
          this.asyncs.delete(name);
          await settle(outcome);
        }),
      );
  }

  /** Drops the outcome of the work running under `name`. */
  cancelAsync(name: string): void {
    this.asyncs.delete(name);
  }

  /** Clears every timer and forgets all async work. */
  stopAll(): void {
    for (const timer of this.timers) if (timer.handle !== null) clearTimeout(timer.handle);
    this.timers.clear();
    this.asyncs.clear();
  }
}
