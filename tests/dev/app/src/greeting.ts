import { LiveView, html, type Html } from "livets";

/** The view the dev-mode tests edit while a page shows it. */
export class Greeting extends LiveView<{ name: string; clicks: number }> {
  static override events = ["click"] as const;
  static model = { name: "string" } as const;

  state = { name: "", clicks: 0 };

  override render(): Html {
    return html`<h1 id="greeting">Hello from the first build</h1>
      <input id="name" ts-model="name" value="${this.state.name}" autocomplete="off">
      <p id="echo">${this.state.name}</p>
      <button id="click" ts-on:click="click">clicked ${this.state.clicks}</button>`;
  }

  override handleEvent(event: string): void {
    if (event === "click") this.setState({ clicks: this.state.clicks + 1 });
  }
}
