import { EVENT, PATCH, REFUSED } from './constants.js'
import { CRASHED, DEBUG_KEY, LATENCY_KEY } from './page-constants.js'

// What the page layer learns by standing between the connector and its
// socket (the connector keeps refs and sizes to itself, and its bundle has
// no byte to spare): the event each reply answers, so a refusal names it
// (`unknown event "x"`), and the tab's debug tools:
//   LiveTS.debug(true)      logs every event with its round trip, and the
//                           patch's bytes and ops as they arrive;
//   LiveTS.latencySim(ms)   delays every message by ms, both ways, to
//                           see loading states (null or 0: off).
// Both last for the tab (sessionStorage). The server's own timings
// (handler, render, diff) are in its LIVETS_DEBUG=1 log.

const store = (() => {
  try {
    return sessionStorage
  } catch (e) {
    return { getItem: () => null, setItem() {}, removeItem() {} }
  }
})()

let debugOn = store.getItem(DEBUG_KEY) == '1'
let latency = Number(store.getItem(LATENCY_KEY)) || 0
// ref -> [event name, view id, sent at]: requests awaiting their answer.
const asked = new Map()
// The size of the message being handled, in bytes as sent (UTF-16 units).
let size = 0

const later = f => (latency > 0 ? setTimeout(f, latency) : f())
const log = (...args) => console.debug('LiveTS', ...args)

export const debug = on => {
  if (on !== undefined) {
    debugOn = !!on
    debugOn ? store.setItem(DEBUG_KEY, '1') : store.removeItem(DEBUG_KEY)
  }
  return debugOn
}

export const latencySim = ms => {
  if (ms !== undefined) {
    latency = Math.max(0, Number(ms) || 0)
    latency ? store.setItem(LATENCY_KEY, String(latency)) : store.removeItem(LATENCY_KEY)
    console.warn(latency ? `LiveTS: latency simulator on, ${latency} ms each way` : 'LiveTS: latency simulator off')
  }
  return latency || null
}

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
          asked.set(ref, [name, id, performance.now()])
          if (debugOn) log(`event "${name}" on ${id} (ref ${ref}, ${data.length} B)`)
        } catch (e) {
          // not an event after all: sent as it is
        }
      }
      later(() => this.readyState == 1 && super.send(data))
    }
    get onmessage() {
      return super.onmessage
    }
    set onmessage(f) {
      super.onmessage = f && (e => later(() => {
        size = typeof e.data == 'string' ? e.data.length : 0
        f.call(this, e)
      }))
    }
    // Delayed as messages are, so a close never overtakes them.
    get onclose() {
      return super.onclose
    }
    set onclose(f) {
      super.onclose = f && (e => later(() => f.call(this, e)))
    }
  }

// Called with each message before the connector handles it. A refusal of
// an event names the event, in the message the connector logs; a crash
// keeps its reason, which the connector acts on.
export const observe = msg => {
  const [kind, id] = msg
  const ref = kind == REFUSED ? msg[2] : kind == PATCH ? msg[3] : 0
  const request = ref && asked.get(ref)
  if (!request) return
  asked.delete(ref)
  const [name, , sent] = request
  if (kind == REFUSED) {
    if (msg[3] != CRASHED) msg[3] = `${msg[3]} "${name}"`
    if (debugOn) log(`event "${name}" on ${id}: refused (${msg[3]}) after ${(performance.now() - sent).toFixed(1)} ms`)
  } else if (debugOn) {
    const ops = Array.isArray(msg[4]) ? msg[4].length : 0
    const received = performance.now()
    const bytes = size
    // The connector applies the patch right after this returns.
    queueMicrotask(() =>
      log(`event "${name}" on ${id}: answered after ${(received - sent).toFixed(1)} ms, patch ${bytes} B, ${ops} op${ops == 1 ? '' : 's'}, applied in ${(performance.now() - received).toFixed(1)} ms`),
    )
  }
}
