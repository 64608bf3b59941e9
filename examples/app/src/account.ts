import { LiveView, html, type Html, type MountHook, type Params, type Session } from "livets";

/**
 * The on-mount hook of the signed-in pages: without a user in the session
 * cookie, the page request is redirected to /login and a join is refused.
 */
export const requireUser: MountHook = (_view, _params, session) =>
  typeof session.data.user === "string" ? undefined : { redirect: "/login" };

/** Who is signed in, and a way out. Guarded by requireUser. */
export class Account extends LiveView<{ user: string }> {
  state = { user: "" };

  override mount(_params: Params, session: Session): void {
    this.state = { user: String(session.data.user) };
  }

  override pageTitle(): string {
    return "Account";
  }

  override render(): Html {
    return html`<h1>Account</h1>
      <p>Signed in as <strong id="user">${this.state.user}</strong>.</p>
      <form id="logout" method="post" action="/logout"><button type="submit">Log out</button></form>
      <p><a href="/">All examples</a></p>`;
  }
}
