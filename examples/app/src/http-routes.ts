// The demo's own HTTP routes, an Express 4 app on the same port as the
// live views (LiveTSServer's `handler`): a JSON API, and the sign-in and
// sign-out forms that set and clear the session cookie the live views read.
import type { IncomingMessage } from "node:http";

// Types only: the module is loaded by loadExpress, from where Debian puts it.
import express = require("express");
import { escapeHtml, type LiveTSServer } from "livets";

import { navBar } from "./layout";

type Express = typeof express;

// Debian installs Node modules in /usr/share/nodejs, which its own node
// searches and other builds of Node search only through NODE_PATH
// (scripts/demo sets it). Started without it, the demo adds the folder to
// NODE_PATH and has Node read it again, so Express finds its own
// dependencies too.
const DEBIAN_MODULES = "/usr/share/nodejs";

export function loadExpress(): Express {
  const paths = (process.env.NODE_PATH ?? "").split(":").filter((p) => p !== "");
  if (!paths.includes(DEBIAN_MODULES)) {
    process.env.NODE_PATH = [...paths, DEBIAN_MODULES].join(":");
    (require("module") as { _initPaths(): void })._initPaths();
  }
  try {
    return require("express") as Express;
  } catch (error) {
    if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
    throw new Error("the demo needs Express 4: run scripts/bootstrap, which installs Debian's node-express");
  }
}

const USERNAME = /^[\p{L}\p{N} ._-]{1,40}$/u;

function loginPage(error = "", username = ""): string {
  const message = error === "" ? "" : `<p class="form-error" role="alert">${escapeHtml(error)}</p>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · LiveTS</title><link rel="stylesheet" href="/assets/app.css"></head>
<body>${navBar(null).toString()}<main>
<h1>Sign in</h1>
${message}
<form id="login-form" method="post" action="/login">
  <label for="username">Name</label>
  <input id="username" name="username" autocomplete="username" required maxlength="40" value="${escapeHtml(username)}">
  <button type="submit">Sign in</button>
</form>
<p>Any name will do: the demo keeps it in a signed, encrypted cookie and shows it on <a href="/account">/account</a>.</p>
<p><a href="/">All examples</a></p>
</main></body></html>`;
}

/**
 * A form posted from another site is refused: the session cookie is
 * SameSite=Lax, which keeps it off such posts, but signing someone in
 * or out from another origin is still a forgery.
 */
function fromThisOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Adds the demo's routes to `app`, the Express app the server was given
 * as its handler (the app exists first; its session middleware needs the
 * server's secret).
 */
export function addDemoRoutes(app: express.Application, expressLib: Express, server: LiveTSServer): void {
  app.disable("x-powered-by");
  app.use(server.sessionMiddleware());
  const sameOriginPosts: express.Handler = (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD" && !fromThisOrigin(req)) {
      res.status(403).type("text/plain").send("cross-origin form posts are refused\n");
      return;
    }
    next();
  };
  app.use(sameOriginPosts);

  app.get("/api/health", (_req, res) => {
    res.json({ ok: true });
  });
  app.post("/api/echo", expressLib.json({ limit: "1mb" }), (req, res) => {
    res.json(req.body);
  });

  app.get("/login", (_req, res) => {
    res.type("html").send(loginPage());
  });
  app.post("/login", expressLib.urlencoded({ extended: false, limit: "4kb" }), (req, res) => {
    const body = req.body as { username?: unknown };
    const username = typeof body.username === "string" ? body.username.trim() : "";
    if (!USERNAME.test(username)) {
      res.status(400).type("html").send(loginPage("A name is 1 to 40 letters, digits, spaces, dots, dashes or underscores.", username));
      return;
    }
    req.session = { user: username };
    res.redirect(302, "/account");
  });
  app.post("/logout", (req, res) => {
    req.session = null;
    res.redirect(302, "/login");
  });

  // Express's body parsers raise these; anything else is a bug, answered 500 and logged.
  const bodyErrors: express.ErrorHandler = (error, _req, res, next) => {
    const status = (error as { status?: number; type?: string }).status;
    if (res.headersSent) return next(error);
    if (status === 413) {
      res.status(413).json({ error: "the body is larger than 1 MB" });
    } else if (status === 400) {
      res.status(400).json({ error: "the body is not valid JSON" });
    } else {
      next(error);
    }
  };
  app.use(bodyErrors);
}
