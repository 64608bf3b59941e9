import { feature } from './feature.js'
import { takeStreamOps, withStreamOps } from './stream.js'

// /_livets/stream.js (dist/stream.js): stream operations, which the page
// layer loads when a patch first carries one, holding that patch and the
// messages after it until this has run (server-page.js). The operations
// are taken out of each message as it is routed, and applied inside the
// page layer's own wrap of the update (api.streams_), so that whatever
// surrounds the update (transitions) sees them too.
feature('stream', api => {
  const route = api.ext_.route
  api.ext_.route = (msg, ...rest) => (takeStreamOps(msg), route(msg, ...rest))
  api.streams_ = withStreamOps
})
