import { LiveView, html, type Html } from "livets";

/** Every example; `live` ones are views the nav bar links, the others pages of their own (Express, the dashboard). */
export const examples = [
  { path: "/counter", title: "Counter", live: true, blurb: "a number and two buttons" },
  { path: "/todos", title: "Todos", live: true, blurb: "stateful components, ts-model and flash messages" },
  { path: "/todo", title: "Shared todo", live: true, blurb: "one list for every tab and every process behind one Redis (pub/sub)" },
  { path: "/chat", title: "Chat", live: true, blurb: "a room with presence: who is online, across processes" },
  { path: "/search", title: "Search", live: true, blurb: "live navigation: patch links, back and forward, another view over the same socket" },
  { path: "/clock", title: "Clock", live: true, blurb: "a timer that dies with the view, and async work with loading and error states" },
  { path: "/feed", title: "Feed", live: true, blurb: "a stream: posts sent once, kept by neither view nor core, the page capped at 500" },
  { path: "/upload", title: "Uploads", live: true, blurb: "files over the page's socket, acknowledged chunk by chunk: progress, errors, cancel, a hash of what was stored" },
  { path: "/widgets", title: "Widgets", live: true, blurb: "hooks that push events and get replies, a view pushing to its hooks, a nested live view" },
  { path: "/_livets", title: "Dashboard", live: false, blurb: "this server, live: connections, events per second, render times, memory, views and topics, drawn as inline SVG (Prometheus text at /metrics)" },
  { path: "/login", title: "Sign in", live: false, blurb: "an Express app on the same port: a form, a cookie session, and /account guarded by an on-mount hook" },
];

/** The index page: links to every example. Takes no events. */
export class Home extends LiveView {
  state = {};

  override render(): Html {
    return html`<h1>LiveTS examples</h1>
      <ul>
        ${examples.map((e) => html`<li><a href="${e.path}">${e.title}</a>: ${e.blurb}</li>`)}
      </ul>`;
  }
}
