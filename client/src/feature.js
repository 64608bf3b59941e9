// A feature script (/_livets/js.js, /_livets/upload.js) hands its setup to
// the page layer (server-page.js): the page lists it before live.js, so it
// queues in window.LiveTS.features; loaded later (live navigation, a first
// JS command), it finds the page layer's `use` on window.LiveTS.ext.
export const feature = setup => {
  const L = (window.LiveTS = window.LiveTS || {})
  L.ext && L.ext.use ? L.ext.use(setup) : (L.features = L.features || []).push(setup)
}
