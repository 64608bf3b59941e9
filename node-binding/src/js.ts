// JS commands: DOM changes a ts-on:* binding makes in the browser with no
// round trip to the server (docs/directives.md, "JS commands"). A command
// list is data, JSON in the attribute, which the page's /_livets/js.js
// runs: no string is ever evaluated, so pages keep their strict CSP.
//
//   <button ts-on:click=${JS.show("#modal", { transition: "fade, fade-from, fade-to" })}>Open</button>
//   <button ts-on:click=${JS.push("save").hide("#modal")}>Save</button>
//
// html`` renders a JSCommands value through its ordinary escaping: the
// value stringifies itself (toString), like any other attribute value.

/** Classes of a transition: "run start end", one class each, or three groups ("a b, c, d"), or [run, start, end]. */
export type TransitionClasses = string | readonly [string, string, string];

/** Options of show, hide and toggle. */
export interface VisibilityOptions {
  /** The CSS display value that shows the element; default "block". */
  readonly display?: string;
  /** The classes to animate with (default: the element's ts-transition / ts-transition-leave). */
  readonly transition?: TransitionClasses;
  /** How long the transition lasts in ms (default: ts-transition-time, else 200). */
  readonly time?: number;
}

/** Options of toggle: `in` animates showing, `out` hiding. */
export interface ToggleOptions {
  readonly display?: string;
  readonly in?: TransitionClasses;
  readonly out?: TransitionClasses;
  readonly time?: number;
}

/** Options of addClass, removeClass and transition. */
export interface TransitionOptions {
  readonly transition?: TransitionClasses;
  readonly time?: number;
}

/** Options of push. */
export interface PushOptions {
  /** A selector: the event goes to the view (or component) around the element it finds. */
  readonly target?: string;
  /** Added to the payload (the binding's ts-value-* and form fields). */
  readonly value?: Readonly<Record<string, unknown>>;
  /** A selector: those elements carry the ts-loading class until the server answers. */
  readonly loading?: string;
}

/** Options of dispatch. */
export interface DispatchOptions {
  /** The CustomEvent's detail. */
  readonly detail?: unknown;
  /** Whether it bubbles; default true. */
  readonly bubbles?: boolean;
}

/** Options of navigate and patch. */
export interface NavigationOptions {
  /** Replace the history entry instead of adding one. */
  readonly replace?: boolean;
}

type Command = readonly [string, Record<string, unknown>];

const NAME = /^[^\s"'<>/=]+$/;
const CLASS = /^[^\s,]+$/;

function fail(what: string, value: unknown, wanted: string): never {
  throw new TypeError(`JS.${what}: ${wanted}, not ${JSON.stringify(value) ?? String(value)}`);
}

function selector(what: string, to: unknown): string | undefined {
  if (to === undefined) return undefined;
  if (typeof to !== "string" || to.trim() === "") fail(what, to, "the target must be a CSS selector");
  return to;
}

function classNames(what: string, names: unknown): string[] {
  const list = typeof names === "string" ? names.split(/\s+/).filter((n) => n !== "") : names;
  if (!Array.isArray(list) || list.length === 0 || !list.every((n) => typeof n === "string" && CLASS.test(n))) {
    fail(what, names, 'the classes must be names separated by spaces ("open wide") or an array of names');
  }
  return list as string[];
}

/** [run, start, end], each a list of class names. */
function transitionOf(what: string, spec: unknown): string[][] | undefined {
  if (spec === undefined) return undefined;
  let groups: unknown[];
  if (typeof spec === "string") groups = spec.includes(",") ? spec.split(",") : spec.trim().split(/\s+/);
  else if (Array.isArray(spec)) groups = spec;
  else fail(what, spec, 'a transition is "run start end", "a b, c, d" or [run, start, end]');
  if (groups.length !== 3 || !groups.every((g) => typeof g === "string")) {
    fail(what, spec, 'a transition has three parts: run, start and end classes ("fade fade-from fade-to")');
  }
  return (groups as string[]).map((g) => g.split(/\s+/).filter((n) => n !== ""));
}

function timeOf(what: string, time: unknown): number | undefined {
  if (time === undefined) return undefined;
  if (typeof time !== "number" || !Number.isInteger(time) || time < 1 || time > 60_000) fail(what, time, "time must be a whole number of ms from 1 to 60000");
  return time;
}

function nonEmpty(what: string, value: unknown, wanted: string): string {
  if (typeof value !== "string" || value === "") fail(what, value, wanted);
  return value;
}

/** Drops the options left out, so the attribute carries only what was said. */
function args(entries: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * A list of JS commands, run in order when the binding's event fires.
 * Immutable: each method returns a new list with one more command, so
 * lists can be kept in constants and extended. Without a target selector a
 * command acts on the element whose binding fired.
 */
export class JSCommands {
  readonly #commands: readonly Command[];

  /** Use `JS`, the empty list, to start one. */
  constructor(commands: readonly Command[] = []) {
    this.#commands = commands;
  }

  #with(kind: string, a: Record<string, unknown>): JSCommands {
    return new JSCommands([...this.#commands, [kind, args(a)]]);
  }

  /** Shows the target (display: block, or `display`), with a transition if given or the element has ts-transition. */
  show(to?: string, opts: VisibilityOptions = {}): JSCommands {
    return this.#visibility("show", to, opts);
  }

  /** Hides the target (display: none) after its transition, if given or the element has ts-transition-leave. */
  hide(to?: string, opts: VisibilityOptions = {}): JSCommands {
    return this.#visibility("hide", to, opts);
  }

  /** Shows the target if it is hidden, else hides it. */
  toggle(to?: string, opts: ToggleOptions = {}): JSCommands {
    return this.#with("toggle", {
      to: selector("toggle", to),
      display: opts.display === undefined ? undefined : nonEmpty("toggle", opts.display, "display must be a CSS display value"),
      in: transitionOf("toggle", opts.in),
      out: transitionOf("toggle", opts.out),
      time: timeOf("toggle", opts.time),
    });
  }

  /** Adds classes (after the transition, if given). */
  addClass(names: string | readonly string[], to?: string, opts: TransitionOptions = {}): JSCommands {
    return this.#classes("addClass", names, to, opts);
  }

  /** Removes classes (after the transition, if given). */
  removeClass(names: string | readonly string[], to?: string, opts: TransitionOptions = {}): JSCommands {
    return this.#classes("removeClass", names, to, opts);
  }

  /** Adds each class the target lacks and removes each it has. */
  toggleClass(names: string | readonly string[], to?: string): JSCommands {
    return this.#with("toggleClass", { to: selector("toggleClass", to), names: classNames("toggleClass", names) });
  }

  /** Sets an attribute. */
  setAttribute(name: string, value: string, to?: string): JSCommands {
    if (typeof name !== "string" || !NAME.test(name)) fail("setAttribute", name, "the name must be an attribute name");
    if (typeof value !== "string") fail("setAttribute", value, "the value must be a string");
    return this.#with("setAttribute", { to: selector("setAttribute", to), name, value });
  }

  /** Removes an attribute. */
  removeAttribute(name: string, to?: string): JSCommands {
    if (typeof name !== "string" || !NAME.test(name)) fail("removeAttribute", name, "the name must be an attribute name");
    return this.#with("removeAttribute", { to: selector("removeAttribute", to), name });
  }

  /** Runs a transition on the target and leaves it as it was. */
  transition(classes: TransitionClasses, to?: string, opts: { readonly time?: number } = {}): JSCommands {
    return this.#with("transition", { to: selector("transition", to), transition: transitionOf("transition", classes), time: timeOf("transition", opts.time) });
  }

  /** Dispatches a DOM CustomEvent on the target (for the page's own scripts and hooks). */
  dispatch(event: string, to?: string, opts: DispatchOptions = {}): JSCommands {
    const name = nonEmpty("dispatch", event, "the event must be a name");
    if (opts.bubbles !== undefined && typeof opts.bubbles !== "boolean") fail("dispatch", opts.bubbles, "bubbles must be true or false");
    if (opts.detail !== undefined) jsonOnly("dispatch", opts.detail);
    return this.#with("dispatch", { to: selector("dispatch", to), event: name, detail: opts.detail, bubbles: opts.bubbles });
  }

  /** Focuses the target. */
  focus(to?: string): JSCommands {
    return this.#with("focus", { to: selector("focus", to) });
  }

  /** Focuses the first focusable element inside the target. */
  focusFirst(to?: string): JSCommands {
    return this.#with("focusFirst", { to: selector("focusFirst", to) });
  }

  /** Sends an event to the server, as a plain binding would. */
  push(event: string, opts: PushOptions = {}): JSCommands {
    const name = nonEmpty("push", event, "the event must be a handler's name");
    if (opts.value !== undefined && (opts.value === null || typeof opts.value !== "object" || Array.isArray(opts.value))) {
      fail("push", opts.value, "value must be an object");
    }
    if (opts.value !== undefined) jsonOnly("push", opts.value);
    return this.#with("push", {
      event: name,
      target: selector("push", opts.target),
      value: opts.value,
      loading: selector("push", opts.loading),
    });
  }

  /** Live navigation to another view, as a ts-link. */
  navigate(href: string, opts: NavigationOptions = {}): JSCommands {
    return this.#with("navigate", { href: nonEmpty("navigate", href, "href must be a URL"), replace: opts.replace || undefined });
  }

  /** Changes the URL and tells the view (handleParams), as a ts-link="patch". */
  patch(href: string, opts: NavigationOptions = {}): JSCommands {
    return this.#with("patch", { href: nonEmpty("patch", href, "href must be a URL"), replace: opts.replace || undefined });
  }

  /** The commands as the attribute holds them: a JSON array of [kind, args]. */
  toString(): string {
    return JSON.stringify(this.#commands);
  }

  toJSON(): readonly Command[] {
    return this.#commands;
  }

  #visibility(kind: "show" | "hide", to: string | undefined, opts: VisibilityOptions): JSCommands {
    return this.#with(kind, {
      to: selector(kind, to),
      display: opts.display === undefined ? undefined : nonEmpty(kind, opts.display, "display must be a CSS display value"),
      transition: transitionOf(kind, opts.transition),
      time: timeOf(kind, opts.time),
    });
  }

  #classes(kind: string, names: string | readonly string[], to: string | undefined, opts: TransitionOptions): JSCommands {
    return this.#with(kind, {
      to: selector(kind, to),
      names: classNames(kind, names),
      transition: transitionOf(kind, opts.transition),
      time: timeOf(kind, opts.time),
    });
  }
}

function jsonOnly(what: string, value: unknown): void {
  try {
    JSON.stringify(value);
  } catch (err) {
    fail(what, String(value), `the data must be JSON (${(err as Error).message})`);
  }
}

/** The empty command list: `JS.show("#modal")`, `JS.push("save").hide("#modal")`. */
export const JS = new JSCommands();

/**
 * Whether rendered markup has a JS command in a binding (a ts-on:* value
 * that is a JSON array) or a transition: its page then lists
 * /_livets/js.js. Markup that gains one later has it loaded on first use.
 */
export function usesJsCommands(markup: string): boolean {
  return /\sts-on:[^\s=>]*="\[|\sts-transition/.test(markup);
}
