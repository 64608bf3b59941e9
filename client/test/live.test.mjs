import { test } from 'node:test'
import assert from 'node:assert/strict'

// The server page layer's pure parts; its DOM work (component roots kept
// across patches, navigation) is tested in Chromium (tests/ts).
const memory = () => {
  const m = new Map()
  return { getItem: k => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: k => m.delete(k), m }
}

globalThis.location = { pathname: '/items', search: '?page=2' }
globalThis.document = { querySelector: () => null }
const { refused, joined, joinParams, remounted, noteUnchanged, keepUnchanged } = await import('../src/live.js')

test('a refused join reloads at most three times in a row', () => {
  const storage = memory()
  let loads = 0
  const load = () => loads++
  assert.equal(refused(undefined, storage, load), true)
  assert.equal(refused(undefined, storage, load), true)
  assert.equal(refused(undefined, storage, load), true)
  assert.equal(refused(undefined, storage, load), false)
  assert.equal(refused(undefined, storage, load), false)
  assert.equal(loads, 3)
  assert.equal(storage.getItem('livets-reloads'), '3')
  // A join that works starts the count again.
  joined(storage)
  assert.equal(refused(undefined, storage, load), true)
  assert.equal(loads, 4)
})

test('a join refused for a render too large to send does not reload: a reload cannot cure it', () => {
  const storage = memory()
  let loads = 0
  assert.equal(refused('update too large', storage, () => loads++), false)
  assert.equal(loads, 0)
  assert.equal(refused('invalid token (expired)', storage, () => loads++), true)
  assert.equal(loads, 1)
})

test('a remount marks the root ts-remounted and dispatches a bubbling livets:remounted with the id and the recovered fields', () => {
  const root = new EventTarget()
  const classes = new Set(['ts-connected'])
  root.classList = { add: c => classes.add(c) }
  root.getAttribute = name => (name == 'data-livets-id' ? 'lv-1' : null)
  const seen = []
  root.addEventListener('livets:remounted', e => seen.push([e.bubbles, e.detail, [...classes]]))
  remounted(root, ['title'])
  assert.deepEqual(seen, [[true, { id: 'lv-1', recovered: ['title'] }, ['ts-connected', 'ts-remounted']]])
})

test('join params carry the page\'s CSRF token and URL, when the page has one', () => {
  assert.deepEqual(joinParams(), {})
  globalThis.document = { querySelector: s => (s == 'meta[name=csrf-token]' ? { content: 'tok' } : null), querySelectorAll: () => [] }
  assert.deepEqual(joinParams(), { _csrf_token: 'tok', _url: '/items?page=2' })
})

test('join params name the fingerprint of each root still showing its first render, and a null render leaves that root\'s DOM alone', () => {
  const attrs = { 'data-livets-id': 'lv-1', 'data-livets-fp': '0123456789abcdef' }
  const root = { getAttribute: n => attrs[n] ?? null, removeAttribute: n => delete attrs[n] }
  globalThis.document = {
    querySelector: s => (s == 'meta[name=csrf-token]' ? { content: 'tok' } : null),
    querySelectorAll: s => (s == '[data-livets-fp]' && attrs['data-livets-fp'] ? [root] : []),
  }
  assert.deepEqual(joinParams(), { _csrf_token: 'tok', _url: '/items?page=2', _fp: { 'lv-1': '0123456789abcdef' } })
  noteUnchanged(['r', 'lv-1', 1, 1, null])
  let morphed = 0
  assert.equal(keepUnchanged(root, () => ++morphed), undefined)
  assert.equal(morphed, 0)
  // Its first update took the fingerprint: a rejoin sends none.
  assert.deepEqual(joinParams(), { _csrf_token: 'tok', _url: '/items?page=2' })
  // Later renders, and renders with HTML, morph as ever.
  assert.equal(keepUnchanged(root, () => ++morphed), 1)
  noteUnchanged(['r', 'lv-1', 2, 3, '<p>x</p>'])
  assert.equal(keepUnchanged(root, () => ++morphed), 2)
})

test('join params carry the app\'s params (LiveTS.params or connect({ params })), an object or a function called per join, under the connector\'s own', () => {
  globalThis.document = { querySelector: s => (s == 'meta[name=csrf-token]' ? { content: 'tok' } : null), querySelectorAll: () => [] }
  globalThis.LiveTS = { params: { tz: 'Europe/Paris', _csrf_token: 'forged' } }
  assert.deepEqual(joinParams(), { tz: 'Europe/Paris', _csrf_token: 'tok', _url: '/items?page=2' })
  let joins = 0
  globalThis.LiveTS = { params: () => ({ joins: ++joins }) }
  assert.deepEqual(joinParams(), { joins: 1, _csrf_token: 'tok', _url: '/items?page=2' })
  assert.deepEqual(joinParams(), { joins: 2, _csrf_token: 'tok', _url: '/items?page=2' })
  delete globalThis.LiveTS
})

test('the connector\'s extension point does nothing by default', async () => {
  const { ext } = await import('../src/ext.js')
  assert.deepEqual(ext.params(), {})
  assert.equal(ext.wrap(null, () => 7), 7)
  assert.equal(ext.route(['r', 'x']), undefined)
})

test('a join refused because the mount threw reloads once, then stops', () => {
  const storage = memory()
  let loads = 0
  const load = () => loads++
  assert.equal(refused('join failed', storage, load), true)
  assert.equal(refused('join failed', storage, load), false)
  assert.equal(refused('join failed', storage, load), false)
  assert.equal(loads, 1)
  // Other refusals keep their own allowance.
  assert.equal(refused('invalid token (expired)', storage, load), true)
  assert.equal(loads, 2)
  // A join that works gives a failing mount its one reload again.
  joined(storage)
  assert.equal(refused('join failed', storage, load), true)
  assert.equal(loads, 3)
})
