import { BACKOFF_BASE, BACKOFF_CAP } from './constants.js'

// `rand` is a parameter so the bounds can be tested without luck.
export const backoff = (attempt, rand = Math.random) =>
  rand() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt)

export const encode = msg => JSON.stringify(msg)

// Anything but a JSON array led by a kind letter is dropped rather than
// trusted, the same rule the server applies to the browser.
export const decode = text => {
  try {
    const msg = JSON.parse(text)
    return Array.isArray(msg) && typeof msg[0] == 'string' ? msg : null
  } catch (e) {
    return null
  }
}

// Opens the page's socket and keeps it open for as long as the page lives.
// Returns `push(kind, id, ...rest)`, which sends `[kind, ref, id, ...rest]`
// and returns the ref, or 0 when the socket is down: nothing is queued,
// because a view re-joins on reconnect and the server renders it afresh.
export const transport = (url, onOpen, onMessage, onDown) => {
  let ws
  let attempt = 0
  let ref = 0
  const open = () => {
    ws = new WebSocket(url)
    ws.onopen = onOpen
    ws.onmessage = e => {
      // Reset only once the server speaks: a server that accepts and then
      // drops every socket must not pull the delay back to its floor.
      attempt = 0
      const msg = decode(e.data)
      if (msg) onMessage(msg)
    }
    ws.onclose = () => {
      onDown()
      setTimeout(open, backoff(attempt++))
    }
  }
  open()
  return (...msg) => {
    if (ws.readyState != 1) return 0
    msg.splice(1, 0, ++ref)
    ws.send(encode(msg))
    return ref
  }
}
