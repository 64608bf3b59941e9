'use strict'
// every() and after(): ticks run as handlers, render once, and die with
// the view. Time is node:test's mock clock, so nothing depends on speed.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html, ComponentRenderer } = require('../test-support/livets').load()
const { mountView } = require('../test-support/livets').load('testing')

class Clock extends LiveView {
  static events = ['stop', 'boom']
  state = { ticks: 0, once: false }
  mount() {
    this.cancel = this.every(1000, () => {
      this.setState({ ticks: this.state.ticks + 1 })
      this.setState({ ticks: this.state.ticks + 1 })
    })
    this.after(2500, () => this.setState({ once: true }))
  }
  render() { return html`${this.state.ticks} ${String(this.state.once)}` }
  handleEvent(event) {
    if (event === 'stop') this.cancel()
    if (event === 'boom') throw new Error('x')
  }
}

test('every() ticks render once each; after() fires once', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'setTimeout'] })
  const view = await mountView(Clock, { url: '/clock' })
  assert.equal(view.html(), '0 false')
  t.mock.timers.tick(1000)
  assert.equal(await view.render(), '2 false')
  t.mock.timers.tick(1000)
  assert.equal(await view.render(), '4 false')
  t.mock.timers.tick(500)
  assert.equal(await view.render(), '4 true')
  t.mock.timers.tick(500)
  assert.equal(await view.render(), '6 true')
  const patches = view.messages.filter((m) => m[0] === 'p')
  assert.deepEqual(patches.map((m) => m[4]), ['2 false', '4 false', '4 true', '6 true'])
  // Ticks that come while the last one still waits its turn are dropped, not piled up.
  t.mock.timers.tick(3000)
  assert.equal(await view.render(), '8 true')
  assert.ok(patches.every((m) => m[3] === 0), 'unprompted renders answer no request')
  await view.click('stop')
  t.mock.timers.tick(5000)
  assert.equal(await view.render(), '8 true')
})

test('timers die with the view: on unmount and on a crash', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'setTimeout'] })
  const view = await mountView(Clock, { url: '/clock' })
  t.mock.timers.tick(1000)
  assert.equal(await view.render(), '2 false')
  await assert.rejects(view.click('boom'))
  // The remounted view started its own timers from zero; the old ones are gone.
  assert.equal(view.html(), '0 false')
  t.mock.timers.tick(1000)
  assert.equal(await view.render(), '2 false')
  await view.unmount()
  const count = view.messages.length
  t.mock.timers.tick(10_000)
  await new Promise((r) => setImmediate(r))
  assert.equal(view.messages.length, count)
})

test('a timer that throws crashes the view like a handler', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'setTimeout'] })
  class Flaky extends LiveView {
    state = { n: 0 }
    mount() { this.every(100, () => { if (this.state.n === 1) throw new Error('tick failed'); this.setState({ n: this.state.n + 1 }) }) }
    render() { return html`${this.state.n}` }
  }
  const view = await mountView(Flaky, { url: '/flaky' })
  t.mock.timers.tick(100)
  assert.equal(await view.render(), '1')
  t.mock.timers.tick(100)
  await view.render()
  assert.deepEqual(view.messages.find((m) => m[0] === 'x'), ['x', view.id, 0, 'crashed'])
  assert.match(String(view.errors[0][0]), /Flaky \(\/flaky\): every\(100\) callback threw/)
  assert.equal(view.html(), '0')
})

test('timers do not run during the plain page render', () => {
  let started = 0
  class T extends LiveView {
    state = {}
    mount() { const stop = this.every(10, () => { started++ }); stop(); stop() }
    render() { return html`` }
  }
  ComponentRenderer.renderToString(T)
  assert.equal(started, 0)
  class Bad extends LiveView { state = {}; mount() { this.every(-1, () => {}) } render() { return html`` } }
  assert.throws(() => ComponentRenderer.renderToString(Bad), TypeError)
})
