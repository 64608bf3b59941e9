'use strict'
// The browser tests' app on the real stack: native core, Node binding and
// the connector it serves from client/dist. PORT picks the port. The
// secret is fixed so pages rendered before a restart can rejoin after it.

const path = require('path')
const { LiveTSServer } = require(path.join(__dirname, '..', '..', '..', 'node-binding'))
const views = { ...require('./views'), ...require('./push-views') }
const bucket = require('./bucket')

async function main() {
  const server = new LiveTSServer({
    port: Number(process.env.PORT || 0),
    secret: 'livets browser tests: not a secret',
    title: 'LiveTS browser tests',
    // A storage service's presigned PUTs, for external uploads.
    handler: bucket.handler,
  })
  for (const [name, View] of Object.entries(views)) server.registerComponent('/' + name.toLowerCase(), View)
  const port = await server.listen()
  console.log(`listening on http://127.0.0.1:${port}/`)
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch(err => {
  console.error(err)
  process.exit(1)
})
