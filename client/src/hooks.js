import { HOOK, ID_ATTR } from './constants.js'
import { withPush, dispatch, run } from './push.js'

// The hooks of a view, in hook.js (hook-script.js), which the connector
// loads beside its own script once a view holds ts-hook or a push event
// arrives (view.js). Their definitions, name -> callbacks, are the page's
// (LiveTS.hooks.Chart = {...}: the connector's `hooks`).
const hooks = () => window.LiveTS.hooks

// A hook's callback that throws keeps no other hook from its turn.
const call = (h, name) => run([() => h[name]?.()])

// The hook instances of one view: one per element with ts-hook, created
// from its definition so `this.el`, `this.pushEvent` and `this.handleEvent`
// are at hand. A hook inside a component's or nested view's root is that
// view's. `listeners`: the page's LiveTS.on listeners.
export const hookSet = (root, pushEvent, listeners) => {
  const live = new Map()
  const handlers = new Map()
  return {
    // After the DOM changed: destroys the hooks whose element left, mounts
    // the new ones, and tells those `touched(el)` says the server changed.
    sync_(touched) {
      live.forEach((h, el) => root.contains(el) || (live.delete(el), handlers.delete(el), call(h, 'destroyed')))
      for (const el of root.querySelectorAll(`[${HOOK}]`)) {
        const def = hooks()[el.getAttribute(HOOK)]
        if (el.closest(`[${ID_ATTR}]`) != root) continue
        if (live.has(el)) touched(el) && call(live.get(el), 'updated')
        else if (def) {
          const h = Object.create(def)
          h.el = el
          handlers.set(el, withPush(h, pushEvent, el))
          live.set(el, h)
          call(h, 'mounted')
        }
      }
    },
    all_: name => live.forEach(h => call(h, name)),
    // A push event from the server: the handlers hooks gave this.handleEvent.
    dispatch_: (name, payload) => dispatch(handlers, name, payload, listeners),
  }
}
