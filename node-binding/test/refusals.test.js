'use strict'
// What the server logs when it refuses a client: every refused join with
// the client's address, refused events once per cause per connection, and
// nothing a client can turn into a flood of lines.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html, signToken } = require('../test-support/livets').load()
const { makeHub } = require('../test-support/hub')

const ADDRESS = '203.0.113.5'

class Counter extends LiveView {
  static events = ['inc']
  static model = { title: 'string' }
  state = { count: 0, title: '' }
  render() { return html`<span>${this.state.count}</span><i>${this.state.title.trim()}</i>` }
  handleEvent() { this.setState({ count: this.state.count + 1 }) }
}

function joinWith(hub, conn, ref, id, token, csrf = 'x') {
  hub.join(conn, ref, id, token, JSON.stringify({ _csrf_token: csrf }), ADDRESS)
}

test('forged, expired, tampered and malformed join tokens are refused and logged with the client address', async () => {
  const { hub, core, logger, page } = makeHub({ '/counter': Counter })
  const p = await page('/counter')
  const claims = { view: '/counter', params: {}, url: '/counter', id: p.id, csrf: p.csrf, session: {} }
  const forged = signToken('not the server secret', claims)
  const expired = signToken('hub-test-secret', claims, 1000, Date.now() - 60_000)
  const [body, mac] = p.token.split('.')
  const tampered = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url')), p: { admin: '1' } })).toString('base64url')}.${mac}`
  // Each on a connection of its own, as separate attackers would.
  joinWith(hub, 11, 1, p.id, forged, p.csrf)
  joinWith(hub, 12, 1, p.id, expired, p.csrf)
  joinWith(hub, 13, 1, p.id, tampered, p.csrf)
  joinWith(hub, 14, 1, p.id, 'garbage', p.csrf)
  await hub.idle()
  assert.deepEqual(core.of('replyError').map((c) => c[4]), [
    'invalid token (signature)', 'invalid token (expired)', 'invalid token (signature)', 'invalid token (malformed)',
  ])
  assert.deepEqual(logger.lines.warn, [
    `[livets] conn 11 (${ADDRESS}): refused join of ${JSON.stringify(p.id)}: invalid token (signature)`,
    `[livets] conn 12 (${ADDRESS}): refused join of ${JSON.stringify(p.id)}: invalid token (expired)`,
    `[livets] conn 13 (${ADDRESS}): refused join of ${JSON.stringify(p.id)}: invalid token (signature)`,
    `[livets] conn 14 (${ADDRESS}): refused join of ${JSON.stringify(p.id)}: invalid token (malformed)`,
  ])
})

test('a join for a route that is gone, or with the wrong CSRF token, names the route in the log', async () => {
  const { hub, logger, page } = makeHub({ '/counter': Counter })
  const p = await page('/counter')
  const gone = signToken('hub-test-secret', { view: '/removed', params: {}, url: '/removed', id: 'lv-1', csrf: 'c', session: {} })
  joinWith(hub, 2, 1, 'lv-1', gone, 'c')
  joinWith(hub, 3, 1, p.id, p.token, 'wrong')
  await hub.idle()
  assert.deepEqual(logger.lines.warn, [
    `[livets] conn 2 (${ADDRESS}): refused join of "lv-1" for "/removed": unknown view`,
    `[livets] conn 3 (${ADDRESS}): refused join of ${JSON.stringify(p.id)} for "/counter": csrf token mismatch`,
  ])
})

test('a flood of bad joins on one connection logs one line, then the count when it closes', async () => {
  const { hub, core, logger } = makeHub({ '/counter': Counter })
  for (let ref = 1; ref <= 5000; ref++) joinWith(hub, 9, ref, `lv-${ref}`, 'forged.token')
  await hub.idle()
  assert.equal(core.of('replyError').length, 5000, 'every join is still answered')
  assert.equal(logger.lines.warn.length, 1)
  hub.close(9)
  assert.deepEqual(logger.lines.warn.slice(1), [`[livets] conn 9 (${ADDRESS}): refused join of "lv-5000": invalid token (signature) … and 4,999 more in 10 s`])
})

test('unknown events and bad model values are logged once per cause with the event record\'s address; the view carries on', async () => {
  const { hub, core, logger, page } = makeHub({ '/counter': Counter })
  const p = await page('/counter')
  hub.join(4, 1, p.id, p.token, JSON.stringify({ _csrf_token: p.csrf }), ADDRESS)
  await hub.idle()
  for (let ref = 2; ref < 1000; ref++) hub.event(4, ref, p.id, `nope${ref}`, 'null', ADDRESS)
  for (let ref = 1000; ref < 1100; ref++) hub.event(4, ref, p.id, '$model', JSON.stringify({ field: 'title', value: 5 }), ADDRESS)
  hub.event(4, 1100, p.id, 'inc', 'null', ADDRESS)
  await hub.idle()
  assert.deepEqual(logger.lines.warn, [
    `[livets] conn 4 (${ADDRESS}): unknown event "nope2" on Counter (/counter)`,
    `[livets] conn 4 (${ADDRESS}): bad model value for "title" (declared string, sent number) on Counter (/counter)`,
  ])
  assert.equal(core.of('replyError').filter((c) => c[4] === 'bad model value').length, 100)
  assert.deepEqual(logger.lines.error, [], 'no crash')
  assert.deepEqual(core.calls.at(-1), ['update', 4, p.id, 1100, '<span>1</span><i></i>'])
})

test('the client address reaches mount, in the page render and the live one', async () => {
  const seen = []
  class Where extends LiveView {
    state = {}
    mount(_params, session) { seen.push([session.connected, session.address]) }
    render() { return html`` }
  }
  const { hub, page } = makeHub({ '/where': Where })
  const { renderPage } = require('../test-support/livets').load('page-render')
  const { Router } = require('../test-support/livets').load('router')
  const router = new Router()
  router.add('/where', Where)
  await renderPage({ router, secret: 's', tokenTtlMs: 1000, logger: console }, { method: 'GET', url: '/where', headers: {}, cookies: {}, address: '198.51.100.9' })
  const p = await page('/where')
  hub.join(1, 1, p.id, p.token, JSON.stringify({ _csrf_token: p.csrf }), '2001:db8::1')
  hub.join(2, 1, p.id, p.token, JSON.stringify({ _csrf_token: p.csrf }))
  await hub.idle()
  assert.deepEqual(seen, [[false, '198.51.100.9'], [false, 'unknown'], [true, '2001:db8::1'], [true, 'unknown']])
})
