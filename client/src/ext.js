// Where a host's page layer plugs in, as window.LiveTS.ext defined before
// this bundle runs (the LiveTS server's pages load /_livets/live.js for
// it): what a join sends, what surrounds each DOM update, what a refused
// or accepted join does, and the view a message is for when the
// extension resolves it (messages beyond r, p and x).
export const ext = {
  params: () => ({}),
  wrap: (root, f) => f(),
  refused() {},
  joined() {},
  route() {},
}
