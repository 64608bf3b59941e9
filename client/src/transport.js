import { BACKOFF_BASE, BACKOFF_CAP, POLL_AFTER, POLL_RETRY, QUICK_DROP } from './constants.js'

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
// With `poll`, sockets that never open or drop at once give way to long
// polling, and a WebSocket is tried again beside it now and then: once one
// opens, it takes over and the views re-join on it. `poll(then)` hands
// `then` the long-poll session's maker (longpoll.js), once it is loaded,
// or nothing when it cannot be: a WebSocket is tried again instead.
export const transport = (url, onOpen, onMessage, onDown, poll) => {
  let ws
  let attempt = 0
  let ref = 0
  let fails = 0
  const open = (polling, probe) =>
    polling ? poll(make => start(make ? make(url) : new WebSocket(url), make)) : start(new WebSocket(url), 0, probe)
  const start = (s, polling, probe) => {
    // The polling session a probe stands to replace.
    const before = ws
    const reprobe = session => setTimeout(() => ws == session && open(0, 1), POLL_RETRY)
    let openedAt
    if (!probe) ws = s
    s.onopen = () => {
      openedAt = Date.now()
      if (probe) {
        if (ws != before) return s.close()
        // A session closed by the page reports no close of its own.
        before.close()
        ws = s
        onDown()
      }
      if (polling) reprobe(s)
      onOpen()
    }
    s.onmessage = e => {
      // Reset only once the server speaks: a server that accepts and then
      // drops every socket must not pull the delay back to its floor.
      attempt = 0
      const msg = decode(e.data)
      if (msg) onMessage(msg)
    }
    s.onclose = () => {
      // A probe that failed: polling goes on, and so do the probes.
      if (ws != s) return reprobe(before)
      onDown()
      fails = openedAt && Date.now() - openedAt > QUICK_DROP ? 0 : fails + 1
      setTimeout(() => open(poll && !polling && fails >= POLL_AFTER), backoff(attempt++))
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
