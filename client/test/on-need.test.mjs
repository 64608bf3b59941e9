import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  JOIN, RENDER, PATCH, PUSH_EVENT, REFUSED, OP_SET_ATTR, OP_TEXT, MODEL_EVENT, REMOUNTED, REMOUNTED_EVENT,
  BACKOFF_BASE,
} from '../src/constants.js'
import { OP_STREAM_INSERT, CRASHED, NOTICE } from '../src/page-constants.js'

// The scripts a page loads on need (hook.js, stream.js, refused.js,
// recover.js): the message that needs one, and every message after it,
// waits until the script has run, then each applies in the order it came. A script is
// loaded once, beside the page's own (connect's `scripts`).

const { ws, root, added, run, sockets } = await import('../test-support/on-need-page.mjs')

test('hooks and push events wait for hook.js, then mount before what came after them', async () => {
  const seen = []
  window.LiveTS.hooks.Clock = {
    mounted() {
      seen.push(`mounted: ${this.el.textContent}`)
      this.handleEvent('tick', p => seen.push(`tick ${p.n}: ${this.el.textContent}`))
    },
  }
  window.LiveTS.on('tick', p => seen.push(`listener ${p.n}`))
  ws.message([RENDER, 'lv-1', 1, 1, '<p ts-hook="Clock">0</p>'])
  assert.equal(root.innerHTML, '<p ts-hook="Clock">0</p>', 'the render applies: it is what holds the hook')
  assert.deepEqual(added(), ['http://h/_livets/hook.js'])

  ws.message([PUSH_EVENT, 'lv-1', 'tick', { n: 1 }])
  ws.message([PATCH, 'lv-1', 2, null, [[OP_TEXT, [0, 0], null, '1']]])
  assert.deepEqual(seen, [], 'nothing is heard before the hooks can hear it')
  assert.equal(root.textContent, '0', 'the patch waits behind the push event')

  await run('hook', '../src/hook-script.js')
  assert.deepEqual(seen, ['mounted: 0', 'tick 1: 0', 'listener 1'])
  assert.equal(root.textContent, '1')

  ws.message([PUSH_EVENT, 'lv-1', 'tick', { n: 2 }])
  assert.deepEqual(seen.slice(3), ['tick 2: 1', 'listener 2'], 'once loaded, nothing waits')
  assert.deepEqual(added(), ['http://h/_livets/hook.js'], 'loaded once')
})

test('a patch with stream operations waits for stream.js, and so do the messages after it', async () => {
  ws.message([PATCH, 'lv-1', 3, null, [[OP_TEXT, [0, 0], null, ''], [OP_SET_ATTR, [0], 'p', 'ts-stream', 'feed']]])
  assert.equal(root.innerHTML, '<p ts-hook="Clock" ts-stream="feed"></p>', 'no stream operation: nothing to wait for')
  ws.message([PATCH, 'lv-1', 4, null, [[OP_STREAM_INSERT, [0], 'p', '<b id="a">a</b>', -1, 0]]])
  ws.message([PATCH, 'lv-1', 5, null, [[OP_SET_ATTR, [0], 'p', 'class', 'done']]])
  assert.equal(root.innerHTML, '<p ts-hook="Clock" ts-stream="feed"></p>')
  assert.equal(added().at(-1), 'http://h/_livets/stream.js')

  await run('stream', '../src/stream-script.js')
  assert.equal(root.innerHTML, '<p ts-hook="Clock" ts-stream="feed" class="done"><b id="a">a</b></p>')
  assert.equal(ws.sent.length, 1, 'both applied in turn: no resync asked for')
})

test("a crashed view's refusal waits for refused.js, whose notice the remounted view's render then takes away", async t => {
  t.mock.method(console, 'warn', () => {})
  ws.message([REFUSED, 'lv-1', 0, CRASHED])
  ws.message([RENDER, 'lv-1', 6, null, '<p>fresh</p>'])
  assert.equal(root.textContent, 'a', 'the render waits behind the refusal')
  assert.equal(added().at(-1), 'http://h/_livets/refused.js')

  await run('refused', '../src/refused-script.js')
  // Had the notice come after the render, it would still be there.
  assert.equal(root.innerHTML, '<p>fresh</p>')
  ws.message([REFUSED, 'lv-1', 0, CRASHED])
  assert.equal(root.querySelector(`.${NOTICE}`)?.textContent, 'Something went wrong here; this part of the page is restarting.')
  assert.equal(added().filter(s => s.endsWith('/refused.js')).length, 1)
})

test('a rejoin after a drop waits for recover.js, then sends again what the user had entered', async t => {
  ws.message([RENDER, 'lv-1', 7, null, '<input ts-model="name">'])
  root.querySelector('input').value = 'typed'
  const told = []
  root.dispatchEvent = e => told.push([e.type, e.detail])
  t.mock.timers.enable({ apis: ['setTimeout'] })
  ws.onclose()
  t.mock.timers.tick(BACKOFF_BASE)
  t.mock.timers.reset()
  const again = sockets.at(-1)
  assert.notEqual(again, ws)
  again.open()
  assert.equal(added().at(-1), 'http://h/_livets/recover.js', 'asked for as the socket opens again: the server is back')
  const [kind, ref] = JSON.parse(again.sent[0])
  assert.equal(kind, JOIN)
  again.message([RENDER, 'lv-1', 1, ref, '<input ts-model="name">'])
  assert.ok(!root.classList.contains(REMOUNTED), 'the rejoin waits')

  await run('recover', '../src/recover-script.js')
  assert.ok(root.classList.contains(REMOUNTED))
  assert.deepEqual(told, [[REMOUNTED_EVENT, { id: 'lv-1', recovered: ['name'] }]])
  assert.deepEqual(JSON.parse(again.sent[1]).slice(2), ['lv-1', MODEL_EVENT, { field: 'name', value: 'typed' }])
})

test('a message that waits is routed once, when it applies: a stream patch that needs transition.js keeps its operations', async () => {
  // The JS commands' feature, as live-js.js bundles it, asks for transition.js.
  await import('../src/js-feature.js')
  const socket = sockets.at(-1)
  socket.message([RENDER, 'lv-1', 2, null, '<ul ts-stream="s"></ul>'])
  socket.message([PATCH, 'lv-1', 3, null, [[OP_STREAM_INSERT, [0], 'ul', '<li id="c" ts-transition="in from to">c</li>', -1, 0]]])
  assert.equal(root.innerHTML, '<ul ts-stream="s"></ul>')
  assert.equal(added().at(-1), 'http://h/_livets/transition.js')

  await run('transition', '../src/transition-script.js')
  assert.equal(root.querySelector('li')?.id, 'c')
  assert.equal(socket.sent.length, 2, 'applied in turn: no resync asked for')
})
