// What an app server does differently under `livets dev`, and nothing
// else: `runDev` starts the app with LIVETS_DEV_URL (its dev channel) and
// an IPC channel. With NODE_ENV=production, or without the variable (as
// under `livets start`), every function here is inert: no dev script, no
// reports, the production CSP.

import { escapeHtml } from "../html";

/** The environment variable through which `runDev` tells the app where its dev channel is. */
export const DEV_URL_ENV = "LIVETS_DEV_URL";

/** The page's meta tags naming the dev channel and, on an error page, the error. */
export const DEV_META = "livets-dev";
export const DEV_ERROR_META = "livets-dev-error";

// The channel runs on this machine, beside the app: any other address is
// not one runDev sets, and would widen the page's CSP.
const LOCAL_URL = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

/** The dev channel's URL when this process runs under `livets dev`; null otherwise (always in production). */
export function devChannelUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NODE_ENV === "production") return null;
  const url = env[DEV_URL_ENV];
  return url !== undefined && LOCAL_URL.test(url) ? url : null;
}

/** What the dev overlay shows about a view that failed. */
export interface DevViewError {
  /** "ClassName (/route)". */
  readonly view: string;
  /** The view root's wire id: the overlay shows in the page that has it. */
  readonly id: string;
  /** What threw: "mount", "render after handleEvent("inc")". */
  readonly where: string;
  readonly message: string;
  /** Source-mapped when the app runs with --enable-source-maps, as runDev starts it. */
  readonly stack: string;
  /** The view's state when it failed, as JSON (truncated). */
  readonly state: string;
}

/** Messages from the app process to runDev, over the IPC channel. */
export type DevMessage =
  | { readonly livets: "listening" }
  | ({ readonly livets: "view-error" } & DevViewError)
  | { readonly livets: "view-ok"; readonly id: string }
  | { readonly livets: "debug"; readonly id: string; readonly line: string };

const MAX_STATE_CHARS = 20_000;

/** `state` as the overlay shows it: indented JSON, whatever it holds (cycles, bigints, functions). */
export function stateJson(state: unknown): string {
  const seen = new WeakSet<object>();
  let text: string | undefined;
  try {
    text = JSON.stringify(
      state,
      (_key, value: unknown) => {
        if (typeof value === "bigint") return `${value}n`;
        if (typeof value === "function") return `[function ${value.name || "anonymous"}]`;
        if (value instanceof Map) return Object.fromEntries(value);
        if (value instanceof Set) return [...value];
        if (typeof value === "object" && value !== null) {
          if (seen.has(value)) return "[circular]";
          seen.add(value);
        }
        return value;
      },
      2,
    );
  } catch (err) {
    text = `(could not be shown: ${err instanceof Error ? err.message : String(err)})`;
  }
  text ??= String(state);
  return text.length > MAX_STATE_CHARS ? `${text.slice(0, MAX_STATE_CHARS)}\n… (${text.length - MAX_STATE_CHARS} more characters)` : text;
}

/** An error as the overlay shows it: its message and its stack. */
export function describeError(err: unknown): { message: string; stack: string } {
  if (err instanceof Error) return { message: `${err.name}: ${err.message}`, stack: err.stack ?? "" };
  return { message: `thrown: ${stateJson(err)}`, stack: "" };
}

function send(message: DevMessage): void {
  if (devChannelUrl() === null || typeof process.send !== "function" || !process.connected) return;
  try {
    process.send(message);
  } catch {
    // runDev went away: the app carries on without its overlay
  }
}

let tiedToRunDev = false;

/** Under `livets dev`, tells runDev the app now answers (so pages left on an error reload). */
export function reportListening(): void {
  if (devChannelUrl() === null || typeof process.send !== "function") return;
  if (!tiedToRunDev) {
    tiedToRunDev = true;
    // runDev ended without stopping the app (killed): the app would hold
    // its port against the next `livets dev`.
    process.once("disconnect", () => process.exit(0));
  }
  send({ livets: "listening" });
}

// Views whose failure a page may still show: only their next render is
// worth a message (every other render would be one per event). A join's
// render always is: the failure may have been another process's, before
// a restart.
const failed = new Set<string>();

/** Under `livets dev`, sends a view's failure to the page's overlay. */
export function reportViewError(view: string, id: string, where: string, err: unknown, state: unknown): void {
  if (devChannelUrl() === null) return;
  failed.add(id);
  send({ livets: "view-error", view, id, where, ...describeError(err), state: stateJson(state) });
}

/** Under `livets dev`, a render of view `id` went out (`joined`: its join's): its overlay goes. */
export function reportViewOk(id: string, joined = false): void {
  // Asked on every render: the environment (a getenv each) only when there is something to say.
  if (!(failed.delete(id) || joined) || devChannelUrl() === null) return;
  send({ livets: "view-ok", id });
}

/** Under `livets dev`, a view's debug line, which its page prints when LiveTS.debug() is on. */
export function reportDebug(id: string, line: string): void {
  if (devChannelUrl() === null) return;
  send({ livets: "debug", id, line });
}

/** The markup a page's <head> gets under `livets dev`: the channel's address and the dev script. */
export function devHead(clientPrefix: string): string {
  const url = devChannelUrl();
  if (url === null) return "";
  return `<meta name="${DEV_META}" content="${escapeHtml(url)}"><script defer src="${clientPrefix}dev.js"></script>`;
}

/** The CSP's connect-src under `livets dev` (the page reaches the channel), else null. */
export function devConnectSource(): string | null {
  return devChannelUrl();
}

/**
 * A failed page render under `livets dev`: the status page with the dev
 * script and the error (in a meta tag, so no inline script is needed),
 * which the overlay shows; null outside dev.
 */
export function devErrorPage(statusPage: string, clientPrefix: string, view: string, err: unknown): string | null {
  if (devChannelUrl() === null) return null;
  const data = JSON.stringify({ view, id: "", where: "page render", ...describeError(err), state: "" });
  const extra = `${devHead(clientPrefix)}<meta name="${DEV_ERROR_META}" content="${escapeHtml(data)}">`;
  return statusPage.replace("</head>", `${extra}</head>`);
}
