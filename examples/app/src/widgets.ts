import { LiveView, html, liveRender, type Html } from "livets";
import { modalDemo } from "./widgets-modal";

/**
 * A counter of its own inside /widgets: a nested live view, so its clicks
 * render only it, and a crash in it would remount only it.
 */
export class ChildCounter extends LiveView<{ count: number }> {
  static override events = ["inc"] as const;

  state = { count: 0 };

  override render(): Html {
    return html`<p>Child count: <span id="child-count">${this.state.count}</span></p>
      <button id="child-inc" ts-on:click="inc">+1 (child only)</button>`;
  }

  override handleEvent(event: string): void {
    if (event === "inc") this.setState({ count: this.state.count + 1 });
  }
}

/**
 * Hooks talking to their view: #ping's hook pushes "ping" and writes the
 * view's reply into #pong; #server-push makes the view push "highlight"
 * to its hooks (the hooks are in public/app.js).
 */
export class Widgets extends LiveView<{ pings: number }> {
  static override events = ["ping", "server-push"] as const;

  state = { pings: 0 };
  /** Counted as a field, not state: counting a render must not cause one. */
  private renders = 0;

  override pageTitle(): string {
    return "Widgets";
  }

  override render(): Html {
    this.renders++;
    return html`<h1>Widgets</h1>
      <p>Parent renders: <span id="parent-renders">${this.renders}</span></p>
      <section>
        <h2>Hook events and replies</h2>
        <button id="ping" ts-hook="Ping">Ping the server</button>
        <output id="pong" ts-ignore></output>
        <p>Pings answered: ${this.state.pings}</p>
        <button id="server-push" ts-hook="Highlight" ts-on:click="server-push">Ask the server to highlight this button</button>
      </section>
      ${modalDemo()}
      <section>
        <h2>A nested live view</h2>
        <div id="child">${liveRender(ChildCounter, { id: "child-counter", session: {} })}</div>
      </section>
      <p><a href="/">All examples</a></p>`;
  }

  override handleEvent(event: string): { pong: number } | void {
    if (event === "ping") {
      const pings = this.state.pings + 1;
      this.setState({ pings });
      return { pong: pings };
    }
    if (event === "server-push") this.pushEvent("highlight", { id: "server-push" });
  }
}
