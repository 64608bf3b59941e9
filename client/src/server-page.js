import { joinParams, refused, joined, remounted, nested, navigation, adopt, noteUnchanged, keepUnchanged } from './live.js'
import { takeStreamOps, withStreamOps } from './stream.js'
import { ext } from './ext.js'
import { tapped, tap, store, tools } from './socket-tap.js'
import { showNotice, CRASH_TEXT, MOUNT_TEXT } from './notices.js'
import { NAVIGATE, REFUSED } from './constants.js'
import { CLIENT_PREFIX, CRASHED, MOUNT_FAILED } from './page-constants.js'
import { addScript } from './script.js'

// The LiveTS server's page layer, bundled with the connector as
// /_livets/live.js (page.js). It plugs into the connector through ext.js.
// Features a page may not use (uploads, JS commands with transitions) are
// bundled in, after this and the connector, only for the pages that use
// them (/_livets/live-js.js, live-upload.js, live-js-upload.js:
// feature.js); one a page lacks is loaded here, as a script of its own,
// on first need.
let nav
let push
let socket
// The view a refusal was last about: where a mount failure's notice goes.
let refusedRoot

// Uploads need the connector's socket for binary frames, which the
// connector keeps to itself: the socket it opens is noted here as it is
// made, whether or not the uploads' script is loaded yet, and tapped
// (socket-tap.js: debug lines, simulated latency).
const Native = window.WebSocket
window.WebSocket = class extends tapped(Native) {
  constructor(...args) {
    super(...args)
    socket = this
    this.addEventListener('close', () => api.lost())
  }
}

// What a feature script's setup(api) is given.
const api = {
  ext,
  tap,
  store,
  // Set before this script, as hooks may be: the connector then replaces window.LiveTS.
  uploaders: globalThis.LiveTS?.uploaders,
  socket: () => socket?.readyState == 1 && socket,
  push: () => push,
  lost() {},
  navigate: (url, replace) => nav?.([NAVIGATE, , url, replace]),
}
// The features the page has or is loading, by name.
const has = {}
// Loads the script of a feature the page lacks: one the page reached by
// live navigation has (its script is live-<feature>….js), or the JS
// commands when a patch brought the first one.
const load = (name, then) => {
  if (has[name]) return
  has[name] = 1
  addScript(CLIENT_PREFIX + name + '.js', then)
}
const loadFeatures = src => /live([-\w]*)\.js$/.exec(src)?.[1].split('-').forEach(name => name && load(name))

Object.assign(ext, {
  params: joinParams,
  wrap: (root, f) => keepUnchanged(root, () => nested(root, () => withStreamOps(root, f))),
  refused: reason => {
    if (refused(reason) || reason != MOUNT_FAILED) return
    console.error('LiveTS: the view failed to mount again after a reload, so the page is not reloaded again; the server log has the error')
    showNotice(refusedRoot, MOUNT_TEXT)
  },
  joined: (root, recovered) => {
    joined()
    if (recovered) remounted(root, recovered)
  },
  route(msg, views, make, send) {
    push = send
    if (msg[0] == REFUSED) {
      refusedRoot = msg[1]
      if (msg[3] == CRASHED) showNotice(msg[1], CRASH_TEXT)
    }
    noteUnchanged(msg)
    takeStreamOps(msg)
    nav ||= navigation(views, make, send, loadFeatures)
    nav(msg)
    return adopt(views, make, msg[1])
  },
  // Until js.js has set its own: fetch it, then run what was asked.
  exec(...args) {
    load('js', () => ext.exec(...args))
  },
})

// A feature's setup (feature.js): it wraps the ext above. Each runs once:
// a feature bundled in or loaded is never loaded again.
ext.use = (name, setup) => {
  has[name] = 1
  setup(api)
}

// The connector sets window.LiveTS as it runs, after this (page.js), and
// DOMContentLoaded comes after both: the tools join it then.
const debugTools = tools(() => load('debug'))
document.addEventListener('DOMContentLoaded', () => Object.assign(window.LiveTS, debugTools))
