import { LiveComponent, html, type EventPayload, type Html } from "livets";

/** A to-do as the list keeps it. */
export interface Todo {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
}

/**
 * One row of the list: a component with its own state (whether it is being
 * edited) and its own events. Toggling or renaming tells the list, which
 * owns the data, through notifyView.
 */
export class TodoItem extends LiveComponent<{ todo: Todo }, { editing: boolean }> {
  static override events = ["toggle", "edit", "rename", "remove"] as const;
  static override tag = "li";

  state = { editing: false };

  override render(): Html {
    const { todo } = this.props;
    if (this.state.editing) {
      return html`<form class="todo-edit" ts-on:submit="rename">
          <input name="title" value="${todo.title}" aria-label="Title" autocomplete="off">
          <button>Save</button>
        </form>`;
    }
    return html`<label class="${todo.done ? "done" : ""}">
        <input type="checkbox" ts-on:change="toggle" ${todo.done ? "checked" : ""}> ${todo.title}
      </label>
      <button class="edit" ts-on:click="edit">Edit</button>
      <button class="remove" ts-on:click="remove" aria-label="Remove ${todo.title}">×</button>`;
  }

  override handleEvent(event: string, payload: EventPayload): void {
    const { todo } = this.props;
    if (event === "edit") this.setState({ editing: true });
    else if (event === "toggle") this.notifyView("todo:toggle", todo.id);
    else if (event === "remove") this.notifyView("todo:remove", todo.id);
    else if (event === "rename") {
      const title = typeof payload.title === "string" ? payload.title.trim() : "";
      if (title !== "") this.notifyView("todo:rename", { id: todo.id, title });
      this.setState({ editing: false });
    }
  }
}
