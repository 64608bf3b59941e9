'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, ComponentRenderer, LiveTSServer, html, raw } = require('../test-support/livets').load()

class Greeter extends LiveView {
  state = { name: 'world', log: [] }
  mount(params, session) {
    this.state.log.push(`mount:${session.connected}`)
    if (params.name) this.setState({ name: params.name })
  }
  render() { return html`<h1>Hello ${this.state.name}</h1>` }
  unmount() { Greeter.unmounted++ }
}
Greeter.unmounted = 0

test('renderToString mounts with params, renders, unmounts', () => {
  assert.equal(ComponentRenderer.renderToString(Greeter), '<h1>Hello world</h1>')
  assert.equal(ComponentRenderer.renderToString(Greeter, { name: '<x>' }), '<h1>Hello &lt;x&gt;</h1>')
  assert.equal(Greeter.unmounted, 2)
})

test('a plain string from render is refused, naming the view; raw() is the way to trusted markup', () => {
  class Plain extends LiveView { state = {}; render() { return '<i>as is</i>' } }
  assert.throws(() => ComponentRenderer.renderToString(Plain), (err) => err instanceof TypeError &&
    err.message === 'render() of Plain returned a string; build markup with html`` (or raw() for trusted markup)')
  class Raw extends LiveView { state = {}; render() { return html`${raw('<hr>')}` } }
  assert.equal(ComponentRenderer.renderToString(Raw), '<hr>')
})

test('async mount needs renderToStringAsync', async () => {
  class Slow extends LiveView {
    state = { v: 0 }
    async mount() { await new Promise((r) => setTimeout(r, 5)); this.setState({ v: 9 }) }
    render() { return html`${this.state.v}` }
  }
  assert.throws(() => ComponentRenderer.renderToString(Slow), /renderToStringAsync/)
  assert.equal(await ComponentRenderer.renderToStringAsync(Slow), '9')
})

test('render must return Html or a string', () => {
  class Bad extends LiveView { state = {}; render() { return 42 } }
  assert.throws(() => ComponentRenderer.renderToString(Bad), TypeError)
  assert.throws(() => ComponentRenderer.renderToString(class NotAView {}), TypeError)
})

test('the view is not connected and its pub/sub calls are inert outside a server', () => {
  let seen
  class Probe extends LiveView {
    state = {}
    mount() { this.subscribe('t'); this.broadcast('t', 1); seen = this.connected }
    render() { return html`` }
  }
  ComponentRenderer.renderToString(Probe)
  assert.equal(seen, false)
})

test('server options and routes are validated', () => {
  assert.throws(() => new LiveTSServer({ port: 70000 }), TypeError)
  assert.throws(() => new LiveTSServer({ port: 1.5 }), TypeError)
  assert.throws(() => new LiveTSServer({ secret: '' }), TypeError)
  const server = new LiveTSServer()
  assert.equal(server.port, null)
  assert.throws(() => server.registerComponent('counter', Greeter), TypeError)
  assert.throws(() => server.registerComponent('/a?b', Greeter), TypeError)
  assert.throws(() => server.registerComponent('/_livets/x', Greeter), TypeError)
  assert.throws(() => server.registerComponent('/live', Greeter), TypeError)
  assert.throws(() => server.registerComponent('/x', class {}), TypeError)
  assert.equal(server.registerComponent('/g', Greeter).route('/h', Greeter), server)
})
