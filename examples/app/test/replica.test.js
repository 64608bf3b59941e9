'use strict'
// The demo's replicated list (src/shared/replica.ts) between nodes on a
// simulated Redis whose link each node loses and regains on its own, in
// every order: copies must agree once every node is linked again.
const test = require('node:test')
const assert = require('node:assert/strict')
const { Replica, isEntry } = require('../dist/shared/replica')
const { REDIS_LINK_TOPIC } = require('livets')

/** Stands in for Redis: delivers a linked node's broadcasts to the other linked nodes, asynchronously. */
class Bus {
  constructor() { this.nodes = [] }
  async settle() {
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
  }
}

/** The part of LiveTSServer a Replica uses, with a Redis link that can be cut. */
class FakeServer {
  constructor(bus) {
    this.bus = bus
    this.port = 3000 + bus.nodes.length
    this.handlers = new Map()
    this.linked = false
    this.reconnects = -1
    bus.nodes.push(this)
  }

  subscribe(topic, handler) {
    if (!this.handlers.has(topic)) this.handlers.set(topic, [])
    this.handlers.get(topic).push(handler)
    return () => {}
  }

  broadcast(topic, data) {
    const text = JSON.stringify(data)
    this.deliver(topic, text)
    if (!this.linked) return
    for (const node of this.bus.nodes) if (node !== this && node.linked) node.deliver(topic, text)
  }

  deliver(topic, text) {
    setImmediate(() => { for (const handler of this.handlers.get(topic) ?? []) handler(JSON.parse(text), topic) })
  }

  setLinked(linked) {
    this.linked = linked
    if (linked) this.reconnects++
    this.deliver(REDIS_LINK_TOPIC, JSON.stringify({ connected: linked, reconnects: Math.max(0, this.reconnects) }))
  }
}

const isNote = (value) => isEntry(value) && typeof value.text === 'string'

function node(bus) {
  const server = new FakeServer(bus)
  const replica = new Replica(server, 'notes', isNote)
  return { server, replica }
}

function write(replica, text, fields = {}) {
  const id = fields.id ?? replica.newId()
  replica.put({ id, at: fields.at ?? Date.now(), text })
  return id
}

const texts = (replica) => replica.list().map((n) => n.text)

async function linkedPair() {
  const bus = new Bus()
  const one = node(bus)
  const two = node(bus)
  for (const n of [one, two]) {
    n.server.setLinked(true)
    n.replica.start()
  }
  await bus.settle()
  return { bus, one, two }
}

for (const order of ['the node that wrote during the outage links last', 'the node that wrote during the outage links first']) {
  test(`after a Redis outage both copies agree: ${order}`, async () => {
    const { bus, one, two } = await linkedPair()
    write(one.replica, 'before', { at: 1 })
    await bus.settle()
    assert.deepEqual(texts(two.replica), ['before'])

    one.server.setLinked(false)
    two.server.setLinked(false)
    write(one.replica, 'one during', { at: 2 })
    write(two.replica, 'two during', { at: 3 })
    await bus.settle()
    assert.deepEqual(texts(two.replica), ['before', 'two during'], 'nothing crosses while the link is down')
    assert.equal(one.replica.linked, false)

    const [first, last] = order.endsWith('last') ? [two, one] : [one, two]
    first.server.setLinked(true)
    await bus.settle()
    last.server.setLinked(true)
    await bus.settle()
    assert.deepEqual(texts(one.replica), ['before', 'one during', 'two during'])
    assert.deepEqual(texts(two.replica), texts(one.replica))
    assert.equal(one.replica.linked, true)
  })
}

test('a node that starts late gets the list, and changes cross in both directions', async () => {
  const { bus, one, two } = await linkedPair()
  const id = write(one.replica, 'kept', { at: 1 })
  const gone = write(two.replica, 'deleted', { at: 2 })
  await bus.settle()
  two.replica.put({ ...two.replica.get(gone), deleted: true })
  await bus.settle()
  const late = node(bus)
  late.server.setLinked(true)
  late.replica.start()
  await bus.settle()
  assert.deepEqual(texts(late.replica), ['kept'])
  assert.equal(late.replica.get(gone), undefined, 'a deletion travels as a tombstone and stays deleted')
  late.replica.put({ ...late.replica.get(id), text: 'edited late' })
  await bus.settle()
  assert.deepEqual(texts(one.replica), ['edited late'])
})

test('concurrent edits of one record settle on the same version everywhere', async () => {
  const { bus, one, two } = await linkedPair()
  const id = write(one.replica, 'v0', { at: 1 })
  await bus.settle()
  one.server.setLinked(false)
  one.replica.put({ ...one.replica.get(id), text: 'from one' })
  two.replica.put({ ...two.replica.get(id), text: 'from two' })
  one.server.setLinked(true)
  await bus.settle()
  assert.equal(one.replica.get(id).text, two.replica.get(id).text)
})

test('with no Redis the link state is unknown, not down', () => {
  const { replica } = node(new Bus())
  assert.equal(replica.linked, null)
})

test('malformed messages are ignored', async () => {
  const { bus, one, two } = await linkedPair()
  for (const bad of [null, 'text', { kind: 'put' }, { kind: 'put', entry: { id: 1 } }, { kind: 'snapshot', entries: 'x' },
    { kind: 'hello', from: 'x', entries: [{ id: 'a', at: 1, stamp: [1], text: 'bad stamp' }] }]) {
    two.server.broadcast('notes', bad)
  }
  await bus.settle()
  assert.deepEqual(one.replica.list(), [])
  assert.equal(one.replica.apply({ kind: 'put', entry: { id: 'b', at: 1, stamp: [1, 'n'], text: 'ok' } }), true)
})
