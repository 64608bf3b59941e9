import { navigate } from './navigate.js'

// /_livets/nav.js: live navigation, which the page layer (live.js) loads
// at a page's first ts-link click or navigate message, beside the next
// page's own fetch.
window.LiveTS.nav = navigate
