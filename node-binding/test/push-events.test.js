'use strict'
// Server → hook events (pushEvent) and replies to a hook's event: what the
// core is handed, in which order, and what a bad one does.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html, ComponentRenderer } = require('../test-support/livets').load()
const { makeHub } = require('../test-support/hub')

class Pinger extends LiveView {
  static events = ['ping', 'slow', 'quiet', 'bad-reply', 'bad-push', 'boom', 'push-only']
  state = { n: 0 }
  render() { return html`<p id="n">${this.state.n}</p>` }
  async handleEvent(event, payload) {
    if (event === 'ping') {
      this.setState({ n: this.state.n + 1 })
      this.pushEvent('highlight', { id: 'n' })
      return { pong: this.state.n }
    }
    if (event === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, 20))
      return [payload.k, 'late']
    }
    if (event === 'quiet') this.setState({ n: this.state.n + 1 })
    if (event === 'bad-reply') return { big: 10n }
    if (event === 'bad-push') this.pushEvent('x', { f: 1n })
    if (event === 'boom') throw new Error('boom')
    if (event === 'push-only') this.pushEvent('note', 'hello')
  }
}

async function joined() {
  const h = makeHub({ '/p': Pinger })
  const page = await h.join('/p')
  h.core.take()
  return { ...h, id: page.id }
}

const event = async (h, ref, name, payload = {}) => {
  h.hub.event(1, ref, h.id, name, JSON.stringify(payload))
  await h.hub.idle()
  return h.core.take()
}

test('a reply goes out before the event\'s patch, pushed events after it', async () => {
  const h = await joined()
  const calls = await event(h, 7, 'ping')
  assert.deepEqual(calls.map((c) => c[0]), ['send', 'update', 'send'])
  assert.deepEqual(calls[0][2], ['y', h.id, 7, { pong: 1 }])
  assert.equal(calls[1][3], 7, 'the patch answers the event')
  assert.deepEqual(calls[2][2], ['v', h.id, 'highlight', { id: 'n' }])
})

test('an async handler\'s resolved value is its reply', async () => {
  const h = await joined()
  const calls = await event(h, 3, 'slow', { k: 'a' })
  assert.deepEqual(calls[0], ['send', 1, ['y', h.id, 3, ['a', 'late']]])
})

test('a handler that returns nothing sends no reply, only the answer', async () => {
  const h = await joined()
  const calls = await event(h, 4, 'quiet')
  assert.deepEqual(calls.map((c) => c[0]), ['update'])
})

test('a reply that is not JSON crashes the view; the event is refused as crashed', async () => {
  const h = await joined()
  const calls = await event(h, 5, 'bad-reply')
  assert.deepEqual(calls.filter((c) => c[0] === 'send'), [], 'no reply is sent')
  assert.deepEqual(calls.find((c) => c[0] === 'replyError'), ['replyError', 1, h.id, 5, 'crashed'])
  assert.match(h.logger.lines.error.join('\n'), /the value handleEvent\("bad-reply"\) returned must be JSON/)
})

test('a pushEvent payload that is not JSON crashes the view as a throw does', async () => {
  const h = await joined()
  const calls = await event(h, 6, 'bad-push')
  assert.deepEqual(calls.find((c) => c[0] === 'replyError'), ['replyError', 1, h.id, 6, 'crashed'])
  assert.match(h.logger.lines.error.join('\n'), /payload of pushEvent\("x"\) must be JSON/)
})

test('a crash drops the pushes and reply of the handler that crashed', async () => {
  const h = await joined()
  const calls = await event(h, 8, 'boom')
  assert.equal(calls.filter((c) => c[0] === 'send').length, 0)
  assert.deepEqual(calls.find((c) => c[0] === 'replyError'), ['replyError', 1, h.id, 8, 'crashed'])
})

test('a push outside any request goes out with an empty render after the handler', async () => {
  const h = await joined()
  const calls = await event(h, 9, 'push-only')
  assert.deepEqual(calls.map((c) => c[0]), ['update', 'send'])
  assert.deepEqual(calls[1][2], ['v', h.id, 'note', 'hello'])
})

test('pushEvent refuses a bad name at once and is a no-op on a page render', () => {
  class Bad extends LiveView {
    render() { return html`x` }
  }
  const v = new Bad()
  assert.throws(() => v.pushEvent('', {}), /event name of 1 to 256/)
  assert.throws(() => v.pushEvent('a'.repeat(257)), /event name of 1 to 256/)
  assert.throws(() => v.pushEvent(7), /event name/)
  assert.throws(() => v.pushEvent('ok', () => 1), /must be JSON/)
  v.pushEvent('ok', { fine: true })
  class PushInMount extends LiveView {
    mount() { this.pushEvent('mounted', {}) }
    render() { return html`<b>ok</b>` }
  }
  assert.equal(ComponentRenderer.renderToString(PushInMount), '<b>ok</b>')
})

test('events pushed in mount go out after the join render', async () => {
  class Hello extends LiveView {
    mount(_p, session) { if (session.connected) this.pushEvent('hello', { at: 'mount' }) }
    render() { return html`<b>hi</b>` }
  }
  const h = makeHub({ '/h': Hello })
  const page = await h.join('/h')
  const calls = h.core.take().filter((c) => c[0] === 'register' || c[0] === 'send')
  assert.deepEqual(calls.map((c) => c[0]), ['register', 'send'])
  assert.deepEqual(calls[1][2], ['v', page.id, 'hello', { at: 'mount' }])
})

test('livets/testing: pushEvent returns the reply, pushed() lists what the view pushed', async () => {
  const { mountView, EventRefused } = require('../test-support/livets').load('testing')
  const view = await mountView(Pinger)
  assert.deepEqual(await view.pushEvent('ping'), { pong: 1 })
  assert.equal(await view.pushEvent('quiet'), undefined)
  assert.deepEqual(view.pushed(), [{ event: 'highlight', payload: { id: 'n' } }])
  await assert.rejects(view.pushEvent('boom'), (err) => err instanceof EventRefused && err.message.includes('crashed'))
  await view.unmount()
})
