// The server's cookie sessions: one set of keys derived from its secret,
// one cookie format, read by page renders and joins and written by the
// app's handlers through `server.sessionMiddleware()`.

import { DEFAULT_SESSION_COOKIE, SessionKeys, type SessionCookieOptions, type SessionData } from "./session-cookie";
import { readSession, sessionMiddleware, type SessionMiddleware } from "./session-middleware";
import type { Secret } from "./token";

export class ServerSessions {
  private readonly keys: SessionKeys;

  constructor(secret: Secret, private readonly options: SessionCookieOptions) {
    this.keys = new SessionKeys(secret);
  }

  get cookieName(): string {
    return this.options.name ?? DEFAULT_SESSION_COOKIE;
  }

  /** The session in a Cookie header; `{}` without a valid one. */
  read(cookieHeader: string | readonly string[] | undefined): SessionData {
    return readSession(this.keys, cookieHeader, this.options);
  }

  /** What a join token carries to tie it to the session it was rendered for. */
  binding(data: SessionData): string {
    return this.keys.digest(data);
  }

  middleware(): SessionMiddleware {
    return sessionMiddleware(this.keys, this.options);
  }
}
