'use strict'
// A small promise-based WebSocket client over Debian's `ws` module.
let WebSocket
try {
  WebSocket = require('/usr/share/nodejs/ws')
} catch (err) {
  throw new Error(`the WebSocket tests need Debian's node-ws (/usr/share/nodejs/ws): ${err.message}`)
}

class LiveSocket {
  /** `headers` go with the upgrade request: a Cookie, a User-Agent. */
  static async open(port, path = '/live?v=1', headers = {}) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers })
    const sock = new LiveSocket(ws)
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    return sock
  }

  constructor(ws) {
    this.ws = ws
    this.inbox = []
    this.waiters = []
    this.closed = null
    ws.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)))
      this.wake()
    })
    ws.on('close', (code) => {
      this.closed = code
      this.wake()
    })
    ws.on('error', () => {})
  }

  wake() {
    for (const w of this.waiters.splice(0)) w()
  }

  send(msg) {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg))
  }

  /** The next message, waiting up to `ms`. */
  async next(ms = 2000) {
    const deadline = Date.now() + ms
    while (this.inbox.length === 0) {
      if (this.closed !== null) throw new Error(`socket closed (${this.closed}) while waiting for a message`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no message within ${ms} ms`)
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => { clearTimeout(t); resolve() })
      })
    }
    return this.inbox.shift()
  }

  /** Asserts that nothing arrives for `ms`. */
  async quiet(ms = 150) {
    await new Promise((r) => setTimeout(r, ms))
    if (this.inbox.length > 0) throw new Error(`unexpected message: ${JSON.stringify(this.inbox[0])}`)
  }

  async close(code = 1000) {
    if (this.closed !== null) return
    const done = new Promise((r) => this.ws.once('close', r))
    this.ws.close(code)
    await done
  }
}

module.exports = { LiveSocket }
