'use strict'
// A CorePort that records every call, for driving the hub and views
// without the native core. Splices are applied to the HTML it holds, as
// the core applies them, and recorded as the update of the HTML they give
// (the calls that came as splices are in `spliced`).
const { applySplices } = require('../dist/template-track')

class FakeCore {
  constructor() {
    this.calls = []
    this.spliced = []
    this.held = new Map()
  }
  register(conn, id, ref, html) { this.held.set(id, html); this.calls.push(['register', conn, id, ref, html]) }
  update(conn, id, ref, html) { this.held.set(id, html); this.calls.push(['update', conn, id, ref, html]) }
  updateSplices(conn, id, ref, baseBytes, splices) {
    this.spliced.push([id, splices])
    this.update(conn, id, ref, applySplices(this.held.get(id) ?? '', baseBytes, splices))
  }
  unregister(conn, id) { this.calls.push(['unregister', conn, id]) }
  replyError(conn, id, ref, reason) { this.calls.push(['replyError', conn, id, ref, reason]) }
  subscribe(conn, id, topic) { this.calls.push(['subscribe', conn, id, topic]) }
  unsubscribe(conn, id, topic) { this.calls.push(['unsubscribe', conn, id, topic]) }
  publish(topic, data) { this.calls.push(['publish', topic, data]) }
  send(conn, text) { this.calls.push(['send', conn, JSON.parse(text)]) }
  of(kind) { return this.calls.filter((c) => c[0] === kind) }
  take() { const c = this.calls; this.calls = []; return c }
}

// Collects console.warn / console.error lines during fn.
async function capture(fn) {
  const lines = { warn: [], error: [] }
  const { warn, error } = console
  console.warn = (...a) => lines.warn.push(a.map(String).join(' '))
  console.error = (...a) => lines.error.push(a.map(String).join(' '))
  try {
    await fn()
  } finally {
    console.warn = warn
    console.error = error
  }
  return lines
}

// A logger that keeps lines instead of printing them.
function quietLogger() {
  const lines = { warn: [], error: [] }
  return {
    lines,
    warn: (...a) => lines.warn.push(a.map((x) => (x instanceof Error ? x.stack : String(x))).join(' ')),
    error: (...a) => lines.error.push(a.map((x) => (x instanceof Error ? x.stack : String(x))).join(' ')),
  }
}

module.exports = { FakeCore, capture, quietLogger }
