'use strict'
// A handler that throws takes down neither the server nor other views:
// its view is told "crashed", logged, unmounted and mounted afresh.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html } = require('../test-support/livets').load()
const { mountView } = require('../test-support/livets').load('testing')
const { makeHub } = require('../test-support/hub')

let mounts = 0
let unmounts = 0
class Fragile extends LiveView {
  static events = ['inc', 'boom', 'badrender', 'async']
  state = { n: 0, broken: false }
  mount() { mounts++; this.subscribe('news') }
  render() {
    if (this.state.broken) throw new Error('render exploded')
    return html`<b>${this.state.n}</b>`
  }
  async handleEvent(event) {
    if (event === 'inc') this.setState({ n: this.state.n + 1 })
    if (event === 'boom') throw new Error('handler exploded')
    if (event === 'badrender') this.setState({ broken: true })
    if (event === 'async') { await null; throw new Error('later') }
  }
  handleInfo() { throw new Error('info exploded') }
  unmount() { unmounts++ }
}

const kinds = (calls) => calls.map((c) => (c[0] === 'replyError' ? `x:${c[3]}:${c[4]}` : c[0] === 'send' ? `send:${c[2][0]}` : `${c[0]}:${c[3] ?? ''}`))

test('a throwing handler: "crashed", logged with view and event, remounted fresh', async () => {
  const { hub, core, join, logger } = makeHub({ '/f': Fragile })
  const page = await join('/f')
  hub.event(1, 2, page.id, 'inc', '{}')
  await hub.idle()
  core.take()
  mounts = unmounts = 0
  hub.event(1, 3, page.id, 'boom', '{}')
  await hub.idle()
  assert.deepEqual(kinds(core.take()), ['unsubscribe:news', 'x:3:crashed', 'register:0', 'subscribe:news'])
  assert.equal(unmounts, 1)
  assert.equal(mounts, 1)
  assert.equal(logger.lines.error.length, 1)
  assert.match(logger.lines.error[0], /\[livets\] Fragile \(\/f\): handleEvent\("boom"\) threw: Error: handler exploded/)
  // The fresh view starts from its mount state and works.
  hub.event(1, 4, page.id, 'inc', '{}')
  await hub.idle()
  assert.deepEqual(core.take(), [['update', 1, page.id, 4, '<b>1</b>']])
})

test('async throws, render throws and handleInfo throws crash the same way', async () => {
  const { hub, core, join, logger } = makeHub({ '/f': Fragile })
  const page = await join('/f')
  core.take()
  hub.event(1, 2, page.id, 'async', '{}')
  hub.event(1, 3, page.id, 'badrender', '{}')
  hub.info(1, page.id, 'news', '{}')
  await hub.idle()
  assert.deepEqual(
    kinds(core.take()).filter((k) => k.startsWith('x') || k.startsWith('register')),
    ['x:2:crashed', 'register:0', 'x:3:crashed', 'register:0', 'x:0:crashed', 'register:0'],
  )
  assert.match(logger.lines.error[0], /handleEvent\("async"\) threw: Error: later/)
  assert.match(logger.lines.error[1], /render after handleEvent\("badrender"\) threw: Error: render exploded/)
  assert.match(logger.lines.error[2], /handleInfo\("news"\) threw: Error: info exploded/)
})

test('other views, on this connection or others, carry on', async () => {
  const { hub, core, join } = makeHub({ '/f': Fragile })
  const a = await join('/f', 1)
  const b = await join('/f', 1, 2)
  const c = await join('/f', 2)
  core.take()
  hub.event(1, 3, a.id, 'boom', '{}')
  hub.event(1, 4, b.id, 'inc', '{}')
  hub.event(2, 5, c.id, 'inc', '{}')
  await hub.idle()
  const updates = core.of('update')
  assert.deepEqual(updates, [['update', 1, b.id, 4, '<b>1</b>'], ['update', 2, c.id, 5, '<b>1</b>']])
})

test('the remount waits, doubling per crash in a row; events meanwhile are refused', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const { hub, core, join } = makeHub({ '/f': Fragile }, { remountDelayMs: 1000 })
  const page = await join('/f')
  core.take()
  hub.event(1, 2, page.id, 'boom', '{}')
  await hub.idle()
  hub.event(1, 3, page.id, 'inc', '{}')
  await hub.idle()
  assert.deepEqual(kinds(core.take()), ['unsubscribe:news', 'x:2:crashed', 'x:3:view is restarting'])
  t.mock.timers.tick(999)
  await hub.idle()
  assert.deepEqual(core.take(), [])
  t.mock.timers.tick(1)
  await hub.idle()
  assert.deepEqual(kinds(core.take()), ['register:0', 'subscribe:news'])
  // A second crash in a row waits twice as long.
  hub.event(1, 4, page.id, 'boom', '{}')
  await hub.idle()
  core.take()
  t.mock.timers.tick(1999)
  await hub.idle()
  assert.deepEqual(core.take(), [])
  t.mock.timers.tick(1)
  await hub.idle()
  assert.deepEqual(kinds(core.take()), ['register:0', 'subscribe:news'])
})

test('after maxCrashes in a row the view is given up and unregistered', async () => {
  const { hub, core, join, logger } = makeHub({ '/f': Fragile }, { maxCrashes: 2 })
  const page = await join('/f')
  for (let ref = 2; ref <= 4; ref++) hub.event(1, ref, page.id, 'boom', '{}')
  await hub.idle()
  const calls = kinds(core.take())
  assert.deepEqual(calls.slice(-2), ['x:4:crashed', 'unregister:'])
  assert.match(logger.lines.error.at(-1), /gave up after 2 crashes in a row/)
  assert.equal(hub.size, 0)
})

test('a handled event resets the crash count', async () => {
  const { hub, core, join } = makeHub({ '/f': Fragile }, { maxCrashes: 1 })
  const page = await join('/f')
  for (let i = 0; i < 4; i++) {
    hub.event(1, 10 + 2 * i, page.id, 'boom', '{}')
    hub.event(1, 11 + 2 * i, page.id, 'inc', '{}')
  }
  await hub.idle()
  assert.equal(core.of('unregister').length, 0)
  assert.equal(hub.size, 1)
})

test('the test kit reports a crash with its cause and shows the remounted view', async () => {
  const view = await mountView(Fragile, { url: '/f' })
  await view.click('inc')
  await assert.rejects(view.click('boom'), (err) => err.name === 'EventRefused' && err.reason === 'crashed' && err.cause.message === 'handler exploded')
  assert.equal(view.html(), '<b>0</b>')
})
