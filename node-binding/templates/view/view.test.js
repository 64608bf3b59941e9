'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { mountView } = require('livets/testing')

const { __CLASS__ } = require('../dist/__SLUG__.js')

test('__CLASS__ counts clicks', async () => {
  const view = await mountView(__CLASS__)
  assert.match(view.html(), /<h1>__TITLE__<\/h1>/)
  assert.match(await view.click('click'), /<span id="__SLUG__-clicks">1<\/span>/)
  await view.unmount()
})
