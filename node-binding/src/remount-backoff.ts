// When a crashed view is mounted again: after a delay that doubles with
// each crash in a row (capped), and not at all after too many, so a view
// that fails at every mount does not spin. A render that goes out resets
// the count.

const MAX_REMOUNT_DELAY_MS = 30_000;

/** The crash count and remount timer of one live view. */
export class RemountBackoff {
  private crashes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** The delay after the first crash in a row. */
    private readonly baseMs: number,
    /** Crashes in a row after which the view is given up. */
    readonly maxCrashes: number,
  ) {}

  /** Whether a remount is waiting for its delay. */
  get pending(): boolean {
    return this.timer !== null;
  }

  /** Counts a crash; the delay before the next mount, or null to give up. */
  crashed(): number | null {
    this.crashes++;
    if (this.crashes > this.maxCrashes) return null;
    return Math.min(this.baseMs * 2 ** (this.crashes - 1), MAX_REMOUNT_DELAY_MS);
  }

  /** A render went out: the view works again. */
  recovered(): void {
    this.crashes = 0;
  }

  /** Calls `remount` after `delayMs`; the timer does not keep the process alive. */
  schedule(delayMs: number, remount: () => void): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      remount();
    }, delayMs);
    this.timer.unref?.();
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
