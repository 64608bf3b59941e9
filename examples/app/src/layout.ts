// Every page's surroundings: a nav bar with the examples and who is
// signed in. Its markup depends on the session only, never on the route,
// so moving between examples stays live navigation (a swap of the view's
// root): a layout that marked the current page would differ on every
// page, and every move would load the page in full.
import { html, type Html, type Layout } from "livets";

import { examples } from "./home";

/** The nav bar, for live pages and the Express pages alike. */
export function navBar(user: string | null): Html {
  const account = user === null
    ? html`<a id="nav-login" href="/login">Sign in</a>`
    : html`<a id="nav-account" href="/account">Account</a>`;
  return html`<nav id="site-nav" aria-label="Examples">
      <a href="/" ts-link="navigate">LiveTS</a>
      ${examples.filter((e) => e.live).map((e) => html`<a href="${e.path}" ts-link="navigate">${e.title}</a>`)}
      <span class="nav-account">${account}</span>
    </nav>`;
}

export const siteLayout: Layout = {
  render: (page) => html`${navBar(typeof page.session.user === "string" ? page.session.user : null)}<main>${page.content}</main>`,
};
