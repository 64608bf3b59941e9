import { SESSION_HEADER } from './constants.js'

const utf8 = new TextDecoder()

// Calls `each` with every message of a long-poll answer: each is its
// length in bytes, a line feed, then its bytes (docs/protocol.md, "Long
// polling").
export const unframe = (bytes, each) => {
  for (let i = 0, j, n; i < bytes.length; i = j + 1 + n) {
    j = bytes.indexOf(10, i)
    n = +utf8.decode(bytes.subarray(i, j))
    each(utf8.decode(bytes.subarray(j + 1, j + 1 + n)))
  }
}

export const frame = text => new Blob([text]).size + '\n' + text

// A long-poll session shaped as much like a WebSocket as the transport
// uses: readyState, send, close and the onopen, onmessage and onclose
// handlers. `url` is the WebSocket's, whose /poll the session talks to.
// One GET is always waiting for the server's messages; each message sent
// is one POST, started once the one before it is answered, so they arrive
// in order and the server can hold the browser back by answering late.
export const longPoll = url => {
  // Empty until the server names the session: the POST that opens it.
  let session = ''
  let sending = Promise.resolve()
  const s = { readyState: 0 }
  const request = (method, body) =>
    fetch(url.replace(/^ws/, 'http').replace(/\?|$/, '/poll$&'), {
      method,
      body,
      headers: { [SESSION_HEADER]: session },
    }).then(r => (r.ok ? r : Promise.reject()))
  const down = () => {
    if (s.readyState < 3) {
      s.readyState = 3
      s.onclose()
    }
  }
  const poll = () =>
    request('GET')
      .then(r => r.arrayBuffer())
      .then(b => {
        if (s.readyState == 1) {
          unframe(new Uint8Array(b), data => s.onmessage({ data }))
          poll()
        }
      }, down)
  s.send = text => (sending = sending.then(() => request('POST', frame(text))).catch(down))
  // Ended at once on the server too, rather than after its grace period.
  s.close = () => {
    s.readyState = 3
    request('DELETE').catch(down)
  }
  request('POST')
    .then(r => r.text())
    .then(text => {
      session = text
      s.readyState = 1
      s.onopen()
      poll()
    }, down)
  return s
}
