import {
  JOIN, EVENT, RESYNC, RENDER, PATCH, REFUSED, ID_ATTR, TOKEN_ATTR,
  CONNECTED, DISCONNECTED, ERROR, LOADING,
} from './constants.js'
import { applyPatch, parse } from './patch.js'

// One live root on the page: joins it, applies what the server sends for it
// and reports its state through classes on the root.
export const view = (root, push) => {
  const id = root.getAttribute(ID_ATTR)
  const pending = {}
  // 0 while no render is in hand (before join, or after asking for a
  // resync): patches then describe a DOM the page may not have, so they wait
  // for the render instead of each asking for one more.
  let seq = 0
  let joinRef

  const status = cls => {
    root.classList.remove(CONNECTED, DISCONNECTED, ERROR)
    root.classList.add(cls)
  }
  const settle = ref => {
    const el = pending[ref]
    if (el) el.classList.remove(LOADING), delete pending[ref]
  }

  return {
    join() {
      seq = 0
      joinRef = push(JOIN, id, root.getAttribute(TOKEN_ATTR), {})
    },
    down() {
      status(DISCONNECTED)
      for (const ref in pending) settle(ref)
    },
    event(name, payload, el) {
      const ref = push(EVENT, id, name, payload)
      if (ref) pending[ref] = el, el.classList.add(LOADING)
    },
    // r and p are [kind, id, seq, ref, body]; x is [kind, id, ref, reason].
    receive([kind, , a, b, body]) {
      if (kind == RENDER) {
        root.replaceChildren(parse(body))
        seq = a
        status(CONNECTED)
      } else if (kind == PATCH) {
        if (seq && a == seq + 1 && applyPatch(root, body)) seq = a
        else if (seq) seq = 0, push(RESYNC, id)
      } else if (kind == REFUSED) {
        console.warn('LiveTS', id, b)
        if (a == joinRef) status(ERROR)
        return settle(a)
      }
      settle(b)
    },
  }
}
