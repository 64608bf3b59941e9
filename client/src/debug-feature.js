import { feature } from './feature.js'
import { EVENT, PATCH, REFUSED } from './constants.js'
import { DEBUG_KEY } from './page-constants.js'

// /_livets/debug.js, loaded once LiveTS.debug(true) is called in the tab
// (socket-tap.js): logs every event with its round trip, and the patch's
// bytes and ops as it is applied. It reads the tab's setting at each
// message, so turning it off needs no reload.
feature('debug', ({ tap_: tap, store_: store }) => {
  const log = text => store.getItem(DEBUG_KEY) && console.debug('LiveTS', text)
  // ref -> [event name, view id, sent at]: events awaiting their answer.
  const asked = new Map()
  const parse = data => {
    try {
      return typeof data == 'string' && JSON.parse(data)
    } catch (e) {
      return null
    }
  }
  const { out, in: incoming } = tap
  tap.out = (data, go) => {
    const msg = parse(data)
    if (msg && msg[0] == EVENT) {
      asked.set(msg[1], [msg[3], msg[2], performance.now()])
      log(`event "${msg[3]}" on ${msg[2]} (ref ${msg[1]}, ${data.length} B)`)
    }
    out(data, go)
  }
  tap.in = (e, go) =>
    incoming(e, () => {
      const msg = parse(e.data) || []
      const ref = msg[0] == REFUSED ? msg[2] : msg[0] == PATCH ? msg[3] : 0
      const request = ref && asked.get(ref)
      const received = performance.now()
      go()
      if (!request) return
      asked.delete(ref)
      const [name, id, sent] = request
      const after = `after ${(received - sent).toFixed(1)} ms`
      if (msg[0] == REFUSED) return log(`event "${name}" on ${id}: refused (${msg[3]}) ${after}`)
      const ops = Array.isArray(msg[4]) ? msg[4].length : 0
      log(`event "${name}" on ${id}: answered ${after}, patch ${e.data.length} B, ${ops} op${ops == 1 ? '' : 's'}, applied in ${(performance.now() - received).toFixed(1)} ms`)
    })
})
