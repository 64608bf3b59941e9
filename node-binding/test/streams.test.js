'use strict'
// Streams through the real core: items go to the page once, the core keeps
// its ts-stream containers empty, and the page's DOM (the page layer's own
// code over a stand-in DOM) holds what the stream's operations say.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot, joinParams } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { quietLogger } = require('../test-support/fake-core')

const { LiveTSServer, LiveView, LiveComponent, html } = load()
const secret = 'streams-secret'
const client = (file) => import(pathToFileURL(path.join(__dirname, '../../client', file)).href)

const item = (it) => html`<li id=${it.id}>${it.text}</li>`

class Feed extends LiveView {
  static events = ['add', 'del', 'reset', 'retitle', 'many', 'move']
  state = { title: 'Feed' }
  mount() {
    this.stream('feed', [{ id: 'i1', text: 'one' }, { id: 'i2', text: 'two' }])
  }
  render() {
    return html`<h1>${this.state.title}</h1><ul id="feed" ts-stream="feed">${this.renderStream('feed', item)}</ul><p>end</p>`
  }
  handleEvent(event, p) {
    if (event === 'add') this.streamInsert('feed', { id: p.id, text: p.text }, { at: p.at, limit: p.limit })
    if (event === 'del') this.streamDelete('feed', p.id)
    if (event === 'reset') this.stream('feed', p.ids.map((id) => ({ id, text: id })), { reset: true })
    if (event === 'retitle') this.setState({ title: p.title })
    if (event === 'move') {
      this.streamDelete('feed', p.id)
      this.streamInsert('feed', { id: p.id, text: p.text }, { at: p.at })
    }
    if (event === 'many') this.stream('feed', p.ids.map((id) => ({ id, text: id })), { at: p.at, limit: p.limit })
  }
}

class Log extends LiveComponent {
  static events = ['log']
  static tag = 'section'
  render() {
    return html`<ol ts-stream="lines">${this.renderStream('lines', item)}</ol>`
  }
  handleEvent(event, p) {
    this.streamInsert('lines', { id: p.id, text: p.text }, { limit: -2 })
  }
}

class WithLog extends LiveView {
  render() {
    return html`<div>${this.component(Log, 'log', {})}</div>`
  }
}

async function withServer(fn) {
  requireNative()
  const server = new LiveTSServer({ secret, logger: quietLogger(), remountDelayMs: 0 })
  server.route('/feed', Feed).route('/log', WithLog)
  const port = await server.listen()
  try {
    await fn(port)
  } finally {
    await server.close()
  }
}

// A page: one stand-in element per live root (view or component), updated
// from the frames as the browser's page layer does: stream operations are
// taken out of a patch and applied after the rest.
async function openPage(port, url) {
  const dom = await client('test-support/fake-dom.mjs')
  dom.install()
  const { takeStreamOps, withStreamOps } = await client('src/stream.js')
  const { applyPatch } = await client('src/patch.js')
  const { ID_ATTR } = await client('src/constants.js')
  const page = liveRoot((await get(port, url)).body)
  const roots = new Map()
  const rootOf = (id) => {
    if (!roots.has(id)) {
      const r = dom.root('')
      r.setAttribute(ID_ATTR, id)
      roots.set(id, r)
    }
    return roots.get(id)
  }
  let sock
  let ref = 10
  const frames = []
  const apply = (msg) => {
    frames.push(msg)
    const r = rootOf(msg[1])
    takeStreamOps(msg)
    if (msg[0] === 'r') withStreamOps(r, () => { r.innerHTML = msg[4] })
    else if (msg[0] === 'p') assert.equal(withStreamOps(r, () => applyPatch(r, msg[4])), true, JSON.stringify(msg))
  }
  // Reads frames until the page is quiet: the answer and what follows it.
  const settle = async () => {
    for (;;) {
      let msg
      try {
        msg = await sock.next(300)
      } catch {
        return
      }
      apply(msg)
    }
  }
  const join = async () => {
    sock = await LiveSocket.open(port)
    sock.send(['j', 1, page.id, page.token, joinParams(page, url)])
    await settle()
  }
  await join()
  return {
    id: page.id,
    frames,
    join,
    root: rootOf,
    close: () => sock.close(),
    async event(name, payload, target = page.id) {
      const from = frames.length
      sock.send(['e', ++ref, target, name, payload])
      await settle()
      return frames.slice(from)
    },
  }
}

const itemsOf = (container) => container.children.map((e) => `${e.id}:${e.textContent}`).join(' ')

test('items go once: inserts at the end and at 0, deletes, a reset, and the core never resends them', async () => {
  await withServer(async (port) => {
    const page = await openPage(port, '/feed')
    const feed = () => page.root(page.id).childNodes[1]
    // The join: a render with the container empty, then the items.
    assert.equal(page.frames[0][0], 'r')
    assert.match(page.frames[0][4], /<ul id="feed" ts-stream="feed"><\/ul>/)
    assert.equal(itemsOf(feed()), 'i1:one i2:two')

    await page.event('add', { id: 'i3', text: 'three' })
    assert.equal(itemsOf(feed()), 'i1:one i2:two i3:three')
    await page.event('add', { id: 'i0', text: 'zero', at: 0 })
    assert.equal(itemsOf(feed()), 'i0:zero i1:one i2:two i3:three')
    await page.event('add', { id: 'i2', text: 'TWO' })
    assert.equal(itemsOf(feed()), 'i0:zero i1:one i2:TWO i3:three', 'an id already there is updated in place')
    await page.event('del', { id: 'i1' })
    assert.equal(itemsOf(feed()), 'i0:zero i2:TWO i3:three')

    // A change elsewhere is one text operation: the items are not in the core's tree.
    const frames = await page.event('retitle', { title: 'News' })
    assert.deepEqual(frames.map((f) => f[4]), [[[1, [0, 0], '#text', 'News']]])
    assert.equal(itemsOf(feed()), 'i0:zero i2:TWO i3:three')


    await page.event('move', { id: 'i3', text: 'three', at: 0 })
    assert.equal(itemsOf(feed()), 'i3:three i0:zero i2:TWO', 'a delete and an insert in one handler move an item')

    await page.event('reset', { ids: ['r1', 'r2'] })
    assert.equal(itemsOf(feed()), 'r1:r1 r2:r2')
    await page.close()
  })
})

test('a limit keeps the first N when positive and the last N when negative', async () => {
  await withServer(async (port) => {
    const page = await openPage(port, '/feed')
    const feed = () => page.root(page.id).childNodes[1]
    await page.event('many', { ids: ['a', 'b', 'c', 'd'], limit: -3 })
    assert.equal(itemsOf(feed()), 'b:b c:c d:d')
    await page.event('many', { ids: ['x', 'y'], at: 0, limit: 4 })
    assert.equal(itemsOf(feed()), 'x:x y:y b:b c:c')
    const frames = await page.event('many', { ids: Array.from({ length: 1000 }, (_, k) => `n${k}`), limit: -500 })
    assert.equal(feed().children.length, 500)
    assert.equal(feed().children[0].id, 'n500')
    assert.equal(feed().children[499].id, 'n999')
    assert.ok(frames.length >= 1)
    await page.close()
  })
})

test('after a reconnect the new instance streams what the page shows', async () => {
  await withServer(async (port) => {
    const page = await openPage(port, '/feed')
    const feed = () => page.root(page.id).childNodes[1]
    await page.event('add', { id: 'i9', text: 'nine' })
    assert.equal(itemsOf(feed()), 'i1:one i2:two i9:nine')
    await page.close()
    await page.join()
    assert.equal(itemsOf(feed()), 'i1:one i2:two')
    await page.event('add', { id: 'i3', text: 'three', at: 1 })
    assert.equal(itemsOf(feed()), 'i1:one i3:three i2:two')
    await page.close()
  })
})

test('a component streams into its own container', async () => {
  await withServer(async (port) => {
    const page = await openPage(port, '/log')
    const log = `${page.id}/log`
    for (const [id, text] of [['l1', 'a'], ['l2', 'b'], ['l3', 'c']]) await page.event('log', { id, text }, log)
    assert.equal(itemsOf(page.root(log).childNodes[0]), 'l2:b l3:c')
    await page.close()
  })
})

test('the page render shows the items in the order and number the page will hold, with no marker', async () => {
  class Capped extends LiveView {
    mount() {
      this.stream('c', ['a', 'b', 'c', 'd'].map((id) => ({ id, text: id })), { limit: -3 })
      this.streamInsert('c', { id: 'z', text: 'z' }, { at: 0 })
    }
    render() {
      return html`<ul ts-stream="c">${this.renderStream('c', item)}</ul>`
    }
  }
  requireNative()
  const server = new LiveTSServer({ secret, logger: quietLogger(), remountDelayMs: 0 })
  server.route('/capped', Capped)
  const port = await server.listen()
  try {
    const page = await get(port, '/capped')
    assert.match(page.body, /<ul ts-stream="c"><li id="z">z<\/li><li id="b">b<\/li><li id="c">c<\/li><li id="d">d<\/li><\/ul>/)
    assert.doesNotMatch(page.body, /ts-stream-ops/)
  } finally {
    await server.close()
  }
})

test('bad stream input is refused with a clear error', () => {
  class V extends LiveView {
    render() {
      return html`<ul ts-stream="s">${this.renderStream('s', (it) => html`<li>${it.id}</li>`)}</ul>`
    }
  }
  const v = new V()
  assert.throws(() => v.stream('s', [{ text: 'no id' }]), /needs an id/)
  assert.throws(() => v.streamInsert('s', { id: 'a b' }), /without whitespace/)
  assert.throws(() => v.stream('s', [], { at: 1.5 }), /whole number/)
  assert.throws(() => v.stream('', []), /non-empty string/)
  v.streamInsert('s', { id: 'x' })
  assert.throws(() => v.render(), /must carry id="x"/)
})
