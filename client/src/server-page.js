import { joinParams, refused, joined, remounted, nested, navigation, adopt, noteUnchanged, keepUnchanged } from './live.js'
import { takeStreamOps, withStreamOps } from './stream.js'
import { uploads } from './upload.js'
import { tapped, observe, debug, latencySim } from './socket-tap.js'
import { showNotice, CRASH_TEXT, MOUNT_TEXT } from './notices.js'
import { REFUSED, TOKEN_ATTR, ID_ATTR } from './constants.js'
import { CRASHED, MOUNT_FAILED } from './page-constants.js'

// /_livets/live.js: runs before the connector (livets.js) on the LiveTS
// server's pages and hands it the server layer (live.js) through
// window.LiveTS.ext.
let nav
let push
const ignored = { receive() {} }
let socket
// The view root a refusal was last about: where a mount failure's notice goes.
let refusedRoot
const mainRoot = id => [...document.querySelectorAll(`[${TOKEN_ATTR}]`)].find(el => el.getAttribute(ID_ATTR) == id)

// Uploads need the connector's socket for binary frames, which the
// connector keeps to itself (its bundle has no byte to spare): the socket
// it opens is noted here as it is made, and tapped (socket-tap.js).
const Native = window.WebSocket
window.WebSocket = class extends tapped(Native) {
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
    refused: reason => {
      if (refused(sessionStorage, undefined, reason) || reason != MOUNT_FAILED) return
      console.error('LiveTS: the view failed to mount again after a reload, so the page is not reloaded again; the server log has the error')
      showNotice(mainRoot(refusedRoot), MOUNT_TEXT)
    },
    joined: (root, recovered) => {
      joined()
      if (recovered) remounted(root, recovered)
    },
    route(msg, views, make, send) {
      push = send
      // Acks are the uploads' alone: no view may take one for its answer.
      if (files.receive(msg)) return ignored
      observe(msg)
      if (msg[0] == REFUSED) {
        refusedRoot = msg[1]
        if (msg[3] == CRASHED) showNotice(mainRoot(msg[1]), CRASH_TEXT)
      }
      noteUnchanged(msg)
      takeStreamOps(msg)
      nav = nav || navigation(views, make, send)
      nav(msg)
      return adopt(views, make, msg[1])
    },
  },
})

// The connector replaces window.LiveTS as it runs, after this script (both
// deferred, and DOMContentLoaded comes after both): the tools join it then.
const tools = () => Object.assign(window.LiveTS, { debug, latencySim })
tools()
document.addEventListener('DOMContentLoaded', tools)
