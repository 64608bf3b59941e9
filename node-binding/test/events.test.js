'use strict'
// The event allow-list: nothing the browser names reaches a view unless the
// view's own static `events` lists it.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html, allowedEvents, isAllowedEvent } = require('../test-support/livets').load()
const { LiveInstance } = require('../test-support/livets').load('live-instance')
const { FakeCore, capture } = require('../test-support/fake-core')

const reached = []

class Probe extends LiveView {
  static events = ['inc']
  state = { n: 0 }
  render() { return html`<span>${this.state.n}</span>` }
  handleEvent(event, payload) {
    reached.push(['handleEvent', event, payload])
    if (event === 'inc') this.setState({ n: this.state.n + 1 })
  }
  setState(p) { reached.push(['setState', p]); super.setState(p) }
  constructor() { super(); reached.push(['constructor']) }
  toString() { reached.push(['toString']); return 'probe' }
  mount() {}
}

async function joined(View = Probe) {
  const core = new FakeCore()
  const inst = new LiveInstance(core, 7, 'c1', View, '/probe')
  inst.join(1, {}, {})
  await inst.idle()
  assert.deepEqual(core.of('register').map((c) => c.slice(1)), [[7, 'c1', 1, '<span>0</span>']])
  core.take()
  reached.length = 0
  return { core, inst }
}

test('allowedEvents reads only the class\'s own static list', () => {
  class Parent extends LiveView { static events = ['a']; state = {}; render() { return '' } }
  class Child extends Parent {}
  class Bare extends LiveView { state = {}; render() { return '' } }
  assert.deepEqual([...allowedEvents(Parent)], ['a'])
  assert.deepEqual([...allowedEvents(Child)], [])
  assert.deepEqual([...allowedEvents(Bare)], [])
  assert.equal(isAllowedEvent(Parent, 'a'), true)
  assert.equal(isAllowedEvent(Child, 'a'), false)
  for (const name of ['constructor', '__proto__', 'setState', 'toString', 'hasOwnProperty', 'render', 'mount']) {
    assert.equal(isAllowedEvent(Probe, name), false, name)
  }
  assert.equal(isAllowedEvent(Probe, 42), false)
  class BadList extends LiveView { static events = ['ok', 3]; state = {}; render() { return '' } }
  assert.throws(() => allowedEvents(BadList), TypeError)
})

test('a declared event reaches handleEvent and renders once', async () => {
  const { core, inst } = await joined()
  inst.event(2, 'inc', '{"by":1}')
  await inst.idle()
  assert.deepEqual(reached, [['handleEvent', 'inc', { by: 1 }], ['setState', { n: 1 }]])
  assert.deepEqual(core.take(), [['update', 7, 'c1', 2, '<span>1</span>']])
})

test('undeclared and reserved names never reach the view', async () => {
  const { core, inst } = await joined()
  const names = ['dec', 'constructor', '__proto__', 'setState', 'toString', 'render', 'handleEvent', 'mount', 'unmount', '']
  const lines = await capture(async () => {
    names.forEach((name, i) => inst.event(10 + i, name, 'null'))
    await inst.idle()
  })
  assert.deepEqual(reached, [], 'no method of the view ran')
  assert.deepEqual(core.take(), names.map((_, i) => ['replyError', 7, 'c1', 10 + i, 'unknown event']))
  assert.equal(lines.warn.length, names.length)
  assert.match(lines.warn[1], /Probe \(\/probe\).*"constructor"/)
  // The view still works afterwards.
  inst.event(30, 'inc', 'null')
  await inst.idle()
  assert.deepEqual(core.take(), [['update', 7, 'c1', 30, '<span>1</span>']])
})

test('a throwing handler is logged and refused; the view carries on', async () => {
  class Flaky extends LiveView {
    static events = ['boom', 'inc']
    state = { n: 0 }
    render() { return html`${this.state.n}` }
    handleEvent(e) {
      if (e === 'boom') throw new Error('kaput')
      this.setState({ n: this.state.n + 1 })
    }
  }
  const core = new FakeCore()
  const inst = new LiveInstance(core, 1, 'f', Flaky, '/flaky')
  inst.join(1, {}, {})
  const lines = await capture(async () => {
    inst.event(2, 'boom', 'null')
    inst.event(3, 'inc', 'null')
    await inst.idle()
  })
  assert.deepEqual(core.calls.slice(1), [
    ['replyError', 1, 'f', 2, 'event failed'],
    ['update', 1, 'f', 3, '1'],
  ])
  assert.equal(lines.error.length, 1)
  assert.match(lines.error[0], /Flaky \(\/flaky\).*"boom".*kaput/)
})

test('several setState calls in one handler give one render; async handlers are waited for', async () => {
  let renders = 0
  class Multi extends LiveView {
    static events = ['many', 'slow']
    state = { a: 0, b: 0 }
    render() { renders++; return html`${this.state.a}/${this.state.b}` }
    async handleEvent(e) {
      this.setState({ a: 1 })
      this.setState({ b: 2 })
      if (e === 'slow') {
        await new Promise((r) => setTimeout(r, 10))
        this.setState({ a: 3 })
      }
    }
  }
  const core = new FakeCore()
  const inst = new LiveInstance(core, 1, 'm', Multi, '/m')
  inst.join(1, {}, {})
  await inst.idle()
  renders = 0
  core.take()
  inst.event(2, 'many', 'null')
  inst.event(3, 'slow', 'null')
  await inst.idle()
  assert.equal(renders, 2)
  assert.deepEqual(core.take(), [['update', 1, 'm', 2, '1/2'], ['update', 1, 'm', 3, '3/2']])
})

test('setState outside a handler renders once on the next tick with ref 0', async () => {
  let view
  class Timer extends LiveView {
    state = { t: 0 }
    mount() { view = this }
    render() { return html`${this.state.t}` }
  }
  const core = new FakeCore()
  const inst = new LiveInstance(core, 1, 't', Timer, '/t')
  inst.join(5, {}, {})
  await inst.idle()
  core.take()
  view.setState({ t: 1 })
  view.setState({ t: 2 })
  await inst.idle()
  assert.deepEqual(core.take(), [['update', 1, 't', 0, '2']])
})

test('subscriptions made in mount apply after registration; infos render', async () => {
  const infos = []
  class Sub extends LiveView {
    state = { last: '' }
    mount(_p, session) { if (session.connected) this.subscribe('room') }
    render() { return html`${this.state.last}` }
    handleInfo(topic, data) { infos.push([topic, data]); this.setState({ last: data.msg }) }
    shout() { this.broadcast('room', { msg: 'hi' }) }
  }
  const core = new FakeCore()
  const inst = new LiveInstance(core, 3, 's', Sub, '/s')
  inst.join(1, {}, {})
  await inst.idle()
  assert.deepEqual(core.take(), [['register', 3, 's', 1, ''], ['subscribe', 3, 's', 'room']])
  inst.info('room', '{"msg":"<b>"}')
  await inst.idle()
  assert.deepEqual(infos, [['room', { msg: '<b>' }]])
  assert.deepEqual(core.take(), [['update', 3, 's', 0, '&lt;b&gt;']])
})

test('a failing mount refuses the join and unmounts; dispose unmounts once', async () => {
  const log = []
  class BadMount extends LiveView {
    state = {}
    mount() { throw new Error('no db') }
    render() { return '' }
    unmount() { log.push('unmount') }
  }
  const core = new FakeCore()
  let gone = null
  const inst = new LiveInstance(core, 1, 'b', BadMount, '/b', (i) => { gone = i })
  const lines = await capture(async () => { inst.join(4, {}, {}); await inst.idle() })
  assert.deepEqual(core.take(), [['replyError', 1, 'b', 4, 'join failed'], ['unregister', 1, 'b']])
  assert.deepEqual(log, ['unmount'])
  assert.equal(gone, inst)
  assert.match(lines.error[0], /BadMount.*no db/)

  class Good extends LiveView {
    state = {}
    mount() { log.push('mount') }
    render() { return 'ok' }
    unmount() { log.push('good') }
  }
  const inst2 = new LiveInstance(core, 1, 'g', Good, '/g')
  inst2.join(1, {}, {})
  await inst2.idle()
  inst2.dispose()
  inst2.dispose()
  await inst2.idle()
  assert.deepEqual(log, ['unmount', 'mount', 'good'])

  // Left before the join ran: never mounted, so never unmounted.
  const inst3 = new LiveInstance(core, 1, 'h', Good, '/g')
  inst3.join(1, {}, {})
  inst3.dispose()
  await inst3.idle()
  assert.deepEqual(log, ['unmount', 'mount', 'good'])
})
