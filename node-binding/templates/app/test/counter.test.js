'use strict'
// The counter as a browser would drive it, without a browser: livets/testing
// renders the page, joins the view and sends its events (npm test builds first).
const test = require('node:test')
const assert = require('node:assert/strict')
const { mountView } = require('livets/testing')

const { Counter } = require('../dist/counter.js')

test('the counter starts at 0 and follows + and -', async () => {
  const view = await mountView(Counter)
  assert.match(view.html(), /<span id="count"[^>]*>0<\/span>/)
  await view.click('inc')
  await view.click('inc')
  assert.match(await view.click('dec'), /<span id="count"[^>]*>1<\/span>/)
  await view.unmount()
})

test('the step input sets how far + and - go', async () => {
  const view = await mountView(Counter)
  await view.model('step', 5)
  assert.match(await view.click('inc'), /<span id="count"[^>]*>5<\/span>/)
  await view.unmount()
})

test('an event the counter does not declare is refused', async () => {
  const view = await mountView(Counter)
  await assert.rejects(view.event('reset'), /unknown event/)
  assert.match(view.html(), /<span id="count"[^>]*>0<\/span>/)
  await view.unmount()
})
