import { feature } from './feature.js'
import { uploads } from './upload.js'
import { addScript } from './script.js'
import { CLIENT_PREFIX } from './page-constants.js'

// /_livets/upload.js: uploads (upload.js) for the pages whose view has
// `static uploads`. The acks ("k") are the uploads' alone: no view may
// take one for its answer.
const ignored = { receive() {} }

// Callbacks waiting for upload-external.js, which sets
// window.LiveTS.sendExternal as it loads.
let waiting
// The page's uploaders, window.LiveTS.uploaders set before the page layer
// loaded (api.uploaders) or after.
const external = (api, then) => {
  const run = () => then(LiveTS.sendExternal, { ...api.uploaders, ...LiveTS.uploaders })
  if (LiveTS.sendExternal) return run()
  if (!waiting) {
    waiting = []
    // Loaded or not, each waiting entry goes on; one that failed to load
    // is tried again by the next entry.
    const done = () => {
      const w = waiting
      waiting = 0
      w.forEach(f => f())
    }
    addScript(CLIENT_PREFIX + 'upload-external.js', done, done)
  }
  waiting.push(run)
}

feature('upload', api => {
  const files = uploads(api.socket, api.push, then => external(api, then))
  const route = api.ext.route
  api.ext.route = (msg, ...rest) => (files.receive(msg) ? ignored : route(msg, ...rest))
  api.lost = files.lost
})
