// What a live view asked of the browser's page besides patches: flash
// messages, URL changes (pushPatch), and leaving (pushNavigate, redirect).
// Flash and history frames go out before the patches they explain;
// leaving goes out after the last one.

import { flashFrame, historyFrame, type HistoryFrame, type HostFrame } from "./protocol";
import type { Params } from "./token";
import type { Flash, Navigation } from "./view-host";

/** A navigation that leaves the view. */
export type Departure = Exclude<Navigation, { kind: "patch" }>;

const MAX_PATCHES_PER_TASK = 8;

/** The flash and navigation state of the view `id`. */
export class ViewNavigation {
  private current: Flash = {};
  private flashChanged = false;
  private asked: Navigation | null = null;
  private history: HistoryFrame[] = [];

  constructor(private readonly id: string) {}

  get flash(): Flash {
    return this.current;
  }

  /** A freshly mounted view's flash; shown if it has any. */
  startWith(flash: Flash): void {
    this.current = flash;
    this.flashChanged = Object.keys(flash).length > 0;
  }

  /** Sets one flash message. */
  put(kind: string, message: string): void {
    this.current = { ...this.current, [kind]: message };
    this.flashChanged = true;
  }

  /** Clears one flash kind, or all; false when there was nothing to clear. */
  clear(kind?: string): boolean {
    if (kind === undefined) {
      if (Object.keys(this.current).length === 0) return false;
      this.current = {};
    } else {
      if (!Object.prototype.hasOwnProperty.call(this.current, kind)) return false;
      const next: Record<string, string> = { ...this.current };
      delete next[kind];
      this.current = next;
    }
    this.flashChanged = true;
    return true;
  }

  /** The view asked to go to `to` once its handler is done; the last ask wins. */
  ask(to: Navigation): void {
    this.asked = to;
  }

  /**
   * Carries out each pushPatch the last handler asked for: `patched` runs
   * the view's handleParams, which may ask again. A URL another view
   * serves (`resolve` gives null) turns into a pushNavigate.
   */
  async followPatches(resolve: (url: string) => Params | null, patched: (url: string, params: Params) => Promise<void>): Promise<void> {
    for (let i = 0; i < MAX_PATCHES_PER_TASK; i++) {
      const nav = this.asked;
      if (nav === null || nav.kind !== "patch") return;
      this.asked = null;
      const params = resolve(nav.url);
      if (params === null) {
        this.asked = { kind: "navigate", url: nav.url, replace: nav.replace };
        return;
      }
      this.history.push(historyFrame(this.id, nav.url, nav.replace));
      await patched(nav.url, params);
    }
    throw new Error(`pushPatch called from handleParams more than ${MAX_PATCHES_PER_TASK} times in a row`);
  }

  /** The frames due before the next patches: the flash if it changed, then URL changes. */
  takeBeforePatches(): HostFrame[] {
    const out: HostFrame[] = this.history;
    this.history = [];
    if (this.flashChanged) {
      this.flashChanged = false;
      out.unshift(flashFrame(this.id, this.current));
    }
    return out;
  }

  /** The pushNavigate or redirect asked for, taken; null if none. */
  takeDeparture(): Departure | null {
    const nav = this.asked;
    if (nav === null || nav.kind === "patch") return null;
    this.asked = null;
    return nav;
  }

  /** A torn-down view's asks go with it; the flash is the next mount's to set (startWith). */
  forgetAsks(): void {
    this.asked = null;
    this.history = [];
  }
}
