'use strict'
// The N-API shim on its own: argument checks, error mapping, records.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const { requireNative } = require('../test-support/native')
const { get } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')

function server(n, config = {}) {
  const batches = []
  let wake = null
  const h = n.createServer(config, (records) => {
    batches.push(records)
    if (wake) wake()
  })
  const until = async (pred, ms = 3000) => {
    const deadline = Date.now() + ms
    for (;;) {
      const found = batches.flat().find(pred)
      if (found) return found
      if (Date.now() > deadline) throw new Error(`no matching record in ${JSON.stringify(batches)}`)
      await new Promise((r) => { wake = r; setTimeout(r, 50) })
    }
  }
  return { h, batches, until }
}

test('version matches the header the shim was built with', () => {
  const n = requireNative()
  assert.deepEqual(n.version(), { number: 300, string: '0.3.0' })
})

test('diff returns the patch as JSON text', () => {
  const n = requireNative()
  assert.equal(n.diff('<p>a</p>', '<p>a</p>'), '[]')
  const patch = JSON.parse(n.diff('<h1>Count</h1><span id="count">3</span>', '<h1>Count</h1><span id="count">4</span>'))
  assert.deepEqual(patch, [[1, [1, 0], '#text', '4']])
})

test('bad arguments throw TypeError with a plain message', () => {
  const n = requireNative()
  const noop = () => {}
  assert.throws(() => n.createServer(null, noop), { name: 'TypeError', message: 'config must be an object' })
  assert.throws(() => n.createServer({}, 'x'), { name: 'TypeError', message: 'onEvents must be a function' })
  assert.throws(() => n.createServer({ port: 70000 }, noop), { name: 'TypeError', message: /config.port must be an integer from 0 to 65535/ })
  assert.throws(() => n.createServer({ host: 1 }, noop), { name: 'TypeError', message: 'config.host must be a string' })
  assert.throws(() => n.start({}), { name: 'TypeError', message: 'server must be a handle from createServer' })
  assert.throws(() => n.diff('a'), { name: 'TypeError', message: 'newHtml must be a string' })
  const { h } = server(n)
  try {
    for (const bad of [-1, 1.5, 2 ** 53, '1', 1n, NaN, undefined]) {
      assert.throws(() => n.update(h, bad, 'c', 1, ''), { name: 'TypeError', message: 'conn must be a non-negative safe integer' }, String(bad))
    }
    assert.throws(() => n.update(h, 1, 2, 1, ''), { name: 'TypeError', message: 'component id must be a string' })
    assert.throws(() => n.respond(h, 1, 200, null, 5), { name: 'TypeError', message: 'body must be a string, Buffer or Uint8Array' })
    assert.throws(() => n.close(h, 1, 999, ''), { name: 'TypeError', message: /code must be an integer from 1000 to 4999/ })
  } finally {
    n.stop(h)
  }
})

test('core errors become Errors with the LTS code name and errno', async () => {
  const n = requireNative()
  const a = server(n)
  const b = server(n)
  try {
    assert.throws(() => n.update(a.h, 1, 'c', 1, 'x'), (err) => {
      assert.equal(err.code, 'LTS_ESTATE')
      assert.equal(err.errno, -3)
      assert.ok(err.message.length > 0 && !err.message.startsWith('LTS_'))
      return err instanceof Error && !(err instanceof TypeError)
    })
    const port = n.start(a.h)
    assert.ok(port > 0 && port < 65536)
    assert.throws(() => n.addStatic(a.h, '/s/', '/tmp'), { code: 'LTS_ESTATE' })
    assert.throws(() => n.respond(a.h, 1, 200, 'no line end', ''), { code: 'LTS_EPARSE', errno: -7 })
    const c = server(n, { port })
    assert.throws(() => n.start(c.h), { code: 'LTS_EADDRINUSE', errno: -5 })
    n.stop(c.h)
  } finally {
    n.stop(a.h)
    n.stop(b.h)
  }
  assert.throws(() => n.start(a.h), { code: 'LTS_ESTATE' }, 'a stopped server does not restart')
  n.stop(a.h) // idempotent
})

test('requests arrive as records and are answered with respond', async () => {
  const n = requireNative()
  const s = server(n)
  const port = n.start(s.h)
  try {
    const pending = new Promise((resolve, reject) => {
      const req = require('node:http').request(
        { host: '127.0.0.1', port, path: '/echo?q=1', method: 'POST', agent: false, headers: { 'X-Test': 'yes' } },
        (res) => {
          let body = ''
          res.on('data', (d) => (body += d))
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }))
        },
      )
      req.on('error', reject)
      req.end(Buffer.from([0x68, 0x69, 0xff]))
    })
    const rec = await s.until((r) => r.type === 'request')
    assert.equal(typeof rec.id, 'number')
    assert.equal(rec.method, 'POST')
    assert.equal(rec.target, '/echo?q=1')
    assert.match(rec.headers, /^X-Test: yes\r$/im)
    assert.ok(Buffer.isBuffer(rec.body))
    assert.deepEqual([...rec.body], [0x68, 0x69, 0xff])
    n.respond(s.h, rec.id, 201, 'X-Answer: 42\r\n', Buffer.from('made'))
    const res = await pending
    assert.equal(res.status, 201)
    assert.equal(res.headers['x-answer'], '42')
    assert.equal(res.body, 'made')
  } finally {
    n.stop(s.h)
  }
})

test('socket open and close arrive as records', async () => {
  const n = requireNative()
  const s = server(n, { wsPath: '/live' })
  const port = n.start(s.h)
  try {
    const sock = await LiveSocket.open(port)
    const open = await s.until((r) => r.type === 'open')
    assert.equal(typeof open.conn, 'number')
    assert.ok(open.conn > 0)
    assert.match(open.path, /^\/live/)
    await sock.close()
    const closed = await s.until((r) => r.type === 'close')
    assert.equal(closed.conn, open.conn)
    assert.equal(closed.code, 1000)
  } finally {
    n.stop(s.h)
  }
})

test('records that pile up while JavaScript is busy arrive in one batch', async () => {
  const n = requireNative()
  const s = server(n)
  const port = n.start(s.h)
  try {
    // The child sends five requests while this thread is blocked in spawnSync.
    const child = spawnSync(process.execPath, ['-e', `
      const net = require('net')
      for (let i = 0; i < 5; i++) {
        const c = net.connect(${port}, '127.0.0.1', () => c.write('GET /b' + i + ' HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n'))
        c.on('error', () => {})
      }
      setTimeout(() => process.exit(0), 400)
    `], { timeout: 5000 })
    assert.equal(child.status, 0)
    await s.until((r) => r.type === 'request' && r.target === '/b4')
    const withRequests = s.batches.filter((b) => b.some((r) => r.type === 'request'))
    assert.equal(withRequests.length, 1, `batches: ${JSON.stringify(s.batches.map((b) => b.length))}`)
    assert.equal(withRequests[0].filter((r) => r.type === 'request').length, 5)
    for (const r of withRequests[0]) n.respond(s.h, r.id, 204, null, null)
  } finally {
    n.stop(s.h)
  }
})
