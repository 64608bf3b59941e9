import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { runInThisContext } from 'node:vm'
import { JOIN, RENDER, PATCH, PUSH_EVENT, REFUSED, OP_TEXT, MODEL_EVENT, REMOUNTED, BACKOFF_BASE } from '../src/constants.js'
import { OP_STREAM_INSERT, CRASHED, NOTICE, UPLOAD_ACK } from '../src/page-constants.js'
import { sockets, root } from '../test-support/fake-page.mjs'
import { document } from '../test-support/fake-dom.mjs'

// The built scripts together, as a page runs them: the page's script
// (live-js.js) and the scripts it loads on need, each a bundle of its own
// that reaches into the objects of the one that loaded it (a view, the
// page layer's api, a hook set) by their internal names, which the build
// shortens. The names must agree across every script (build.sh, one
// mangle cache): here each script is the one the browser gets.
const dist = new URL('../dist/', import.meta.url)
execFileSync('bash', [new URL('../build.sh', import.meta.url).pathname], { encoding: 'utf8' })
const evaluate = file => runInThisContext(readFileSync(new URL(file, dist), 'utf8'), { filename: file })

evaluate('live-js.js')
assert.equal(window.LiveTS.connect({ url: 'ws://h/live?v=1', scripts: 'http://h/_livets/live-js.js' }), true)
let ws = sockets.at(-1)
ws.open()

const added = () => document.head.childNodes.map(s => s.src)
// Runs dist/<name>.js as the browser would once it has loaded.
const run = name => {
  const script = document.head.childNodes.find(s => s.src == `http://h/_livets/${name}.js`)
  assert.ok(script, `${name}.js was added`)
  evaluate(`${name}.js`)
  script.onload()
}

// What the hooks heard.
const seen = []

test('hook.js mounts the hooks of a view of the page script, and hands them push events', () => {
  window.LiveTS.hooks.Clock = {
    mounted() {
      seen.push(`mounted: ${this.el.textContent}`)
      this.handleEvent('tick', p => seen.push(`tick ${p.n}: ${this.el.textContent}`))
    },
    disconnected() {
      seen.push('disconnected')
    },
  }
  window.LiveTS.on('tick', p => seen.push(`listener ${p.n}`))
  ws.message([RENDER, 'lv-1', 1, 1, '<p ts-hook="Clock">0</p>'])
  ws.message([PUSH_EVENT, 'lv-1', 'tick', { n: 1 }])
  ws.message([PATCH, 'lv-1', 2, null, [[OP_TEXT, [0, 0], null, '1']]])
  assert.deepEqual(added(), ['http://h/_livets/hook.js'])
  run('hook')
  assert.deepEqual(seen, ['mounted: 0', 'tick 1: 0', 'listener 1'])
  assert.equal(root.textContent, '1')
})

test('stream.js takes the operations out of a message for the page layer to apply', () => {
  ws.message([RENDER, 'lv-1', 3, null, '<ul ts-stream="s"></ul>'])
  ws.message([PATCH, 'lv-1', 4, null, [[OP_STREAM_INSERT, [0], 'ul', '<li id="a">a</li>', -1, 0]]])
  assert.equal(added().at(-1), 'http://h/_livets/stream.js')
  run('stream')
  assert.equal(root.innerHTML, '<ul ts-stream="s"><li id="a">a</li></ul>')
  assert.equal(ws.sent.length, 1, 'applied in turn: no resync asked for')
})

test("transition.js, asked for by the page script's JS commands, wraps its updates", () => {
  ws.message([PATCH, 'lv-1', 5, null, [[OP_STREAM_INSERT, [0], 'ul', '<li id="b" ts-transition="in from to">b</li>', -1, 0]]])
  assert.equal(added().at(-1), 'http://h/_livets/transition.js')
  run('transition')
  assert.equal(root.querySelectorAll('li').length, 2)
  assert.equal(ws.sent.length, 1)
})

test("refused.js puts a crashed view's notice in", t => {
  t.mock.method(console, 'warn', () => {})
  ws.message([REFUSED, 'lv-1', 0, CRASHED])
  assert.equal(added().at(-1), 'http://h/_livets/refused.js')
  run('refused')
  assert.equal(root.querySelector(`.${NOTICE}`)?.textContent, 'Something went wrong here; this part of the page is restarting.')
})

test('recover.js sends again what the user had entered, at a rejoin; the hooks hear the drop', t => {
  ws.message([RENDER, 'lv-1', 6, null, '<input ts-model="name"><b ts-hook="Clock">c</b>'])
  assert.equal(seen.at(-1), 'mounted: c')
  root.querySelector('input').value = 'typed'
  root.dispatchEvent = () => {}
  t.mock.timers.enable({ apis: ['setTimeout'] })
  ws.onclose()
  assert.equal(seen.at(-1), 'disconnected')
  t.mock.timers.tick(BACKOFF_BASE)
  t.mock.timers.reset()
  ws = sockets.at(-1)
  ws.open()
  const [kind, ref] = JSON.parse(ws.sent[0])
  assert.equal(kind, JOIN)
  ws.message([RENDER, 'lv-1', 1, ref, '<input ts-model="name">'])
  run('recover')
  assert.ok(root.classList.contains(REMOUNTED))
  assert.deepEqual(JSON.parse(ws.sent[1]).slice(2), ['lv-1', MODEL_EVENT, { field: 'name', value: 'typed' }])
})

test("upload.js, loaded later, takes the uploads' acks off the page layer's routing", () => {
  evaluate('upload.js')
  // An ack for no entry of this page: taken, and no view answers it.
  ws.message([UPLOAD_ACK, 'lv-1', 'nosuchref', 0, 1024])
  assert.equal(ws.sent.length, 2)
})
