// The allow-list is the only gate between a browser-chosen string and the
// view. Handlers are never looked up by name, and the list is read from the
// class's own static property, so names like "constructor", "__proto__" or
// "setState" only get through if a view declares them itself.

import { LiveView, type LiveViewClass } from "./live-view";

const lists = new WeakMap<LiveViewClass, ReadonlySet<string>>();

/** Throws a TypeError unless `View` is a LiveView subclass. */
export function checkViewClass(View: unknown): asserts View is LiveViewClass {
  if (typeof View !== "function" || !(View.prototype instanceof LiveView)) {
    throw new TypeError("expected a class that extends LiveView");
  }
}

/**
 * The event names `View` declares in its own static `events`, validated
 * once and cached.
 */
export function allowedEvents(View: LiveViewClass): ReadonlySet<string> {
  const cached = lists.get(View);
  if (cached !== undefined) return cached;
  const declared: unknown = Object.prototype.hasOwnProperty.call(View, "events")
    ? View.events
    : [];
  if (!Array.isArray(declared) || !declared.every((e) => typeof e === "string")) {
    throw new TypeError(`${View.name || "view"}.events must be an array of strings`);
  }
  const set: ReadonlySet<string> = new Set(declared);
  lists.set(View, set);
  return set;
}

/** Whether the browser may send event `name` to a `View`. */
export function isAllowedEvent(View: LiveViewClass, name: unknown): boolean {
  return typeof name === "string" && allowedEvents(View).has(name);
}
