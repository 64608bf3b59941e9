'use strict'
// The TypeScript server through the real core: HTTP pages and the live
// WebSocket protocol of docs/protocol.md.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot, joinParams } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { quietLogger } = require('../test-support/fake-core')
const { Counter, Chat, Board, Paged } = require('../test-support/views')

const { LiveTSServer, signToken, html } = load()

const secret = 'integration-secret'

async function withServer(fn, options = {}) {
  requireNative()
  const logger = quietLogger()
  const server = new LiveTSServer({ secret, title: 'Test <App>', logger, remountDelayMs: 0, head: html`<link rel="stylesheet" href="/assets/app.css">`, ...options })
  server.registerComponent('/counter', Counter).route('/chat', Chat).route('/board', Board).route('/items/:list', Paged)
  const port = await server.listen()
  try {
    await fn(port, server, logger)
  } finally {
    await server.close()
  }
}

async function joinPage(port, target = '/counter') {
  const page = await get(port, target)
  assert.equal(page.status, 200)
  const root = liveRoot(page.body)
  const sock = await LiveSocket.open(port)
  sock.send(['j', 1, root.id, root.token, joinParams(root, target)])
  return { sock, ...root, first: await sock.next() }
}

test('a GET renders the view inside a full page with a strict policy and no inline script', async () => {
  await withServer(async (port) => {
    const page = await get(port, '/counter?start=41')
    assert.equal(page.status, 200)
    assert.match(page.headers['content-type'], /^text\/html; charset=utf-8/)
    assert.equal(page.headers['content-security-policy'], "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'")
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN')
    assert.equal(page.headers['x-content-type-options'], 'nosniff')
    assert.equal(page.headers['cache-control'], 'no-store')
    assert.ok(page.body.startsWith('<!doctype html><html><head><meta charset="utf-8">'))
    assert.match(page.body, /<meta name="csrf-token" content="[A-Za-z0-9_-]{24}">/)
    assert.match(page.body, /<title>Test &lt;App&gt;<\/title><link rel="stylesheet" href="\/assets\/app.css">/)
    assert.ok(page.body.includes('<script defer src="/_livets/live.js"></script></head><body>'))
    assert.match(page.body, /<div data-livets-id="lv-[A-Za-z0-9_-]+" data-livets-token="[^"]+" data-livets-fp="[0-9a-f]{16}"><h1>Count<\/h1><span id="count">41<\/span><\/div><\/body><\/html>$/)
    // Every script is an external file: nothing inline for the policy to allow.
    for (const tag of page.body.match(/<script[^>]*>/g)) assert.match(tag, / src="/)
    assert.doesNotMatch(page.body, /<script[^>]*>[^<]/)
    assert.doesNotMatch(page.body, /\son[a-z]+=/i)
    // Each page has its own root id, token and CSRF token.
    const again = liveRoot((await get(port, '/counter')).body)
    const first = liveRoot(page.body)
    assert.notEqual(again.id, first.id)
    assert.notEqual(again.csrf, first.csrf)
  })
})

test('unknown paths get a 404 page; other methods a 405; HEAD has no body', async () => {
  await withServer(async (port) => {
    const missing = await get(port, '/nope')
    assert.equal(missing.status, 404)
    assert.match(missing.body, /404 Not Found/)
    assert.match(missing.headers['content-security-policy'], /default-src 'self'/)
    const post = await get(port, '/counter', 'POST')
    assert.equal(post.status, 405)
    assert.equal(post.headers.allow, 'GET, HEAD')
    const head = await get(port, '/counter', 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.body, '')
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
  await withServer(async (port, _server, logger) => {
    const { sock, id, first } = await joinPage(port, '/counter?start=3')
    assert.deepEqual(first, ['r', id, 1, 1, '<h1>Count</h1><span id="count">3</span>'])

    sock.send(['e', 2, id, 'inc', null])
    assert.deepEqual(await sock.next(), ['p', id, 2, 2, [[1, [1, 0], '#text', '4']]])

    sock.send(['e', 3, id, 'constructor', null])
    assert.deepEqual(await sock.next(), ['x', id, 3, 'unknown event'])
    sock.send(['e', 4, id, '__proto__', {}])
    assert.deepEqual(await sock.next(), ['x', id, 4, 'unknown event'])
    sock.send(['e', 5, id, 'setState', { count: 1000 }])
    assert.deepEqual(await sock.next(), ['x', id, 5, 'unknown event'])
    // One line per cause per connection, with the client's address; the rest are counted.
    assert.equal(logger.lines.warn.length, 1)
    assert.match(logger.lines.warn[0], /^\[livets\] conn \d+ \(127\.0\.0\.1\): unknown event "constructor" on Counter \(\/counter\)$/)

    sock.send('{not json')
    assert.equal((await sock.next())[0], 'x')

    sock.send(['e', 6, id, 'inc', { by: 10 }])
    assert.deepEqual(await sock.next(), ['p', id, 3, 6, [[1, [1, 0], '#text', '14']]])
    await sock.close()
  })
})

test('a throwing handler marks the view crashed, remounts it, and the server carries on', async () => {
  await withServer(async (port, _server, logger) => {
    const other = await joinPage(port, '/counter?start=5')
    const { sock, id } = await joinPage(port, '/counter?start=1')
    sock.send(['e', 2, id, 'inc', null])
    assert.equal((await sock.next())[0], 'p')
    sock.send(['e', 3, id, 'boom', null])
    assert.deepEqual(await sock.next(), ['x', id, 3, 'crashed'])
    // Remounted fresh from the page's params: a full render, sequence restarted.
    assert.deepEqual(await sock.next(), ['r', id, 1, 0, '<h1>Count</h1><span id="count">1</span>'])
    assert.match(logger.lines.error[0], /Counter \(\/counter\): handleEvent\("boom"\) threw: Error: handler exploded/)
    sock.send(['e', 4, id, 'inc', null])
    assert.deepEqual(await sock.next(), ['p', id, 2, 4, [[1, [1, 0], '#text', '2']]])
    // The other tab never noticed.
    other.sock.send(['e', 2, other.id, 'inc', null])
    assert.deepEqual(await other.sock.next(), ['p', other.id, 2, 2, [[1, [1, 0], '#text', '6']]])
    await sock.close()
    await other.sock.close()
  })
})

test('each tab has its own instance', async () => {
  await withServer(async (port) => {
    const a = await joinPage(port)
    const b = await joinPage(port)
    a.sock.send(['e', 2, a.id, 'inc', null])
    assert.equal((await a.sock.next())[3], 2)
    b.sock.send(['e', 2, b.id, 'dec', null])
    assert.deepEqual(await b.sock.next(), ['p', b.id, 2, 2, [[1, [1, 0], '#text', '-1']]])
    await a.sock.close()
    await b.sock.close()
  })
})

test('forged, expired, other-view, CSRF-less and wrong-URL joins are refused without a mount', async () => {
  await withServer(async (port) => {
    const root = liveRoot((await get(port, '/counter')).body)
    const sock = await LiveSocket.open(port)
    const tampered = root.token.slice(0, -2) + (root.token.endsWith('AA') ? 'BB' : 'AA')
    const claims = { view: '/counter', params: {}, url: '/counter', id: 'c2', csrf: 'k', session: {} }
    const cases = [
      [root.id, tampered, joinParams(root), 'invalid token (signature)'],
      ['c2', signToken(secret, claims, -1), { _csrf_token: 'k' }, 'invalid token (expired)'],
      ['c3', signToken(secret, { ...claims, id: 'c3', view: '/admin' }), { _csrf_token: 'k' }, 'unknown view'],
      ['c4', signToken('another-secret', { ...claims, id: 'c4' }), { _csrf_token: 'k' }, 'invalid token (signature)'],
      // A genuine token replayed for another root on the page, or another page.
      ['other-root', root.token, joinParams(root), 'token is for another view'],
      [root.id, root.token, {}, 'csrf token mismatch'],
      [root.id, root.token, { _csrf_token: root.csrf.slice(0, -1) + 'x' }, 'csrf token mismatch'],
      [root.id, root.token, { _csrf_token: 42 }, 'csrf token mismatch'],
      [root.id, root.token, joinParams(root, '/chat'), "url is not served by the token's view"],
      [root.id, root.token, joinParams(root, 'https://evil.example/counter'), "url is not served by the token's view"],
    ]
    let ref = 1
    for (const [id, token, params, reason] of cases) {
      sock.send(['j', ref, id, token, params])
      assert.deepEqual(await sock.next(), ['x', id, ref, reason], reason)
      ref++
    }
    // None of them joined: events on those ids are refused by the core.
    sock.send(['e', ref, 'c2', 'inc', null])
    assert.equal((await sock.next())[0], 'x')
    sock.send(['e', ++ref, root.id, 'inc', null])
    assert.deepEqual(await sock.next(), ['x', root.id, ref, 'component not joined on this connection'])
    // The socket still joins with the genuine token and CSRF token.
    sock.send(['j', ++ref, root.id, root.token, joinParams(root, '/counter')])
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
    assert.equal((await sock.next())[0], 'x')
    await sock.close()
  })
})

test('broadcast reaches subscribed views through handleInfo', async () => {
  await withServer(async (port) => {
    const a = await joinPage(port, '/chat')
    const b = await joinPage(port, '/chat')
    assert.deepEqual(a.first, ['r', a.id, 1, 1, '<p></p>'])
    a.sock.send(['e', 2, a.id, 'say', { text: '<hello>' }])
    const fromB = await b.sock.next()
    assert.equal(fromB[0], 'p')
    assert.equal(fromB[3], 0)
    assert.match(JSON.stringify(fromB[4]), /&lt;hello/)
    const fromA = [await a.sock.next(), await a.sock.next()]
    assert.deepEqual(fromA.map((m) => m[3]).sort(), [0, 2])
    await a.sock.close()
    await b.sock.close()
  })
})

test('live patches: the server pushes a URL ("h"), the browser changes it ("u")', async () => {
  await withServer(async (port) => {
    const { sock, id, first } = await joinPage(port, '/items/todo?page=2')
    assert.deepEqual(first, ['r', id, 1, 1, '<p>todo</p><p id="page">2</p>'])
    sock.send(['e', 2, id, 'next', null])
    assert.deepEqual(await sock.next(), ['h', id, '/items/todo?page=3', false])
    assert.deepEqual(await sock.next(), ['p', id, 2, 2, [[1, [1, 0], '#text', '3']]])
    sock.send(['u', 3, id, '/items/todo?page=1'])
    assert.deepEqual(await sock.next(), ['p', id, 3, 3, [[1, [1, 0], '#text', '1']]])
    sock.send(['u', 4, id, '/items/done'])
    assert.deepEqual(await sock.next(), ['p', id, 4, 4, [[1, [0, 0], '#text', 'done']]])
    sock.send(['u', 5, id, '/counter'])
    assert.deepEqual(await sock.next(), ['x', id, 5, 'url is not served by this view'])
    sock.send(['u', 6, id, 'no-slash'])
    assert.equal((await sock.next())[0], 'x', 'the core refuses a URL that is not a path')
    sock.send(['e', 7, id, 'away', null])
    assert.deepEqual(await sock.next(), ['f', id, { info: 'moved' }])
    assert.deepEqual(await sock.next(), ['p', id, 5, 7, []])
    assert.deepEqual(await sock.next(), ['n', id, '/counter?start=9', false])
    // The browser fetches that page, leaves this view and joins the next on the same socket.
    const next = liveRoot((await get(port, '/counter?start=9')).body)
    sock.send(['l', 8, id])
    sock.send(['j', 9, next.id, next.token, joinParams(next, '/counter?start=9')])
    assert.deepEqual(await sock.next(), ['f', next.id, { info: 'moved' }])
    assert.deepEqual(await sock.next(), ['r', next.id, 1, 9, '<h1>Count</h1><span id="count">9</span>'])
    await sock.close()
  })
})

test('components register after their parent, patch on their own, and leave with it', async () => {
  await withServer(async (port) => {
    const { sock, id, first } = await joinPage(port, '/board')
    const a = `${id}/a`
    const b = `${id}/b`
    assert.deepEqual(first, ['r', id, 1, 1, `<ul><li data-livets-id="${a}"></li><li data-livets-id="${b}"></li></ul><p>2</p>`])
    assert.deepEqual(await sock.next(), ['r', a, 1, 0, '<button ts-on:click="toggle">a off</button>'])
    assert.deepEqual(await sock.next(), ['r', b, 1, 0, '<button ts-on:click="toggle">b off</button>'])
    // An event inside a component patches that component only.
    sock.send(['e', 2, b, 'toggle', {}])
    assert.deepEqual(await sock.next(), ['p', b, 2, 2, [[1, [0, 0], '#text', 'b on']]])
    // The view drops "a": its patch never reaches inside a component root.
    sock.send(['e', 3, id, 'drop', { id: 'a' }])
    const patch = await sock.next()
    assert.equal(patch[0], 'p')
    assert.equal(patch[1], id)
    assert.equal(patch[3], 3)
    await sock.quiet()
    // "a" is gone from the core, "b" kept its state.
    sock.send(['e', 4, a, 'toggle', {}])
    assert.deepEqual(await sock.next(), ['x', a, 4, 'component not joined on this connection'])
    sock.send(['e', 5, b, 'toggle', {}])
    assert.deepEqual(await sock.next(), ['p', b, 3, 5, [[1, [0, 0], '#text', 'b off']]])
    // Leaving the view unregisters its components too.
    sock.send(['l', 6, id])
    await new Promise((r) => setTimeout(r, 100))
    sock.send(['e', 7, b, 'toggle', {}])
    // Refused by the core once the server has unregistered it, by the server before.
    const refused = await sock.next()
    assert.deepEqual(refused.slice(0, 3), ['x', b, 7])
    assert.match(refused[3], /^(component not joined on this connection|not joined)$/)
    await sock.close()
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

test('server options are validated', () => {
  assert.throws(() => new LiveTSServer({ head: '<script>' }), TypeError)
  assert.throws(() => new LiveTSServer({ assets: { prefix: 'assets', dir: '.' } }), TypeError)
  assert.throws(() => new LiveTSServer({ assets: { prefix: '/_livets/x/', dir: '.' } }), TypeError)
  assert.throws(() => new LiveTSServer({ remountDelayMs: -1 }), TypeError)
  assert.throws(() => new LiveTSServer({ port: 70000 }), TypeError)
  assert.throws(() => new LiveTSServer({ secret: '' }), TypeError)
  const server = new LiveTSServer()
  assert.equal(server.port, null)
  class V extends Counter {}
  assert.throws(() => server.registerComponent('counter', V), TypeError)
  assert.throws(() => server.registerComponent('/a?b', V), TypeError)
  assert.throws(() => server.registerComponent('/_livets/x', V), TypeError)
  assert.throws(() => server.registerComponent('/live', V), TypeError)
  assert.throws(() => server.registerComponent('/x', class {}), TypeError)
  assert.equal(server.registerComponent('/g', V).route('/h/:id', V), server)
})
