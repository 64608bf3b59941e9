'use strict'
// The cookie session: what a browser stores and sends back, what an
// attacker can change in it (nothing unnoticed), and req.session in an
// Express app on Node's own http server.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { parseCookies, serializeCookie } = require('../test-support/livets').load('cookies')
const { SessionKeys } = require('../test-support/livets').load('session-cookie')
const { sessionMiddleware, readSession, sessionCookie } = require('../test-support/livets').load('session-middleware')

const keys = new SessionKeys('a secret long enough for tests')
const DAY = 24 * 60 * 60

test('a Cookie header is read leniently, first name wins, quotes dropped', () => {
  const jar = parseCookies('a=1; b="two"; a=3;junk; =x; c=')
  assert.deepEqual([...jar], [['a', '1'], ['b', 'two'], ['c', '']])
  assert.deepEqual([...parseCookies(['x=1', 'y=2'])], [['x', '1'], ['y', '2']])
  assert.equal(parseCookies(undefined).size, 0)
})

test('Set-Cookie defaults to HttpOnly, SameSite=Lax, Path=/ and refuses what a cookie cannot carry', () => {
  assert.equal(serializeCookie('s', 'v'), 's=v; Path=/; HttpOnly; SameSite=Lax')
  assert.equal(serializeCookie('s', 'v', { secure: true, maxAge: 60.7 }), 's=v; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax')
  assert.match(serializeCookie('s', 'v', { sameSite: 'None' }), /; Secure; SameSite=None$/)
  assert.throws(() => serializeCookie('bad name', 'v'), /cookie name "bad name" is not a token/)
  assert.throws(() => serializeCookie('s', 'a;b'), /cookie s: value has characters/)
  assert.throws(() => serializeCookie('s', 'v', { path: '/x;Domain=evil' }), /path .* semicolon/)
})

for (const encrypt of [false, true]) {
  const kind = encrypt ? 'encrypted' : 'signed'

  test(`a ${kind} session comes back as it was written`, () => {
    const value = keys.seal('livets_session', { user: 'ada', roles: ['admin'] }, DAY, encrypt)
    assert.deepEqual(keys.unseal('livets_session', value), { user: 'ada', roles: ['admin'] })
  })

  test(`a ${kind} session altered in any byte, moved to another cookie, or expired is not read`, () => {
    const value = keys.seal('livets_session', { user: 'ada' }, DAY, encrypt, 1_000)
    assert.deepEqual(keys.unseal('livets_session', value, 2_000), { user: 'ada' })
    for (let i = 3; i < value.length; i += 7) {
      const flipped = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1)
      assert.equal(keys.unseal('livets_session', flipped, 2_000), null, `byte ${i} altered`)
    }
    assert.equal(keys.unseal('other_cookie', value, 2_000), null)
    assert.equal(keys.unseal('livets_session', value, 1_000 + DAY * 1000), null)
    assert.equal(new SessionKeys('another secret').unseal('livets_session', value, 2_000), null)
  })
}

test('a signed session is readable but not forgeable; an encrypted one is not readable', () => {
  const signed = keys.seal('s', { user: 'ada' }, DAY, false)
  const body = JSON.parse(Buffer.from(signed.split('.')[1], 'base64url').toString())
  assert.deepEqual(body.d, { user: 'ada' })
  const forged = `s1.${Buffer.from(JSON.stringify({ d: { user: 'root' }, e: body.e })).toString('base64url')}.${signed.split('.')[2]}`
  assert.equal(keys.unseal('s', forged), null)
  const sealed = keys.seal('s', { user: 'ada' }, DAY, true)
  assert.equal(Buffer.from(sealed.slice(3), 'base64url').includes('ada'), false)
})

test('garbage never throws', () => {
  for (const v of ['', '.', 's1.', 's1..', 'e1.', 'e1.AAAA', 's1.%%%.%%%', 'x'.repeat(5000), 'e1.' + 'A'.repeat(40)]) {
    assert.equal(keys.unseal('s', v), null, JSON.stringify(v.slice(0, 20)))
  }
})

test('a session too large for a cookie is a clear error', () => {
  assert.throws(() => keys.seal('s', { blob: 'x'.repeat(5000) }, DAY, false), /over the 3800 a browser keeps/)
})

test('readSession and sessionCookie round-trip through headers; null deletes', () => {
  const line = sessionCookie(keys, { user: 'ada' }, { maxAge: 60 })
  assert.match(line, /^livets_session=s1\.[^;]+; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/)
  const cookie = line.split(';')[0]
  assert.deepEqual(readSession(keys, `theme=dark; ${cookie}`), { user: 'ada' })
  assert.deepEqual(readSession(keys, 'livets_session=tampered'), {})
  assert.match(sessionCookie(keys, null), /^livets_session=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/)
})

test('the session cookie is Secure when the request came over TLS, unless secure says otherwise', () => {
  function setCookie(req, options) {
    const headers = new Map()
    const res = {
      getHeader: (name) => headers.get(name),
      setHeader: (name, value) => headers.set(name, value),
      writeHead() {},
    }
    sessionMiddleware(keys, options)(req, res, () => {
      req.session.user = 'ada'
      res.writeHead(200)
    })
    return headers.get('set-cookie')[0]
  }
  assert.match(setCookie({ headers: {}, socket: { encrypted: true } }), /; HttpOnly; Secure; SameSite=Lax$/)
  assert.match(setCookie({ headers: {}, secure: true, socket: {} }), /; HttpOnly; Secure; SameSite=Lax$/)
  assert.match(setCookie({ headers: {}, socket: {} }), /; HttpOnly; SameSite=Lax$/)
  assert.match(setCookie({ headers: {}, socket: { encrypted: true } }, { secure: false }), /; HttpOnly; SameSite=Lax$/)
  assert.match(setCookie({ headers: {}, socket: {} }, { secure: true }), /; HttpOnly; Secure; SameSite=Lax$/)
})

// Express comes from Debian (node-express, installed by scripts/bootstrap;
// scripts/lib/env.sh puts /usr/share/nodejs on NODE_PATH).
function loadExpress() {
  try {
    return require('express')
  } catch (error) {
    throw new Error(`Express 4 is needed: run scripts/bootstrap, and set NODE_PATH=/usr/share/nodejs (${error.message})`)
  }
}

test('req.session in an Express app: login sets the cookie, reads see it, logout deletes it, untouched sessions write nothing', async (t) => {
  const express = loadExpress()
  const app = express()
  app.use(sessionMiddleware(keys))
  app.use(express.urlencoded({ extended: false }))
  app.post('/login', (req, res) => {
    req.session.user = req.body.username
    res.cookie('theme', 'dark')
    res.redirect('/account')
  })
  app.get('/account', (req, res) => res.json({ user: req.session.user ?? null }))
  app.post('/logout', (req, res) => {
    req.session = null
    res.redirect('/login')
  })
  const server = http.createServer(app)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const base = `http://127.0.0.1:${server.address().port}`

  const login = await fetch(`${base}/login`, { method: 'POST', body: 'username=ada', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' })
  assert.equal(login.status, 302)
  const set = login.headers.getSetCookie()
  assert.equal(set.length, 2, 'Express\'s own cookie and the session, neither lost')
  const session = set.find((c) => c.startsWith('livets_session='))
  assert.match(session, /HttpOnly; SameSite=Lax$/)
  const cookie = session.split(';')[0]

  const account = await fetch(`${base}/account`, { headers: { cookie } })
  assert.deepEqual(await account.json(), { user: 'ada' })
  assert.deepEqual(account.headers.getSetCookie(), [], 'a read writes no cookie')
  assert.deepEqual(await (await fetch(`${base}/account`)).json(), { user: null })

  const logout = await fetch(`${base}/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' })
  assert.match(logout.headers.getSetCookie()[0], /^livets_session=; .*Max-Age=0/)
})
