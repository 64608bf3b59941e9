import { joinParams, joined, remounted, nested, navigation, adopt, noteUnchanged, keepUnchanged } from './live.js'
import { ext } from './ext.js'
import { tapped, tap, store, tools } from './socket-tap.js'
import { NAVIGATE, REFUSED, PATCH, RENDER } from './constants.js'
import { CLIENT_PREFIX, OP_STREAM_INSERT } from './page-constants.js'
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

// Uploads need the connector's socket for binary frames, which the
// connector keeps to itself: the socket it opens is noted here as it is
// made, whether or not the uploads' script is loaded yet, and tapped
// (socket-tap.js: debug lines, simulated latency).
const Native = window.WebSocket
window.WebSocket = class extends tapped(Native) {
  constructor(...args) {
    super(...args)
    socket = this
    this.addEventListener('close', () => api.lost_())
  }
}

// What a feature script's setup(api) is given: `needs_` takes its tests of
// a message for a script that must run before it (see `route`).
const api = {
  needs_: [],
  ext_: ext,
  tap_: tap,
  store_: store,
  // Set before this script, as hooks may be: the connector then replaces window.LiveTS.
  uploaders_: globalThis.LiveTS?.uploaders,
  socket_: () => socket?.readyState == 1 && socket,
  push_: () => push,
  lost_() {},
  navigate_: (url, replace) => nav?.([NAVIGATE, , url, replace]),
  // Applies the stream operations of the update `f` of `root` (stream.js).
  streams_: (root, f) => f(),
}
// The features the page has or is loading, by name.
const has = {}
api.has_ = has
// Loads the script of a feature the page lacks: one the page reached by
// live navigation has (its script is live-<feature>….js), or the JS
// commands when a patch brought the first one.
const load = (name, then) => {
  if (has[name]) return
  has[name] = 1
  addScript(CLIENT_PREFIX + name + '.js', then)
}
// Hooks are no feature of the page layer's (hook.js serves livets.js too):
// LiveTS.hook says the page has them.
const loadFeatures = src => /live([-\w]*)\.js$/.exec(src)?.[1].split('-').forEach(name => name && !LiveTS[name] && load(name))

// What few pages need is a script of its own, loaded from /_livets/ when
// a message first needs it, a feature (feature.js) that plugs in as the
// others do: stream operations (stream.js) and what a refusal does, a
// reload or a failed view's notice (refused.js). That message and every
// one after it wait, in order, until the script has run (or failed to
// load: a stream patch then fails as an unknown operation would, and asks
// for a render), so nothing is applied early or out of turn. Each test
// asks for its script with the connector's `need(name)` (ext.need, asked
// before any feature's route sees the message).
// A page whose first render had a stream container has stream.js in its
// script (live-….-stream.js).
api.needs_.push(
  (msg, need) =>
    !has.stream &&
    // The stream operations are the ones after the core's (docs/protocol.md).
    (msg[0] == PATCH
      ? msg[4]?.some?.(op => op[0] >= OP_STREAM_INSERT)
      : // A render of a page with a stream container holds it emptied, its items
        // coming in the patch after: both wait, so the items never leave the page.
        msg[0] == RENDER && /ts-stream/i.test(msg[4])) &&
    need('stream'),
  (msg, need) => msg[0] == REFUSED && need('refused'),
)
Object.assign(ext, {
  params: joinParams,
  wrap: (root, f) => keepUnchanged(root, () => nested(root, () => api.streams_(root, f))),
  joined: (root, recovered) => {
    joined()
    if (recovered) remounted(root, recovered)
  },
  // Every test, before any feature's route sees the message.
  need: (msg, need) => api.needs_.forEach(test => test(msg, need)),
  route(msg, views, make, send) {
    push = send
    noteUnchanged(msg)
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
