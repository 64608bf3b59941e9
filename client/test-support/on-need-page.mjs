// A page as the LiveTS server serves it, in the fake DOM (fake-page.mjs):
// the page layer and the connector from the sources, connected over a fake
// WebSocket, for the tests of the scripts a page loads on need. Each test
// file that imports it gets a page of its own.
import assert from 'node:assert/strict'
import { sockets, root } from './fake-page.mjs'
import { document } from './fake-dom.mjs'

export { sockets, root }

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
