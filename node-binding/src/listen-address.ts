// Where a LiveTSServer listens, and what went wrong when it cannot. The
// core binds IP literals only, so a name ("localhost") is looked up first,
// as Node's own servers do; a failure names the option, the value and the
// fix rather than the core call it came from.

import { lookup } from "dns";
import * as fs from "fs";
import { isIP } from "net";
import * as path from "path";

import { isCoreError } from "./native";

/** The host and port options as given, and the address the host resolved to. */
export interface ListenTarget {
  readonly host: string;
  readonly address: string;
  readonly port: number;
  /** The reusePort option: the port is shared with other processes. */
  readonly reusePort?: boolean;
}

/** Throws a TypeError naming the option unless `port` and `host` can be listened on. */
export function checkListenOptions(port: unknown, host: unknown): void {
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
    throw new TypeError(`port must be an integer from 0 to 65535 (0 picks a free port), got ${String(port)}`);
  }
  if (typeof host !== "string" || host === "") {
    throw new TypeError(`host must be an IP address or a host name such as "localhost", got ${JSON.stringify(host) ?? String(host)}`);
  }
}

/** The IP address to bind for `host`: itself if it is one, else the first address a lookup gives. */
export function resolveHost(host: string): Promise<string> {
  if (isIP(host) !== 0) return Promise.resolve(host);
  return new Promise((resolve, reject) => {
    lookup(host, (err, address) => {
      if (err === null) return resolve(address);
      const why = (err as NodeJS.ErrnoException).code ?? err.message;
      reject(new TypeError(`host must be an IP address or a resolvable name, got ${JSON.stringify(host)} (lookup failed: ${why})`));
    });
  });
}

/**
 * Whether the Host header may carry `host`: a name other than localhost
 * (which the core always accepts) is added to `allowedHosts`, since the
 * server was told to be reached by it.
 */
export function allowedHostsWith(host: string, allowedHosts: readonly string[] | undefined): readonly string[] | undefined {
  if (isIP(host) !== 0 || host.toLowerCase() === "localhost") return allowedHosts;
  if (allowedHosts === undefined) return [host];
  if (allowedHosts.includes("*") || allowedHosts.some((name) => name.toLowerCase() === host.toLowerCase())) return allowedHosts;
  return [...allowedHosts, host];
}

/** Throws an Error naming `assets.dir` unless it is a folder. */
export function checkAssetsDir(dir: string): string {
  const full = path.resolve(dir);
  const shown = full === dir ? JSON.stringify(dir) : `${JSON.stringify(dir)} (${full})`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    throw new Error(`assets.dir ${shown} does not exist: create it, or set assets.dir to the folder that holds the files`);
  }
  if (!stat.isDirectory()) throw new Error(`assets.dir ${shown} is not a folder: set assets.dir to the folder that holds the files`);
  return full;
}

/** `host:port` as a person would type it: IPv6 in brackets, a name with the address it resolved to. */
function shownAddress({ host, address, port }: ListenTarget): string {
  const at = (ip: string): string => (isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);
  return host === address ? at(address) : `${host}:${port} (${at(address)})`;
}

/**
 * The error for a failed start: the core's LTS_E* code and errno are kept
 * (and the core's error as `cause`), the message says which option to
 * change. Errors that are not the core's pass through, and so do its
 * other errors, whose sentences already name what to fix (assets.dir is
 * checked before the core sees it: checkAssetsDir).
 */
export function listenError(err: unknown, target: ListenTarget): unknown {
  if (!isCoreError(err)) return err;
  let message: string;
  switch (err.code) {
    case "LTS_EADDRINUSE":
      message = target.reusePort
        ? `${shownAddress(target)} is already in use by a process that does not share it: every server on a shared port needs reusePort: true and the same user`
        : `${shownAddress(target)} is already in use: stop what listens there, or set the port option to another port (0 picks a free one)`;
      break;
    case "LTS_EINVAL":
      if (!err.message.includes("host")) return err;
      message = `host must be an IP address (without a %zone) or a resolvable name, got ${JSON.stringify(target.host)}`;
      break;
    case "LTS_EIO":
      // The core's sentence ends with the system's reason ("address not available").
      message =
        `cannot listen on ${shownAddress(target)} (${err.message.slice(err.message.lastIndexOf(": ") + 2)}): ` +
        "set host to an address of this machine (0.0.0.0 for all), and port to one this process may use (below 1024 needs privileges)";
      break;
    default:
      return err;
  }
  const out = new Error(message) as Error & { code: string; errno: number; cause: unknown };
  out.code = err.code;
  out.errno = err.errno;
  out.cause = err;
  return out;
}
