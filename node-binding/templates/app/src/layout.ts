// What surrounds every page. It depends on nothing but the session, so
// moving between pages with ts-link="navigate" stays live navigation.
import { html, type Layout } from "livets";

export const layout: Layout = {
  render: (page) => html`<header class="site">
      <a href="/" ts-link="navigate">__TITLE__</a>
      <!-- livets:nav -->
    </header>
    <main>${page.content}</main>`,
};
