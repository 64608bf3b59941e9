import { DEBUG_KEY, LATENCY_KEY } from './page-constants.js'

// The tab's debug tools, standing between the connector and its socket
// (the connector's bundle has no byte to spare for them):
//   LiveTS.latencySim(ms)   delays every message by ms, both ways, to see
//                           loading states (null or 0: off);
//   LiveTS.debug(true)      logs every event with its round trip, and the
//                           patch's bytes and ops: debug-feature.js
//                           (/_livets/debug.js), loaded only while it is on.
// Both last for the tab (sessionStorage). The server's own timings
// (handler, render, diff) are in its LIVETS_DEBUG=1 log.

export const store = (() => {
  try {
    return sessionStorage
  } catch (e) {
    return { getItem() {}, setItem() {}, removeItem() {} }
  }
})()

const later = f => {
  const ms = +store.getItem(LATENCY_KEY)
  ms > 0 ? setTimeout(f, ms) : f()
}
// What each frame passes through on its way out and in; the debug feature
// wraps these.
export const tap = { out: (data, go) => later(go), in: (e, go) => later(go) }

// A tool's getter and setter.
const tool = (key, then, read) => value => {
  if (value !== undefined) {
    value && value != '0' ? store.setItem(key, +value) : store.removeItem(key)
    then(store.getItem(key))
  }
  return read(store.getItem(key))
}
// The debug feature is loaded while the log is on (also when left on by an
// earlier page of the tab); the latency simulator says when it changes, as
// the delays it brings are easy to forget.
export const tools = load => (store.getItem(DEBUG_KEY) && load(), {
  debug: tool(DEBUG_KEY, on => on && load(), v => !!v),
  latencySim: tool(LATENCY_KEY, ms => console.warn(`LiveTS: latency simulator ${ms ? `on, ${ms} ms each way` : 'off'}`), v => +v || null),
})

// The WebSocket the connector gets. A close is delayed as messages are, so
// it never overtakes them.
export const tapped = Native =>
  class extends Native {
    send(data) {
      tap.out(data, () => this.readyState == 1 && super.send(data))
    }
    set onmessage(f) {
      super.onmessage = e => tap.in(e, () => f(e))
    }
    set onclose(f) {
      super.onclose = e => later(() => f(e))
    }
  }
