import { LiveView, html, type Html } from "livets";

const examples = [{ path: "/counter", title: "Counter", blurb: "a number and two buttons" }];

/** The index page: links to every example. Takes no events. */
export class Home extends LiveView {
  state = {};

  override render(): Html {
    return html`<h1>LiveTS examples</h1>
      <ul>
        ${examples.map((e) => html`<li><a href="${e.path}">${e.title}</a>: ${e.blurb}</li>`)}
      </ul>`;
  }
}
