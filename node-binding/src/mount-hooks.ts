// On-mount hooks: checks that run before a view's `mount`, on the page
// render and again on every join (a join is a new request: the page's
// checks must hold for it too). Registered per server (`onMount`) and per
// route or route group, as Phoenix's live_session on_mount.

import type { LiveView, Session } from "./live-view";
import type { Params } from "./token";
import { checkRedirect } from "./url";

/** What a hook decides: go on (nothing), or leave for `redirect` without mounting. */
export type MountHookResult = void | undefined | { readonly redirect: string; readonly external?: boolean };

/**
 * Runs before `mount`, with the view about to mount (a hook may give it
 * values: set fields on it), the page's params and the session. Return
 * `{ redirect: "/login" }` to halt: the page request is answered with a
 * 302 to that URL, a join with a redirect of the browser. A throw fails
 * the page (500) or the join, like a throw in `mount`.
 */
export type MountHook = (view: LiveView<object>, params: Params, session: Session) => MountHookResult | Promise<MountHookResult>;

/** Runs `hooks` in order; the URL of the first that halts, or null when all let the mount go on. */
export async function runMountHooks(
  hooks: readonly MountHook[],
  view: LiveView<object>,
  params: Params,
  session: Session,
): Promise<string | null> {
  for (const hook of hooks) {
    const result = await hook(view, params, session);
    if (result === undefined || result === null) continue;
    if (typeof result !== "object" || typeof result.redirect !== "string" || result.redirect === "") {
      throw new TypeError(`an onMount hook returned ${describe(result)}: return nothing to go on, or { redirect: url } to halt`);
    }
    // As view.redirect() checks it: a local path, or an http(s) URL of
    // another origin only when the hook says so (an open redirect otherwise).
    return checkRedirect(result.redirect, { external: result.external === true });
  }
  return null;
}

/** Checks a list of hooks given as an option; names the option in the error. */
export function checkMountHooks(hooks: unknown, option: string): readonly MountHook[] {
  if (hooks === undefined) return [];
  if (!Array.isArray(hooks) || !hooks.every((hook) => typeof hook === "function")) {
    throw new TypeError(`${option} must be an array of functions (view, params, session) => void | { redirect }, got ${describe(hooks)}`);
  }
  return Object.freeze([...hooks]) as readonly MountHook[];
}

function describe(value: unknown): string {
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
