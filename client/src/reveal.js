import { SHOW, IF } from './constants.js'

// ts-show and ts-if are evaluated by show.js (directives.js and the
// expression language), which sets window.LiveTS.show as it loads. The
// connector loads it the first time a view holds either (`need`, set by
// connect, then refreshes every view), so a page without them never
// fetches it; until then such elements stay as the server rendered them.
// Returns whether a ts-if added or removed content.
export const directives = { need() {} }
export const reveal = root =>
  window.LiveTS.show ? LiveTS.show(root) : void (root.querySelector(`[${SHOW}],template[${IF}]`) && directives.need())
