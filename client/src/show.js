import { reveal } from './directives.js'

// /_livets/show.js (dist/show.js): ts-show and ts-if, which the connector
// loads from beside its own script when a view first holds either
// (reveal.js). The ES module bundle has it built in (esm.js).
window.LiveTS.show = reveal
