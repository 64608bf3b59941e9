// `livets dev [options]`: what runs, and where. Every path is taken from
// the app's folder (the current directory unless --cwd).

import * as fs from "node:fs";
import * as path from "node:path";

export interface DevOptions {
  /** The app's folder. */
  readonly appDir: string;
  /** The server to run: --entry, else package.json "main", else dist/server.js. */
  readonly entry: string;
  /** The TypeScript project: --project, else tsconfig.json if present; null for a JavaScript app. */
  readonly tsconfig: string | null;
  /** Folders of files the browser loads (stylesheets, scripts): --public, else public/ if present. */
  readonly publicDirs: readonly string[];
  /** Folder watched for a JavaScript app's server changes (no tsconfig): the entry's folder. */
  readonly serverDir: string;
  /** The dev channel's port: --dev-port, else any free one. */
  readonly devPort: number;
}

export const DEV_USAGE = `usage: livets dev [--entry FILE] [--project TSCONFIG] [--public DIR]... [--dev-port PORT] [--cwd DIR]

Compiles the app's TypeScript on every change, restarts its server when
server code changes, and updates open pages: a stylesheet is swapped in
place, a view rejoins keeping what was typed, and a failing render shows
an overlay with the error. Not for production (NODE_ENV=production refuses).

  --entry FILE       the server to run (default: package.json "main", else dist/server.js)
  --project FILE     the tsconfig.json to compile (default: ./tsconfig.json if present)
  --public DIR       a folder of browser files to watch (default: ./public if present); repeatable
  --dev-port PORT    the port of the dev channel pages listen to (default: any free port)
  --cwd DIR          the app's folder (default: the current directory)`;

/** A bad command line: the message says what and how to fix it. */
export class DevUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${DEV_USAGE}`);
    this.name = "DevUsageError";
  }
}

const VALUE_FLAGS = new Set(["--entry", "--project", "--public", "--dev-port", "--cwd"]);

/** Reads `argv` (the arguments after "dev"); throws DevUsageError for anything it does not know. */
export function parseDevArgs(argv: readonly string[], cwd: string = process.cwd()): DevOptions {
  const given = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === "-p") return parseDevArgs([...argv.slice(0, i), "--project", ...argv.slice(i + 1)], cwd);
    if (!VALUE_FLAGS.has(flag)) throw new DevUsageError(`livets dev: unknown argument ${JSON.stringify(arg)}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "") throw new DevUsageError(`livets dev: ${flag} needs a value`);
    given.set(flag, [...(given.get(flag) ?? []), value]);
  }
  const one = (flag: string): string | undefined => {
    const values = given.get(flag);
    if (values !== undefined && values.length > 1) throw new DevUsageError(`livets dev: ${flag} is given twice`);
    return values?.[0];
  };
  const appDir = path.resolve(cwd, one("--cwd") ?? ".");
  if (!isDir(appDir)) throw new DevUsageError(`livets dev: ${appDir} is not a folder`);
  const entry = path.resolve(appDir, one("--entry") ?? mainOf(appDir) ?? "dist/server.js");
  const project = one("--project");
  const defaultProject = path.join(appDir, "tsconfig.json");
  const tsconfig = project !== undefined ? path.resolve(appDir, project) : fs.existsSync(defaultProject) ? defaultProject : null;
  if (tsconfig !== null && !fs.existsSync(tsconfig)) throw new DevUsageError(`livets dev: --project ${tsconfig} does not exist`);
  const publicDirs = (given.get("--public") ?? (isDir(path.join(appDir, "public")) ? ["public"] : [])).map((d) => path.resolve(appDir, d));
  for (const dir of publicDirs) if (!isDir(dir)) throw new DevUsageError(`livets dev: --public ${dir} is not a folder`);
  const portText = one("--dev-port") ?? "0";
  const devPort = Number(portText);
  if (!/^\d+$/.test(portText) || devPort > 65535) throw new DevUsageError(`livets dev: --dev-port must be a port number (0 to 65535), not ${JSON.stringify(portText)}`);
  return { appDir, entry, tsconfig, publicDirs, serverDir: path.dirname(entry), devPort };
}

function isDir(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** package.json "main" of `appDir`, if it has one. */
function mainOf(appDir: string): string | undefined {
  try {
    const main: unknown = (JSON.parse(fs.readFileSync(path.join(appDir, "package.json"), "utf8")) as { main?: unknown }).main;
    return typeof main === "string" && main !== "" ? main : undefined;
  } catch {
    return undefined;
  }
}
