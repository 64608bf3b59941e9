// The core's loop thread is woken once for all the answers Node's thread
// gives in one turn of its loop, not once per answer. A view answers an
// event several microtasks after its record arrived (its task queue, the
// handler, the render), so the hold lasts until the turn's check phase
// (setImmediate), after those microtasks, rather than to the next
// microtask. On a shared core each wake-up is a switch between the two
// threads, and the loop thread would take each answer alone: held, one
// switch carries a whole batch of patches.

import type { NativeBinding, ServerHandle } from "./native";

export class TurnHold {
  private held = false;
  private readonly release = (): void => {
    this.held = false;
    try {
      this.native.releaseCalls(this.handle);
    } catch {
      // The server was freed meanwhile: nothing is left to wake.
    }
  };

  /**
   * `releaseAt` schedules the release: the turn's check phase by default;
   * HTTP answers, which handlers give in the same ticks as their records,
   * are released at the next microtask.
   */
  constructor(
    private readonly native: NativeBinding,
    private readonly handle: ServerHandle,
    private readonly releaseAt: (release: () => void) => void = setImmediate,
  ) {}

  /** Holds the core's wake-ups until the release; once until then. */
  hold(): void {
    if (this.held) return;
    try {
      this.native.holdCalls(this.handle);
    } catch {
      return; // The server stopped: there is nothing to hold.
    }
    this.held = true;
    this.releaseAt(this.release);
  }
}
