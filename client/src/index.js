import { ID_ATTR, SOCKET_PATH } from './constants.js'
import { applyPatch as apply } from './patch.js'
import { keep } from './keep.js'
import { transport } from './transport.js'
import { withScript } from './script.js'
import { directives, reveal } from './reveal.js'
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
// This script, beside which poll.js and show.js are served. None in a
// module (the ESM bundle): connect's `scripts` option names the place.
const self = document.currentScript

// Connects every live root on the page over one socket. Does nothing, and
// returns false, when there is no root or the page is already connected.
// ws: for http:, wss: for https:. `params` (an object, or a function called
// at each join) go with every join: views read them as session.connectParams.
// `scripts`: a URL beside which the scripts loaded on need are: poll.js,
// once the WebSocket gives way to long polling (transport.js), and show.js,
// once a view holds ts-show or ts-if (reveal.js). Without one, the page
// stays on WebSockets.
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
  const make = root => view(root, push)
  const load = (name, then) => withScript(name, new URL(name + '.js', scripts).href, then)
  let showing
  directives.need = () => (showing ||= scripts && (load('show', show => show && each(v => v.refresh())), 1))
  const push = transport(
    url,
    () => each(v => v.join()),
    msg => { const v = ext.route(msg, views, make, push) || views.get(msg[1]); if (v) v.receive(msg) },
    () => each(v => v.down()),
    scripts && (then => load('poll', then)),
  )
  // show.js, if needed, loads beside the first join.
  roots.forEach(root => (views.set(root.getAttribute(ID_ATTR), make(root)), reveal(root)))
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
