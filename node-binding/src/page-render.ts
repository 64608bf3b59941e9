// A GET for a view's page: route, session, first render, and the signed
// join token that lets the browser's connection mount the same view.

import { randomBytes } from "crypto";

import type { JsonObject } from "./json";
import type { Logger } from "./logger";
import type { LiveViewClass } from "./live-view";
import type { Presences } from "./presence";
import { renderOnce } from "./renderer";
import type { MountHook } from "./mount-hooks";
import type { Router } from "./router";
import type { ServerSessions } from "./server-sessions";
import { signToken, type Secret } from "./token";
import { mergeParams, parseLocal } from "./url";
import type { Flash } from "./view-host";

/** The HTTP request a page is rendered for, as the `session` option sees it. */
export interface PageRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  /** Header values by lowercase name; repeated headers are joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Cookie values by name. */
  readonly cookies: Readonly<Record<string, string>>;
  /**
   * The client's IP address as text, resolved by the core through
   * `trustedProxies`; "unknown" when the core did not say.
   */
  readonly address?: string;
}

/**
 * Adds session values to a page request's, beyond its session cookie's:
 * the signed-in user from another store, say. They are signed into the
 * join token, so the connected mount sees what the page render saw.
 */
export type SessionFunction = (request: PageRequest) => JsonObject | Promise<JsonObject>;

/** What rendering pages needs. */
export interface PageSettings {
  readonly router: Router<LiveViewClass>;
  readonly secret: Secret;
  readonly tokenTtlMs: number;
  readonly session?: SessionFunction;
  /** The cookie sessions: a page's session starts from its cookie's, and its token is tied to it. */
  readonly sessions?: ServerSessions;
  /** The on-mount hooks of a route pattern, the server's first. */
  readonly mountHooks?: (route: string) => readonly MountHook[];
  readonly logger: Logger;
  readonly broadcast?: (topic: string, data: unknown) => void;
  readonly presence?: (topic: string) => Presences;
}

/** The outcome of a page request. */
export type PageOutcome =
  | {
      readonly kind: "page";
      /** The view's class name and route pattern, for log lines. */
      readonly view: string;
      readonly route: string;
      readonly id: string;
      readonly token: string;
      readonly csrf: string;
      readonly markup: string;
      readonly flash: Flash;
      /** The view's `pageTitle()`, when it has one. */
      readonly title?: string;
      /** Path and query, and the session the view was mounted with: for the layout. */
      readonly url: string;
      readonly session: JsonObject;
    }
  | { readonly kind: "redirect"; readonly location: string }
  | { readonly kind: "not-found" }
  | { readonly kind: "bad-request" };

/** A random id for a view root: unique per page, with no "/" (components use it). */
export function newRootId(): string {
  return `lv-${randomBytes(9).toString("base64url")}`;
}

/** Renders the page for `request`, or says what to answer instead. */
export async function renderPage(settings: PageSettings, request: PageRequest): Promise<PageOutcome> {
  const local = parseLocal(request.url);
  if (local === null) return { kind: "bad-request" };
  const match = settings.router.match(local.pathname);
  if (match === null) return { kind: "not-found" };
  const params = mergeParams(local.query, match.pathParams);
  const fromCookie = settings.sessions?.read(request.headers.cookie) ?? {};
  const added = settings.session !== undefined ? await settings.session(request) : {};
  const session = { ...fromCookie, ...added };
  const id = newRootId();
  const result = await renderOnce(match.value, {
    route: match.pattern,
    params,
    url: local.href,
    session,
    address: request.address ?? "unknown",
    userAgent: request.headers["user-agent"] ?? "",
    id,
    broadcast: settings.broadcast,
    presence: settings.presence,
    logger: settings.logger,
    onMount: settings.mountHooks?.(match.pattern) ?? [],
  });
  if (result.navigation !== null) return { kind: "redirect", location: result.navigation.url };
  const csrf = randomBytes(18).toString("base64url");
  const token = signToken(
    settings.secret,
    { view: match.pattern, params, url: local.href, id, csrf, session, binding: settings.sessions?.binding(fromCookie) },
    settings.tokenTtlMs,
  );
  return { kind: "page", view: match.value.name || "LiveView", route: match.pattern, id, token, csrf, markup: result.markup, flash: result.flash, title: result.title,
           url: local.href, session };
}

/** Header lines ("Name: value\r\n") as a lowercase-keyed record. */
export function parseHeaders(lines: string): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const line of lines.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}

/** The cookies of a Cookie header. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (header === undefined) return out;
  for (const part of header.split(/;\s*/)) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // kept as sent
    }
    if (!(name in out)) out[name] = value;
  }
  return out;
}
