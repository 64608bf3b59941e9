import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RENDER, PATCH } from '../src/constants.js'
import { OP_STREAM_INSERT } from '../src/page-constants.js'

// A page whose view holds a stream container: the join's render holds the
// container emptied (the core keeps no items) and the items come in the
// patch after it. Both wait for stream.js, so the items the page showed
// never leave it.

const { ws, root, added, run } = await import('../test-support/on-need-page.mjs')

test("a render naming a stream container waits for stream.js with the patch of its items", async () => {
  root.innerHTML = '<ul ts-stream="feed"><li id="a">a</li></ul>'
  ws.message([RENDER, 'lv-1', 1, 1, '<ul ts-stream="feed"></ul>'])
  ws.message([PATCH, 'lv-1', 2, null, [[OP_STREAM_INSERT, [0], 'ul', '<li id="a">a</li>', -1, 0]]])
  assert.equal(root.innerHTML, '<ul ts-stream="feed"><li id="a">a</li></ul>', 'the page keeps its items while stream.js loads')
  assert.deepEqual(added(), ['http://h/_livets/stream.js'])

  await run('stream', '../src/stream-script.js')
  assert.equal(root.innerHTML, '<ul ts-stream="feed"><li id="a">a</li></ul>')
  assert.equal(ws.sent.length, 1, 'both applied in turn: no resync asked for')
})
