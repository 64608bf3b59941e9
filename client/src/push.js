import { add } from './listeners.js'

// Push events from the server (["v", id, event, payload]) for the hooks of
// view `id` and the page's LiveTS.on listeners, and the promise a hook's
// pushEvent returns, which the view's reply (["y", id, ref, value]) and
// the event's answer settle (docs/protocol.md, "Push events and replies").
// Part of hook.js (hook-script.js).

// Each callback on its own: one that throws keeps no other from its turn.
export const run = (list, payload) =>
  [...(list || [])].forEach(cb => {
    try {
      cb(payload)
    } catch (e) {
      console.error('LiveTS', e)
    }
  })

// Gives hook `h` (on element `el`) this.handleEvent and this.pushEvent, over
// the view's `event(name, payload, el, type, done)`; returns the hook's
// handlers by event name. The promise resolves with the reply once the
// answer is applied, or rejects with the reason the event was refused for.
export const withPush = (h, event, el) => {
  const own = {}
  h.handleEvent = (name, cb) => add(own, name, cb)
  h.pushEvent = (name, payload = {}) =>
    new Promise((resolve, reject) => event(name, payload, el, 0, (ok, v) => (ok ? resolve(v) : reject(Error(v)))))
  return own
}

// The view's hooks first, in page order, then the page's `listeners` (the
// connector's: this script has its own copy of listeners.js).
export const dispatch = (hooks, name, payload, listeners) => {
  hooks.forEach(own => run(own[name], payload))
  run(listeners[name], payload)
}
