import { feature } from './feature.js'
import { PATCH } from './constants.js'
import { DEBUG_KEY } from './page-constants.js'

// /_livets/debug.js, loaded once LiveTS.debug(true) is called in the tab
// (socket-tap.js): logs every event with its round trip, and the patch's
// bytes and ops as they arrive. It reads the tab's setting at each
// message, so turning it off needs no reload. The server's own timings
// (handler, render, diff) are in its LIVETS_DEBUG=1 log.
feature('debug', ({ tap, store }) => {
  const log = (...args) => store.getItem(DEBUG_KEY) && console.debug('LiveTS', ...args)
  tap.seen = (msg, [name, id, sent, bytes]) => {
    const received = performance.now()
    log(`event "${name}" on ${id} (${bytes} B sent)`)
    if (msg[0] != PATCH) return log(`event "${name}" on ${id}: refused (${msg[3]}) after ${(received - sent).toFixed(1)} ms`)
    const ops = Array.isArray(msg[4]) ? msg[4].length : 0
    const size = JSON.stringify(msg).length
    // The connector applies the patch right after this returns.
    queueMicrotask(() =>
      log(`event "${name}" on ${id}: answered after ${(received - sent).toFixed(1)} ms, patch ${size} B, ${ops} op${ops == 1 ? '' : 's'}, applied in ${(performance.now() - received).toFixed(1)} ms`),
    )
  }
})
