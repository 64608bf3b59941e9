'use strict'
// The TypeScript server through the real core: HTTP pages and the live
// WebSocket protocol of docs/protocol.md.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { capture } = require('../test-support/fake-core')
const { Counter, Chat } = require('../test-support/views')

const { LiveTSServer, signToken } = load()

const secret = 'integration-secret'

async function withServer(fn) {
  requireNative()
  const server = new LiveTSServer({ secret, title: 'Test <App>' })
  server.registerComponent('/counter', Counter).route('/chat', Chat)
  const port = await server.listen()
  try {
    await fn(port, server)
  } finally {
    await server.close()
  }
}

async function joinPage(port, target = '/counter') {
  const page = await get(port, target)
  assert.equal(page.status, 200)
  const { id, token } = liveRoot(page.body)
  const sock = await LiveSocket.open(port)
  sock.send(['j', 1, id, token, {}])
  return { sock, id, token, first: await sock.next() }
}

test('a GET renders the view inside a full page', async () => {
  await withServer(async (port) => {
    const page = await get(port, '/counter?start=41')
    assert.equal(page.status, 200)
    assert.match(page.headers['content-type'], /^text\/html; charset=utf-8/)
    assert.ok(page.body.startsWith('<!doctype html><html><head><meta charset="utf-8"><title>Test &lt;App&gt;</title>'))
    assert.ok(page.body.includes('<script defer src="/_livets/livets.js"></script></head><body>'))
    assert.match(page.body, /<div data-livets-id="[^"]+" data-livets-token="[^"]+"><h1>Count<\/h1><span id="count">41<\/span><\/div><\/body><\/html>$/)
  })
})

test('unknown paths get a 404 page; other methods a 405', async () => {
  await withServer(async (port) => {
    const missing = await get(port, '/nope')
    assert.equal(missing.status, 404)
    assert.match(missing.body, /404 Not Found/)
    const post = await get(port, '/counter', 'POST')
    assert.equal(post.status, 405)
    assert.equal(post.headers.allow, 'GET, HEAD')
  })
})

test('the connector bundle is served under /_livets/', async (t) => {
  const dirs = [path.join(__dirname, '..', 'client'), path.join(__dirname, '..', '..', 'client', 'dist')]
  if (!dirs.some((d) => fs.existsSync(path.join(d, 'livets.js')))) {
    t.skip('no client build (client/dist/livets.js) to serve')
    return
  }
  await withServer(async (port) => {
    const js = await get(port, '/_livets/livets.js')
    assert.equal(js.status, 200)
    assert.ok(js.body.length > 100)
  })
})

test('join renders, events patch, refusals leave the socket usable', async () => {
  await withServer(async (port) => {
    const { sock, id, first } = await joinPage(port, '/counter?start=3')
    assert.deepEqual(first, ['r', id, 1, 1, '<h1>Count</h1><span id="count">3</span>'])

    sock.send(['e', 2, id, 'inc', null])
    assert.deepEqual(await sock.next(), ['p', id, 2, 2, [[1, [1, 0], '#text', '4']]])

    const lines = await capture(async () => {
      sock.send(['e', 3, id, 'constructor', null])
      assert.deepEqual(await sock.next(), ['x', id, 3, 'unknown event'])
      sock.send(['e', 4, id, '__proto__', {}])
      assert.deepEqual(await sock.next(), ['x', id, 4, 'unknown event'])
      sock.send(['e', 5, id, 'setState', { count: 1000 }])
      assert.deepEqual(await sock.next(), ['x', id, 5, 'unknown event'])
    })
    assert.equal(lines.warn.length, 3)
    assert.match(lines.warn[0], /Counter \(\/counter\).*"constructor"/)

    sock.send('{not json')
    const err = await sock.next()
    assert.equal(err[0], 'x')

    sock.send(['e', 6, id, 'inc', { by: 10 }])
    assert.deepEqual(await sock.next(), ['p', id, 3, 6, [[1, [1, 0], '#text', '14']]])
    await sock.close()
  })
})

test('a throwing handler is refused and logged; the server carries on', async () => {
  await withServer(async (port) => {
    const { sock, id } = await joinPage(port)
    const lines = await capture(async () => {
      sock.send(['e', 2, id, 'boom', null])
      assert.deepEqual(await sock.next(), ['x', id, 2, 'event failed'])
    })
    assert.match(lines.error[0], /Counter \(\/counter\).*"boom".*handler exploded/)
    sock.send(['e', 3, id, 'inc', null])
    const patch = await sock.next()
    assert.equal(patch[0], 'p')
    assert.equal(patch[3], 3)
    await sock.close()
  })
})

test('each tab has its own instance', async () => {
  await withServer(async (port) => {
    const a = await joinPage(port)
    const b = await joinPage(port)
    a.sock.send(['e', 2, a.id, 'inc', null])
    assert.equal((await a.sock.next())[3], 2)
    a.sock.send(['e', 3, a.id, 'inc', null])
    assert.equal((await a.sock.next())[3], 3)
    b.sock.send(['e', 2, b.id, 'dec', null])
    assert.deepEqual(await b.sock.next(), ['p', b.id, 2, 2, [[1, [1, 0], '#text', '-1']]])
    await a.sock.close()
    await b.sock.close()
  })
})

test('forged, expired and unknown-view tokens are refused without a mount', async () => {
  await withServer(async (port) => {
    const { token } = liveRoot((await get(port, '/counter')).body)
    const sock = await LiveSocket.open(port)
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA')
    sock.send(['j', 1, 'c1', tampered, {}])
    assert.deepEqual(await sock.next(), ['x', 'c1', 1, 'invalid token (signature)'])
    sock.send(['j', 2, 'c2', signToken(secret, '/counter', {}, -1), {}])
    assert.deepEqual(await sock.next(), ['x', 'c2', 2, 'invalid token (expired)'])
    sock.send(['j', 3, 'c3', signToken(secret, '/admin', {}), {}])
    assert.deepEqual(await sock.next(), ['x', 'c3', 3, 'unknown view'])
    sock.send(['j', 4, 'c4', signToken('another-secret', '/counter', {}), {}])
    assert.deepEqual(await sock.next(), ['x', 'c4', 4, 'invalid token (signature)'])
    // None of them joined: events on those ids are refused.
    sock.send(['e', 5, 'c2', 'inc', null])
    assert.equal((await sock.next())[0], 'x')
    // The socket still joins with a good token.
    sock.send(['j', 6, 'ok', token, {}])
    assert.equal((await sock.next())[0], 'r')
    await sock.close()
  })
})

test('leave forgets the component', async () => {
  await withServer(async (port) => {
    const { sock, id } = await joinPage(port)
    sock.send(['l', 2, id])
    await new Promise((r) => setTimeout(r, 100))
    sock.send(['e', 3, id, 'inc', null])
    const reply = await sock.next()
    assert.equal(reply[0], 'x')
    await sock.close()
  })
})

test('broadcast reaches subscribed views through handleInfo', async () => {
  await withServer(async (port) => {
    const a = await joinPage(port, '/chat')
    const b = await joinPage(port, '/chat')
    assert.deepEqual(a.first, ['r', a.id, 1, 1, '<p></p>'])
    a.sock.send(['e', 2, a.id, 'say', { text: '<hello>' }])
    // Both render the info with ref 0; the sender also acks its event.
    const fromB = await b.sock.next()
    assert.equal(fromB[0], 'p')
    assert.equal(fromB[3], 0)
    assert.match(JSON.stringify(fromB[4]), /&lt;hello&gt;/)
    const fromA = [await a.sock.next(), await a.sock.next()]
    assert.deepEqual(fromA.map((m) => m[3]).sort(), [0, 2])
    await a.sock.close()
    await b.sock.close()
  })
})

test('close() unmounts live views and closes their sockets', async () => {
  requireNative()
  let unmounted = 0
  class Tracked extends Counter {
    static events = ['inc']
    unmount() { unmounted++ }
  }
  const server = new LiveTSServer({ secret })
  server.registerComponent('/t', Tracked)
  const port = await server.listen()
  const { sock, first } = await joinPage(port, '/t')
  assert.equal(first[0], 'r')
  const before = unmounted // the page render's throwaway instance
  await server.close()
  assert.equal(unmounted, before + 1)
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(sock.closed, 1001)
  await server.close() // twice is fine
  assert.equal(server.port, null)
})
