import { takeStreamOps, withStreamOps } from './stream.js'

// /_livets/stream.js (dist/stream.js): stream operations, which the page
// layer loads when a patch first carries one, holding that patch and the
// messages after it until this has run (server-page.js).
window.LiveTS.stream = { take: takeStreamOps, wrap: withStreamOps }
