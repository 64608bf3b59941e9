import { LiveView, html, type EventPayload, type Html } from "livets";

/** The most items the page keeps: older ones leave the DOM as new ones come. */
export const FEED_LIMIT = 500;

interface Post {
  readonly id: string;
  readonly text: string;
}

/**
 * A feed built with a stream: each post goes to the page once and is then
 * forgotten by the view and by the core, so memory stays flat however many
 * posts pass through.
 */
export class Feed extends LiveView<{ sent: number }> {
  static override events = ["add", "add-1000", "clear", "post"] as const;

  state = { sent: 0 };

  override mount(): void {
    this.post(3);
  }

  override render(): Html {
    return html`<h1>Feed</h1>
      <p>Posts sent: <span id="feed-sent">${this.state.sent}</span>; the page keeps the last ${FEED_LIMIT}.</p>
      <button id="feed-add" ts-on:click="add">Add one</button>
      <button id="feed-add-1000" ts-on:click="add-1000">Add 1,000</button>
      <button id="feed-clear" ts-on:click="clear">Clear</button>
      <form id="feed-post" ts-on:submit="post"><input id="feed-text" name="text" placeholder="Say something"> <button>Post</button></form>
      <ul id="feed" ts-stream="feed">${this.renderStream("feed", (p: Post) => html`<li id=${p.id} class="item">${p.text}</li>`)}</ul>`;
  }

  override handleEvent(event: string, payload: EventPayload): void {
    if (event === "post") this.post(1, String(payload.text ?? "").slice(0, 280));
    else if (event === "add") this.post(1);
    else if (event === "add-1000") this.post(1000);
    else if (event === "clear") this.stream("feed", [], { reset: true });
  }

  private post(count: number, text?: string): void {
    const first = this.state.sent + 1;
    const posts = Array.from({ length: count }, (_, k): Post => ({ id: `post-${first + k}`, text: text || `Post ${first + k}` }));
    this.stream("feed", posts, { limit: -FEED_LIMIT });
    this.setState({ sent: this.state.sent + count });
  }
}
