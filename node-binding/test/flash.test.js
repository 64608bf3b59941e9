'use strict'
// Flash messages: put, clear, the "f" message, "$clear-flash", and flash
// that survives pushNavigate.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html, flashGroup } = require('../test-support/livets').load()
const { mountView } = require('../test-support/livets').load('testing')
const { makeHub } = require('../test-support/hub')

class Notes extends LiveView {
  static events = ['save', 'fail', 'clear', 'go']
  state = {}
  render() { return html`<main>${flashGroup(this.flash)}</main>` }
  handleEvent(event) {
    if (event === 'save') this.putFlash('info', 'Saved <b>')
    if (event === 'fail') this.putFlash('error', 'Nope')
    if (event === 'clear') this.clearFlash()
    if (event === 'go') {
      this.putFlash('info', 'Welcome')
      this.pushNavigate('/next')
    }
  }
}
class Next extends LiveView {
  state = {}
  render() { return html`${flashGroup(this.flash)}` }
}

test('putFlash renders the flash and tells the browser first', async () => {
  const view = await mountView(Notes, { url: '/notes' })
  const from = view.messages.length
  const out = await view.click('save')
  assert.equal(out, '<main><div class="ts-flash ts-flash-info" role="alert" ts-on:click="$clear-flash" ts-value-kind="info">Saved &lt;b&gt;</div></main>')
  assert.deepEqual(view.messages.slice(from).map((m) => m[0]), ['f', 'p'])
  assert.deepEqual(view.flash, { info: 'Saved <b>' })
  await view.click('fail')
  assert.deepEqual(view.flash, { info: 'Saved <b>', error: 'Nope' })
})

test('the close button clears one kind through "$clear-flash"; clearFlash() clears all', async () => {
  const view = await mountView(Notes, { url: '/notes' })
  await view.click('save')
  await view.click('fail')
  await view.click('$clear-flash', { kind: 'info' })
  assert.deepEqual(view.flash, { error: 'Nope' })
  assert.doesNotMatch(view.html(), /Saved/)
  // Clearing what is not there sends nothing new.
  const from = view.messages.length
  await view.click('$clear-flash', { kind: 'info' })
  assert.deepEqual(view.messages.slice(from).map((m) => m[0]), ['p'])
  await view.click('clear')
  assert.deepEqual(view.flash, {})
  assert.equal(view.html(), '<main></main>')
})

test('flash survives pushNavigate to the next view on the same connection', async () => {
  const { hub, core, join, page } = makeHub({ '/notes': Notes, '/next': Next })
  const first = await join('/notes')
  hub.event(1, 2, first.id, 'go', '{}')
  await hub.idle()
  assert.deepEqual(core.of('send').map((c) => c[2][0]), ['f', 'n'])
  const next = await page('/next')
  hub.leave(1, first.id)
  hub.join(1, 3, next.id, next.token, JSON.stringify({ _csrf_token: next.csrf, _url: '/next' }))
  await hub.idle()
  const register = core.of('register').at(-1)
  assert.match(register[4], /Welcome/)
  assert.deepEqual(core.of('send').at(-1), ['send', 1, ['f', next.id, { info: 'Welcome' }]])
  // Shown once: another view on the connection does not get it again.
  const again = await page('/next')
  hub.join(1, 4, again.id, again.token, JSON.stringify({ _csrf_token: again.csrf }))
  await hub.idle()
  assert.doesNotMatch(core.of('register').at(-1)[4], /Welcome/)
})
