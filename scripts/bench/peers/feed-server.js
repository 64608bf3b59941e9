'use strict'
// The app the streams benchmark drives: one feed built two ways. /stream
// sends each batch of posts into a ts-stream container and forgets it;
// /list keeps every post in state and renders them all as a plain list.
// Each "more" event adds BATCH posts. On a "mem" line on stdin the server
// collects garbage and prints its memory as one JSON line. PORT picks the
// port.

const path = require('path')
const readline = require('readline')
const { LiveTSServer, LiveView, html } = require(path.join(__dirname, '..', '..', '..', 'node-binding'))

const BATCH = 1000

const post = (n) => ({ id: `post-${n}`, text: `Post number ${n}, a line of feed text` })
const row = (p) => html`<li id=${p.id} class="item">${p.text}</li>`

class StreamFeed extends LiveView {
  static events = ['more']
  state = { sent: 0 }
  render() {
    return html`<p>${this.state.sent} posts</p><ul id="feed" ts-stream="feed">${this.renderStream('feed', row)}</ul>`
  }
  handleEvent() {
    const first = this.state.sent
    this.stream('feed', Array.from({ length: BATCH }, (_, k) => post(first + k)))
    this.setState({ sent: first + BATCH })
  }
}

class ListFeed extends LiveView {
  static events = ['more']
  state = { posts: [] }
  render() {
    return html`<p>${this.state.posts.length} posts</p><ul id="feed">${this.state.posts.map(row)}</ul>`
  }
  handleEvent() {
    const first = this.state.posts.length
    this.setState({ posts: [...this.state.posts, ...Array.from({ length: BATCH }, (_, k) => post(first + k))] })
  }
}

async function main() {
  // A whole 100,000-post list is a render of several MiB: the plain list
  // needs the live message limit raised to be sent at all.
  const server = new LiveTSServer({
    port: Number(process.env.PORT || 0),
    secret: 'feed bench',
    eventRate: 1_000_000,
    eventBurst: 1_000_000,
    maxLiveMessageBytes: 64 << 20,
  })
  server.route('/stream', StreamFeed).route('/list', ListFeed)
  const port = await server.listen()
  console.log(`listening on ${port}`)
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'mem') return
    if (global.gc) {
      global.gc()
      global.gc()
    }
    const m = process.memoryUsage()
    console.log(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers }))
  })
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

module.exports = { StreamFeed, ListFeed, BATCH }

if (require.main === module) {
  main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
