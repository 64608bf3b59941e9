import { joinParams, refused, joined, remounted, nested, navigation, adopt, noteUnchanged, keepUnchanged } from './live.js'
import { takeStreamOps, withStreamOps } from './stream.js'
import { ext } from './ext.js'
import { NAVIGATE } from './constants.js'
import { CLIENT_PREFIX } from './page-constants.js'

// The LiveTS server's page layer, bundled with the connector as
// /_livets/live.js (page.js). It plugs into the connector through ext.js.
// Features a page may not use (uploads, JS commands with transitions) are
// scripts of their own (feature.js), which the page lists before this one
// when its view uses them, and which are loaded here on first need.
let nav
let push
let socket

// Uploads need the connector's socket for binary frames, which the
// connector keeps to itself: the socket it opens is noted here as it is
// made, whether or not the uploads' script is loaded yet.
const Native = window.WebSocket
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args)
    socket = this
    this.addEventListener('close', () => api.lost())
  }
}

// What a feature script's setup(api) is given.
const api = {
  ext,
  socket: () => socket && socket.readyState == 1 && socket,
  push: () => push,
  lost() {},
  navigate: (url, replace) => nav && nav([NAVIGATE, , url, replace]),
}
// Loads a feature script the page lacks: one a page reached by live
// navigation lists, or the JS commands when a patch brought the first one.
const load = (src, then) => {
  if (document.querySelector(`script[src="${src}"]`)) return
  const s = document.createElement('script')
  s.src = src
  s.onload = then
  document.head.append(s)
}

Object.assign(ext, {
  params: joinParams,
  wrap: (root, f) => keepUnchanged(root, () => nested(root, () => withStreamOps(root, f))),
  refused: reason => refused(sessionStorage, undefined, reason),
  joined: (root, recovered) => {
    joined()
    if (recovered) remounted(root, recovered)
  },
  route(msg, views, make, send) {
    push = send
    noteUnchanged(msg)
    takeStreamOps(msg)
    nav = nav || navigation(views, make, send, load)
    nav(msg)
    return adopt(views, make, msg[1])
  },
  // Until js.js has set its own: fetch it, then run what was asked.
  exec(...args) {
    load(CLIENT_PREFIX + 'js.js', () => ext.exec(...args))
  },
})

// After the page layer's own ext: features wrap it. Scripts loaded later
// find `use` on window.LiveTS.ext, where the connector shows its ext.
const use = (ext.use = setup => setup(api))
;((window.LiveTS || {}).features || []).forEach(use)
