'use strict'
// assignAsync / startAsync: loading, ok and failed states, each rendered
// when it arrives; stale and orphaned results are dropped.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html, loading } = require('../test-support/livets').load()
const { mountView } = require('../test-support/livets').load('testing')

// A promise the test settles by hand.
function deferred() {
  let resolve, reject
  const promise = new Promise((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}

const pending = []
class Org extends LiveView {
  static events = ['reload', 'slow']
  state = { org: loading() }
  mount(params) { this.load(params.name) }
  load(name) {
    this.assignAsync('org', () => {
      const d = deferred()
      pending.push({ name, ...d })
      return d.promise
    })
  }
  handleEvent(event, payload) { if (event === 'reload') this.load(payload.name) }
  render() {
    const { org } = this.state
    if (org.status === 'loading') return html`<p class="loading">Loading${org.result ? ` (was ${org.result.name})` : ''}</p>`
    if (org.status === 'failed') return html`<p class="error">${org.error.message}${org.result ? ` (last ${org.result.name})` : ''}</p>`
    return html`<h1>${org.result.name}</h1>`
  }
}

test('the page shows loading; the live view renders the result when it arrives', async () => {
  pending.length = 0
  const view = await mountView(Org, { url: '/org?name=acme' })
  assert.equal(view.pageHtml, '<p class="loading">Loading</p>')
  assert.equal(pending.length, 1, 'the plain page render does not start the work')
  assert.equal(view.html(), '<p class="loading">Loading</p>')
  pending[0].resolve({ name: 'Acme <Inc>' })
  assert.equal(await view.render(), '<h1>Acme &lt;Inc&gt;</h1>')
  assert.deepEqual(view.messages.at(-1)[3], 0)
})

test('a failure renders the failed state with the last good result', async () => {
  pending.length = 0
  const view = await mountView(Org, { url: '/org?name=acme' })
  pending[0].resolve({ name: 'Acme' })
  await view.render()
  assert.equal(await view.click('reload', { name: 'next' }), '<p class="loading">Loading (was Acme)</p>')
  pending[1].reject(new Error('db down'))
  assert.equal(await view.render(), '<p class="error">db down (last Acme)</p>')
  assert.deepEqual(view.errors, [], 'a failed load is a state, not a crash')
})

test('a newer load for the same key wins; results after unmount are dropped', async () => {
  pending.length = 0
  const view = await mountView(Org, { url: '/org?name=a' })
  await view.click('reload', { name: 'b' })
  pending[1].resolve({ name: 'B' })
  pending[0].resolve({ name: 'A' })
  assert.equal(await view.render(), '<h1>B</h1>')
  await view.click('reload', { name: 'c' })
  await view.unmount()
  const count = view.messages.length
  pending[2].resolve({ name: 'C' })
  await new Promise((r) => setImmediate(r))
  assert.equal(view.messages.length, count)
})

test('startAsync hands the outcome to handleAsync', async () => {
  const d = deferred()
  const seen = []
  class Job extends LiveView {
    state = { status: 'idle' }
    mount(_p, session) { if (session.connected) this.startAsync('export', () => d.promise) }
    handleAsync(name, result) { seen.push([name, result.status]); this.setState({ status: result.status === 'ok' ? `done ${result.result}` : 'failed' }) }
    render() { return html`${this.state.status}` }
  }
  const view = await mountView(Job, { url: '/job' })
  assert.equal(view.html(), 'idle')
  d.resolve(42)
  assert.equal(await view.render(), 'done 42')
  assert.deepEqual(seen, [['export', 'ok']])
})

test('work that throws at once fails like a rejected promise', async () => {
  class Sync extends LiveView {
    state = { v: loading() }
    mount() { this.assignAsync('v', () => { throw new Error('at once') }) }
    render() { return html`${this.state.v.status}` }
  }
  const view = await mountView(Sync, { url: '/s' })
  assert.equal(await view.render(), 'failed')
})
