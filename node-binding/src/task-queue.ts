/**
 * Runs tasks one at a time in the order they were queued, so an async
 * handler never interleaves with the next message for the same view and
 * every render sees a settled state.
 */
export class TaskQueue {
  private tail: Promise<void> = Promise.resolve();
  private depth = 0;
  // Bound once: a task costs two promises and no closures of its own
  // (every event is one).
  private readonly settled = (): void => {
    this.depth--;
  };
  private readonly failed = (err: unknown): void => {
    try {
      this.onError(err);
    } finally {
      this.depth--;
    }
  };

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Queues `task`; a task that throws is reported and the queue goes on. */
  run(task: () => void | Promise<void>): void {
    this.depth++;
    this.tail = this.tail.then(task).then(this.settled, this.failed);
  }

  /** True while a task is queued or running. */
  get busy(): boolean {
    return this.depth > 0;
  }

  /** Settles when every task queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
