// The allow-lists are the only gate between a browser-chosen string and a
// view. Handlers are never looked up by name, and the lists are read from
// the class's own static properties, so names like "constructor",
// "__proto__" or "setState" only get through if a class declares them.
// A model field also declares its type, checked before any view code
// runs, so a view never meets a number where it declared a string.

import { isJsonObject, type JsonValue } from "./json";
import { LiveComponent } from "./live-component";
import { LiveView } from "./live-view";
import type { EventPayload } from "./view-host";

/** The event a ts-model change travels as: `{field, value}`. */
export const MODEL_EVENT = "$model";
/** The event a flash's close button sends: `{kind}`. */
export const CLEAR_FLASH_EVENT = "$clear-flash";

/** Event names the framework handles itself; every other "$" name is refused. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([MODEL_EVENT, CLEAR_FLASH_EVENT]);

/** The types a ts-model field may declare in `static model`. */
export type ModelType = "string" | "number" | "boolean" | "string[]";

const MODEL_TYPES: ReadonlySet<string> = new Set<ModelType>(["string", "number", "boolean", "string[]"]);

/** Any view or component class, as the allow-lists read it. */
export type HandlerClass = (abstract new () => object) & {
  readonly name: string;
  readonly events?: readonly string[];
  readonly model?: unknown;
};

interface Lists {
  readonly events: ReadonlySet<string>;
  readonly model: ReadonlyMap<string, ModelType>;
}

const lists = new WeakMap<HandlerClass, Lists>();

/** Throws a TypeError unless `View` is a LiveView subclass. */
export function checkViewClass(View: unknown): asserts View is HandlerClass {
  if (typeof View !== "function" || !(View.prototype instanceof LiveView)) {
    throw new TypeError("expected a class that extends LiveView");
  }
}

/** Throws a TypeError unless `Component` is a LiveComponent subclass. */
export function checkComponentClass(Component: unknown): asserts Component is HandlerClass {
  if (typeof Component !== "function" || !(Component.prototype instanceof LiveComponent)) {
    throw new TypeError("expected a class that extends LiveComponent");
  }
}

function ownEvents(Class: HandlerClass): ReadonlySet<string> {
  const declared: unknown = Object.prototype.hasOwnProperty.call(Class, "events") ? Class.events : [];
  if (!Array.isArray(declared) || !declared.every((e) => typeof e === "string")) {
    throw new TypeError(`${Class.name || "view"}.events must be an array of strings`);
  }
  return new Set(declared as string[]);
}

function ownModel(Class: HandlerClass): ReadonlyMap<string, ModelType> {
  const declared: unknown = Object.prototype.hasOwnProperty.call(Class, "model") ? Class.model : {};
  const name = Class.name || "view";
  const example = `e.g. static model = { title: "string", done: "boolean" } as const`;
  if (Array.isArray(declared)) {
    throw new TypeError(`${name}.model must give each field its type, ${example}; a list of names is not accepted`);
  }
  if (typeof declared !== "object" || declared === null) {
    throw new TypeError(`${name}.model must be an object of field → type, ${example}`);
  }
  const model = new Map<string, ModelType>();
  for (const [field, type] of Object.entries(declared)) {
    if (typeof type !== "string" || !MODEL_TYPES.has(type)) {
      throw new TypeError(`${name}.model.${field} must be "string", "number", "boolean" or "string[]", not ${JSON.stringify(type) ?? String(type)}`);
    }
    model.set(field, type as ModelType);
  }
  return model;
}

function listsOf(Class: HandlerClass): Lists {
  const cached = lists.get(Class);
  if (cached !== undefined) return cached;
  const events = ownEvents(Class);
  for (const name of events) {
    if (name.startsWith("$") && !RESERVED_EVENTS.has(name)) {
      throw new TypeError(`${Class.name}.events: "${name}" is reserved (names starting with "$" are the framework's)`);
    }
  }
  const entry = { events, model: ownModel(Class) };
  lists.set(Class, entry);
  return entry;
}

/** The event names `Class` declares in its own static `events`, validated once and cached. */
export function allowedEvents(Class: HandlerClass): ReadonlySet<string> {
  return listsOf(Class).events;
}

/** The state fields `Class` lets ts-model set, with their types: its own static `model`. */
export function modelFieldsOf(Class: HandlerClass): ReadonlyMap<string, ModelType> {
  return listsOf(Class).model;
}

/** Whether the browser may send event `name` to a `Class` as an ordinary event. */
export function isAllowedEvent(Class: HandlerClass, name: unknown): boolean {
  return typeof name === "string" && !name.startsWith("$") && listsOf(Class).events.has(name);
}

/** What to do with an event a browser sent. */
export type EventDecision =
  | { readonly kind: "event"; readonly payload: EventPayload }
  | {
      readonly kind: "model";
      readonly field: string;
      readonly value: JsonValue;
      /** The class lists "$model": it hears about the change too. */
      readonly notify: boolean;
      readonly payload: EventPayload;
    }
  | { readonly kind: "clear-flash"; readonly flash: string | undefined; readonly notify: boolean; readonly payload: EventPayload }
  | { readonly kind: "refused"; readonly reason: string; readonly log: string };

/**
 * A payload as views see it: an object. `null` (no payload) is `{}`; any
 * other non-object value `v` is `{value: v}`.
 */
export function normalisePayload(value: JsonValue): EventPayload {
  if (isJsonObject(value)) return value;
  return value === null ? {} : { value };
}

/** Whether `value` is of the declared `type`. */
export function isModelValue(type: ModelType, value: JsonValue | undefined): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
  }
}

/** "number", "array", "null", ... for a log line. */
function typeName(value: JsonValue | undefined): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.every((v) => typeof v === "string") ? "string[]" : "array";
  return typeof value;
}

/**
 * Checks event `name` with parsed `payload` against `Class`'s lists.
 * Reserved names: "$model" sets a field declared in `model` to a value of
 * its type; "$clear-flash" clears a flash. Anything else must be in
 * `events`. A refusal's `reason` goes to the browser and also names its
 * cause in the log: it never holds what the browser sent.
 */
export function decideEvent(Class: HandlerClass, name: string, raw: JsonValue): EventDecision {
  const { events, model } = listsOf(Class);
  const payload = normalisePayload(raw);
  if (name === MODEL_EVENT) {
    const { field, value } = payload;
    const type = typeof field === "string" ? model.get(field) : undefined;
    if (typeof field !== "string" || type === undefined) {
      return {
        kind: "refused",
        reason: "unknown model field",
        log: `unknown ts-model field ${quoted(typeof field === "string" ? field : String(field))}`,
      };
    }
    if (!isModelValue(type, value)) {
      return {
        kind: "refused",
        reason: "bad model value",
        log: `bad model value for ${quoted(field)} (declared ${type}, sent ${typeName(value)})`,
      };
    }
    return { kind: "model", field, value, notify: events.has(MODEL_EVENT), payload };
  }
  if (name === CLEAR_FLASH_EVENT) {
    const flash = typeof payload.kind === "string" ? payload.kind : undefined;
    return { kind: "clear-flash", flash, notify: events.has(CLEAR_FLASH_EVENT), payload };
  }
  if (name.startsWith("$") || !events.has(name)) {
    return { kind: "refused", reason: "unknown event", log: `unknown event ${quoted(name)}` };
  }
  return { kind: "event", payload };
}

/** A browser-chosen name, made safe and short enough for a log line. */
export function quoted(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}
