// A stand-in WebSocket class that records what the connector sends and
// lets a test speak for the server: `open()`, then `message(m)` (m passed
// through `encode` into a message event's data).
export function recordingWebSocket(sockets, encode = m => m) {
  return class extends EventTarget {
    constructor(url) {
      super()
      this.url = url
      this.readyState = 0
      this.sent = []
      sockets.push(this)
    }
    send(data) { this.sent.push(data) }
    open() { this.readyState = 1; this.onopen() }
    message(m) { this.onmessage({ data: encode(m) }) }
  }
}
