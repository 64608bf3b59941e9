'use strict'
// livets/testing itself: it must fail when the view does not do what a
// test says, and it must go through the same join checks as a browser.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { LiveView, LiveComponent, html } = require('../test-support/livets').load()
const testing = require('../test-support/livets').load('testing')
const { mountView, EventRefused, LiveRedirect } = testing

class Counter extends LiveView {
  static events = ['inc', 'go']
  state = { n: 0 }
  render() { return html`<span id="n">${this.state.n}</span>` }
  handleEvent(e, p) {
    if (e === 'inc') this.setState({ n: this.state.n + Number(p.by ?? 1) })
    if (e === 'go') this.pushPatch('/c?page=2')
  }
}

test('the package exposes the kit as livets/testing', () => {
  const pkg = require('../package.json')
  assert.equal(pkg.exports['./testing'].default, './dist/testing.js')
  assert.equal(require(path.join(__dirname, '..', 'testing.js')).mountView, mountView)
})

test('click, submit and change send payloads and return the new HTML', async () => {
  const view = await mountView(Counter, { url: '/c' })
  assert.equal(view.html(), '<span id="n">0</span>')
  assert.equal(await view.click('inc', { by: '2' }), '<span id="n">2</span>')
  assert.equal(await view.submit('inc', { by: 3 }), '<span id="n">5</span>')
  assert.equal(await view.change('inc', { value: 'x', name: 'by', by: 1 }), '<span id="n">6</span>')
  assert.equal(await view.render(), '<span id="n">6</span>')
})

test('assertPatched fails unless the view patched to that URL', async () => {
  const view = await mountView(Counter, { url: '/c' })
  assert.throws(() => view.assertPatched('/c?page=2'), assert.AssertionError)
  await view.click('go')
  assert.throws(() => view.assertPatched('/c?page=3'), /patched to \/c\?page=2/)
  await view.click('go')
  view.assertPatched('/c?page=2')
  assert.throws(() => view.assertNavigated('/c?page=2'), assert.AssertionError)
  assert.throws(() => view.assertRedirected('/c?page=2'), assert.AssertionError)
})

test('refusals reject with the reason', async () => {
  const view = await mountView(Counter, { url: '/c' })
  await assert.rejects(view.click('dec'), (e) => e instanceof EventRefused && e.reason === 'unknown event' && e.message === 'refused: unknown event')
  await assert.rejects(view.click('inc', {}, { target: 'nope' }), /no component "nope"/)
})

test('a view that redirects while mounting rejects with LiveRedirect', async () => {
  class Away extends LiveView { state = {}; mount() { this.redirect('/login') } render() { return html`` } }
  await assert.rejects(mountView(Away), (e) => e instanceof LiveRedirect && e.location === '/login')
  await assert.rejects(mountView(Counter, { url: 'http://x/' }), TypeError)
})

test('a view whose connected mount fails rejects the mount', async () => {
  class Flaky extends LiveView { state = {}; mount(_p, s) { if (s.connected) throw new Error('db') } render() { return html`` } }
  await assert.rejects(mountView(Flaky), /the join was refused: join failed/)
})

test('the kit composes component HTML into its parent, as the browser does', async () => {
  class Cell extends LiveComponent {
    static tag = 'td'
    state = {}
    render() { return html`${this.props.v}` }
  }
  class Table extends LiveView {
    state = { rows: [1, 2] }
    render() { return html`<table><tbody>${this.state.rows.map((r) => html`<tr>${this.component(Cell, `c${r}`, { v: r })}</tr>`)}</tbody></table>` }
  }
  const view = await mountView(Table, { url: '/t' })
  assert.equal(view.html(), `<table><tbody><tr><td data-livets-id="${view.id}/c1">1</td></tr><tr><td data-livets-id="${view.id}/c2">2</td></tr></tbody></table>`)
})

test('messages show what the browser would receive', async () => {
  const view = await mountView(Counter, { url: '/c' })
  await view.click('inc')
  assert.deepEqual(view.messages.map((m) => m[0]), ['r', 'p'])
  assert.deepEqual(view.messages[1], ['p', view.id, 2, 2, '<span id="n">1</span>'])
})
