import { joinParams, refused, joined, remounted, nested, navigation, adopt, noteUnchanged, keepUnchanged } from './live.js'
import { takeStreamOps, withStreamOps } from './stream.js'
import { uploads } from './upload.js'

// /_livets/live.js: runs before the connector (livets.js) on the LiveTS
// server's pages and hands it the server layer (live.js) through
// window.LiveTS.ext.
let nav
let push
const ignored = { receive() {} }
let socket

// Uploads need the connector's socket for binary frames, which the
// connector keeps to itself (its bundle has no byte to spare): the socket
// it opens is noted here as it is made.
const Native = window.WebSocket
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args)
    socket = this
    this.addEventListener('close', () => files.lost())
  }
}
const files = uploads(() => socket && socket.readyState == 1 && socket, () => push)

window.LiveTS = Object.assign(window.LiveTS || {}, {
  ext: {
    params: joinParams,
    wrap: (root, f) => keepUnchanged(root, () => nested(root, () => withStreamOps(root, f))),
    refused: reason => refused(sessionStorage, undefined, reason),
    joined: (root, recovered) => {
      joined()
      if (recovered) remounted(root, recovered)
    },
    route(msg, views, make, send) {
      push = send
      // Acks are the uploads' alone: no view may take one for its answer.
      if (files.receive(msg)) return ignored
      noteUnchanged(msg)
      takeStreamOps(msg)
      nav = nav || navigation(views, make, send)
      nav(msg)
      return adopt(views, make, msg[1])
    },
  },
})
