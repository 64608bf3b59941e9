// Debounce and throttle for bindings. Sends keep the order the user made
// them in: a send that is not held back first flushes every held one, so
// a debounced ts-model value always reaches the server before the submit
// typed right after it.

// key (a binding's Attr node) -> [timer, held send or null]
const held = new Map()

export const flush = () =>
  held.forEach(([timer, send], key) => {
    clearTimeout(timer)
    held.delete(key)
    send?.()
  })

// `timing` is [ms, throttle] or undefined for no limit. Debounce sends the
// last call once `ms` pass without another; throttle sends the first call
// at once and then at most one per `ms`, always ending with the last call,
// so the server never keeps a stale value.
export const limit = (key, timing, send) => {
  if (!timing) return flush(), send()
  const [ms, throttle] = timing
  const h = held.get(key)
  if (throttle && h) return (h[1] = send)
  if (h) clearTimeout(h[0])
  if (throttle) send(), (send = null)
  held.set(key, [
    setTimeout(() => {
      const last = held.get(key)[1]
      held.delete(key)
      if (last) throttle ? limit(key, timing, last) : last()
    }, ms),
    send,
  ])
}
