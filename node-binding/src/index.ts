// The public API of the livets package.

import { loadNative } from "./native";

export { Html, html, raw, escapeHtml } from "./html";
export { LiveView, type LiveViewClass, type Session } from "./live-view";
export { LiveTSServer, LIVE_PATH, type LiveTSServerOptions } from "./server";
export { ComponentRenderer } from "./renderer";
export { allowedEvents, isAllowedEvent } from "./events";
export {
  signToken,
  verifyToken,
  DEFAULT_TOKEN_TTL_MS,
  type Params,
  type TokenCheck,
  type TokenFailure,
  type TokenGrant,
} from "./token";
export { isCoreError, type CoreError } from "./native";

/**
 * Diffs two HTML fragments with the core's differ and returns the patch as
 * JSON text (docs/protocol.md, "Patch operations"). Needs the native core.
 */
export function diff(oldHtml: string, newHtml: string): string {
  return loadNative().diff(oldHtml, newHtml);
}

/** The version of the loaded native core, e.g. {number: 100, string: "0.1.0"}. */
export function coreVersion(): { number: number; string: string } {
  return loadNative().version();
}
