// Uses every public part of the API the way an app would, under strict
// settings with skipLibCheck off. Lines marked @ts-expect-error must stay
// errors: if the types got looser, the compile fails.
import {
  LiveComponent,
  LiveTSServer,
  LiveView,
  flashGroup,
  html,
  loading,
  modelFields,
  raw,
  type AsyncResult,
  type EventPayload,
  type Html,
  type JsonValue,
  type PageRequest,
  type Params,
  type Session,
  type UpdateTooLargeError,
} from "livets";

interface Todo {
  readonly id: string;
  readonly title: string;
}

class TodoItem extends LiveComponent<{ todo: Todo; onTop: boolean }, { editing: boolean }> {
  static override events = ["edit"] as const;
  static override tag = "li";
  state = { editing: false };

  override render(): Html {
    const { todo, onTop } = this.props;
    return html`<span class="${onTop ? "top" : ""}">${todo.title}</span>
      <button ts-on:click="edit">${this.state.editing ? "done" : "edit"}</button>`;
  }

  override handleEvent(event: string): void {
    if (event === "edit") this.setState({ editing: !this.state.editing });
    this.notifyView("edited", { id: this.id });
  }
}

interface State {
  todos: readonly Todo[];
  title: string;
  page: number;
  stats: AsyncResult<{ open: number }>;
  ticks: number;
}

class Todos extends LiveView<State> {
  static override events = ["add", "next"] as const;
  static model = { title: "string" } as const;

  state: State = { todos: [], title: "", page: 1, stats: loading(), ticks: 0 };

  override mount(params: Params, session: Session): void {
    const user: JsonValue | undefined = session.data["user"];
    const address: string = session.address;
    void user;
    void address;
    if (params["page"] !== undefined) this.setState({ page: Number(params["page"]) });
    if (session.connected) {
      this.subscribe("todos");
      this.every(1000, () => this.setState({ ticks: this.state.ticks + 1 }));
    }
    this.assignAsync("stats", async () => ({ open: this.state.todos.length }));
  }

  override handleParams(params: Params, url: string): void {
    this.setState({ page: Number(params["page"] ?? 1) });
    void url;
  }

  override handleEvent(event: string, payload: EventPayload): void {
    if (event === "add") {
      const title = typeof payload["title"] === "string" ? payload["title"] : this.state.title;
      this.setState({ todos: [...this.state.todos, { id: String(this.state.todos.length), title }], title: "" });
      this.putFlash("info", `Added ${title}`);
      this.broadcast("todos", { added: title });
    } else if (event === "next") {
      this.pushPatch(`/todos?page=${this.state.page + 1}`);
    }
  }

  override handleInfo(topic: string, data: unknown): void {
    if (topic === "edited" && typeof data === "object" && data !== null) this.clearFlash();
  }

  override handleError(error: UpdateTooLargeError): void {
    this.putFlash("error", `${error.bytes} bytes is too much to show`);
    this.setState({ todos: this.state.todos.slice(0, 100) });
  }

  override render(): Html {
    const { stats } = this.state;
    return html`${flashGroup(this.flash)}
      <form ts-on:submit="add"><input ts-model="title" value="${this.state.title}"></form>
      <ul>${this.state.todos.map((todo, i) => this.component(TodoItem, todo.id, { todo, onTop: i === 0 }))}</ul>
      <p>${stats.status === "ok" ? stats.result.open : stats.status}</p>
      <a href="/todos?page=${this.state.page + 1}" ts-link="patch">next</a>${raw("<hr>")}`;
  }
}

interface FormState {
  name: string;
  age: number;
  agree: boolean;
  tags: readonly string[];
}

class FormView extends LiveView<FormState> {
  static model = modelFields<FormState>({ name: "string", age: "number", agree: "boolean", tags: "string[]" });
  state: FormState = { name: "", age: 0, agree: false, tags: [] };
  override render(): Html {
    return html`<p>${this.state.name.length}</p>`;
  }
}

class BadModel extends LiveView<{ name: string }> {
  static model = { nmae: "string" } as const;
  state = { name: "" };
  override render(): Html {
    return html``;
  }
}

class MistypedModel extends LiveView<{ count: number }> {
  static model = { count: "string" } as const;
  state = { count: 0 };
  override render(): Html {
    return html``;
  }
}

class StringRender extends LiveView<{ name: string }> {
  state = { name: "" };
  // @ts-expect-error: render must return Html; a plain string would go out unescaped
  override render(): string {
    return `<p>${this.state.name}</p>`;
  }
}

class Misuse extends LiveView<{ count: number; stats: AsyncResult<number> }> {
  state = { count: 0, stats: loading<number>() };
  override render(): Html {
    // @ts-expect-error: props must match the component's
    this.component(TodoItem, "x", { todo: { id: "1", title: "t" } });
    // @ts-expect-error: a string is not a component class
    this.component("TodoItem", "x", {});
    return html``;
  }
  override handleEvent(_event: string, payload: EventPayload): void {
    // @ts-expect-error: payload values are JSON, not numbers, until checked
    const n: number = payload["by"];
    void n;
    // @ts-expect-error: count is not an AsyncResult field
    this.assignAsync("count", async () => 1);
    // @ts-expect-error: the async value must match the field
    this.assignAsync("stats", async () => "text");
    // @ts-expect-error: no such state field
    this.setState({ nope: 1 });
    // @ts-expect-error: pushPatch takes options, not a boolean
    this.pushPatch("/x", true);
    // @ts-expect-error: leaving the site must be said with { external: true }, not a boolean
    this.redirect("https://example.com/", true);
    this.redirect("https://example.com/", { external: true });
    // @ts-expect-error: a model type must fit the field
    modelFields<{ n: number }>({ n: "string" });
  }
}

async function session(request: PageRequest): Promise<{ user: string }> {
  return { user: request.cookies["user"] ?? "anon" };
}

export async function main(): Promise<number> {
  const server = new LiveTSServer({
    port: 0,
    secret: "sample secret",
    title: "Todos",
    head: html`<link rel="stylesheet" href="/assets/app.css">`,
    assets: { prefix: "/assets/", dir: "public" },
    session,
    remountDelayMs: 500,
    logger: console,
  });
  server.registerComponent("/todos", Todos).route("/form", FormView).route("/misuse", Misuse);
  // @ts-expect-error: "nmae" is not a field of BadModel's state
  server.route("/bad", BadModel);
  // @ts-expect-error: count is a number, not a string
  server.route("/mistyped", MistypedModel);
  void StringRender;
  new LiveTSServer({ maxPageBytes: 1 << 20, maxLiveMessageBytes: 1 << 20, frameAncestors: "'none'", allowedHosts: ["example.com"], trustedProxies: ["10.0.0.1"], allowedOrigins: "*", httpsOrigins: true, eventRate: 50 });
  // @ts-expect-error: allowedHosts is a list of names
  new LiveTSServer({ allowedHosts: "example.com" });
  // @ts-expect-error: head must be Html, never a plain string
  new LiveTSServer({ head: "<script>" });
  const port: number = await server.listen();
  server.broadcast("todos", { hello: true });
  await server.close();
  return port;
}
