import { randomBytes } from "node:crypto";

import {
  LiveView,
  html,
  isPresenceDiff,
  isRedisLink,
  REDIS_LINK_TOPIC,
  type EventPayload,
  type Html,
  type LiveTSServer,
  type Params,
  type Session,
} from "livets";

import { Replica, isEntry, type Entry } from "./shared/replica";

/** One chat message. */
export interface ChatMessage extends Entry {
  readonly author: string;
  readonly text: string;
}

const MESSAGES = "chat:messages";
const ONLINE = "chat:online";
const MAX_TEXT = 500;
const KEPT = 200;

function isChatMessage(value: unknown): value is ChatMessage {
  if (!isEntry(value)) return false;
  const v = value as Partial<ChatMessage>;
  return (
    typeof v.author === "string" &&
    v.author.length <= 40 &&
    typeof v.text === "string" &&
    v.text.length <= MAX_TEXT
  );
}

let history: Replica<ChatMessage> | null = null;

/** Creates the history this process shares with the others; call once, before listen(). */
export function shareChat(server: LiveTSServer): Replica<ChatMessage> {
  history = new Replica(server, MESSAGES, isChatMessage, KEPT);
  return history;
}

function messages(): Replica<ChatMessage> {
  if (history === null) throw new Error("shareChat(server) was not called");
  return history;
}

interface State {
  me: string;
  messages: readonly ChatMessage[];
  /** Who is here, by name, on every node. */
  people: readonly string[];
  draft: string;
  /** False while this server cannot reach the others (see Replica.linked). */
  linked: boolean | null;
}

/**
 * /chat: one room for every tab on every process behind the same Redis.
 * Messages are broadcast and kept (the newest 200) by each process; who
 * is here is presence: each tab tracks itself, so it leaves when the tab
 * closes or its server dies.
 */
export class ChatRoom extends LiveView<State> {
  static override events = ["post"] as const;
  static model = { draft: "string" } as const;

  state: State = { me: "", messages: [], people: [], draft: "", linked: null };

  override mount(_params: Params, session: Session): void {
    const me = `guest-${randomBytes(2).toString("hex")}`;
    if (session.connected) {
      this.subscribe(MESSAGES);
      this.subscribe(ONLINE);
      this.track(ONLINE, me, { name: me, since: Date.now() });
      this.subscribe(REDIS_LINK_TOPIC);
    }
    this.setState({ me, messages: messages().list(), people: this.whoIsHere(), linked: messages().linked });
  }

  override render(): Html {
    const { me, messages: shown, people, draft, linked } = this.state;
    return html`<h1>Chat</h1>
      ${linked === false
        ? html`<p id="link-status" class="warning">The other servers are out of reach: messages reach this server's tabs only, and catch up when the link returns.</p>`
        : ""}
      <p class="status"><span id="online">${people.length}</span> online · you are <b id="me">${this.connected ? me : "…"}</b></p>
      <ul id="people">${people.map((name) => html`<li class="${name === me ? "me" : ""}">${name}</li>`)}</ul>
      <ol id="messages">${shown.map(
        (m) => html`<li class="message" id="msg-${m.id}"><b class="author">${m.author}</b> <span class="text">${m.text}</span></li>`,
      )}</ol>
      <form id="chat-form" ts-on:submit="post">
        <input id="message" name="message" ts-model="draft" value="${draft}" placeholder="Say something" autocomplete="off" maxlength="${MAX_TEXT}">
        <button id="send">Send</button>
      </form>
      <p><a href="/">All examples</a></p>`;
  }

  override handleEvent(_event: string, payload: EventPayload): void {
    const text = (typeof payload.message === "string" ? payload.message : this.state.draft).trim().slice(0, MAX_TEXT);
    this.setState({ draft: "" });
    if (text === "") return;
    const history = messages();
    history.put({ id: history.newId(), at: Date.now(), author: this.state.me, text });
    this.setState({ messages: history.list() });
  }

  override handleInfo(topic: string, data: unknown): void {
    if (topic === REDIS_LINK_TOPIC && isRedisLink(data)) {
      this.setState({ linked: data.connected });
    } else if (topic === ONLINE && isPresenceDiff(data)) {
      this.setState({ people: this.whoIsHere() });
    } else if (topic === MESSAGES) {
      messages().apply(data);
      this.setState({ messages: messages().list() });
    }
  }

  private whoIsHere(): string[] {
    return Object.keys(this.presence(ONLINE)).sort();
  }
}
