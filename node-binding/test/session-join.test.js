'use strict'
// The cookie session from sign-in to join, through the real core: an
// Express handler signs in with server.sessionMiddleware(), the page reads
// the cookie, and a join is tied to the session its page was rendered for.
const test = require('node:test')
const assert = require('node:assert/strict')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot, joinParams } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { quietLogger } = require('../test-support/fake-core')

const express = require('express')
const { LiveTSServer, LiveView, html } = load()

/** What every mount of WhoAmI saw. */
let mounts = []

class WhoAmI extends LiveView {
  state = { user: '' }
  mount(_params, session) {
    const { connected, data, userAgent, connectParams } = session
    mounts.push({ connected, data, userAgent, connectParams })
    this.state = { user: typeof session.data.user === 'string' ? session.data.user : 'nobody' }
  }
  render() {
    return html`<p id="user">${this.state.user}</p>`
  }
}

async function withServer(options, fn) {
  requireNative()
  mounts = []
  const logger = quietLogger()
  const app = express()
  const server = new LiveTSServer({ secret: 'session-join', logger, handler: app, ...options })
  app.use(server.sessionMiddleware())
  app.post('/login', express.urlencoded({ extended: false }), (req, res) => {
    req.session = { user: req.body.username }
    res.redirect(302, '/whoami')
  })
  app.post('/logout', (req, res) => {
    req.session = null
    res.redirect(302, '/login')
  })
  server.registerComponent('/whoami', WhoAmI)
  const port = await server.listen()
  try {
    await fn(port, logger)
  } finally {
    await server.close()
  }
}

/** Signs `username` in; resolves with the Set-Cookie line and the Cookie header that sends it back. */
async function signIn(port, username) {
  const res = await fetch(`http://127.0.0.1:${port}/login`, {
    method: 'POST',
    body: new URLSearchParams({ username }),
    redirect: 'manual',
  })
  assert.equal(res.status, 302)
  assert.equal(res.headers.get('location'), '/whoami')
  const set = res.headers.getSetCookie()
  assert.equal(set.length, 1, `one Set-Cookie: ${set}`)
  return { line: set[0], cookie: set[0].split(';')[0] }
}

/** The page for `cookie` (none when undefined); its root, and the markup. */
async function page(port, headers = {}) {
  const res = await get(port, '/whoami', 'GET', headers)
  assert.equal(res.status, 200, res.body.slice(0, 200))
  return { root: liveRoot(res.body), body: res.body }
}

/** Joins `root` on a new socket whose upgrade request has `headers`; resolves with the first frame. */
async function join(port, root, headers = {}, connectParams = {}) {
  const sock = await LiveSocket.open(port, '/live?v=1', headers)
  sock.send(['j', 1, root.id, root.token, { ...connectParams, ...joinParams(root, '/whoami') }])
  const first = await sock.next()
  await sock.close()
  return first
}

for (const encrypt of [false, true]) {
  test(`${encrypt ? 'an encrypted' : 'a signed'} session: sign-in sets the cookie, the page and its join see it`, async () => {
    await withServer({ sessionCookie: { encrypt } }, async (port) => {
      const { line, cookie } = await signIn(port, 'ada')
      assert.match(line, /^livets_session=[^;]+; Path=\/; Max-Age=1209600; HttpOnly; SameSite=Lax$/)
      const value = cookie.slice('livets_session='.length)
      assert.ok(value.startsWith(encrypt ? 'e1.' : 's1.'), value.slice(0, 10))
      // Sealed, the name is nowhere in it; signed, it is readable but not forgeable.
      assert.equal(Buffer.from(value.slice(3), 'base64url').toString('latin1').includes('ada'), !encrypt)

      const { root, body } = await page(port, { cookie: `theme=dark; ${cookie}` })
      assert.match(body, /<p id="user">ada<\/p>/)
      assert.deepEqual(await join(port, root, { cookie }), ['r', root.id, 1, 1, '<p id="user">ada</p>'])
      assert.deepEqual(mounts.map((m) => [m.connected, m.data]), [[false, { user: 'ada' }], [true, { user: 'ada' }]])
    })
  })
}

test('a page joins only with the session it was rendered for: not without the cookie, not with another, not after sign-out', async () => {
  await withServer({}, async (port, logger) => {
    const ada = await signIn(port, 'ada')
    const bob = await signIn(port, 'bob')
    const { root } = await page(port, { cookie: ada.cookie })

    assert.deepEqual(await join(port, root), ['x', root.id, 1, 'session changed'], 'a socket without the cookie')
    assert.deepEqual(await join(port, root, { cookie: bob.cookie }), ['x', root.id, 1, 'session changed'], "another user's cookie")
    assert.deepEqual(await join(port, root, { cookie: 'livets_session=s1.forged.value' }), ['x', root.id, 1, 'session changed'], 'a cookie that does not verify')
    assert.ok(logger.lines.warn.some((l) => l.includes(`refused join of "${root.id}" for "/whoami": session changed`)), logger.lines.warn.join('\n'))
    assert.equal(mounts.filter((m) => m.connected).length, 0, 'no refused join mounted the view')
    // The same page, joined with its own cookie, still works: nothing was used up.
    assert.deepEqual(await join(port, root, { cookie: ada.cookie }), ['r', root.id, 1, 1, '<p id="user">ada</p>'])

    const logout = await fetch(`http://127.0.0.1:${port}/logout`, { method: 'POST', headers: { cookie: ada.cookie }, redirect: 'manual' })
    assert.equal(logout.status, 302)
    const cleared = logout.headers.getSetCookie()
    assert.equal(cleared.length, 1)
    assert.match(cleared[0], /^livets_session=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/)
    // The browser now sends the cleared cookie, or none at all.
    assert.deepEqual(await join(port, root, { cookie: 'livets_session=' }), ['x', root.id, 1, 'session changed'])
    assert.deepEqual(await join(port, root), ['x', root.id, 1, 'session changed'])
  })
})

test('a page rendered without a session joins without one, and not once someone signed in', async () => {
  await withServer({}, async (port) => {
    const { root, body } = await page(port)
    assert.match(body, /<p id="user">nobody<\/p>/)
    assert.deepEqual(await join(port, root), ['r', root.id, 1, 1, '<p id="user">nobody</p>'])
    assert.deepEqual(await join(port, root, { cookie: 'theme=dark' }), ['r', root.id, 1, 1, '<p id="user">nobody</p>'], 'other cookies do not matter')

    const ada = await signIn(port, 'ada')
    assert.deepEqual(await join(port, root, { cookie: ada.cookie }), ['x', root.id, 1, 'session changed'], 'signed in since the page was rendered')
  })
})

test("session.userAgent is the page request's on the first render and the socket's on the join", async () => {
  await withServer({}, async (port) => {
    const { root } = await page(port, { 'user-agent': 'PageAgent/1.0' })
    assert.deepEqual(await join(port, root, { 'user-agent': 'SocketAgent/2.0' }), ['r', root.id, 1, 1, '<p id="user">nobody</p>'])
    assert.deepEqual(mounts.map((m) => [m.connected, m.userAgent]), [[false, 'PageAgent/1.0'], [true, 'SocketAgent/2.0']])

    mounts = []
    const plain = await page(port)
    await join(port, plain.root, { 'user-agent': '' })
    assert.deepEqual(mounts.map((m) => m.userAgent), ['', ''], 'no User-Agent is ""')
  })
})

test("the join's params reach session.connectParams, without the connector's own", async () => {
  await withServer({}, async (port) => {
    const { root } = await page(port)
    const first = await join(port, root, {}, { tz: 'Europe/Paris', width: 1280, dark: true, nested: { a: [1, 2] } })
    assert.equal(first[0], 'r')
    assert.deepEqual(mounts.map((m) => [m.connected, m.connectParams]), [
      [false, {}],
      [true, { tz: 'Europe/Paris', width: 1280, dark: true, nested: { a: [1, 2] } }],
    ])
    const seen = mounts[1].connectParams
    assert.equal('_csrf_token' in seen, false)
    assert.equal('_url' in seen, false)
  })
})
