import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RENDER, PATCH } from '../src/constants.js'
import { OP_STREAM_INSERT } from '../src/page-constants.js'
import { sockets, root } from '../test-support/fake-page.mjs'
import { document } from '../test-support/fake-dom.mjs'

// A page whose script has features bundled in (live-js-transition-stream.js,
// for a first render with a JS command, a transition and a stream
// container): its messages never wait for them, and no script of theirs
// is loaded.
await import('../src/server-page.js')
const { connect } = await import('../src/index.js')
await import('../src/js-transition-feature.js')
await import('../src/stream-script.js')
assert.equal(connect({ url: 'ws://h/live?v=1', scripts: 'http://h/_livets/live-js-transition-stream.js' }), true)
const ws = sockets.at(-1)
ws.open()

test('a page with stream operations in its script applies them at once and loads no stream.js', () => {
  ws.message([RENDER, 'lv-1', 1, null, '<ul ts-stream="s"></ul>'])
  ws.message([PATCH, 'lv-1', 2, null, [[OP_STREAM_INSERT, [0], 'ul', '<li id="a">a</li>', -1, 0]]])
  assert.equal(root.innerHTML, '<ul ts-stream="s"><li id="a">a</li></ul>')
  assert.deepEqual(document.head.childNodes, [])
  assert.equal(ws.sent.length, 1, 'applied once, in turn: no resync asked for')
})

test('a page with transitions in its script applies a patch naming one at once and loads no transition.js', () => {
  ws.message([PATCH, 'lv-1', 3, null, [[OP_STREAM_INSERT, [0], 'ul', '<li id="b" ts-transition="in from to">b</li>', -1, 0]]])
  assert.equal(root.querySelectorAll('li').length, 2)
  assert.deepEqual(document.head.childNodes, [])
  assert.equal(ws.sent.length, 1)
})
