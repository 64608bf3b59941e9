// What a view or component talks to. The host differs by situation (a
// live connection, a page render, the test kit), never the view's code.
// Hosts are kept off the instances, so a view's own fields and methods can
// neither collide with the wiring nor reach it.

import type { AsyncResult } from "./async-result";
import type { Html } from "./html";
import type { JsonValue } from "./json";
import type { Presences } from "./presence";
import type { ViewUploads } from "./uploads";

/** Stops a timer started with `every` or `after`. Safe to call twice. */
export type Cancel = () => void;

/** Flash messages: kind (e.g. "info", "error") → text. */
export type Flash = Readonly<Record<string, string>>;

/** A user event's payload: the element's ts-value-* attributes, form fields, or a control's value. */
export type EventPayload = Readonly<Record<string, JsonValue>>;

/** How to change the browser's URL. */
export interface NavigateOptions {
  /** Replace the current history entry instead of pushing one. */
  readonly replace?: boolean;
}

/** A navigation a view asked for, carried out after its handler. */
export type Navigation =
  | { readonly kind: "patch"; readonly url: string; readonly replace: boolean }
  | { readonly kind: "navigate"; readonly url: string; readonly replace: boolean }
  | { readonly kind: "redirect"; readonly url: string };

/** A component class as the host sees it. */
export interface ComponentType {
  readonly name: string;
  readonly tag?: string;
}

/** The wiring behind a view or component. Not part of the public API. */
export interface NodeHost {
  readonly connected: boolean;
  /** A component's id and props; the view's are empty. */
  readonly id: string;
  readonly props: object;
  stateChanged(): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  broadcast(topic: string, data: unknown): void;
  track(topic: string, key: string, meta: unknown): void;
  untrack(topic: string, key: string): void;
  presence(topic: string): Presences;
  navigate(to: Navigation): void;
  putFlash(kind: string, message: string): void;
  clearFlash(kind?: string): void;
  readonly flash: Flash;
  timer(ms: number, fn: () => void | Promise<void>, repeat: boolean): Cancel;
  /** Runs `work`; hands its outcome to `settle` as a task of this view. */
  async(name: string, work: () => unknown, settle: (result: AsyncResult<unknown>) => void | Promise<void>): void;
  cancelAsync(name: string): void;
  component(parent: object, Component: ComponentType, id: string, props: object): Html;
  notifyView(topic: string, data: unknown): void;
  /** Sends a push event to the node's hooks; absent where no browser is attached. */
  pushEvent?(name: string, payload: unknown): void;
  /** A live view's uploads (none on a page render or for a component). */
  readonly uploads?: ViewUploads | null;
}

const hosts = new WeakMap<object, NodeHost>();

/** Connects a view or component to its host, or disconnects it with `null`. */
export function attachHost(node: object, host: NodeHost | null): void {
  if (host === null) hosts.delete(node);
  else hosts.set(node, host);
}

/** The host of a view or component, if it is attached. */
export function hostOf(node: object): NodeHost | undefined {
  return hosts.get(node);
}

/** Throws unless `ms` is a usable timer interval. */
export function checkInterval(ms: number): void {
  if (!(Number.isFinite(ms) && ms >= 0 && ms <= 2 ** 31 - 1)) {
    throw new TypeError(`a timer needs a number of milliseconds from 0 to 2^31-1, not ${String(ms)}`);
  }
}
