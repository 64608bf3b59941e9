import { ID_ATTR, SOCKET_PATH } from './constants.js'
import { applyPatch as apply } from './patch.js'
import { transport } from './transport.js'
import { view } from './view.js'
import { listen } from './events.js'

const utf8 = new TextDecoder('utf-8', { fatal: true })

// The bytes form is what lts_diff writes, so a host can hand its output
// straight through; it runs the very code the connector runs.
export const applyPatch = (root, bytes) => {
  try {
    return apply(root, JSON.parse(utf8.decode(bytes)))
  } catch (e) {
    return false
  }
}

let started

// Connects every live root on the page over one socket. Does nothing, and
// returns false, when there is no root or the page is already connected.
export const connect = (url = (location.protocol == 'https:' ? 'wss://' : 'ws://') + location.host + SOCKET_PATH) => {
  const roots = document.querySelectorAll(`[${ID_ATTR}]`)
  if (started || !roots.length) return false
  started = 1
  const views = new Map()
  const each = f => views.forEach(f)
  const push = transport(
    url,
    () => each(v => v.join()),
    msg => { const v = views.get(msg[1]); if (v) v.receive(msg) },
    () => each(v => v.down()),
  )
  roots.forEach(root => views.set(root.getAttribute(ID_ATTR), view(root, push)))
  listen((root, name, payload, el) => {
    const v = views.get(root.getAttribute(ID_ATTR))
    if (v) v.event(name, payload, el)
  })
  return true
}

window.LiveTS = { applyPatch, connect }

if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', () => connect())
else connect()
