'use strict'
// One process of several sharing a port (reusePort), for the tests of many
// processes on one port. Every render shows process.pid, so a test sees
// which process rendered a page and which one took a join.
//
//   node reuse-port-server.js '{"port":0,"secret":"s","redis":"redis://…"}'
//
// Prints one line, {"port":N,"pid":P}, once listening; a line "stats" on
// stdin answers with {"redisConnected":…}. Exits on SIGTERM.
const readline = require('node:readline')
const express = require('express')
const { load } = require('./livets')

const { LiveTSServer, LiveView, html, isPresenceDiff } = load()
const { port, secret, redis } = JSON.parse(process.argv[2])

class Counter extends LiveView {
  static events = ['inc']
  state = { count: 0, user: '' }
  mount(_params, session) {
    this.state = { count: 0, user: typeof session.data.user === 'string' ? session.data.user : 'nobody' }
  }
  render() {
    return html`<p id="pid">${process.pid}</p><p id="user">${this.state.user}</p><p id="count">${this.state.count}</p>`
  }
  handleEvent() {
    this.setState({ count: this.state.count + 1 })
  }
}

/** /room?name=N: tracks N on "room", shows who is there and the last thing said. */
class Room extends LiveView {
  static events = ['say']
  state = { who: [], last: '' }
  mount(params, session) {
    if (!session.connected) return
    this.subscribe('room')
    this.track('room', params.name, { pid: process.pid })
  }
  render() {
    return html`<p id="pid">${process.pid}</p><p id="who">${this.state.who.join(',')}</p><p id="last">${this.state.last}</p>`
  }
  handleEvent(_event, payload) {
    this.broadcast('room', { text: payload.text })
  }
  handleInfo(topic, data) {
    if (isPresenceDiff(data)) this.setState({ who: Object.keys(this.presence(topic)).sort() })
    else this.setState({ last: data.text })
  }
}

// Refused joins are warnings the tests provoke on purpose.
const quiet = { warn() {}, error: (...args) => console.error(...args) }
const app = express()
const server = new LiveTSServer({
  port, secret, reusePort: true, logger: quiet, handler: app,
  ...(redis !== undefined ? { pubsub: { redis } } : {}),
})
app.use(server.sessionMiddleware())
app.post('/login', express.urlencoded({ extended: false }), (req, res) => {
  req.session = { user: req.body.username }
  res.status(204).end()
})
server.route('/counter', Counter)
server.route('/room', Room)

server.listen().then((bound) => {
  process.stdout.write(`${JSON.stringify({ port: bound, pid: process.pid })}\n`)
}, (err) => {
  console.error(err.message)
  process.exit(1)
})

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'stats') process.stdout.write(`${JSON.stringify({ redisConnected: server.stats().redisConnected })}\n`)
})

process.on('SIGTERM', () => {
  server.close().then(() => process.exit(0), () => process.exit(1))
})
