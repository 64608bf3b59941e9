'use strict'
// The app of tests/dev/test_failures_in_browser.py: views that fail in the
// ways a user must see without any app CSS, served as in production (no
// runDev). PORT picks the port.

const path = require('path')
const { LiveTSServer, LiveView, html } = require(path.join(__dirname, '..', '..', 'node-binding'))

class Crashy extends LiveView {
  static events = ['inc', 'boom']
  state = { count: 0 }
  render() {
    return html`<p id="count">${this.state.count}</p>
      <button id="inc" ts-on:click="inc">+</button>
      <button id="boom" ts-on:click="boom">boom</button>
      <button id="nope" ts-on:click="nope">undeclared</button>`
  }
  handleEvent(event) {
    if (event === 'boom') throw new Error('the handler broke on purpose')
    this.setState({ count: this.state.count + 1 })
  }
}

// Renders over HTTP; its connected mount throws every time.
class MountFails extends LiveView {
  state = {}
  mount(_params, session) {
    if (session.connected) throw new Error('the connected mount broke on purpose')
  }
  render() {
    return html`<p id="static">rendered over HTTP</p>`
  }
}

async function main() {
  const server = new LiveTSServer({
    port: Number(process.env.PORT || 0),
    secret: 'livets failure tests: not a secret',
    // Long enough for a test to see the notice before the fresh view
    // replaces it, unless the test asks for the replacement (REMOUNT_MS).
    remountDelayMs: Number(process.env.REMOUNT_MS || 60_000),
    logger: { warn: () => {}, error: () => {} },
  })
  server.registerComponent('/crashy', Crashy)
  server.registerComponent('/mount-fails', MountFails)
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
