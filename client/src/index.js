import { ID_ATTR, SOCKET_PATH, PUSH_EVENT } from './constants.js'
import { applyPatch as apply } from './patch.js'
import { keep } from './keep.js'
import { transport } from './transport.js'
import { withScript } from './script.js'
import { directives, reveal } from './reveal.js'
import { view } from './view.js'
import { listen } from './events.js'
import { ext } from './ext.js'
import { on } from './listeners.js'

const utf8 = new TextDecoder('utf-8', { fatal: true })

// The bytes form is what lts_diff writes, so a host can hand its output
// straight through; it runs the very code the connector runs, focus and
// scroll keeping included.
export const applyPatch = (root, bytes) => {
  try {
    return keep(root, () => apply(root, JSON.parse(utf8.decode(bytes))))
  } catch (e) {
    return false
  }
}

let started
// This script, beside which poll.js and show.js are served. None in a
// module (the ESM bundle): connect's `scripts` option names the place.
const self = document.currentScript

// Connects every live root on the page over one socket. Does nothing, and
// returns false, when there is no root or the page is already connected.
// ws: for http:, wss: for https:. `params` (an object, or a function called
// at each join) go with every join: views read them as session.connectParams.
// `scripts`: a URL beside which the scripts loaded on need are: poll.js,
// once the WebSocket gives way to long polling (transport.js), show.js,
// once a view holds ts-show or ts-if (reveal.js), hook.js, once a view
// holds ts-hook or a push event arrives (view.js), and recover.js, once the
// socket opens again after a drop. Without one, the page stays on
// WebSockets, its hooks and push events go unheard, and a rejoin sends
// nothing the user had entered.
export const connect = ({
  url = 'ws' + location.protocol.slice(4) + '//' + location.host + SOCKET_PATH,
  params,
  scripts = self?.src,
} = {}) => {
  const roots = document.querySelectorAll(`[${ID_ATTR}]`)
  if (started || !roots.length) return false
  started = 1
  if (params) window.LiveTS.params = params
  const views = new Map()
  const each = f => views.forEach(f)
  // Without `scripts`, as if the script failed to load.
  const load = (name, then) => (scripts ? withScript(name, new URL(name + '.js', scripts).href, then) : then())
  const refresh = () => each(v => v.refresh_())
  directives.need = () => need('show')
  // Messages wait here, in order, while a script they need loads (`need`):
  // none is applied early or out of turn, and a push event waits for the
  // hooks that may handle it.
  let held
  let loading = 0
  const receive = msg => {
    // Asked before any routing, so nothing acts on a message that will wait.
    if (msg[0] == PUSH_EVENT) need('hook')
    ext.need(msg, need)
    const v = held || ext.route(msg, views, make, push) || views.get(msg[1])
    held ? held.push(msg) : v?.receive_(msg)
  }
  // Loads LiveTS[name] from beside this script, once. The messages from
  // now on wait until it has run (or failed to load) and every view is
  // refreshed with it; several may load at once.
  const needed = {}
  const need = name => {
    // Marked first: a script already there runs `refresh` at once, which may ask again.
    if (!needed[name]) {
      needed[name] = held ||= []
      loading++
      load(name, () => {
        refresh()
        if (--loading) return
        const waited = held
        held = 0
        // One of them may need a script in turn: the rest then wait for it.
        waited.forEach(receive)
      })
    }
  }
  const make = root => view(root, push, () => need('hook'))
  // Each open after the first is a rejoin: the renders it brings wait for recover.js.
  let opened
  const join = () => (opened && need('recover'), (opened = 1), each(v => v.join_()))
  const push = transport(url, join, receive, () => each(v => v.down_()), scripts && (then => load('poll', then)))
  // show.js, if needed, loads beside the first join.
  roots.forEach(root => (views.set(root.getAttribute(ID_ATTR), make(root)), reveal(root)))
  listen(el => views.get(el.closest(`[${ID_ATTR}]`)?.getAttribute(ID_ATTR)))
  return true
}

// name -> callbacks, filled by the page (LiveTS.hooks.Chart = {...}).
export const hooks = {}
export { on }

// Hooks may be defined before this script runs, as window.LiveTS.hooks.
Object.assign(hooks, window.LiveTS?.hooks)
// So may an extension (ext.js), which must be in place before connect().
Object.assign(ext, window.LiveTS?.ext)
// ext is there for scripts that plug in later (the page layer's features).
window.LiveTS = { applyPatch, connect, hooks, on, ext }

// Deferred until the page's other deferred scripts have run, so hooks they
// define are in place before the first render arrives.
if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', () => connect())
else setTimeout(connect)
