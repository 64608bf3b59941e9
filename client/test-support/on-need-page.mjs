// A page as the LiveTS server serves it, in the fake DOM: its root, the
// page layer and the connector connected over a fake WebSocket, for the
// tests of the scripts a page loads on need. Each test file that imports
// it gets a page of its own (node --test runs each file in its own process).
import assert from 'node:assert/strict'
import { install, document, Element } from './fake-dom.mjs'
import { ID_ATTR, TOKEN_ATTR } from '../src/constants.js'

export const sockets = []
globalThis.WebSocket = class extends EventTarget {
  constructor(url) {
    super()
    this.url = url
    this.readyState = 0
    this.sent = []
    sockets.push(this)
  }
  send(data) { this.sent.push(data) }
  open() { this.readyState = 1; this.onopen() }
  message(msg) { this.onmessage({ data: JSON.stringify(msg) }) }
}

install()
export const root = new Element('div')
root.setAttribute(ID_ATTR, 'lv-1')
root.setAttribute(TOKEN_ATTR, 'token')
document.head = new Element('head')
document.replaceChildren(root)
Object.assign(globalThis, {
  window: globalThis,
  location: { protocol: 'http:', host: 'h', pathname: '/', search: '' },
  sessionStorage: { getItem: () => null, setItem() {}, removeItem() {} },
  addEventListener() {},
  MutationObserver: class { observe() {} takeRecords() { return [] } disconnect() {} },
})
// A failed view's notice sets its class and style as properties.
Object.defineProperty(Element.prototype, 'style', { get() { return (this._style ||= {}) } })
Object.defineProperty(Element.prototype, 'className', { set(v) { this.setAttribute('class', v) } })
document.addEventListener = () => {}
document.readyState = 'loading'

// The page layer and the connector, as page.js bundles them.
await import('../src/server-page.js')
const { connect } = await import('../src/index.js')
assert.equal(connect({ url: 'ws://h/live?v=1', scripts: 'http://h/_livets/live.js' }), true)
export const ws = sockets.at(-1)
ws.open()

// The <script> elements the page has added, by src.
export const added = () => document.head.childNodes.map(s => s.src)
// Runs script `name` as the browser would once it has loaded.
export const run = async (name, module) => {
  const script = document.head.childNodes.find(s => s.src == `http://h/_livets/${name}.js`)
  assert.ok(script, `${name}.js was added`)
  await import(module)
  script.onload()
}
