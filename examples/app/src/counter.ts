import { LiveView, html, type Html } from "livets";

/** A counter; every tab has its own. */
export class Counter extends LiveView<{ count: number }> {
  static override events = ["inc", "dec"] as const;

  state = { count: 0 };

  override pageTitle(): string {
    return this.state.count === 0 ? "Counter" : `Counter (${this.state.count})`;
  }

  override render(): Html {
    return html`<h1>Counter</h1>
      <p>Count: <span id="count">${this.state.count}</span></p>
      <button id="dec" ts-on:click="dec">-</button>
      <button id="inc" ts-on:click="inc">+</button>
      <p><a href="/">All examples</a></p>`;
  }

  override handleEvent(event: string): void {
    if (event === "inc") this.setState({ count: this.state.count + 1 });
    else if (event === "dec") this.setState({ count: this.state.count - 1 });
  }
}
