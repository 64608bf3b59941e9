import { ID_ATTR, SOCKET_PATH } from './constants.js'
import { applyPatch as apply } from './patch.js'
import { keep } from './keep.js'
import { transport } from './transport.js'
import { addScript } from './script.js'
import { view } from './view.js'
import { listen } from './events.js'
import { hooks } from './hooks.js'
import { ext } from './ext.js'
import { on } from './push.js'

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
// This script, beside which poll.js is served. None in a module (the ESM
// bundle): connect's `poll` option names it there.
const self = document.currentScript

// Connects every live root on the page over one socket. Does nothing, and
// returns false, when there is no root or the page is already connected.
// ws: for http:, wss: for https:. `params` (an object, or a function called
// at each join) go with every join: views read them as session.connectParams.
// `poll`: the URL of poll.js, loaded only if the WebSocket gives way to
// long polling (transport.js); without one, the page stays on WebSockets.
export const connect = ({
  url = 'ws' + location.protocol.slice(4) + '//' + location.host + SOCKET_PATH,
  params,
  poll = self && new URL('poll.js', self.src).href,
} = {}) => {
  const roots = document.querySelectorAll(`[${ID_ATTR}]`)
  if (started || !roots.length) return false
  started = 1
  if (params) window.LiveTS.params = params
  const views = new Map()
  const each = f => views.forEach(f)
  const make = root => view(root, push)
  const push = transport(
    url,
    () => each(v => v.join()),
    msg => { const v = ext.route(msg, views, make, push) || views.get(msg[1]); if (v) v.receive(msg) },
    () => each(v => v.down()),
    poll && (then => (LiveTS.poll ? then(LiveTS.poll) : addScript(poll, () => then(LiveTS.poll), () => then()))),
  )
  roots.forEach(root => views.set(root.getAttribute(ID_ATTR), make(root)))
  listen(el => views.get(el.closest(`[${ID_ATTR}]`)?.getAttribute(ID_ATTR)))
  return true
}

export { hooks, on }

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
