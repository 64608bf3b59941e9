'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { mountView } = require('livets/testing')

const { Chat } = require('../dist/chat.js')

test('a posted message is broadcast to the room, and a broadcast is shown', async () => {
  const view = await mountView(Chat)
  assert.deepEqual(view.topics.slice().sort(), ['chat:online', 'chat:room'])
  await view.submit('post', { message: 'hello' })
  const said = view.broadcasts.filter((b) => b.topic === 'chat:room').map((b) => JSON.parse(b.data))
  assert.deepEqual(said.map((m) => m.text), ['hello'])
  const html = await view.info('chat:room', { author: 'guest-beef', text: 'hi there' })
  assert.match(html, /<li class="message"><b>guest-beef<\/b> hi there<\/li>/)
  await view.unmount()
})
