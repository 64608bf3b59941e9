'use strict'
// Your own handler on the live views' port: Debian's Express 4, unchanged,
// through the real core, with real sockets. Bodies stream both ways with
// backpressure; limits, aborts, 100-continue and keep-alive are the core's.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('crypto')
const http = require('http')
const net = require('net')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { quietLogger } = require('../test-support/fake-core')

const express = require('express')
const { LiveTSServer, LiveView, html } = load()

class Hello extends LiveView {
  render() { return html`<p>live hello</p>` }
}

async function withServer(options, fn) {
  requireNative()
  const logger = quietLogger()
  const server = new LiveTSServer({ secret: 'http-handler', logger, ...options })
  server.registerComponent('/live-page', Hello)
  const port = await server.listen()
  try {
    await fn(port, logger)
  } finally {
    await server.close()
  }
}

/** One request; resolves with status, headers and the body as a Buffer. */
function request(port, { method = 'GET', path = '/', headers = {}, body, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

/** Raw bytes out, and everything read until `done(text)` says so or the peer closes. */
function raw(port, write, done) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let text = ''
    const finish = () => { socket.destroy(); resolve(text) }
    socket.on('data', (d) => {
      text += d.toString('latin1')
      if (done(text, socket)) finish()
    })
    socket.on('end', finish)
    socket.on('error', reject)
    socket.on('connect', () => write(socket))
  })
}

function app() {
  const a = express()
  a.use(express.json())
  a.use(express.urlencoded({ extended: false }))
  a.get('/api/hello', (req, res) => res.json({ name: req.query.name, ip: req.ip, protocol: req.protocol }))
  a.post('/api/echo', (req, res) => res.cookie('seen', 'yes', { httpOnly: true }).json({ body: req.body, type: req.headers['content-type'] }))
  const router = express.Router()
  router.get('/items/:id', (req, res) => res.json({ id: req.params.id, base: req.baseUrl }))
  router.delete('/items/:id', (req, res) => res.sendStatus(204))
  a.use('/api/v1', router)
  a.get('/go', (req, res) => res.redirect(303, '/api/hello?name=redirected'))
  a.get('/broken', () => { throw new Error('broken route') })
  a.get('/teapot', (req, res, next) => next(Object.assign(new Error('no coffee'), { status: 418 })))
  // eslint-disable-next-line no-unused-vars
  a.use((err, req, res, next) => res.status(err.status ?? 500).json({ error: err.message }))
  return a
}

test('an Express app answers GET JSON, POST JSON and forms, routers, redirects and its error handler', async () => {
  await withServer({ handler: app() }, async (port) => {
    const hello = await request(port, { path: '/api/hello?name=ada' })
    assert.equal(hello.status, 200)
    assert.match(hello.headers['content-type'], /^application\/json/)
    assert.deepEqual(JSON.parse(hello.body), { name: 'ada', ip: '127.0.0.1', protocol: 'http' })

    const json = await request(port, {
      method: 'POST', path: '/api/echo', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: [1, 'two'] }),
    })
    assert.equal(json.status, 200)
    assert.deepEqual(JSON.parse(json.body).body, { a: [1, 'two'] })
    assert.deepEqual(json.headers['set-cookie'], ['seen=yes; Path=/; HttpOnly'])

    const form = await request(port, {
      method: 'POST', path: '/api/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'q=a+b&r=%C3%A9',
    })
    assert.deepEqual(JSON.parse(form.body).body, { q: 'a b', r: 'é' })

    assert.deepEqual(JSON.parse((await request(port, { path: '/api/v1/items/42' })).body), { id: '42', base: '/api/v1' })
    const deleted = await request(port, { method: 'DELETE', path: '/api/v1/items/42' })
    assert.equal(deleted.status, 204)
    assert.equal(deleted.body.length, 0)

    const redirect = await request(port, { path: '/go' })
    assert.equal(redirect.status, 303)
    assert.equal(redirect.headers.location, '/api/hello?name=redirected')

    const broken = await request(port, { path: '/broken' })
    assert.equal(broken.status, 500)
    assert.deepEqual(JSON.parse(broken.body), { error: 'broken route' })
    assert.equal((await request(port, { path: '/teapot' })).status, 418)

    const missing = await request(port, { method: 'PATCH', path: '/nowhere' })
    assert.equal(missing.status, 404, "Express's own 404")
    assert.match(missing.body.toString(), /Cannot PATCH \/nowhere/)

    const page = await request(port, { path: '/live-page' })
    assert.equal(page.status, 200)
    assert.match(page.body.toString(), /live hello/, 'live pages are still rendered by LiveTS')
  })
})

test('a handler that throws gets 500 and a log line, and the server goes on', async () => {
  let calls = 0
  const handler = (req, res) => {
    calls += 1
    if (req.url === '/sync') throw new Error('sync failure')
    if (req.url === '/async') return Promise.reject(new Error('async failure'))
    res.end('fine')
  }
  await withServer({ handler }, async (port, logger) => {
    assert.equal((await request(port, { path: '/sync' })).status, 500)
    assert.equal((await request(port, { path: '/async' })).status, 500)
    assert.equal((await request(port, { path: '/ok' })).body.toString(), 'fine')
    assert.equal(calls, 3)
    assert.equal(logger.lines.error.length, 2)
    assert.match(logger.lines.error[0], /GET \/sync threw:.*sync failure/s)
    assert.match(logger.lines.error[1], /async failure/)
  })
})

test('without a handler, requests that are not pages get 404 as before', async () => {
  await withServer({}, async (port) => {
    assert.equal((await request(port, { method: 'POST', path: '/api/echo', headers: { 'content-length': '1' }, body: 'x' })).status, 404)
    assert.equal((await request(port, { path: '/api/hello' })).status, 404)
    assert.equal((await request(port, { path: '/live-page' })).status, 200)
  })
})

/** Reads the whole body and answers its length and SHA-256. */
function digestHandler(req, res) {
  const hash = crypto.createHash('sha256')
  let bytes = 0
  req.on('data', (chunk) => { bytes += chunk.length; hash.update(chunk) })
  req.on('end', () => res.end(JSON.stringify({ bytes, sha256: hash.digest('hex'), complete: req.complete })))
}

test('bodies arrive whole: empty, chunked, and 5 MB streamed; over maxBodyBytes is 413', async () => {
  await withServer({ handler: digestHandler, maxBodyBytes: 6 << 20 }, async (port) => {
    const empty = JSON.parse((await request(port, { method: 'POST', path: '/', headers: { 'content-length': '0' } })).body)
    assert.deepEqual(empty, { bytes: 0, sha256: crypto.createHash('sha256').digest('hex'), complete: true })

    // Node's client sends chunked when no length is given.
    const parts = ['first part, ', 'second part, ', 'third']
    const chunked = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/' }, (res) => {
        let text = ''
        res.on('data', (d) => { text += d })
        res.on('end', () => resolve(JSON.parse(text)))
      })
      req.on('error', reject)
      for (const part of parts) req.write(part)
      req.end()
    })
    assert.equal(chunked.bytes, parts.join('').length)
    assert.equal(chunked.sha256, crypto.createHash('sha256').update(parts.join('')).digest('hex'))

    const big = crypto.randomBytes(5 << 20)
    const streamed = JSON.parse((await request(port, { method: 'POST', path: '/', body: big })).body)
    assert.equal(streamed.bytes, big.length)
    assert.equal(streamed.sha256, crypto.createHash('sha256').update(big).digest('hex'))

    const declared = await raw(port, (s) => s.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${7 << 20}\r\n\r\n`), () => false)
    assert.match(declared, /^HTTP\/1\.1 413 /)
    const overflow = await raw(port, (s) => {
      s.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n')
      const piece = Buffer.alloc(1 << 20, 'a')
      for (let i = 0; i < 7; i++) s.write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]))
    }, () => false)
    assert.match(overflow, /^HTTP\/1\.1 413 /, 'a chunked body is cut off when it passes the limit')
  })
})

test('Expect: 100-continue gets 100 Continue before the body is sent', async () => {
  await withServer({ handler: digestHandler }, async (port) => {
    let sentBody = false
    const text = await raw(port, (s) => {
      s.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n')
    }, (text, s) => {
      if (!sentBody && text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        sentBody = true
        s.write('hello')
      }
      return text.includes('"bytes":5')
    })
    assert.ok(sentBody, text)
    assert.match(text, /HTTP\/1\.1 200 OK/)
  })
})

test('a response bigger than the socket buffers is written with backpressure to a slow reader', async () => {
  const total = 16 << 20
  let refusals = 0
  const handler = (req, res) => {
    res.setHeader('Content-Type', 'application/octet-stream')
    const chunk = Buffer.alloc(64 << 10, 'x')
    let sent = 0
    const pump = () => {
      while (sent < total) {
        sent += chunk.length
        if (!res.write(chunk)) {
          refusals += 1
          res.once('drain', pump)
          return
        }
      }
      res.end()
    }
    pump()
  }
  await withServer({ handler }, async (port) => {
    const received = await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/big' }, (res) => {
        let bytes = 0
        res.pause()
        setTimeout(() => res.resume(), 300)
        res.on('data', (c) => { bytes += c.length })
        res.on('end', () => resolve({ bytes, encoding: res.headers['transfer-encoding'] }))
      }).on('error', reject)
    })
    assert.equal(received.bytes, total)
    assert.equal(received.encoding, 'chunked')
    assert.ok(refusals > 0, 'write() said to wait at least once')
  })
})

test('a client leaving mid-body aborts the request: aborted and close, no finish', async () => {
  const seen = []
  let settled
  const over = new Promise((resolve) => { settled = resolve })
  const handler = (req, res) => {
    req.on('data', () => {})
    req.on('aborted', () => seen.push('req aborted'))
    req.on('close', () => seen.push('req close'))
    res.on('finish', () => seen.push('res finish'))
    res.on('close', () => { seen.push('res close'); settled() })
  }
  await withServer({ handler }, async (port) => {
    const socket = net.connect(port, '127.0.0.1')
    await new Promise((resolve) => socket.on('connect', resolve))
    socket.write(`POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${1 << 20}\r\n\r\n`)
    socket.write(Buffer.alloc(100_000, 'a'))
    await new Promise((resolve) => setTimeout(resolve, 100))
    socket.destroy()
    await over
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(seen.sort(), ['req aborted', 'req close', 'res close'])
  })
})

test('keep-alive: pipelined requests on one connection are answered in order', async () => {
  await withServer({ handler: app() }, async (port) => {
    const body = JSON.stringify({ n: 2 })
    const text = await raw(port, (s) => {
      s.write('GET /api/hello?name=one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' +
        `POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        'GET /api/v1/items/3 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    }, (t) => t.includes('"id":"3"'))
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1])
    assert.deepEqual(statuses, ['200', '200', '200'])
    const one = text.indexOf('"name":"one"'), two = text.indexOf('"n":2'), three = text.indexOf('"id":"3"')
    assert.ok(one > 0 && one < two && two < three, text)
    assert.equal((text.match(/Connection: keep-alive/g) ?? []).length, 3)

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const ports = new Set()
    for (let i = 0; i < 5; i++) {
      const r = await request(port, { method: 'POST', path: '/api/echo', headers: { 'content-type': 'application/json' }, body: `{"i":${i}}`, agent })
      assert.deepEqual(JSON.parse(r.body).body, { i })
      for (const socket of Object.values(agent.freeSockets).flat()) ports.add(socket.localPort)
    }
    agent.destroy()
    assert.equal(ports.size, 1, 'one connection served them all')
  })
})

/** The resident set of a process, in bytes, from /proc. */
function rss(pid) {
  const status = require('fs').readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024
}

test('a 100 MB upload streams through a server whose memory stays flat', { timeout: 60_000 }, async () => {
  requireNative()
  const { spawn } = require('child_process')
  const dist = require('path').join(__dirname, '..', 'dist', 'index.js')
  // The server runs in a process of its own, so its RSS is its own.
  const child = spawn(process.execPath, ['-e', `
    const crypto = require('crypto')
    const { LiveTSServer } = require(${JSON.stringify(dist)})
    const handler = (req, res) => {
      const hash = crypto.createHash('sha256')
      let bytes = 0
      req.on('data', (c) => { bytes += c.length; hash.update(c) })
      req.on('end', () => res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') })))
    }
    new LiveTSServer({ handler, maxBodyBytes: 200 << 20, logger: console }).listen().then((port) => console.log(port))
  `], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const port = await new Promise((resolve, reject) => {
      child.stdout.once('data', (d) => resolve(Number(String(d).trim())))
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)))
    })
    const piece = crypto.randomBytes(1 << 20)
    const total = 100
    const upload = () => new Promise((resolve, reject) => {
      const hash = crypto.createHash('sha256')
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-length': String(total * piece.length) } }, (res) => {
        let text = ''
        res.on('data', (d) => { text += d })
        res.on('end', () => resolve({ ...JSON.parse(text), expected: hash.digest('hex') }))
      })
      req.on('error', reject)
      let sent = 0
      const pump = () => {
        while (sent < total) {
          sent += 1
          hash.update(piece)
          if (!req.write(piece)) return req.once('drain', pump)
        }
        req.end()
      }
      pump()
    })
    // The first uploads grow the heaps to their working size (V8's young
    // generation, malloc's arenas on the loop thread): a fixed ~30 MB
    // whether the body is 30 MB or 190 MB, reached later when the machine
    // is busy and the garbage collector runs late. The third shows whether
    // anything grows with the bytes that pass: a body held in memory would
    // be 100 MB; 16 MB leaves room for a late collection on a loaded machine.
    for (let warm = 0; warm < 2; warm++) {
      const first = await upload()
      assert.equal(first.sha256, first.expected)
    }
    const before = rss(child.pid)
    let peak = before
    const sampler = setInterval(() => { peak = Math.max(peak, rss(child.pid)) }, 20)
    const answer = await upload()
    clearInterval(sampler)
    peak = Math.max(peak, rss(child.pid))
    assert.equal(answer.bytes, total * piece.length)
    assert.equal(answer.sha256, answer.expected)
    const growth = peak - before
    assert.ok(growth < 16 << 20, `the server grew by ${(growth / 1048576).toFixed(1)} MB reading a 100 MB body`)
  } finally {
    child.kill()
  }
})

test('HEAD gets the head alone, and a body that stops arriving gets 408', async () => {
  const handler = (req, res) => {
    if (req.method === 'HEAD') return res.end('not sent')
    req.on('data', () => {})
    req.on('end', () => res.end('late'))
  }
  await withServer({ handler, bodyTimeoutMs: 200 }, async (port) => {
    const head = await raw(port, (s) => s.write('HEAD /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'), () => false)
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/)
    assert.ok(head.endsWith('\r\n\r\n'), `no body after the head: ${JSON.stringify(head)}`)
    assert.match(head, /Content-Length: 8\r\n/i, 'the length the body would have had')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const stalled = await raw(port, (s) => s.write('POST /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nabc'), () => false)
    assert.match(stalled, /^HTTP\/1\.1 408 /)
  })
  assert.throws(() => new LiveTSServer({ handler: 'app' }), /handler must be a function/)
  assert.throws(() => new LiveTSServer({ maxBodyBytes: -1 }), /maxBodyBytes must be a positive whole number/)
})

test('framing follows the client and the headers: chunked for 1.1, until close for 1.0, Content-Length as given', async () => {
  const handler = (req, res) => {
    if (req.url === '/sized') res.setHeader('Content-Length', 2)
    res.write('a')
    setImmediate(() => res.end('b'))
  }
  await withServer({ handler }, async (port) => {
    const old = await raw(port, (s) => s.write('GET /x HTTP/1.0\r\n\r\n'), () => false)
    assert.match(old, /^HTTP\/1\.1 200 OK\r\n/)
    assert.match(old, /Connection: close\r\n/)
    assert.doesNotMatch(old, /Transfer-Encoding/i)
    assert.ok(old.endsWith('\r\n\r\nab'), JSON.stringify(old))
    const current = await request(port, { path: '/x' })
    assert.equal(current.headers['transfer-encoding'], 'chunked')
    assert.equal(current.body.toString(), 'ab')
    const sized = await request(port, { path: '/sized' })
    assert.equal(sized.headers['content-length'], '2')
    assert.equal(sized.headers['transfer-encoding'], undefined)
    assert.equal(sized.body.toString(), 'ab')
  })
})

test('a response ended in one go: writeHead wrappers still run, the reason and finish arrive, a short body closes', async () => {
  const finished = []
  const handler = (req, res) => {
    // What on-headers (express-session, morgan) does: wrap writeHead to set headers last.
    const writeHead = res.writeHead
    res.writeHead = function (...args) {
      res.setHeader('X-Set-Last', 'yes')
      return writeHead.apply(this, args)
    }
    res.on('finish', () => finished.push(req.url))
    if (req.url === '/short') res.setHeader('Content-Length', 9)
    res.statusMessage = 'Fine Indeed'
    res.end('whole')
  }
  await withServer({ handler }, async (port) => {
    const whole = await raw(port, (s) => s.write('POST /whole HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi'),
                            (text) => text.endsWith('whole'))
    assert.match(whole, /^HTTP\/1\.1 200 Fine Indeed\r\n/)
    assert.match(whole, /\r\nX-Set-Last: yes\r\n/)
    assert.match(whole, /\r\nContent-Length: 5\r\n/)
    assert.match(whole, /\r\nConnection: keep-alive\r\n/)
    const short = await raw(port, (s) => s.write('GET /short HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'), () => false)
    assert.match(short, /\r\nConnection: close\r\n/, 'the head says the connection ends with the short body')
    assert.ok(short.endsWith('\r\n\r\nwhole'), JSON.stringify(short))
    // 'finish' follows the core's done record, which may come after the socket's end.
    for (let i = 0; i < 100 && finished.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.deepEqual(finished.sort(), ['/short', '/whole'])
  })
})

test('express.static and piped file streams: the body, ETag revalidation (304) and HEAD', async () => {
  const fs = require('fs')
  const os = require('os')
  const path = require('path')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-static-'))
  const content = crypto.randomBytes(300_000)
  fs.writeFileSync(path.join(dir, 'blob.bin'), content)
  const a = express()
  a.use('/files', express.static(dir))
  a.get('/piped', (req, res) => fs.createReadStream(path.join(dir, 'blob.bin')).pipe(res))
  try {
    await withServer({ handler: a }, async (port) => {
      const first = await request(port, { path: '/files/blob.bin' })
      assert.equal(first.status, 200)
      assert.ok(first.body.equals(content))
      assert.ok(first.headers.etag)
      const again = await request(port, { path: '/files/blob.bin', headers: { 'if-none-match': first.headers.etag } })
      assert.equal(again.status, 304)
      assert.equal(again.body.length, 0)
      const head = await request(port, { method: 'HEAD', path: '/files/blob.bin' })
      assert.equal(head.headers['content-length'], String(content.length))
      const piped = await request(port, { path: '/piped' })
      assert.ok(piped.body.equals(content))
    })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
