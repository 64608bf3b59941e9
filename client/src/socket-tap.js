import { EVENT, REFUSED, PATCH } from './constants.js'
import { CRASHED, DEBUG_KEY, LATENCY_KEY } from './page-constants.js'

// What the page layer learns by standing between the connector and its
// socket (the connector keeps refs to itself, and its bundle has no byte
// to spare): the event each reply answers, so that a refusal names it
// (`unknown event "x"`). The tab's debug tools, LiveTS.debug(on) and
// LiveTS.latencySim(ms), are set here and last for the tab
// (sessionStorage). The debug log is debug-feature.js (/_livets/debug.js),
// loaded only once it is turned on.

export const store = (() => {
  try {
    return sessionStorage
  } catch (e) {
    return { getItem() {}, setItem() {}, removeItem() {} }
  }
})()

// ref -> [event name, view id, sent at]: events awaiting their answer.
const asked = new Map()

export const tap = {
  // When a message may go on: at once, unless the latency simulator holds it.
  later: f => {
    const ms = +store.getItem(LATENCY_KEY)
    ms > 0 ? setTimeout(f, ms) : f()
  },
  // An answer to an event (debug-feature.js logs it).
  seen() {},
}

// A tool's getter and setter.
const tool = (key, then, read) => value => {
  if (value !== undefined) {
    value && value != '0' ? store.setItem(key, +value) : store.removeItem(key)
    then(store.getItem(key))
  }
  return read(store.getItem(key))
}
// The debug log's feature is loaded while it is on (also when left on from
// an earlier page of the tab); LiveTS.latencySim(ms) says
// when it changes, as the delays it brings are easy to forget.
export const tools = load => (store.getItem(DEBUG_KEY) && load(), {
  debug: tool(DEBUG_KEY, on => on && load(), v => !!v),
  latencySim: tool(LATENCY_KEY, ms => console.warn(`LiveTS: latency simulator ${ms ? `on, ${ms} ms each way` : 'off'}`), v => +v || null),
})

// The WebSocket the connector gets: every text frame it sends and
// receives passes through here.
export const tapped = Native =>
  class extends Native {
    constructor(...args) {
      super(...args)
      this.addEventListener('close', () => asked.clear())
    }
    send(data) {
      if (typeof data == 'string' && data.startsWith(`["${EVENT}",`)) {
        try {
          const [, ref, id, name] = JSON.parse(data)
          asked.set(ref, [name, id, performance.now(), data.length])
        } catch (e) {
          // not an event after all: sent as it is
        }
      }
      tap.later(() => this.readyState == 1 && super.send(data))
    }
    get onmessage() {
      return super.onmessage
    }
    set onmessage(f) {
      super.onmessage = f && (e => tap.later(() => f.call(this, e)))
    }
    // Delayed as messages are, so a close never overtakes them.
    get onclose() {
      return super.onclose
    }
    set onclose(f) {
      super.onclose = f && (e => tap.later(() => f.call(this, e)))
    }
  }

// Called with each message before the connector handles it. A refusal of
// an event names the event, in the message the connector logs; a crash
// keeps its reason, which the connector acts on.
export const observe = msg => {
  const [kind] = msg
  const ref = kind == REFUSED ? msg[2] : kind == PATCH ? msg[3] : 0
  const request = ref && asked.get(ref)
  if (!request) return
  asked.delete(ref)
  if (kind == REFUSED && msg[3] != CRASHED) msg[3] += ` "${request[0]}"`
  tap.seen(msg, request)
}
