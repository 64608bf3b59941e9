// Who may open the dashboard. It shows routes, topics, the size of every
// view's state and the process's memory: not for everyone who reaches
// the port. Refused requests never mount it: the page and a join are
// sent to "/" instead.

import type { Session } from "../live-view";
import type { MountHook } from "../mount-hooks";
import { checkOwnPath, type ReservedPaths } from "../metrics/endpoint";

/** Decides on the session of the page request and of every join. */
export type DashboardGuard = (session: Session) => boolean | Promise<boolean>;

/** The `dashboard` option of LiveTSServer. */
export interface DashboardOptions {
  /** Where it is served, e.g. "/_livets". */
  readonly path: string;
  /** Who may open it; `localDevelopmentOnly` when not given. */
  readonly guard?: DashboardGuard;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * The default guard: outside production (NODE_ENV other than
 * "production"), for clients on this machine (a loopback address).
 * Behind a reverse proxy on the same machine every client looks local
 * unless the proxy is in `trustedProxies`: give a guard of your own there.
 */
export const localDevelopmentOnly: DashboardGuard = (session) =>
  process.env.NODE_ENV !== "production" && LOOPBACK.test(session.address);

/** Where a refused page or join is sent. */
export const REFUSED_DASHBOARD_REDIRECT = "/";

export function checkDashboardOptions(options: DashboardOptions | undefined, reserved: ReservedPaths): Required<DashboardOptions> | null {
  if (options === undefined) return null;
  if (typeof options !== "object" || options === null) throw new TypeError('dashboard must be an object such as { path: "/_livets", guard }');
  const path = checkOwnPath(options.path, "dashboard.path", reserved);
  if (options.guard !== undefined && typeof options.guard !== "function") {
    throw new TypeError("dashboard.guard must be a function (session) => boolean");
  }
  return { path, guard: options.guard ?? localDevelopmentOnly };
}

/** The route's on-mount hook: mounts only what the guard allows. A throw refuses too. */
export function guardHook(guard: DashboardGuard, logError: (message: string, err: unknown) => void): MountHook {
  return async (_view, _params, session) => {
    let allowed = false;
    try {
      allowed = (await guard(session)) === true;
    } catch (err) {
      logError("[livets] dashboard.guard threw; the request is refused:", err);
    }
    return allowed ? undefined : { redirect: REFUSED_DASHBOARD_REDIRECT };
  };
}
