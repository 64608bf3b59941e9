'use strict'
// LiveTSServer.attach(server): LiveTS inside a Node http.Server the app
// owns, plain or Express. The app keeps its port and routes; LiveTS takes
// its pages, its files and its live socket, whose connection the core
// adopts.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const https = require('node:https')
const net = require('node:net')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot, joinParams } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { quietLogger } = require('../test-support/fake-core')
const { Counter } = require('../test-support/views')

const { LiveTSServer } = load()
const WebSocket = require('/usr/share/nodejs/ws')

function loadExpress() {
  try {
    return require('/usr/share/nodejs/express')
  } catch (err) {
    throw new Error(`the attach tests need Debian's node-express (/usr/share/nodejs/express): ${err.message}`)
  }
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.closeAllConnections?.()
    server.close(() => resolve())
  })
}

/** A LiveTSServer attached to `server`, listening on a free port; `fn(port, live)`. */
async function withAttached(server, fn, options = {}) {
  requireNative()
  const live = new LiveTSServer({ secret: 'attach-secret', logger: quietLogger(), ...options })
  live.registerComponent('/counter', Counter)
  live.attach(server)
  const port = await listen(server)
  try {
    await fn(port, live)
  } finally {
    await live.close()
    await closeServer(server)
  }
}

/** Renders /counter through `port`, joins it over `port`'s live socket, and clicks +. */
async function joinAndClick(port) {
  const page = await get(port, '/counter?start=5')
  assert.equal(page.status, 200)
  const root = liveRoot(page.body)
  const sock = await LiveSocket.open(port)
  sock.send(['j', 1, root.id, root.token, joinParams(root, '/counter?start=5')])
  const render = await sock.next()
  assert.equal(render[0], 'r')
  assert.match(render[4], /<span id="count">5<\/span>/)
  sock.send(['e', 2, root.id, 'inc', null])
  assert.deepEqual(await sock.next(), ['p', root.id, 2, 2, [[1, [1, 0], '#text', '6']]])
  return sock
}

/** Sends a raw upgrade request and resolves with the first line of the answer. */
function rawUpgrade(port, path) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')
    })
    let text = ''
    socket.on('data', (chunk) => {
      text += chunk
      if (text.includes('\r\n')) {
        socket.destroy()
        resolve(text.slice(0, text.indexOf('\r\n')))
      }
    })
    socket.on('error', reject)
    socket.setTimeout(3000, () => socket.destroy(new Error(`no answer to the upgrade of ${path}`)))
  })
}

test('a plain http.Server keeps its own routes and serves the live page, the connector and the live socket', async () => {
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/plain')
    res.end(`node answered ${req.method} ${req.url}`)
  })
  await withAttached(server, async (port, live) => {
    assert.equal(live.port, null, 'LiveTS binds no port of its own')
    const own = await get(port, '/hello?x=1')
    assert.equal(own.status, 200)
    assert.equal(own.body, 'node answered GET /hello?x=1')
    assert.equal((await get(port, '/counter', 'POST')).body, 'node answered POST /counter', 'only GET and HEAD of a live route are LiveTS\'s')

    const page = await get(port, '/counter?start=5')
    assert.equal(page.status, 200)
    assert.match(page.headers['content-type'], /^text\/html; charset=utf-8/)
    assert.equal(page.headers['content-security-policy'], "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'")
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN')
    assert.equal(page.headers['cache-control'], 'no-store')
    assert.equal(Number(page.headers['content-length']), Buffer.byteLength(page.body))
    assert.match(page.body, /<span id="count">5<\/span>/)
    assert.ok(page.body.includes('<script defer src="/_livets/live.js"></script>'))
    const head = await get(port, '/counter', 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.body, '')
    assert.ok(Number(head.headers['content-length']) > 0)

    const sock = await joinAndClick(port)
    const stats = live.stats()
    assert.equal(stats.websockets, 1, 'the live socket is the core\'s')
    await new Promise((resolve) => server.getConnections((_err, n) => { assert.equal(n, 0, 'and no longer Node\'s'); resolve() }))
    await sock.close()
  })
})

test('the connector files come with their type, an ETag that revalidates to 304, HEAD and the core\'s path rules', async () => {
  const server = http.createServer((_req, res) => res.end('app'))
  await withAttached(server, async (port) => {
    const script = await get(port, '/_livets/livets.js')
    assert.equal(script.status, 200)
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8')
    assert.equal(script.headers['x-content-type-options'], 'nosniff')
    assert.equal(script.headers['cache-control'], 'no-cache')
    assert.match(script.headers.etag, /^"[0-9a-f]+-[0-9a-f]+"$/)
    const onDisk = fs.readFileSync(require.resolve('../../client/dist/livets.js'), 'utf8')
    assert.equal(script.body, onDisk)
    assert.equal(Number(script.headers['content-length']), Buffer.byteLength(onDisk))
    const again = await get(port, '/_livets/livets.js', 'GET', { 'If-None-Match': `"x", ${script.headers.etag}` })
    assert.equal(again.status, 304)
    assert.equal(again.body, '')
    assert.equal(again.headers.etag, script.headers.etag)
    const stale = await get(port, '/_livets/livets.js', 'GET', { 'If-None-Match': '"0-0"' })
    assert.equal(stale.status, 200)
    const head = await get(port, '/_livets/livets.js', 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.body, '')
    assert.equal(head.headers['content-length'], script.headers['content-length'])
    for (const bad of ['/_livets/missing.js', '/_livets/%2e%2e/package.json', '/_livets/..%2fpackage.json', '/_livets/.hidden', '/_livets/', '/_livets/a//b.js']) {
      assert.equal((await get(port, bad)).status, 404, bad)
    }
    const post = await get(port, '/_livets/livets.js', 'POST')
    assert.equal(post.status, 405)
    assert.equal(post.headers.allow, 'GET, HEAD')
  })
})

test('the assets option is served through the attached server too', async () => {
  const dir = fs.mkdtempSync('/tmp/livets-attach-')
  fs.writeFileSync(`${dir}/app.css`, 'body { color: red }')
  try {
    const server = http.createServer((_req, res) => res.end('app'))
    await withAttached(server, async (port) => {
      const css = await get(port, '/assets/app.css')
      assert.equal(css.status, 200)
      assert.equal(css.headers['content-type'], 'text/css; charset=utf-8')
      assert.equal(css.body, 'body { color: red }')
    }, { assets: { prefix: '/assets/', dir } })
  } finally {
    fs.rmSync(dir, { recursive: true })
  }
})

test('an Express app keeps its routes, middleware and WebSocket path; LiveTS takes its own first', async () => {
  const express = loadExpress()
  const app = express()
  const seen = []
  app.use((req, _res, next) => {
    seen.push(req.path)
    next()
  })
  app.get('/api/items', (_req, res) => res.json({ items: [1, 2] }))
  app.post('/counter', (_req, res) => res.send('a form post, answered by Express'))
  const server = http.createServer(app)
  // The app's own WebSocket endpoint, on another path.
  const echo = new WebSocket.Server({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/echo') return socket.destroy()
    echo.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => ws.send(`echo: ${data}`)))
  })
  await withAttached(server, async (port) => {
    const api = await get(port, '/api/items')
    assert.equal(api.status, 200)
    assert.deepEqual(JSON.parse(api.body), { items: [1, 2] })
    assert.equal((await get(port, '/counter', 'POST')).body, 'a form post, answered by Express')
    const missing = await get(port, '/nowhere')
    assert.equal(missing.status, 404)
    assert.match(missing.body, /Cannot GET \/nowhere/, 'Express answers what nobody routes')

    const sock = await joinAndClick(port)
    await sock.close()
    assert.equal((await get(port, '/_livets/live.js')).status, 200)
    assert.deepEqual(seen, ['/api/items', '/counter', '/nowhere'], 'LiveTS\'s requests never reach the app')

    const other = new WebSocket(`ws://127.0.0.1:${port}/echo`)
    const reply = await new Promise((resolve, reject) => {
      other.once('open', () => other.send('ping'))
      other.once('message', (data) => resolve(String(data)))
      other.once('error', reject)
    })
    assert.equal(reply, 'echo: ping')
    other.close()
    echo.close()
  })
})

test('an upgrade of another path with no listener of the app is answered 404', async () => {
  const server = http.createServer((_req, res) => res.end('app'))
  await withAttached(server, async (port) => {
    assert.equal(await rawUpgrade(port, '/elsewhere'), 'HTTP/1.1 404 Not Found')
    assert.equal(await rawUpgrade(port, '/live?v=1'), 'HTTP/1.1 101 Switching Protocols')
  })
})

test('frames sent with the upgrade request, before the 101, reach the core too', async () => {
  const server = http.createServer((_req, res) => res.end('app'))
  await withAttached(server, async (port) => {
    const payload = Buffer.from('["e",7,"nobody","inc",{}]')
    const mask = Buffer.from([1, 2, 3, 4])
    const frame = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((b, i) => b ^ mask[i & 3])])
    const head = `GET /live?v=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
    const socket = net.connect(port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    // One write: Node reads the frame with the head and passes it on as the upgrade's `head`.
    socket.write(Buffer.concat([Buffer.from(head), frame]))
    let received = Buffer.alloc(0)
    const answer = await new Promise((resolve, reject) => {
      socket.on('data', (chunk) => {
        received = Buffer.concat([received, chunk])
        const end = received.indexOf('\r\n\r\n')
        if (end === -1 || received.length < end + 6) return
        const body = received.subarray(end + 4)
        if (body.length >= 2 + body[1]) resolve({ status: received.subarray(0, received.indexOf('\r\n')).toString(), text: body.subarray(2, 2 + body[1]).toString() })
      })
      socket.on('error', reject)
      socket.setTimeout(3000, () => reject(new Error('no answer to the early frame')))
    })
    socket.destroy()
    assert.equal(answer.status, 'HTTP/1.1 101 Switching Protocols')
    assert.deepEqual(JSON.parse(answer.text), ['x', 'nobody', 7, 'component not joined on this connection'])
  })
})

test('close() gives the server back to the app; closing the Node server closes an attach-only LiveTS', async () => {
  requireNative()
  const server = http.createServer((req, res) => res.end(`app ${req.url}`))
  const live = new LiveTSServer({ secret: 's', logger: quietLogger() }).registerComponent('/counter', Counter)
  live.attach(server)
  const port = await listen(server)
  assert.match((await get(port, '/counter')).body, /data-livets-token/)
  await live.close()
  assert.equal((await get(port, '/counter')).body, 'app /counter')
  assert.equal(server.listenerCount('upgrade'), 0)
  assert.equal(await rawUpgrade(port, '/live'), 'HTTP/1.1 200 OK', 'with no upgrade listener left, Node hands an upgrade to the app as a request')
  await closeServer(server)

  const second = http.createServer((_req, res) => res.end('app'))
  const again = new LiveTSServer({ secret: 's', logger: quietLogger() }).registerComponent('/counter', Counter)
  again.attach(second)
  const secondPort = await listen(second)
  const sock = await joinAndClick(secondPort)
  await closeServer(second)
  await new Promise((resolve) => setTimeout(resolve, 100))
  assert.throws(() => again.stats(), /not listening/)
  await assert.rejects(sock.next(), /socket closed \(1001\)/)
})

test('attach refuses what it cannot serve, and works beside listen()', async () => {
  requireNative()
  const live = new LiveTSServer({ secret: 's', logger: quietLogger() })
  assert.throws(() => live.attach(https.createServer()), /plain http\.Server/)
  assert.throws(() => live.attach({}), /needs an http\.Server/)
  const server = http.createServer()
  live.attach(server)
  assert.throws(() => live.attach(server), /already attached/)
  await assert.rejects(live.listen(), /call listen\(\) before attach\(\)/)
  await live.close()

  const both = new LiveTSServer({ secret: 's', logger: quietLogger() }).registerComponent('/counter', Counter)
  const own = await both.listen()
  const app = http.createServer((_req, res) => res.end('app'))
  both.attach(app)
  const appPort = await listen(app)
  assert.equal(both.port, own)
  const sock = await joinAndClick(appPort)
  await sock.close()
  assert.match((await get(own, '/counter')).body, /data-livets-token/, 'its own port serves on')
  await closeServer(app)
  assert.equal(both.stats().websockets, 0, 'a LiveTS that listens itself outlives the server it was attached to')
  await both.close()
})

test('the shim passes the core\'s answers on: a bad descriptor, a server not running', async () => {
  const native = requireNative()
  const handle = native.createServer({ wsPath: '/live' }, () => {})
  const head = Buffer.from('GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
  const peer = net.createServer()
  const port = await new Promise((resolve) => peer.listen(0, '127.0.0.1', () => resolve(peer.address().port)))
  const client = net.connect(port, '127.0.0.1')
  await new Promise((resolve) => client.once('connect', resolve))
  const connected = client._handle.fd
  try {
    assert.throws(() => native.adopt(handle, connected, head), { code: 'LTS_ESTATE', message: /not started/ })
    native.startUnbound(handle)
    assert.throws(() => native.startUnbound(handle), { code: 'LTS_ESTATE' })
    assert.throws(() => native.adopt(handle, -1, head), { code: 'LTS_EINVAL', message: /fd -1 is negative/ })
    assert.throws(() => native.adopt(handle, peer._handle.fd, head), { code: 'LTS_EINVAL', message: /listening socket/ })
    const file = fs.openSync('/dev/null', 'r')
    try {
      assert.throws(() => native.adopt(handle, file, head), { code: 'LTS_EINVAL', message: /is not a socket/ })
    } finally {
      fs.closeSync(file)
    }
    assert.throws(() => native.adopt(handle, 1.5, head), TypeError)
    assert.throws(() => native.adopt(handle, connected, 42), TypeError)
    native.stop(handle)
    assert.throws(() => native.adopt(handle, connected, head), { code: 'LTS_ESTATE', message: /stopped/ })
  } finally {
    client.destroy()
    peer.close()
  }
})
