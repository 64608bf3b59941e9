import { joinParams, refused, joined, remounted, nested, navigation, adopt } from './live.js'
import { takeStreamOps, withStreamOps } from './stream.js'

// /_livets/live.js: runs before the connector (livets.js) on the LiveTS
// server's pages and hands it the server layer (live.js) through
// window.LiveTS.ext.
let nav
window.LiveTS = Object.assign(window.LiveTS || {}, {
  ext: {
    params: joinParams,
    wrap: (root, f) => nested(root, () => withStreamOps(root, f)),
    refused: reason => refused(sessionStorage, undefined, reason),
    joined: (root, recovered) => {
      joined()
      if (recovered) remounted(root, recovered)
    },
    route(msg, views, make, push) {
      takeStreamOps(msg)
      nav = nav || navigation(views, make, push)
      nav(msg)
      return adopt(views, make, msg[1])
    },
  },
})
