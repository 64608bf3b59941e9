import { LiveView, each, html, type EventName, type EventPayload, type Html } from "livets";

interface Todo {
  id: number;
  title: string;
  done: boolean;
}

interface State {
  todos: Todo[];
  /** What the new-todo input holds (ts-model). */
  title: string;
  nextId: number;
}

/** __ROUTE__: a todo list; each tab has its own. */
export class Todos extends LiveView<State> {
  static override events = ["add", "toggle", "remove"] as const;
  static model = { title: "string" } as const;

  state: State = { todos: [], title: "", nextId: 1 };

  override pageTitle(): string {
    const left = this.state.todos.filter((t) => !t.done).length;
    return left === 0 ? "Todos" : `Todos (${left})`;
  }

  override render(): Html {
    const { todos, title } = this.state;
    // each(): a todo that is still the same object is neither rendered nor compared again.
    return html`<h1>Todos</h1>
      <form id="new-todo" ts-on:submit="add">
        <input id="title" name="title" ts-model="title" value="${title}" placeholder="What needs doing?" autocomplete="off" maxlength="200">
        <button id="add">Add</button>
      </form>
      <ul id="todos">${each(
        todos,
        (t) => html`<li id="todo-${t.id}" class="${t.done ? "done" : ""}">
          <input type="checkbox" ts-on:click="toggle" ts-value-id="${t.id}" ${t.done ? "checked" : ""}>
          <span class="title">${t.title}</span>
          <button class="remove" ts-on:click="remove" ts-value-id="${t.id}" aria-label="Remove">×</button>
        </li>`,
      )}</ul>`;
  }

  override handleEvent(event: EventName<typeof Todos>, payload: EventPayload): void {
    const id = Number(payload.id);
    switch (event) {
      case "add": {
        const text = (typeof payload.title === "string" ? payload.title : this.state.title).trim().slice(0, 200);
        if (text === "") return;
        const todo = { id: this.state.nextId, title: text, done: false };
        this.setState({ todos: [...this.state.todos, todo], title: "", nextId: todo.id + 1 });
        return;
      }
      case "toggle":
        this.setState({ todos: this.state.todos.map((t) => (t.id === id ? { ...t, done: !t.done } : t)) });
        return;
      case "remove":
        this.setState({ todos: this.state.todos.filter((t) => t.id !== id) });
        return;
    }
  }
}
