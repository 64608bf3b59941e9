import { LiveView, flashGroup, html, type EventPayload, type Html } from "livets";

import { TodoItem, type Todo } from "./todo-item";

interface State {
  todos: readonly Todo[];
  /** The new to-do's title, kept in step with the input by ts-model. */
  title: string;
  nextId: number;
}

/**
 * A to-do list: each row is a TodoItem component that re-renders on its
 * own; the list owns the data and reports what happened with flash
 * messages.
 */
export class Todos extends LiveView<State> {
  static override events = ["add", "clear-done"] as const;
  static model = { title: "string" } as const;

  state: State = {
    todos: [
      { id: "t1", title: "Read the protocol", done: true },
      { id: "t2", title: "Write a view", done: false },
    ],
    title: "",
    nextId: 3,
  };

  override render(): Html {
    const { todos, title } = this.state;
    const open = todos.filter((t) => !t.done).length;
    return html`<h1>Todos</h1>
      ${flashGroup(this.flash)}
      <form id="new-todo" ts-on:submit="add">
        <input id="title" name="title" ts-model="title" value="${title}" placeholder="What next?" autocomplete="off">
        <button id="add" ${title.trim() === "" ? "disabled" : ""}>Add</button>
      </form>
      <ul id="todos">${todos.map((todo) => this.component(TodoItem, todo.id, { todo }))}</ul>
      <p id="open">${open} open</p>
      <button id="clear-done" ts-on:click="clear-done">Clear done</button>
      <p><a href="/">All examples</a></p>`;
  }

  override handleEvent(event: string, payload: EventPayload): void {
    if (event === "add") {
      const title = (typeof payload.title === "string" ? payload.title : this.state.title).trim();
      if (title === "") return;
      const todo = { id: `t${this.state.nextId}`, title, done: false };
      this.setState({ todos: [...this.state.todos, todo], title: "", nextId: this.state.nextId + 1 });
      this.putFlash("info", `Added “${title}”`);
    } else if (event === "clear-done") {
      const done = this.state.todos.filter((t) => t.done).length;
      this.setState({ todos: this.state.todos.filter((t) => !t.done) });
      this.putFlash("info", `Cleared ${done} done`);
    }
  }

  override handleInfo(topic: string, data: unknown): void {
    const todos = this.state.todos;
    if (topic === "todo:toggle") {
      this.setState({ todos: todos.map((t) => (t.id === data ? { ...t, done: !t.done } : t)) });
    } else if (topic === "todo:remove") {
      const gone = todos.find((t) => t.id === data);
      this.setState({ todos: todos.filter((t) => t.id !== data) });
      if (gone !== undefined) this.putFlash("info", `Removed “${gone.title}”`);
    } else if (topic === "todo:rename" && isRename(data)) {
      this.setState({ todos: todos.map((t) => (t.id === data.id ? { ...t, title: data.title } : t)) });
    }
  }
}

function isRename(data: unknown): data is { id: string; title: string } {
  const d = data as { id?: unknown; title?: unknown } | null;
  return typeof d?.id === "string" && typeof d.title === "string";
}
