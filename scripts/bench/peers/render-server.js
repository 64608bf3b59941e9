'use strict'
// The app the render benchmark drives: a counter, and a 300-row table
// whose event changes one row, on the real stack. PORT picks the port;
// ROWS the table's rows; LIVETS_BINDING another build's node-binding
// directory (the benchmark's side-by-side run of an earlier commit);
// REUSE_PORT=1 shares it with other processes and REDIS_URL joins them
// (scripts/bench/reuseport), where /feed fans one event out to every viewer.

const path = require('path')
const { LiveTSServer, LiveView, html, each } = require(process.env.LIVETS_BINDING || path.join(__dirname, '..', '..', '..', 'node-binding'))

// The table's rows are a kept list (each(): a row whose object is the same
// as last render's is neither rendered nor compared again), as the API
// docs advise for long lists. A build without each() renders them with map.
const rowsOf = each || ((items, render) => items.map(render))

class Counter extends LiveView {
  static events = ['inc']
  state = { count: 0 }
  render() {
    return html`<h1>Counter</h1>
      <p>Count: <span id="count">${this.state.count}</span></p>
      <button id="dec" ts-on:click="dec">-</button>
      <button id="inc" ts-on:click="inc">+</button>`
  }
  handleEvent() {
    this.setState({ count: this.state.count + 1 })
  }
}

/** Every viewer of /feed shows the last number any of them sent, and which process serves it. */
class Feed extends LiveView {
  static events = ['send']
  state = { n: 0 }
  mount(_params, session) {
    if (session.connected) this.subscribe('feed')
  }
  render() {
    return html`<p id="pid">${process.pid}</p><p id="n">${this.state.n}</p>`
  }
  handleEvent(_event, payload) {
    this.broadcast('feed', { n: payload.n })
  }
  handleInfo(_topic, data) {
    this.setState({ n: data.n })
  }
}

const ROWS = Number(process.env.ROWS || 300)

const row = (r) => html`<tr ts-key="${r.id}"><td>${r.id}</td><td>${r.name}</td><td><a href="mailto:${r.owner}">${r.owner}</a></td>
          <td class="${r.score % 2 ? 'odd' : 'even'}">${r.score}</td><td><button ts-on:click="bump" ts-value-id="${r.id}">+1</button></td></tr>`

class Table extends LiveView {
  static events = ['bump']
  state = { rows: Array.from({ length: ROWS }, (_, i) => ({ id: i, name: `row ${i}`, score: 0, owner: `user${i % 17}@example.com` })), next: 0 }
  render() {
    return html`<table><thead><tr><th>#</th><th>Name</th><th>Owner</th><th>Score</th><th></th></tr></thead>
      <tbody>${rowsOf(this.state.rows, row)}</tbody></table>`
  }
  handleEvent() {
    // One row changes per event, walking down the table.
    const i = this.state.next
    const rows = this.state.rows.slice()
    rows[i] = { ...rows[i], score: rows[i].score + 1 }
    this.setState({ rows, next: (i + 1) % ROWS })
  }
}

async function main() {
  // The load generator drives each connection as fast as it is answered,
  // far above the per-connection event rate a real user is held to, so the
  // bench lifts that limit: it measures the stack, not the rate limiter.
  // The feed's viewers all come from 127.0.0.1, far above the per-address
  // connection cap a real address is held to.
  const server = new LiveTSServer({
    port: Number(process.env.PORT || 0),
    secret: 'render bench',
    eventRate: 1_000_000,
    eventBurst: 1_000_000,
    maxConnectionsPerIp: 20_000,
    reusePort: process.env.REUSE_PORT === '1',
    ...(process.env.REDIS_URL ? { pubsub: { redis: process.env.REDIS_URL } } : {}),
  })
  server.route('/counter', Counter).route('/table', Table).route('/feed', Feed)
  const port = await server.listen()
  console.log(`listening on ${port}`)
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

/** The same table with its rows rendered by map: every row's template runs and is compared on every event. */
class MappedTable extends Table {
  render() {
    return html`<table><thead><tr><th>#</th><th>Name</th><th>Owner</th><th>Score</th><th></th></tr></thead>
      <tbody>${this.state.rows.map(row)}</tbody></table>`
  }
}

module.exports = { Counter, Table, MappedTable, Feed }

if (require.main === module) {
  main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
