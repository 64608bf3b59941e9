// Where a host's page layer plugs in, as window.LiveTS.ext defined before
// this bundle runs (the LiveTS server's pages load /_livets/live.js for
// it): what a join sends, what surrounds each DOM update, what a refused
// join (with the reason) or an accepted one does (with the root, and for a
// rejoin after a lost connection the ts-model fields sent again), and the
// view a message is for when the extension resolves it (messages beyond
// r, p and x), and what runs a binding's JS commands (exec: the binding's
// Attr, whose value is a JSON array; the element; the event; its payload;
// and viewOf, the view of an element), which a host without them leaves
// undone; and `need(msg, need)`, asked of every message before it is
// routed, which calls the connector's need(name) for a script the message
// must wait for (index.js).
export const ext = {
  params: () => ({}),
  wrap: (root, f) => f(),
  refused() {},
  joined() {},
  route() {},
  exec() {},
  need() {},
}
