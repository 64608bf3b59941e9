'use strict'
// LiveComponent: own id, state, handlers and events; each re-renders and
// diffs on its own, inside a view.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, LiveComponent, html, ComponentRenderer } = require('../test-support/livets').load()
const { mountView } = require('../test-support/livets').load('testing')
const { makeHub } = require('../test-support/hub')

const log = []

class Todo extends LiveComponent {
  static events = ['toggle', 'rename', 'tell']
  static tag = 'li'
  state = { done: false, renders: 0 }
  mount(props) { log.push(['mount', this.id, props.title]) }
  update(props) { log.push(['update', this.id, props.title]) }
  render() {
    return html`<label>${this.props.title}</label><b>${this.state.done ? 'done' : 'open'}</b>`
  }
  handleEvent(event, payload) {
    if (event === 'toggle') this.setState({ done: !this.state.done })
    if (event === 'tell') this.notifyView('todo-said', { id: this.id, text: payload.text })
  }
  unmount() { log.push(['unmount', this.id]) }
}

class Todos extends LiveView {
  static events = ['add', 'remove', 'rename', 'bump']
  state = { todos: [{ id: 't1', title: 'milk' }, { id: 't2', title: 'eggs' }], n: 0, heard: '' }
  render() {
    return html`<ul>${this.state.todos.map((t) => this.component(Todo, t.id, { title: t.title }))}</ul><p>${this.state.n} ${this.state.heard}</p>`
  }
  handleEvent(event, payload) {
    const todos = this.state.todos
    if (event === 'add') this.setState({ todos: [...todos, { id: payload.id, title: payload.title }] })
    if (event === 'remove') this.setState({ todos: todos.filter((t) => t.id !== payload.id) })
    if (event === 'rename') this.setState({ todos: todos.map((t) => (t.id === payload.id ? { ...t, title: payload.title } : t)) })
    if (event === 'bump') this.setState({ n: this.state.n + 1 })
  }
  handleInfo(topic, data) {
    if (topic === 'todo-said') this.setState({ heard: `${data.id}:${data.text}` })
  }
}

const sent = (view, from) => view.messages.slice(from).map((m) => [m[0], m[1].replace(view.id, '@'), m[0] === 'x' ? m[2] : m[3]])

test('the page render puts components inline; the live render sends each on its own', async () => {
  log.length = 0
  const view = await mountView(Todos, { url: '/todos' })
  const id = view.id
  assert.equal(
    view.pageHtml,
    `<ul><li data-livets-id="${id}/t1"><label>milk</label><b>open</b></li><li data-livets-id="${id}/t2"><label>eggs</label><b>open</b></li></ul><p>0 </p>`,
  )
  assert.deepEqual(view.messages.map((m) => [m[0], m[1], m[4]]), [
    ['r', id, `<ul><li data-livets-id="${id}/t1"></li><li data-livets-id="${id}/t2"></li></ul><p>0 </p>`],
    ['r', `${id}/t1`, '<label>milk</label><b>open</b>'],
    ['r', `${id}/t2`, '<label>eggs</label><b>open</b>'],
  ])
  assert.equal(view.html(), view.pageHtml, 'the browser ends up with what the page showed')
  // Page render (mounted and unmounted), then the live mount.
  assert.deepEqual(log, [
    ['mount', 't1', 'milk'], ['mount', 't2', 'eggs'], ['unmount', 't1'], ['unmount', 't2'],
    ['mount', 't1', 'milk'], ['mount', 't2', 'eggs'],
  ])
})

test('a component\'s event renders that component alone', async () => {
  const view = await mountView(Todos, { url: '/todos' })
  const from = view.messages.length
  await view.click('toggle', {}, { target: 't2' })
  assert.deepEqual(sent(view, from), [['p', '@/t2', 2]])
  assert.match(view.html(), /<li data-livets-id="[^"]+\/t2"><label>eggs<\/label><b>done<\/b><\/li>/)
})

test('a parent render leaves unchanged components alone and updates changed ones', async () => {
  const view = await mountView(Todos, { url: '/todos' })
  await view.click('toggle', {}, { target: 't1' })
  log.length = 0
  let from = view.messages.length
  await view.click('bump')
  assert.deepEqual(sent(view, from), [['p', '@', 3]], 'same props: no component renders')
  assert.deepEqual(log, [])
  from = view.messages.length
  await view.click('rename', { id: 't1', title: 'oat milk' })
  assert.deepEqual(sent(view, from), [['p', '@', 4], ['p', '@/t1', 0]])
  assert.deepEqual(log, [['update', 't1', 'oat milk']])
  assert.match(view.html(), /<label>oat milk<\/label><b>done<\/b>/, 'the component kept its state')
})

test('components a render leaves out are unmounted and unregistered; new ones mount', async () => {
  const { hub, core, join } = makeHub({ '/todos': Todos })
  const page = await join('/todos')
  core.take()
  log.length = 0
  hub.event(1, 2, page.id, 'remove', JSON.stringify({ id: 't1' }))
  hub.event(1, 3, page.id, 'add', JSON.stringify({ id: 't3', title: 'tea' }))
  await hub.idle()
  const calls = core.take().map((c) => c.slice(0, 4).map((x) => (typeof x === 'string' ? x.replace(page.id, '@') : x)))
  assert.deepEqual(calls, [
    ['update', 1, '@', 2],
    ['unregister', 1, '@/t1'],
    ['update', 1, '@', 3],
    ['register', 1, '@/t3', 0],
  ])
  assert.deepEqual(log, [['unmount', 't1'], ['mount', 't3', 'tea']])
  // Events for the removed component are refused.
  hub.event(1, 4, `${page.id}/t1`, 'toggle', '{}')
  await hub.idle()
  assert.deepEqual(core.take(), [['replyError', 1, `${page.id}/t1`, 4, 'not joined']])
})

test('notifyView runs the view\'s handleInfo after the component\'s handler', async () => {
  const view = await mountView(Todos, { url: '/todos' })
  const html1 = await view.click('tell', { text: 'hi' }, { target: 't1' })
  assert.match(html1, /<p>0 t1:hi<\/p>/)
})

test('components can hold components; ids are scoped by their parent', async () => {
  class Leaf extends LiveComponent {
    static events = ['ping']
    static tag = 'span'
    state = { pings: 0 }
    render() { return html`${this.props.label}:${this.state.pings}` }
    handleEvent() { this.setState({ pings: this.state.pings + 1 }) }
  }
  class Branch extends LiveComponent {
    state = {}
    render() { return html`${this.component(Leaf, 'x', { label: this.props.name })}` }
  }
  class Tree extends LiveView {
    state = {}
    render() { return html`${this.component(Branch, 'a', { name: 'A' })}${this.component(Branch, 'b', { name: 'B' })}` }
  }
  const view = await mountView(Tree, { url: '/tree' })
  const id = view.id
  assert.equal(
    view.html(),
    `<div data-livets-id="${id}/a"><span data-livets-id="${id}/a/x">A:0</span></div><div data-livets-id="${id}/b"><span data-livets-id="${id}/b/x">B:0</span></div>`,
  )
  assert.equal(view.html(), view.pageHtml)
  await assert.rejects(view.click('ping', {}, { target: 'x' }), /ambiguous/)
  await view.click('ping', {}, { target: 'b/x' })
  assert.match(view.html(), /B:1/)
  assert.match(view.html(), /A:0/)
})

test('component ids are escaped into the wire id and the markup', async () => {
  class C extends LiveComponent { state = {}; render() { return html`c` } }
  class V extends LiveView { state = {}; render() { return html`${this.component(C, 'a/"<b>', {})}` } }
  const view = await mountView(V, { url: '/v' })
  assert.equal(view.html(), `<div data-livets-id="${view.id}/a%2F%22%3Cb%3E">c</div>`)
})

test('misuse of components is a clear error', () => {
  class C extends LiveComponent { state = {}; render() { return html`` } }
  class Twice extends LiveView { state = {}; render() { return html`${this.component(C, 'x', {})}${this.component(C, 'x', {})}` } }
  assert.throws(() => ComponentRenderer.renderToString(Twice), /placed twice/)
  class NotAComponent extends LiveView { state = {}; render() { return html`${this.component(Twice, 'x', {})}` } }
  assert.throws(() => ComponentRenderer.renderToString(NotAComponent), /extends LiveComponent/)
  class BadTag extends LiveComponent { static tag = 'img'; state = {}; render() { return html`` } }
  class UsesBadTag extends LiveView { state = {}; render() { return html`${this.component(BadTag, 'x', {})}` } }
  assert.throws(() => ComponentRenderer.renderToString(UsesBadTag), /tag/)
  class AsyncMount extends LiveComponent { state = {}; async mount() {} render() { return html`` } }
  class UsesAsync extends LiveView { state = {}; render() { return html`${this.component(AsyncMount, 'x', {})}` } }
  assert.throws(() => ComponentRenderer.renderToString(UsesAsync), /synchronous/)
  class Outside extends LiveView { state = {}; mount() { this.component(C, 'x', {}) } render() { return html`` } }
  assert.throws(() => ComponentRenderer.renderToString(Outside), /while its view or component renders/)
  class EmptyId extends LiveView { state = {}; render() { return html`${this.component(C, '', {})}` } }
  assert.throws(() => ComponentRenderer.renderToString(EmptyId), /non-empty/)
})

test('a component that throws crashes its view, which is remounted whole', async () => {
  class Bomb extends LiveComponent {
    static events = ['boom']
    state = {}
    render() { return html`bomb` }
    handleEvent() { throw new Error('component exploded') }
  }
  class Host extends LiveView {
    static events = ['inc']
    state = { n: 0 }
    render() { return html`${this.state.n}${this.component(Bomb, 'b', {})}` }
    handleEvent() { this.setState({ n: this.state.n + 1 }) }
  }
  const view = await mountView(Host, { url: '/host' })
  await view.click('inc')
  const from = view.messages.length
  await assert.rejects(view.click('boom', {}, { target: 'b' }), (e) => e.reason === 'crashed' && e.cause.message === 'component exploded')
  assert.deepEqual(sent(view, from), [['x', '@/b', 3], ['x', '@', 0], ['r', '@', 0], ['r', '@/b', 0]])
  assert.match(String(view.errors[0][0]), /Host \(\/host\): Bomb "b" handleEvent\("boom"\) threw/)
  assert.equal(view.html(), `0<div data-livets-id="${view.id}/b">bomb</div>`)
})
