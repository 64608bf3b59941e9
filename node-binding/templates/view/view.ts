import { LiveView, html, type EventName, type Html } from "livets";

/** __ROUTE__ */
export class __CLASS__ extends LiveView<{ clicks: number }> {
  static override events = ["click"] as const;

  state = { clicks: 0 };

  override pageTitle(): string {
    return "__TITLE__";
  }

  override render(): Html {
    return html`<h1>__TITLE__</h1>
      <p><button id="__SLUG__-click" ts-on:click="click">Click</button>
        clicked <span id="__SLUG__-clicks">${this.state.clicks}</span> times</p>`;
  }

  override handleEvent(event: EventName<typeof __CLASS__>): void {
    if (event === "click") this.setState({ clicks: this.state.clicks + 1 });
  }
}
