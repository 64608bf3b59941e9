// The key a server signs with when it is given none. Join tokens and
// session cookies made with a random key die with the process: after a
// restart every open tab reloads and loses what was typed in it, and two
// processes cannot read each other's sessions. So the server says so once
// at start, and under `livets dev` keeps one key in a file across restarts.

import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";

import type { Secret } from "./token";

/** Where `livets dev` keeps the development key, from the app's folder. */
export const DEV_SECRET_FILE = path.join(".livets", "dev-secret");

/** A key chosen for a server given none, and the warning to log once at its start. */
export interface DefaultSecret {
  readonly secret: Secret;
  readonly warning: string;
}

const ADVICE = "pass the secret option, the same to every process (e.g. secret: process.env.LIVETS_SECRET)";

/**
 * With LIVETS_DEV=1 (set by `livets dev`), the key in `cwd`/.livets/dev-secret,
 * made there on first use; otherwise a random key for this process.
 */
export function defaultSecret(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): DefaultSecret {
  if (env.LIVETS_DEV === "1") {
    const file = path.join(cwd, DEV_SECRET_FILE);
    try {
      return { secret: readOrCreate(file), warning: `[livets] no secret option: signing with the development key in ${file}, kept so that restarts keep open pages joinable; in production ${ADVICE}` };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { secret: randomBytes(32), warning: `[livets] no secret option, and the development key file ${file} cannot be used (${reason}): signing with a random key, so a restart reloads open pages; ${ADVICE}` };
    }
  }
  return {
    secret: randomBytes(32),
    warning: `[livets] no secret option: signing with a random key made at start, so a restart reloads every open page (losing what was typed in it) and processes cannot share sessions; ${ADVICE}`,
  };
}

function readOrCreate(file: string): string {
  try {
    const kept = fs.readFileSync(file, "utf8").trim();
    if (kept.length >= 32) return kept;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  // Written beside and renamed over: two processes starting at once each
  // see a whole key, and the last one written wins for both next time.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, secret + "\n", { mode: 0o600 });
  fs.renameSync(tmp, file);
  return secret;
}
