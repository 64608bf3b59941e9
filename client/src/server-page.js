import { joinParams, refused, joined, remounted, nested, navigation, adopt } from './live.js'

// /_livets/live.js: runs before the connector (livets.js) on the LiveTS
// server's pages and hands it the server layer (live.js) through
// window.LiveTS.ext.
let nav
window.LiveTS = Object.assign(window.LiveTS || {}, {
  ext: {
    params: joinParams,
    wrap: nested,
    refused: reason => refused(sessionStorage, undefined, reason),
    joined: (root, recovered) => {
      joined()
      if (recovered) remounted(root, recovered)
    },
    route(msg, views, make, push) {
      nav = nav || navigation(views, make, push)
      nav(msg)
      return adopt(views, make, msg[1])
    },
  },
})
