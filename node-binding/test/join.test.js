'use strict'
// Joins through the hub: what the token grants and what a join must show.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html, signToken } = require('../test-support/livets').load()
const { makeHub } = require('../test-support/hub')

const seen = []
class Show extends LiveView {
  state = {}
  mount(params, session) { if (session.connected) seen.push({ params, url: session.url, data: session.data, connectParams: session.connectParams }) }
  render() { return html`<p>${JSON.stringify(seen.at(-1) ?? null)}</p>` }
}
class Other extends LiveView { state = {}; render() { return html`other` } }

test('the session computed for the page reaches the connected mount through the token', async () => {
  seen.length = 0
  const { join } = makeHub({ '/p/:id': Show }, { session: (req) => ({ user: req.headers['x-user'] ?? 'anon' }) })
  await join('/p/7?tab=a', 1, 1, { tz: 'UTC' })
  assert.deepEqual(seen, [{ params: { tab: 'a', id: '7' }, url: '/p/7?tab=a', data: { user: 'anon' }, connectParams: { tz: 'UTC' } }])
})

test('the browser\'s current URL decides the params, if the same view serves it', async () => {
  seen.length = 0
  const { hub, core, page } = makeHub({ '/p/:id': Show, '/other': Other })
  const p = await page('/p/1')
  // After live patches the browser is elsewhere on the same view: a reconnect mounts there.
  hub.join(1, 1, p.id, p.token, JSON.stringify({ _csrf_token: p.csrf, _url: '/p/2?x=y' }))
  await hub.idle()
  assert.deepEqual(seen.at(-1).params, { x: 'y', id: '2' })
  // Without a URL, the page's own params.
  hub.join(1, 2, p.id, p.token, JSON.stringify({ _csrf_token: p.csrf }))
  await hub.idle()
  assert.deepEqual(seen.at(-1).params, { id: '1' })
  // A URL another view serves, or no view, is refused.
  for (const [ref, url] of [[3, '/other'], [4, '/nowhere'], [5, 7], [6, '//evil.example/p/1']]) {
    hub.join(1, ref, p.id, p.token, JSON.stringify({ _csrf_token: p.csrf, _url: url }))
    await hub.idle()
    assert.deepEqual(core.calls.at(-1), ['replyError', 1, p.id, ref, "url is not served by the token's view"], String(url))
  }
})

test('a rejoin of the same root replaces the instance once the old one let go', async () => {
  const log = []
  class Tracked extends LiveView {
    state = {}
    mount(_p, s) { if (s.connected) log.push('mount') }
    render() { return html`x` }
    unmount() { log.push('unmount') }
  }
  const { hub, core, page } = makeHub({ '/t': Tracked })
  const p = await page('/t')
  log.length = 0
  const params = JSON.stringify({ _csrf_token: p.csrf })
  hub.join(1, 1, p.id, p.token, params)
  await hub.idle()
  hub.join(1, 2, p.id, p.token, params)
  await hub.idle()
  assert.deepEqual(log, ['mount', 'unmount', 'mount'])
  const calls = core.calls.map((c) => [c[0], c[3]])
  // The old instance's unregister comes before the new registration.
  assert.deepEqual(calls, [['register', 1], ['unregister', undefined], ['register', 2]])
  assert.equal(hub.size, 1)
})

test('tokens from another server, for another root, or expired are refused', async () => {
  const { hub, core, page } = makeHub({ '/t': Other }, { tokenTtlMs: 1 })
  const p = await page('/t')
  await new Promise((r) => setTimeout(r, 5))
  hub.join(1, 1, p.id, p.token, JSON.stringify({ _csrf_token: p.csrf }))
  const claims = { view: '/t', params: {}, url: '/t', id: 'r2', csrf: 'k', session: {} }
  hub.join(1, 2, 'r2', signToken('not-the-secret', claims), JSON.stringify({ _csrf_token: 'k' }))
  hub.join(1, 3, 'r3', signToken('hub-test-secret', claims), JSON.stringify({ _csrf_token: 'k' }))
  hub.join(1, 4, 'r2', signToken('hub-test-secret', claims), '{"_csrf_token":"K"}')
  hub.join(1, 5, 'r2', signToken('hub-test-secret', claims), 'not json')
  await hub.idle()
  assert.deepEqual(core.calls.map((c) => c[4]), [
    'invalid token (expired)',
    'invalid token (signature)',
    'token is for another view',
    'csrf token mismatch',
    'csrf token mismatch',
  ])
  assert.equal(hub.size, 0)
})
