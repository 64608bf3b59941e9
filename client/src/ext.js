// Where a host's page layer plugs in, as window.LiveTS.ext defined before
// this bundle runs (the LiveTS server's pages load /_livets/live.js for
// it): what a join sends, what surrounds each DOM update, what a refused
// join (with the reason) or an accepted one does (with the root, and for a
// rejoin after a lost connection the ts-model fields sent again), and the
// view a message is for when the extension resolves it (messages beyond
// r, p and x).
export const ext = {
  params: () => ({}),
  wrap: (root, f) => f(),
  refused() {},
  joined() {},
  route() {},
}
