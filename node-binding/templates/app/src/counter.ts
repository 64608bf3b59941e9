import { LiveView, html, type EventName, type Html } from "livets";

/** A counter; every browser tab has its own. */
export class Counter extends LiveView<{ count: number }> {
  static override events = ["inc", "dec"] as const;

  state = { count: 0 };

  override pageTitle(): string {
    return this.state.count === 0 ? "Counter" : `Counter (${this.state.count})`;
  }

  override render(): Html {
    return html`<h1>Counter</h1>
      <p>Count: <span id="count" ts-hook="Bump">${this.state.count}</span></p>
      <button id="dec" ts-on:click="dec">-</button>
      <button id="inc" ts-on:click="inc">+</button>`;
  }

  override handleEvent(event: EventName<typeof Counter>): void {
    this.setState({ count: this.state.count + (event === "inc" ? 1 : -1) });
  }
}
