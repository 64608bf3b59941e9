'use strict'
// LiveTSServer's options against hostile clients and oversized output,
// through the real core: what reaches the core, what a page answers, what
// is logged.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot, joinParams } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { quietLogger } = require('../test-support/fake-core')

const { LiveTSServer, LiveView, html } = load()

class Sized extends LiveView {
  static events = ['grow', 'inc']
  state = { size: 10, count: 0 }
  mount(params) { if (params.size) this.setState({ size: Number(params.size) }) }
  render() { return html`<p>${this.state.count}</p><pre>${'x'.repeat(this.state.size)}</pre>` }
  handleEvent(event, payload) {
    if (event === 'grow') this.setState({ size: Number(payload.size) })
    if (event === 'inc') this.setState({ count: this.state.count + 1 })
  }
}

async function withServer(options, fn) {
  requireNative()
  const logger = quietLogger()
  const server = new LiveTSServer({ secret: 'limits', logger, ...options })
  server.registerComponent('/sized', Sized)
  const port = await server.listen()
  try {
    await fn(port, logger, server)
  } finally {
    await server.close()
  }
}

test('the core limit options are checked at construction, each TypeError naming its option', () => {
  const bad = {
    maxViewsPerConnection: 0, maxConnectionsPerIp: 1.5, maxConnections: -1, messageTimeoutMs: '10', maxPartialBytes: NaN,
    maxHostQueueBytes: 0, maxHostQueueBytesTotal: Infinity, eventRate: 2 ** 31, eventBurst: null, joinRate: true, joinBurst: 0,
    pageRate: -5, pageBurst: 'many', maxResponseBytes: 0.5, maxLiveMessageBytes: -1, allowedHosts: 'example.com',
    trustedProxies: ['10.0.0.1,10.0.0.2'], httpsOrigins: 'yes', allowedOrigins: 'https://a.example', headerTimeoutMs: 0,
    idleTimeoutMs: 1e12, pingIntervalMs: '30s', disableCompression: 1, maxPageBytes: 0, frameAncestors: "'self'; script-src *",
    longPolling: 'off',
  }
  for (const [name, value] of Object.entries(bad)) {
    assert.throws(() => new LiveTSServer({ [name]: value }), (err) => err instanceof TypeError && err.message.startsWith(`${name} must be`), name)
  }
  assert.throws(() => new LiveTSServer({ allowedHosts: [] }), /allowedHosts must be a non-empty array/)
})

test('the core limit options go to the core under their own names, and absent ones are left out', () => {
  const { coreLimits } = load('core-limits')
  const limits = {
    maxViewsPerConnection: 7, maxConnectionsPerIp: 50, maxConnections: 900, messageTimeoutMs: 5000, maxPartialBytes: 1 << 25,
    maxHostQueueBytes: 1 << 21, maxHostQueueBytesTotal: 1 << 25, eventRate: 50, eventBurst: 80, joinRate: 5, joinBurst: 12,
    pageRate: 9, pageBurst: 40, maxResponseBytes: 1 << 23, maxLiveMessageBytes: 1 << 21, maxMessageBytes: 1 << 20,
    maxOutboundBytes: 1 << 22, allowedHosts: ['example.com', 'www.example.com'], trustedProxies: ['10.0.0.1'], httpsOrigins: true,
    allowedOrigins: '*', headerTimeoutMs: 4000, idleTimeoutMs: 30000, pingIntervalMs: 20000, disableCompression: true,
    longPolling: false,
  }
  assert.deepEqual(coreLimits({ ...limits, title: 'not a core option', port: 0 }), limits)
  assert.deepEqual(coreLimits({}), {})
  assert.deepEqual(coreLimits({ eventRate: undefined }), {})
})

test('a limit option set on the server is the one the core enforces', async () => {
  await withServer({ maxViewsPerConnection: 1 }, async (port) => {
    const a = liveRoot((await get(port, '/sized')).body)
    const b = liveRoot((await get(port, '/sized')).body)
    const sock = await LiveSocket.open(port)
    sock.send(['j', 1, a.id, a.token, joinParams(a, '/sized')])
    assert.equal((await sock.next())[0], 'r')
    sock.send(['j', 2, b.id, b.token, joinParams(b, '/sized')])
    assert.deepEqual(await sock.next(), ['x', b.id, 2, 'too many views'])
    await sock.close()
  })
})

test('longPolling: false reaches the core: /live/poll is then an ordinary path', async () => {
  const open = (port) => new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/live/poll?v=1' }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', reject)
    req.end()
  })
  assert.throws(() => new LiveTSServer({}).registerComponent('/live/poll', class {}), /path \/live\/poll is taken by LiveTS itself/)
  await withServer({}, async (port) => assert.equal(await open(port), 200))
  await withServer({ longPolling: false }, async (port) => assert.equal(await open(port), 404))
})

test('pages are sent with frame-ancestors and X-Frame-Options; frameAncestors changes both', async () => {
  await withServer({}, async (port) => {
    for (const path of ['/sized', '/missing']) {
      const page = await get(port, path)
      assert.match(page.headers['content-security-policy'], /; frame-ancestors 'self'$/, path)
      assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN', path)
    }
  })
  await withServer({ frameAncestors: "'none'" }, async (port) => {
    const page = await get(port, '/sized')
    assert.match(page.headers['content-security-policy'], /; frame-ancestors 'none'$/)
    assert.equal(page.headers['x-frame-options'], 'DENY')
  })
  await withServer({ frameAncestors: "'self' https://admin.example.com" }, async (port) => {
    const page = await get(port, '/sized')
    assert.match(page.headers['content-security-policy'], /; frame-ancestors 'self' https:\/\/admin\.example\.com$/)
    // X-Frame-Options cannot name another origin: CSP alone says it.
    assert.equal(page.headers['x-frame-options'], undefined)
  })
})

test('a page over maxPageBytes is answered 500 and logged with view, route, size, limit and option', async () => {
  await withServer({ maxPageBytes: 100_000 }, async (port, logger) => {
    const small = await get(port, '/sized?size=1000')
    assert.equal(small.status, 200)
    const big = await get(port, '/sized?size=200000')
    assert.equal(big.status, 500)
    assert.match(big.body, /500 Internal Server Error/)
    assert.equal(logger.lines.error.length, 1)
    assert.match(logger.lines.error[0], /^\[livets\] page \/sized\?size=200000: Sized \(\/sized\) rendered 200,\d{3} bytes, over maxPageBytes \(100,000 bytes\); answered 500\./)
  })
})

test('a 5 MB page is served whole under the default limits', async () => {
  await withServer({}, async (port, logger) => {
    const page = await get(port, '/sized?size=5000000')
    assert.equal(page.status, 200)
    assert.ok(page.body.length > 5_000_000)
    assert.deepEqual(logger.lines.error, [])
  })
})

test('a live update over maxLiveMessageBytes is not sent: the event is answered "update too large" and the view stays live with its state', async () => {
  await withServer({ maxLiveMessageBytes: 50_000 }, async (port, logger) => {
    const page = await get(port, '/sized')
    const root = liveRoot(page.body)
    const sock = await LiveSocket.open(port)
    sock.send(['j', 1, root.id, root.token, joinParams(root, '/sized')])
    assert.equal((await sock.next())[0], 'r')
    sock.send(['e', 2, root.id, 'inc', null])
    assert.equal((await sock.next())[0], 'p')
    sock.send(['e', 3, root.id, 'grow', { size: 60_000 }])
    assert.deepEqual(await sock.next(), ['x', root.id, 3, 'update too large'])
    assert.equal(logger.lines.error.length, 1)
    assert.match(logger.lines.error[0], /^\[livets\] Sized \(\/sized\): a render of 60,\d{3} bytes is over maxLiveMessageBytes \(50,000 bytes\) and was not sent/)
    // The view kept its state (count 1) and answers the next event with a patch from the last render sent.
    sock.send(['e', 4, root.id, 'grow', { size: 20 }])
    const patch = await sock.next()
    assert.deepEqual(patch.slice(0, 4), ['p', root.id, 3, 4])
    sock.send(['s', 5, root.id])
    const render = await sock.next()
    assert.equal(render[0], 'r')
    assert.match(render[4], /^<p>1<\/p><pre>x{20}<\/pre>$/)
    await sock.close()
  })
})

test('refusals the core makes itself are logged as one line each, with cause and address', async () => {
  await withServer({}, async (port, logger) => {
    const refused = await get(port, '/sized', 'GET', { host: 'rebound.example' })
    assert.equal(refused.status, 400)
    const deadline = Date.now() + 5000
    while (!logger.lines.warn.some((l) => l.includes('host_not_allowed')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    const line = logger.lines.warn.find((l) => l.includes('host_not_allowed'))
    assert.match(line, /^\[livets\] refused \(host_not_allowed\) from 127\.0\.0\.1: .*rebound\.example.*allowed_hosts/)
  })
})

test('allowedHosts reaches the core: a listed name is served', async () => {
  await withServer({ allowedHosts: ['app.example'] }, async (port) => {
    assert.equal((await get(port, '/sized', 'GET', { host: `app.example:${port}` })).status, 200)
    assert.equal((await get(port, '/sized', 'GET', { host: 'other.example' })).status, 400)
  })
})
