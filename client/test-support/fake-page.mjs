// A page as the LiveTS server serves it, in the fake DOM, before its
// scripts run: its root, a fake WebSocket and the browser's globals. Each
// test file that imports it gets a page of its own (node --test runs each
// file in its own process).
import { install, document, Element } from './fake-dom.mjs'
import { ID_ATTR, TOKEN_ATTR } from '../src/constants.js'
import { recordingWebSocket } from './fake-socket.mjs'

export const sockets = []
globalThis.WebSocket = recordingWebSocket(sockets, JSON.stringify)

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

