'use strict'
// The server behind tests/ts: the example app's views on the real stack
// (native core, Node binding, connector), plus views that exist only to be
// broken on purpose. PORT picks the port.

const path = require('path')
const repo = path.join(__dirname, '..', '..', '..')
const { LiveTSServer, LiveView, html } = require(path.join(repo, 'node-binding'))
const examples = path.join(repo, 'examples', 'app', 'dist')
const { Counter } = require(path.join(examples, 'counter'))
const { Todos } = require(path.join(examples, 'todos'))
const { Search, ElementView } = require(path.join(examples, 'search'))
const { Clock } = require(path.join(examples, 'clock'))

/** A view whose "boom" button throws. */
class Fragile extends LiveView {
  static events = ['inc', 'boom']
  state = { count: 0 }
  mount(params) {
    if (params.start) this.setState({ count: Number(params.start) })
  }
  render() {
    return html`<span id="count">${this.state.count}</span>
      <button id="inc" ts-on:click="inc">+</button>
      <button id="boom" ts-on:click="boom">boom</button>`
  }
  handleEvent(event) {
    if (event === 'inc') this.setState({ count: this.state.count + 1 })
    if (event === 'boom') throw new Error('boom, on purpose')
  }
}

/**
 * Builds its echo as a plain string once there is text, as a careless view
 * would: the server refuses that render rather than send the text as markup.
 */
class StringEcho extends LiveView {
  static model = { text: 'string' }
  state = { text: '' }
  render() {
    const input = html`<input id="text" ts-model="text" value="${this.state.text}" autocomplete="off">`
    if (this.state.text === '') return input
    return `${input}<p id="echo">${this.state.text}</p>`
  }
}

/** A page of the layout tests: its name, and navigate links to a page with the same layout and one with another. */
class Hop extends LiveView {
  state = { name: '' }
  mount(params) {
    this.setState({ name: String(params.name) })
  }
  render() {
    return html`<p id="hop">${this.state.name}</p>
      <a id="to-framed" href="/framed/two" ts-link="navigate">framed two</a>
      <a id="to-boxed" href="/boxed/three" ts-link="navigate">boxed three</a>`
  }
}

// Two layouts: the same markup for every framed page, other markup for boxed ones.
const framed = { head: html`<meta name="layout" content="framed">`, render: (page) => html`<header id="frame">framed</header>${page.content}` }
const boxed = (page) => html`<header id="box">boxed</header><main>${page.content}</main>`

async function main() {
  const server = new LiveTSServer({
    port: Number(process.env.PORT || 0),
    secret: 'livets ts tests: not a secret',
    title: 'LiveTS API tests',
    // Long enough to see the failed state, short enough for a test.
    remountDelayMs: Number(process.env.REMOUNT_MS || 700),
  })
  server
    .route('/counter', Counter)
    .route('/todos', Todos)
    .route('/search', Search)
    .route('/elements/:symbol', ElementView)
    .route('/clock', Clock)
    .route('/fragile', Fragile)
    .route('/string-echo', StringEcho)
    .route('/framed/:name', Hop, { layout: framed })
    .route('/boxed/:name', Hop, { layout: boxed })
  const port = await server.listen()
  console.log(`listening on http://127.0.0.1:${port}/`)
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
