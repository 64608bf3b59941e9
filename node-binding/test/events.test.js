'use strict'
// The allow-lists: nothing the browser names reaches a view or component
// unless the class's own static `events` (or `model`) lists it.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, LiveComponent, html, allowedEvents, isAllowedEvent, modelFields } = require('../test-support/livets').load()
const { mountView, EventRefused } = require('../test-support/livets').load('testing')
const { makeHub } = require('../test-support/hub')

// Records every method of the view that runs after the join.
const reached = []
let recording = false
class Probe extends LiveView {
  static events = ['inc', '$model']
  static model = { name: 'string' }
  state = { n: 0, name: '' }
  constructor() { super(); if (recording) reached.push(['constructor']) }
  render() { return html`<span>${this.state.n}</span><i>${this.state.name}</i>` }
  handleEvent(event, payload) {
    reached.push(['handleEvent', event, payload])
    if (event === 'inc') this.setState({ n: this.state.n + 1 })
  }
  setState(p) { if (recording) reached.push(['setState', p]); super.setState(p) }
  toString() { reached.push(['toString']); return 'probe' }
  valueOf() { reached.push(['valueOf']); return 1 }
  admin() { reached.push(['admin']) }
}

async function probe() {
  const view = await mountView(Probe, { url: '/probe' })
  reached.length = 0
  recording = true
  return view
}

test('allowedEvents reads only the class\'s own static list', () => {
  class Parent extends LiveView { static events = ['a']; state = {}; render() { return html`` } }
  class Child extends Parent {}
  class Bare extends LiveView { state = {}; render() { return html`` } }
  assert.deepEqual([...allowedEvents(Parent)], ['a'])
  assert.deepEqual([...allowedEvents(Child)], [])
  assert.deepEqual([...allowedEvents(Bare)], [])
  assert.equal(isAllowedEvent(Parent, 'a'), true)
  assert.equal(isAllowedEvent(Child, 'a'), false)
  for (const name of ['constructor', '__proto__', 'setState', 'toString', 'hasOwnProperty', 'render', 'mount', 'admin', '$model']) {
    assert.equal(isAllowedEvent(Probe, name), false, name)
  }
  assert.equal(isAllowedEvent(Probe, 42), false)
  class BadList extends LiveView { static events = ['ok', 3]; state = {}; render() { return html`` } }
  assert.throws(() => allowedEvents(BadList), TypeError)
  class Reserved extends LiveView { static events = ['$proto']; state = {}; render() { return html`` } }
  assert.throws(() => allowedEvents(Reserved), /reserved/)
})

test('a declared event reaches handleEvent and renders once', async () => {
  const view = await probe()
  assert.equal(await view.click('inc', { by: '1' }), '<span>1</span><i></i>')
  assert.deepEqual(reached, [['handleEvent', 'inc', { by: '1' }], ['setState', { n: 1 }]])
})

test('undeclared, inherited and reserved names are refused, logged, and run no code', async () => {
  const view = await probe()
  const names = [
    'dec', 'constructor', '__proto__', 'prototype', 'setState', 'toString', 'valueOf', 'render', 'handleEvent',
    'mount', 'unmount', 'handleInfo', 'hasOwnProperty', 'admin', 'Inc', 'inc ', '', '$', '$proto', '$mount',
  ]
  for (const name of names) {
    await assert.rejects(view.click(name, { count: 1000 }), (err) => err instanceof EventRefused && err.reason === 'unknown event', name)
  }
  assert.deepEqual(reached, [], 'no method of the view ran')
  // One line for the cause on this connection; the rest are counted, not each logged.
  assert.equal(view.warnings.length, 1)
  assert.match(String(view.warnings[0][0]), /^\[livets\] conn 1 \(unknown\): unknown event "dec" on Probe \(\/probe\)$/)
  assert.deepEqual(view.messages.filter((m) => m[0] === 'x').map((m) => m[3]), names.map(() => 'unknown event'))
  assert.equal(view.html(), '<span>0</span><i></i>', 'the state is untouched')
  // The view still works afterwards.
  assert.equal(await view.click('inc'), '<span>1</span><i></i>')
})

test('ts-model sets only declared fields, and tells a view that lists "$model"', async () => {
  const view = await probe()
  assert.equal(await view.model('name', '<b>Ada</b>'), '<span>0</span><i>&lt;b&gt;Ada&lt;/b&gt;</i>')
  assert.deepEqual(reached, [
    ['setState', { name: '<b>Ada</b>' }],
    ['handleEvent', '$model', { field: 'name', value: '<b>Ada</b>' }],
  ])
  reached.length = 0
  for (const field of ['n', '__proto__', 'constructor', 'state', 'toString', '']) {
    await assert.rejects(view.model(field, 99), (err) => err.reason === 'unknown model field', field)
  }
  await assert.rejects(view.event('$model', { value: 1 }), (err) => err.reason === 'unknown model field')
  await assert.rejects(view.event('$model', null), (err) => err.reason === 'unknown model field')
  for (const value of [{ nested: 'object' }, 5, true, ['a'], null]) {
    await assert.rejects(view.model('name', value), (err) => err.reason === 'bad model value', JSON.stringify(value))
  }
  assert.deepEqual(reached, [])
  assert.equal(view.html(), '<span>0</span><i>&lt;b&gt;Ada&lt;/b&gt;</i>')
})

test('a model value of another type than declared is refused before any view code, and the view carries on', async () => {
  const ran = []
  class Task extends LiveView {
    static events = ['$model']
    static model = { title: 'string', done: 'boolean', estimate: 'number', tags: 'string[]' }
    state = { title: '', done: false, estimate: 1, tags: [] }
    render() { return html`<p>${this.state.title.trim()}|${String(this.state.done)}|${this.state.estimate.toFixed(1)}|${this.state.tags.join(',')}</p>` }
    handleEvent(event, payload) { ran.push(payload.field) }
  }
  const view = await mountView(Task, { url: '/task' })
  // The report: a number where the view trims a string.
  await assert.rejects(view.event('$model', { field: 'title', value: 5 }), (err) => err.reason === 'bad model value')
  const wrong = [['done', 'true'], ['estimate', '3'], ['estimate', null], ['tags', 'a'], ['tags', [1, 2]], ['tags', ['a', null]]]
  for (const [field, value] of wrong) {
    await assert.rejects(view.model(field, value), (err) => err.reason === 'bad model value', `${field} ${JSON.stringify(value)}`)
  }
  assert.deepEqual(ran, [], 'no view code ran')
  assert.deepEqual(view.errors, [], 'nothing crashed')
  assert.equal(view.warnings.length, 1, 'logged once for the cause')
  assert.match(String(view.warnings[0][0]), /bad model value for "title" \(declared string, sent number\) on Task \(\/task\)/)
  // Values of the declared types go through.
  assert.equal(await view.model('title', ' Ship it '), '<p>Ship it|false|1.0|</p>')
  assert.equal(await view.model('done', true), '<p>Ship it|true|1.0|</p>')
  assert.equal(await view.model('estimate', 2.5), '<p>Ship it|true|2.5|</p>')
  assert.equal(await view.model('tags', ['a', 'b']), '<p>Ship it|true|2.5|a,b</p>')
})

test('static model must give each field a type: the list form and unknown types are TypeErrors', () => {
  const { LiveTSServer } = require('../test-support/livets').load()
  const server = new LiveTSServer()
  class Listed extends LiveView { static model = ['title']; state = { title: '' }; render() { return html`` } }
  assert.throws(() => server.registerComponent('/listed', Listed), (err) => err instanceof TypeError &&
    /Listed\.model must give each field its type, e\.g\. static model = \{ title: "string", done: "boolean" \}/.test(err.message))
  class Odd extends LiveView { static model = { title: 'text' }; state = { title: '' }; render() { return html`` } }
  assert.throws(() => server.registerComponent('/odd', Odd), /Odd\.model\.title must be "string", "number", "boolean" or "string\[\]", not "text"/)
  class Fine extends LiveView { static model = { title: 'string', n: 'number', on: 'boolean', tags: 'string[]' }; state = {}; render() { return html`` } }
  server.registerComponent('/fine', Fine)
})

test('a view that does not list "$model" still gets its model fields set, silently', async () => {
  class Form extends LiveView {
    static model = modelFields({ title: 'string' })
    state = { title: '' }
    render() { return html`<h1>${this.state.title}</h1>` }
    handleEvent() { throw new Error('not for model changes') }
  }
  const view = await mountView(Form, { url: '/form' })
  assert.equal(await view.model('title', 'Hello'), '<h1>Hello</h1>')
  await assert.rejects(view.click('title'))
  assert.ok(Object.isFrozen(Form.model))
})

test('payloads reach handlers as objects', async () => {
  const seen = []
  class P extends LiveView {
    static events = ['e']
    state = {}
    render() { return html`` }
    handleEvent(_e, payload) { seen.push(payload) }
  }
  const view = await mountView(P, { url: '/p' })
  await view.event('e', null)
  await view.event('e', [1, 2])
  await view.event('e', 'text')
  await view.event('e', { a: { b: [1] } })
  assert.deepEqual(seen, [{}, { value: [1, 2] }, { value: 'text' }, { a: { b: [1] } }])
})

test('a malformed payload is refused without reaching the view', async () => {
  const { hub, core, join } = makeHub({ '/probe': Probe })
  const page = await join('/probe')
  reached.length = 0
  hub.event(1, 5, page.id, 'inc', '{not json')
  await hub.idle()
  assert.deepEqual(core.of('replyError').at(-1), ['replyError', 1, page.id, 5, 'malformed payload'])
  assert.deepEqual(reached, [])
})

test('events for a component are checked against the component\'s own lists', async () => {
  const log = []
  class Item extends LiveComponent {
    static events = ['pick']
    static model = { note: 'string' }
    state = { note: '' }
    render() { return html`<b>${this.props.label}${this.state.note}</b>` }
    handleEvent(e) { log.push(['item', this.id, e]) }
  }
  class List extends LiveView {
    static events = ['reload']
    state = {}
    render() { return html`<ul>${this.component(Item, 'a', { label: 'A' })}</ul>` }
    handleEvent(e) { log.push(['list', e]) }
  }
  const view = await mountView(List, { url: '/list' })
  await view.click('pick', {}, { target: 'a' })
  await assert.rejects(view.click('reload', {}, { target: 'a' }), (err) => err.reason === 'unknown event')
  await assert.rejects(view.click('pick'), (err) => err.reason === 'unknown event')
  await view.click('reload')
  assert.deepEqual(log, [['item', 'a', 'pick'], ['list', 'reload']])
  await view.model('note', '!', { target: 'a' })
  assert.match(view.html(), /<b>A!<\/b>/)
  await assert.rejects(view.model('note', '!'), (err) => err.reason === 'unknown model field')
  // A refusal for a component is answered on the component's id.
  const refusals = view.messages.filter((m) => m[0] === 'x')
  assert.deepEqual(refusals.map((m) => m[1].endsWith('/a')), [true, false, false])
})
