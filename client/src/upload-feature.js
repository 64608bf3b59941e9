import { feature } from './feature.js'
import { uploads } from './upload.js'
import { withScript } from './script.js'
import { CLIENT_PREFIX } from './page-constants.js'

// /_livets/upload.js: uploads (upload.js) for the pages whose view has
// `static uploads`. The acks ("k") are the uploads' alone: no view may
// take one for its answer.
const ignored = { receive_() {} }

// upload-external.js sets window.LiveTS.sendExternal as it loads. The
// page's uploaders are window.LiveTS.uploaders, set before the page layer
// loaded (api.uploaders_) or after.
const external = (api, then) =>
  withScript('sendExternal', CLIENT_PREFIX + 'upload-external.js', send => then(send, { ...api.uploaders_, ...LiveTS.uploaders }))

feature('upload', api => {
  const files = uploads(api.socket_, api.push_, then => external(api, then))
  const route = api.ext_.route
  api.ext_.route = (msg, ...rest) => (files.receive_(msg) ? ignored : route(msg, ...rest))
  api.lost_ = files.lost_
})
