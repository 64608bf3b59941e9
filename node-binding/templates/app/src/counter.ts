import { LiveView, html, type EventName, type Html } from "livets";

/** A counter; every browser tab has its own. The step is a bound input. */
export class Counter extends LiveView<{ count: number; step: number }> {
  static override events = ["inc", "dec"] as const;
  static model = { step: "number" } as const;

  state = { count: 0, step: 1 };

  override pageTitle(): string {
    return this.state.count === 0 ? "Counter" : `Counter (${this.state.count})`;
  }

  override render(): Html {
    return html`<h1>Counter</h1>
      <p>Count: <span id="count" ts-hook="Bump">${this.state.count}</span></p>
      <label>Step <input id="step" type="number" min="1" ts-model="step" value="${this.state.step}"></label>
      <button id="dec" ts-on:click="dec">-</button>
      <button id="inc" ts-on:click="inc">+</button>`;
  }

  override handleEvent(event: EventName<typeof Counter>): void {
    const step = this.state.step;
    this.setState({ count: this.state.count + (event === "inc" ? step : -step) });
  }
}
