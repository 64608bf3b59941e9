'use strict'
// liveRender: live views inside a view, each its own instance on the
// parent's connection (state, events, crashes), sticky ones kept across
// the parent's departure.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html, liveRender, ComponentRenderer } = require('../test-support/livets').load()
const { makeHub } = require('../test-support/hub')

const log = []

class Counter extends LiveView {
  static events = ['inc', 'boom']
  state = { n: 0, who: '' }
  mount(_params, session) {
    this.setState({ who: session.data.who ?? '' })
    log.push(['mount', session.data.who, session.connected])
  }
  render() { return html`<b id="c">${this.state.who}:${this.state.n}</b>` }
  handleEvent(event) {
    if (event === 'inc') this.setState({ n: this.state.n + 1 })
    if (event === 'boom') throw new Error('child boom')
  }
  unmount() { log.push(['unmount', this.state.who]) }
}

class Parent extends LiveView {
  static events = ['toggle', 'bump', 'boom']
  state = { show: true, renders: 0, n: 0 }
  render() {
    this.state.renders++
    return html`<p>${this.state.n}</p>${this.state.show ? liveRender(Counter, { id: 'kid', session: { who: 'kid' } }) : ''}`
  }
  handleEvent(event) {
    if (event === 'toggle') this.setState({ show: !this.state.show })
    if (event === 'bump') this.setState({ n: this.state.n + 1 })
    if (event === 'boom') throw new Error('parent boom')
  }
}

class StickyParent extends LiveView {
  static events = ['go']
  render() { return html`<h1>one</h1>${liveRender(Counter, { id: 'player', session: { who: 'player' }, sticky: true })}` }
  handleEvent() { this.pushNavigate('/two') }
}

class NextPage extends LiveView {
  render() { return html`<h1>two</h1>${liveRender(Counter, { id: 'player', session: { who: 'other' }, sticky: true })}` }
}

class PlainPage extends LiveView {
  render() { return html`<h1>plain</h1>` }
}

const KID = 'lv-n-kid'

async function joined(routes = { '/p': Parent }, url = '/p') {
  const h = makeHub(routes)
  const page = await h.join(url)
  await h.hub.idle()
  return { ...h, root: page }
}

test('a page render fills the child\'s root with its own render', async () => {
  log.length = 0
  const h = makeHub({ '/p': Parent })
  const page = await h.page('/p')
  assert.match(page.markup, /<div data-livets-id="lv-n-kid"><b id="c">kid:0<\/b><\/div>/)
  assert.deepEqual(log, [['mount', 'kid', false], ['unmount', 'kid']])
})

test('a join registers the parent with an empty child root, then the child on its own', async () => {
  const h = await joined()
  const regs = h.core.of('register')
  assert.deepEqual(regs.map((c) => c[2]), [h.root.id, KID])
  assert.match(regs[0][4], /<div data-livets-id="lv-n-kid"><\/div>/)
  assert.equal(regs[1][3], 0, 'the child\'s render answers no request')
  assert.equal(regs[1][4], '<b id="c">kid:0</b>')
})

test('child events render only the child; parent renders leave the child alone', async () => {
  const h = await joined()
  h.core.take()
  h.hub.event(1, 5, KID, 'inc', '{}')
  await h.hub.idle()
  assert.deepEqual(h.core.take(), [['update', 1, KID, 5, '<b id="c">kid:1</b>']])
  h.hub.event(1, 6, h.root.id, 'bump', '{}')
  await h.hub.idle()
  const calls = h.core.take()
  assert.deepEqual(calls.map((c) => [c[0], c[2]]), [['update', h.root.id]])
  h.hub.event(1, 7, KID, 'inc', '{}')
  await h.hub.idle()
  assert.equal(h.core.take()[0][4], '<b id="c">kid:2</b>', 'the child kept its state across the parent render')
})

test('a child crash remounts only the child', async () => {
  const h = await joined()
  h.core.take()
  h.hub.event(1, 5, KID, 'inc', '{}')
  h.hub.event(1, 6, KID, 'boom', '{}')
  await h.hub.idle()
  await new Promise((resolve) => setTimeout(resolve, 10))
  await h.hub.idle()
  const calls = h.core.take()
  assert.ok(calls.every((c) => c[2] === KID), 'nothing of the parent was touched')
  assert.deepEqual(calls.find((c) => c[0] === 'replyError'), ['replyError', 1, KID, 6, 'crashed'])
  const again = calls.filter((c) => c[0] === 'register')
  assert.deepEqual(again.map((c) => c[4]), ['<b id="c">kid:0</b>'], 'a fresh child')
  h.hub.event(1, 8, h.root.id, 'bump', '{}')
  await h.hub.idle()
  assert.match(h.core.take()[0][4], /<p>1<\/p>/, 'the parent still answers')
})

test('a parent render that leaves the child out unmounts it; placing it again mounts a fresh one', async () => {
  log.length = 0
  const h = await joined()
  h.core.take()
  h.hub.event(1, 5, h.root.id, 'toggle', '{}')
  await h.hub.idle()
  assert.deepEqual(h.core.take().map((c) => [c[0], c[2]]), [['update', h.root.id], ['unregister', KID]])
  assert.deepEqual(log.at(-1), ['unmount', 'kid'])
  h.hub.event(1, 6, KID, 'inc', '{}')
  await h.hub.idle()
  assert.deepEqual(h.core.take(), [['replyError', 1, KID, 6, 'not joined']])
  h.hub.event(1, 7, h.root.id, 'toggle', '{}')
  await h.hub.idle()
  assert.deepEqual(h.core.take().map((c) => [c[0], c[2]]), [['update', h.root.id], ['register', KID]])
})

test('a parent crash unmounts its children and its remount mounts them afresh', async () => {
  const h = await joined()
  h.hub.event(1, 4, KID, 'inc', '{}')
  await h.hub.idle()
  h.core.take()
  h.hub.event(1, 5, h.root.id, 'boom', '{}')
  await h.hub.idle()
  await new Promise((resolve) => setTimeout(resolve, 10))
  await h.hub.idle()
  const calls = h.core.take()
  assert.ok(calls.some((c) => c[0] === 'unregister' && c[2] === KID))
  assert.deepEqual(calls.filter((c) => c[0] === 'register').map((c) => [c[2], c[4].includes('kid:0') || c[4].includes('lv-n-kid')]), [[h.root.id, true], [KID, true]])
})

test('closing the connection unmounts the children', async () => {
  const h = await joined()
  log.length = 0
  h.hub.close(1)
  await h.hub.idle()
  assert.deepEqual(log.filter((l) => l[0] === 'unmount'), [['unmount', 'kid']])
  assert.equal(h.hub.size, 0)
})

test('a sticky child survives its parent leaving for a page that places it again', async () => {
  log.length = 0
  const h = await joined({ '/one': StickyParent, '/two': NextPage }, '/one')
  const player = 'lv-n-player'
  h.hub.event(1, 3, player, 'inc', '{}')
  h.hub.event(1, 4, h.root.id, 'go', '{}')
  await h.hub.idle()
  assert.ok(h.core.of('send').some((c) => c[2][0] === 'n' && c[2][2] === '/two'))
  h.core.take()
  // What the connector does: leave the old root, join the fetched one.
  h.hub.leave(1, h.root.id)
  const next = await h.page('/two')
  h.hub.join(1, 5, next.id, next.token, JSON.stringify({ _csrf_token: next.csrf, _url: '/two' }))
  await h.hub.idle()
  const calls = h.core.take()
  assert.deepEqual(calls.filter((c) => c[0] === 'register').map((c) => c[2]), [next.id], 'the child is not mounted again')
  assert.ok(!calls.some((c) => c[0] === 'unregister' && c[2] === player))
  h.hub.event(1, 6, player, 'inc', '{}')
  await h.hub.idle()
  assert.equal(h.core.take()[0][4], '<b id="c">player:2</b>', 'its state is the one from the first page')
  assert.deepEqual(log.filter((l) => l[0] === 'unmount' && l[1] === 'player'), [['unmount', 'player']], 'only the page render\'s own copy went')
})

test('a sticky child the next page does not place goes when that page has rendered', async () => {
  const h = await joined({ '/one': StickyParent, '/plain': PlainPage }, '/one')
  h.core.take()
  h.hub.leave(1, h.root.id)
  const next = await h.page('/plain')
  h.hub.join(1, 5, next.id, next.token, JSON.stringify({ _csrf_token: next.csrf, _url: '/plain' }))
  await h.hub.idle()
  assert.ok(h.core.take().some((c) => c[0] === 'unregister' && c[2] === 'lv-n-player'))
  assert.equal(h.hub.size, 1)
})

test('liveRender checks its arguments and renders an empty root outside a view\'s render', async () => {
  assert.throws(() => liveRender(Counter, { id: 'no spaces' }), /id of 1 to 64/)
  assert.throws(() => liveRender(Counter, {}), /id of 1 to 64/)
  assert.throws(() => liveRender({}, { id: 'x' }), /LiveView class/)
  assert.throws(() => liveRender(Counter, { id: 'x', session: [1] }), /session must be a JSON object/)
  assert.throws(() => liveRender(Counter, { id: 'x', tag: 'di v' }), /bad tag/)
  assert.equal(String(liveRender(Counter, { id: 'x', tag: 'section', sticky: true })), '<section data-livets-id="lv-n-x" data-livets-sticky></section>')
  class Twice extends LiveView {
    render() { return html`${liveRender(Counter, { id: 'a' })}${liveRender(Counter, { id: 'a' })}` }
  }
  await assert.rejects(ComponentRenderer.renderToStringAsync(Twice), /two children with id "a"/)
})

test('two parents on one connection cannot place the same id', async () => {
  const h = makeHub({ '/p': Parent, '/q': Parent })
  await h.join('/p', 1, 1)
  await h.join('/q', 1, 2)
  await h.hub.idle()
  assert.match(h.logger.lines.error.join('\n'), /id "kid" is already a live view on this page/)
})

test('livets/testing: html() shows the children in place and events reach one by its id', async () => {
  const { mountView } = require('../test-support/livets').load('testing')
  const view = await mountView(StickyParent, { url: '/one', routes: { '/two': NextPage } })
  assert.equal(view.html(), '<h1>one</h1><div data-livets-id="lv-n-player" data-livets-sticky><b id="c">player:0</b></div>')
  await view.click('inc', {}, { target: 'player' })
  assert.match(view.html(), /player:1/)
  await view.unmount()
})

test('a nested view remounting after a crash leaves waiting sticky views alone', async () => {
  class Host extends LiveView {
    render() { return html`${liveRender(Counter, { id: 'k' })}` }
  }
  const h = await joined({ '/one': StickyParent, '/host': Host }, '/one')
  // A second root on the same socket, with a child of its own.
  const other = await h.page('/host')
  h.hub.join(1, 9, other.id, other.token, JSON.stringify({ _csrf_token: other.csrf, _url: '/host' }))
  await h.hub.idle()
  h.hub.leave(1, h.root.id)
  await h.hub.idle()
  h.core.take()
  h.hub.event(1, 10, 'lv-n-k', 'boom', '{}')
  await h.hub.idle()
  await new Promise((resolve) => setTimeout(resolve, 10))
  await h.hub.idle()
  const calls = h.core.take()
  assert.ok(calls.some((c) => c[0] === 'register' && c[2] === 'lv-n-k'), 'the child remounted')
  assert.ok(!calls.some((c) => c[0] === 'unregister' && c[2] === 'lv-n-player'), 'the sticky one still waits')
})
