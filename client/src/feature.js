// A feature (JS commands "js", uploads "upload") hands its setup to the
// page layer (server-page.js), which shows its `use` on
// window.LiveTS.ext. A feature is bundled after the page layer and the
// connector (/_livets/live-js.js) or loaded after them as a script of its
// own (/_livets/js.js: live navigation, a first JS command), so `use` is
// always there before it.
export const feature = (name, setup) => window.LiveTS.ext.use(name, setup)
