'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { mountView } = require('livets/testing')

const { Todos } = require('../dist/todos.js')

test('a todo is added, done, and removed', async () => {
  const view = await mountView(Todos)
  await view.model('title', 'Buy milk')
  let html = await view.submit('add', { title: 'Buy milk' })
  assert.match(html, /<span class="title">Buy milk<\/span>/)
  html = await view.click('toggle', { id: '1' })
  assert.match(html, /<li id="todo-1" class="done">/)
  html = await view.click('remove', { id: '1' })
  assert.doesNotMatch(html, /Buy milk/)
  await view.unmount()
})

test('an empty title adds nothing', async () => {
  const view = await mountView(Todos)
  assert.doesNotMatch(await view.submit('add', { title: '   ' }), /<li/)
  await view.unmount()
})
