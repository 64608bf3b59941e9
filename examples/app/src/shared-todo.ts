import { LiveView, html, type EventPayload, type Html, type LiveTSServer, type Params, type Session } from "livets";

import { Replica, isEntry, type Entry } from "./shared/replica";

/** One item of the shared list. */
export interface SharedItem extends Entry {
  readonly title: string;
  readonly done: boolean;
}

const TOPIC = "todo";
const MAX_TITLE = 200;
const MAX_ITEMS = 500;

function isSharedItem(value: unknown): value is SharedItem {
  if (!isEntry(value)) return false;
  const v = value as Partial<SharedItem>;
  return (
    typeof v.title === "string" &&
    v.title.length <= MAX_TITLE &&
    typeof v.done === "boolean"
  );
}

let items: Replica<SharedItem> | null = null;

/** Creates the list this process shares with the others; call once, before listen(). */
export function shareTodos(server: LiveTSServer): Replica<SharedItem> {
  items = new Replica(server, TOPIC, isSharedItem);
  return items;
}

function list(): Replica<SharedItem> {
  if (items === null) throw new Error("shareTodos(server) was not called");
  return items;
}

interface State {
  items: readonly SharedItem[];
  title: string;
  error: string;
}

/**
 * /todo: one to-do list shared by every tab, and by every process behind
 * the same Redis. Changes are broadcast on "todo"; each view re-renders
 * from its process's copy, and the differ sends each tab only what moved.
 */
export class SharedTodos extends LiveView<State> {
  static override events = ["add", "toggle", "destroy"] as const;
  static model = { title: "string" } as const;

  state: State = { items: [], title: "", error: "" };

  override mount(_params: Params, session: Session): void {
    if (session.connected) this.subscribe(TOPIC);
    this.setState({ items: list().list() });
  }

  override render(): Html {
    const { items: shown, title, error } = this.state;
    const open = shown.filter((item) => !item.done).length;
    return html`<h1>Shared todo</h1>
      <p class="hint">Open this page in two tabs, or on two servers behind one Redis: every change shows everywhere.</p>
      <form id="todo-form" ts-on:submit="add">
        <input id="new-todo" name="title" ts-model="title" value="${title}" placeholder="What needs doing?" autocomplete="off" maxlength="${MAX_TITLE}">
        <button id="add-todo">Add</button>
      </form>
      ${error === "" ? "" : html`<p id="todo-error" class="error">${error}</p>`}
      <ul id="todos">${shown.map(
        (item) => html`<li id="todo-${item.id}" class="${item.done ? "done" : ""}">
            <input type="checkbox" class="toggle" ts-on:change="toggle" ts-value-id="${item.id}" aria-label="Done" ${item.done ? "checked" : ""}>
            <span class="title">${item.title}</span>
            <button class="destroy" ts-on:click="destroy" ts-value-id="${item.id}" aria-label="Delete ${item.title}">×</button>
          </li>`,
      )}</ul>
      <p id="todo-count">${open} open of ${shown.length}</p>
      <p><a href="/">All examples</a></p>`;
  }

  override handleEvent(event: string, payload: EventPayload): void {
    const replica = list();
    if (event === "add") {
      const title = (typeof payload.title === "string" ? payload.title : this.state.title).trim();
      if (title === "") return this.setState({ error: "" });
      if (title.length > MAX_TITLE) return this.setState({ error: `A todo is at most ${MAX_TITLE} characters.` });
      if (replica.list().length >= MAX_ITEMS) return this.setState({ error: `The list is full (${MAX_ITEMS} items).` });
      replica.put({ id: replica.newId(), at: Date.now(), title, done: false });
      this.setState({ title: "", error: "" });
    } else {
      const id = typeof payload.id === "string" ? payload.id : "";
      const item = replica.get(id);
      if (item === undefined) return;
      if (event === "toggle") replica.put({ ...item, done: payload.checked === true });
      else replica.put({ ...item, deleted: true });
    }
    this.setState({ items: replica.list() });
  }

  override handleInfo(_topic: string, data: unknown): void {
    const replica = list();
    replica.apply(data);
    this.setState({ items: replica.list() });
  }
}
