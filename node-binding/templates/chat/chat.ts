import { randomBytes } from "node:crypto";

import { LiveView, html, isPresenceDiff, type EventName, type EventPayload, type Html, type Params, type Session } from "livets";

interface Message {
  author: string;
  text: string;
}

interface State {
  me: string;
  messages: Message[];
  /** What the message input holds (ts-model). */
  draft: string;
  online: number;
}

const ROOM = "chat:room";
const ONLINE = "chat:online";
const KEPT = 50;

function isMessage(data: unknown): data is Message {
  const m = data as Partial<Message> | null;
  return typeof m === "object" && m !== null && typeof m.author === "string" && typeof m.text === "string";
}

/**
 * __ROUTE__: one room for every tab. A message is a broadcast, so with
 * LIVETS_REDIS_URL set every process on that Redis delivers it to its own
 * tabs; who is online is presence, counted across processes too.
 */
export class Chat extends LiveView<State> {
  static override events = ["post"] as const;
  static model = { draft: "string" } as const;

  state: State = { me: "", messages: [], draft: "", online: 0 };

  override mount(_params: Params, session: Session): void {
    const me = `guest-${randomBytes(2).toString("hex")}`;
    if (session.connected) {
      this.subscribe(ROOM);
      this.subscribe(ONLINE);
      this.track(ONLINE, me, { since: Date.now() });
    }
    this.setState({ me, online: Object.keys(this.presence(ONLINE)).length });
  }

  override render(): Html {
    const { me, messages, draft, online } = this.state;
    return html`<h1>Chat</h1>
      <p><span id="online">${online}</span> online · you are <b id="me">${me}</b></p>
      <ol id="messages">${messages.map((m) => html`<li class="message"><b>${m.author}</b> ${m.text}</li>`)}</ol>
      <form id="chat-form" ts-on:submit="post">
        <input id="message" name="message" ts-model="draft" value="${draft}" placeholder="Say something" autocomplete="off" maxlength="500">
        <button id="send">Send</button>
      </form>`;
  }

  override handleEvent(_event: EventName<typeof Chat>, payload: EventPayload): void {
    const text = (typeof payload.message === "string" ? payload.message : this.state.draft).trim().slice(0, 500);
    this.setState({ draft: "" });
    if (text !== "") this.broadcast(ROOM, { author: this.state.me, text });
  }

  override handleInfo(topic: string, data: unknown): void {
    if (topic === ROOM && isMessage(data)) {
      this.setState({ messages: [...this.state.messages, data].slice(-KEPT) });
    } else if (topic === ONLINE && isPresenceDiff(data)) {
      this.setState({ online: Object.keys(this.presence(ONLINE)).length });
    }
  }
}
