import { test } from 'node:test'
import assert from 'node:assert/strict'
import { install, root } from '../test-support/fake-dom.mjs'
import { takeStreamOps, withStreamOps } from '../src/stream.js'
import { applyPatch } from '../src/patch.js'
import { ID_ATTR } from '../src/constants.js'

install()

// A patch message as the core sends it, applied the way the page does:
// route() takes the stream operations out, the connector applies the rest
// inside wrap(), which then applies them.
const patch = (r, ops) => {
  const msg = ['p', r.getAttribute(ID_ATTR), 2, 0, ops]
  takeStreamOps(msg)
  return withStreamOps(r, () => applyPatch(r, msg[4]))
}
const view = html => {
  const r = root(html)
  r.setAttribute(ID_ATTR, 'lv-s')
  return r
}
const li = id => `<li id="${id}">${id}</li>`
const ids = r => r.firstChild.children.map(e => e.id).join(' ')

test('inserts append, go at an index, and update an id already there in place', () => {
  const r = view('<ul ts-stream="f"></ul>')
  assert.equal(patch(r, [[9, [0], 'ul', li('a'), -1, 0], [9, [0], 'ul', li('b'), -1, 0], [9, [0], 'ul', li('c'), 0, 0]]), true)
  assert.equal(ids(r), 'c a b')
  assert.equal(patch(r, [[9, [0], 'ul', li('x'), 1, 0], [9, [0], 'ul', li('z'), 99, 0]]), true)
  assert.equal(ids(r), 'c x a b z')
  assert.equal(patch(r, [[9, [0], 'ul', '<li id="a">new</li>', 0, 0]]), true)
  assert.equal(ids(r), 'c x a b z')
  assert.equal(r.firstChild.children[2].textContent, 'new')
})

test('a positive limit keeps the first items, a negative one the last', () => {
  const r = view('<ul ts-stream="f"></ul>')
  patch(r, ['a', 'b', 'c', 'd'].map(id => [9, [0], 'ul', li(id), -1, 0]))
  assert.equal(patch(r, [[9, [0], 'ul', li('e'), -1, -3]]), true)
  assert.equal(ids(r), 'c d e')
  assert.equal(patch(r, [[9, [0], 'ul', li('f'), 0, 2]]), true)
  assert.equal(ids(r), 'f c')
})

test('deletes by id, a reset, and the rest of the patch in its order', () => {
  const r = view('<p>1</p><ul ts-stream="f"></ul>')
  patch(r, ['a', 'b', 'c'].map(id => [9, [1], 'ul', li(id), -1, 0]))
  assert.equal(patch(r, [[1, [0, 0], '#text', '2'], [10, [1], 'ul', 'b'], [10, [1], 'ul', 'gone']]), true)
  assert.equal(r.innerHTML, '<p>2</p><ul ts-stream="f"><li id="a">a</li><li id="c">c</li></ul>')
  assert.equal(patch(r, [[8, [1], 'ul', ''], [9, [1], 'ul', li('d'), -1, 0]]), true)
  assert.equal(ids({ firstChild: r.childNodes[1] }), 'd')
})

test('an operation on a missing or other container fails the patch, for a resync', () => {
  const r = view('<ul ts-stream="f"></ul>')
  assert.equal(patch(r, [[9, [3], 'ul', li('a'), -1, 0]]), false)
  assert.equal(patch(r, [[9, [0], 'ol', li('a'), -1, 0]]), false)
  assert.equal(patch(r, [[9, [0], 'ul', 'text only', -1, 0]]), false)
  assert.equal(r.innerHTML, '<ul ts-stream="f"></ul>')
})

test('a render message clears what a patch left pending', () => {
  const r = view('<ul ts-stream="f"></ul>')
  takeStreamOps(['p', 'lv-s', 5, 0, [[9, [0], 'ul', li('a'), -1, 0]]])
  const render = ['r', 'lv-s', 1, 0, '<ul ts-stream="f"></ul>']
  takeStreamOps(render)
  assert.equal(render[4], '<ul ts-stream="f"></ul>')
  withStreamOps(r, () => undefined)
  assert.equal(ids(r), '')
})
