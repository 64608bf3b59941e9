// Paths to views. A pattern is a path whose segments may be `:name`
// placeholders ("/users/:id"); literal routes win over patterns, and
// patterns are tried in the order they were added.

import type { Params } from "./token";

/** A route that matched a path. */
export interface RouteMatch<T> {
  readonly value: T;
  /** The pattern as registered, e.g. "/users/:id". */
  readonly pattern: string;
  /** The placeholders' values, percent-decoded. */
  readonly pathParams: Params;
}

interface Pattern<T> {
  readonly pattern: string;
  readonly segments: readonly string[];
  readonly value: T;
}

const PARAM = /^:[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws a TypeError unless `pattern` is a route pattern. */
export function checkPattern(pattern: string): void {
  if (typeof pattern !== "string" || !pattern.startsWith("/") || /[?#\s]/.test(pattern)) {
    throw new TypeError(`a route must start with "/" and hold no query, fragment or space: ${String(pattern)}`);
  }
  const names = new Set<string>();
  for (const segment of pattern.split("/").slice(1)) {
    if (!segment.startsWith(":")) continue;
    if (!PARAM.test(segment)) throw new TypeError(`bad placeholder ${segment} in route ${pattern}`);
    if (names.has(segment)) throw new TypeError(`placeholder ${segment} repeats in route ${pattern}`);
    names.add(segment);
  }
}

/** Maps path patterns to values. */
export class Router<T> {
  private readonly exact = new Map<string, T>();
  private readonly patterns: Pattern<T>[] = [];

  /** Whether `pattern` has a route. */
  has(pattern: string): boolean {
    return this.exact.has(pattern) || this.patterns.some((p) => p.pattern === pattern);
  }

  /** Adds or replaces the route for `pattern`. */
  add(pattern: string, value: T): void {
    checkPattern(pattern);
    if (!pattern.includes("/:")) {
      this.exact.set(pattern, value);
      return;
    }
    const existing = this.patterns.findIndex((p) => p.pattern === pattern);
    const entry = { pattern, segments: pattern.split("/"), value };
    if (existing >= 0) this.patterns[existing] = entry;
    else this.patterns.push(entry);
  }

  /** The route for a URL's path (without its query), or null. */
  match(pathname: string): RouteMatch<T> | null {
    const exact = this.exact.get(pathname);
    if (exact !== undefined) return { value: exact, pattern: pathname, pathParams: {} };
    const parts = pathname.split("/");
    for (const p of this.patterns) {
      const params = matchSegments(p.segments, parts);
      if (params !== null) return { value: p.value, pattern: p.pattern, pathParams: params };
    }
    return null;
  }

  /** The value registered under exactly `pattern`. */
  get(pattern: string): T | undefined {
    return this.exact.get(pattern) ?? this.patterns.find((p) => p.pattern === pattern)?.value;
  }
}

function matchSegments(segments: readonly string[], parts: readonly string[]): Params | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const part = parts[i];
    if (segment.startsWith(":")) {
      if (part === "") return null;
      try {
        params[segment.slice(1)] = decodeURIComponent(part);
      } catch {
        return null;
      }
    } else if (segment !== part) return null;
  }
  return params;
}
