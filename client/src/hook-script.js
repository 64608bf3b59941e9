import { hookSet } from './hooks.js'

// /_livets/hook.js (dist/hook.js): hooks and push events, which the
// connector loads from beside its own script when a view first holds
// ts-hook or a push event first arrives, holding the messages after it
// until this has run (index.js, `need`). The ES module bundle has it
// built in (esm.js).
window.LiveTS.hook = hookSet
