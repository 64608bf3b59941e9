'use strict'
// The LiveView lifecycle: mount, handleParams, render, handleEvent,
// handleInfo, updated, unmount, setState batching, subscribe/broadcast.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html } = require('../test-support/livets').load()
const { mountView } = require('../test-support/livets').load('testing')
const { makeHub } = require('../test-support/hub')

test('mount gets path and query params and the session, then handleParams, then render', async () => {
  const calls = []
  class User extends LiveView {
    static events = ['noop']
    state = { id: '', tab: '' }
    mount(params, session) {
      calls.push(['mount', params, { ...session }])
    }
    handleParams(params, url) {
      calls.push(['handleParams', params, url])
      this.setState({ id: params.id, tab: params.tab })
    }
    render() {
      calls.push(['render'])
      return html`<h1>${this.state.id}</h1><p>${this.state.tab}</p>`
    }
    updated() { calls.push(['updated']) }
    unmount() { calls.push(['unmount']) }
  }
  const view = await mountView(User, { route: '/users/:id', url: '/users/7?tab=posts&id=ignored', session: { user: 'ada' }, connectParams: { tz: 'UTC' } })
  const params = { id: '7', tab: 'posts' }
  const page = { route: '/users/:id', path: '/users/7', url: '/users/7?tab=posts&id=ignored', data: { user: 'ada' } }
  assert.deepEqual(calls, [
    // The plain page render: not connected, no join params, unmounted at once.
    ['mount', params, { connected: false, ...page, connectParams: {}, address: 'unknown', userAgent: '' }],
    ['handleParams', params, '/users/7?tab=posts&id=ignored'],
    ['render'],
    ['unmount'],
    // The live instance, mounted by the join.
    ['mount', params, { connected: true, ...page, connectParams: { tz: 'UTC' }, address: 'unknown', userAgent: '' }],
    ['handleParams', params, '/users/7?tab=posts&id=ignored'],
    ['render'],
    ['updated'],
  ])
  assert.equal(view.pageHtml, '<h1>7</h1><p>posts</p>')
  assert.equal(view.html(), '<h1>7</h1><p>posts</p>')
  calls.length = 0
  await view.click('noop')
  assert.deepEqual(calls, [], 'a handler that changes nothing does not render')
  await view.unmount()
  assert.deepEqual(calls, [['unmount']])
})

test('several setState calls in one handler give one render and one patch', async () => {
  let renders = 0
  class Multi extends LiveView {
    static events = ['many', 'slow']
    state = { a: 0, b: 0 }
    render() { renders++; return html`${this.state.a}/${this.state.b}` }
    async handleEvent(e) {
      this.setState({ a: 1 })
      this.setState({ b: 2 })
      this.setState({ a: this.state.a + 1 })
      if (e === 'slow') {
        await new Promise((r) => setImmediate(r))
        this.setState({ a: 7 })
      }
    }
  }
  const view = await mountView(Multi, { url: '/m' })
  renders = 0
  const before = view.messages.length
  assert.equal(await view.click('many'), '2/2')
  assert.equal(renders, 1)
  assert.deepEqual(view.messages.slice(before), [['p', view.id, 2, 2, '2/2']])
  assert.equal(await view.click('slow'), '7/2')
  assert.equal(renders, 2)
  assert.equal(view.messages.length, before + 2)
})

test('events are handled one at a time, in order, even when async', async () => {
  const order = []
  class Serial extends LiveView {
    static events = ['a', 'b']
    state = { log: '' }
    render() { return html`${this.state.log}` }
    async handleEvent(e) {
      order.push(`start ${e}`)
      if (e === 'a') await new Promise((r) => setTimeout(r, 5))
      order.push(`end ${e}`)
      this.setState({ log: this.state.log + e })
    }
  }
  const view = await mountView(Serial, { url: '/s' })
  const [a, b] = await Promise.all([view.click('a'), view.click('b')])
  assert.deepEqual(order, ['start a', 'end a', 'start b', 'end b'])
  assert.equal(a, 'ab')
  assert.equal(b, 'ab')
})

test('a handler that changes nothing is answered with an empty patch', async () => {
  class Still extends LiveView {
    static events = ['look']
    state = { n: 1 }
    render() { return html`<b>${this.state.n}</b>` }
  }
  const view = await mountView(Still, { url: '/still' })
  await view.click('look')
  assert.deepEqual(view.messages.at(-1), ['p', view.id, 2, 2, '<b>1</b>'])
})

test('setState outside a handler renders once on the next tick, unprompted', async () => {
  let instance
  class Outside extends LiveView {
    state = { t: 0 }
    mount() { instance = this }
    render() { return html`${this.state.t}` }
  }
  const view = await mountView(Outside, { url: '/o' })
  instance.setState({ t: 1 })
  instance.setState({ t: 2 })
  assert.equal(await view.render(), '2')
  assert.deepEqual(view.messages.slice(1), [['p', view.id, 2, 0, '2']])
})

test('subscriptions made in mount apply after the join; infos render', async () => {
  const infos = []
  class Sub extends LiveView {
    static events = ['say']
    state = { last: '' }
    mount(_p, session) { this.subscribe('room') ; this.connectedAtMount = session.connected }
    render() { return html`<p>${this.state.last}</p>` }
    handleEvent(_e, payload) { this.broadcast('room', { msg: payload.text }) }
    handleInfo(topic, data) { infos.push([topic, data]); this.setState({ last: data.msg }) }
  }
  const view = await mountView(Sub, { url: '/sub' })
  assert.deepEqual(view.topics, ['room'])
  assert.equal(await view.info('room', { msg: '<b>' }), '<p>&lt;b&gt;</p>')
  assert.deepEqual(infos, [['room', { msg: '<b>' }]])
  await view.click('say', { text: 'hi' })
  assert.deepEqual(view.broadcasts, [{ topic: 'room', data: '{"msg":"hi"}' }])
  assert.equal(await view.render(), '<p>hi</p>', 'a view hears its own broadcast')
  await view.info('elsewhere', { msg: 'no' })
  assert.equal(view.html(), '<p>hi</p>', 'topics it did not subscribe to never arrive')
})

test('the core hears of subscriptions only once the view is registered', async () => {
  class Early extends LiveView {
    state = {}
    mount() { this.subscribe('t'); this.subscribe('t') }
    render() { return html`x` }
  }
  const { core, join } = makeHub({ '/e': Early })
  const page = await join('/e')
  assert.deepEqual(core.calls.map((c) => c[0]), ['register', 'subscribe'])
  assert.deepEqual(core.calls[1], ['subscribe', 1, page.id, 't'])
})

test('a failing mount refuses the join and unmounts the instance', async () => {
  const log = []
  let fail = false
  class BadMount extends LiveView {
    state = {}
    mount(_p, session) { if (session.connected && fail) throw new Error('no db') }
    render() { return html`` }
    unmount() { log.push('unmount') }
  }
  const { core, join, logger } = makeHub({ '/b': BadMount })
  fail = true
  const page = await join('/b')
  assert.deepEqual(core.calls, [['replyError', 1, page.id, 1, 'join failed'], ['unregister', 1, page.id]])
  assert.deepEqual(log, ['unmount', 'unmount'])
  assert.match(logger.lines.error[0], /BadMount \(\/b\).*no db/)
})

test('leaving before the join has run never mounts, so never unmounts', async () => {
  const log = []
  class Slow extends LiveView {
    state = {}
    mount(_p, s) { if (s.connected) log.push('mount') }
    render() { return html`` }
    unmount() { log.push('unmount') }
  }
  const { hub, page } = makeHub({ '/s': Slow })
  const p = await page('/s')
  log.length = 0
  hub.join(1, 1, p.id, p.token, JSON.stringify({ _csrf_token: p.csrf }))
  hub.leave(1, p.id)
  await hub.idle()
  assert.deepEqual(log, [])
})
