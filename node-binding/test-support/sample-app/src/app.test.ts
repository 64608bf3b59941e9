// The test kit, typed: what an app's own tests look like.
import { LiveView, html, type Html } from "livets";
import { EventRefused, mountView, type TestView } from "livets/testing";

class Counter extends LiveView<{ count: number }> {
  static override events = ["inc"] as const;
  state = { count: 0 };
  override render(): Html {
    return html`<span id="count">${this.state.count}</span>`;
  }
  override handleEvent(event: string): void {
    if (event === "inc") this.setState({ count: this.state.count + 1 });
  }
}

export async function check(): Promise<string> {
  const view: TestView = await mountView(Counter, { url: "/counter" });
  const after: string = await view.click("inc", { by: 1 });
  view.assertPatched("/counter");
  try {
    await view.click("nope");
  } catch (err) {
    if (err instanceof EventRefused) return err.reason;
  }
  // @ts-expect-error: payloads are JSON
  await view.click("inc", { when: new Date() });
  return after + view.html();
}
