import { HOOK } from './constants.js'

// name -> callbacks, filled by the page (LiveTS.hooks.Chart = {...}).
export const hooks = {}

const call = (h, name) => {
  try {
    if (h[name]) h[name]()
  } catch (e) {
    console.error('LiveTS hook', name, e)
  }
}

// The hook instances of one view: one per element with ts-hook, created
// from its definition so `this.el` and `this.pushEvent` are at hand.
export const hookSet = (root, pushEvent) => {
  const live = new Map()
  return {
    // After the DOM changed: destroys the hooks whose element left, mounts
    // the new ones, and tells those `touched(el)` says the server changed.
    sync(touched) {
      live.forEach((h, el) => root.contains(el) || (live.delete(el), call(h, 'destroyed')))
      for (const el of root.querySelectorAll(`[${HOOK}]`)) {
        const def = hooks[el.getAttribute(HOOK)]
        if (live.has(el)) touched(el) && call(live.get(el), 'updated')
        else if (def) {
          const h = Object.create(def)
          h.el = el
          h.pushEvent = (name, payload = {}) => pushEvent(name, payload, el)
          live.set(el, h)
          call(h, 'mounted')
        }
      }
    },
    all: name => live.forEach(h => call(h, name)),
  }
}
