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
const { refused, joined, joinParams } = await import('../src/live.js')

test('a refused join reloads at most three times in a row', () => {
  const storage = memory()
  let loads = 0
  const load = () => loads++
  assert.equal(refused(storage, load), true)
  assert.equal(refused(storage, load), true)
  assert.equal(refused(storage, load), true)
  assert.equal(refused(storage, load), false)
  assert.equal(refused(storage, load), false)
  assert.equal(loads, 3)
  assert.equal(storage.getItem('livets-reloads'), '3')
  // A join that works starts the count again.
  joined(storage)
  assert.equal(refused(storage, load), true)
  assert.equal(loads, 4)
})

test('join params carry the page\'s CSRF token and URL, when the page has one', () => {
  assert.deepEqual(joinParams(), {})
  globalThis.document = { querySelector: s => (s == 'meta[name=csrf-token]' ? { content: 'tok' } : null) }
  assert.deepEqual(joinParams(), { _csrf_token: 'tok', _url: '/items?page=2' })
})

test('the connector\'s extension point does nothing by default', async () => {
  const { ext } = await import('../src/ext.js')
  assert.deepEqual(ext.params(), {})
  assert.equal(ext.wrap(null, () => 7), 7)
  assert.equal(ext.route(['r', 'x']), undefined)
})
