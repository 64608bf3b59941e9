import { feature } from './feature.js'
import { uploads } from './upload.js'

// /_livets/upload.js: uploads (upload.js) for the pages whose view has
// `static uploads`. The acks ("k") are the uploads' alone: no view may
// take one for its answer.
const ignored = { receive() {} }

feature('upload', api => {
  const files = uploads(api.socket, api.push)
  const route = api.ext.route
  api.ext.route = (msg, ...rest) => (files.receive(msg) ? ignored : route(msg, ...rest))
  api.lost = files.lost
})
