'use strict'
// Process lifetime: a running server keeps Node alive, a closed one lets it
// exit, and teardown with traffic in flight does not crash.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const net = require('node:net')
const { spawn } = require('node:child_process')
const { Worker } = require('node:worker_threads')
const { requireNative, nodeFile } = require('../test-support/native')

const helpers = path.join(__dirname, '..', 'test-support')

// Runs `source` in a fresh Node; resolves {code, signal, out, err} or
// rejects if it is still running after `ms`.
function run(source, ms = 10000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', source], { cwd: helpers, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`child still running after ${ms} ms; stdout: ${out} stderr: ${err}`))
    }, ms)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, out, err })
    })
  })
}

const prelude = `
  const { load } = require('./livets')
  const { get, liveRoot, joinParams } = require('./http')
  const { LiveSocket } = require('./ws')
  const { Counter } = require('./views')
  const { LiveTSServer } = load()
`

test('close() lets the process exit by itself, even after live traffic', async () => {
  requireNative()
  const r = await run(`${prelude}
    ;(async () => {
      const server = new LiveTSServer()
      server.registerComponent('/counter', Counter)
      const port = await server.listen()
      const root = liveRoot((await get(port, '/counter')).body)
      const { id, token } = root
      const sock = await LiveSocket.open(port)
      sock.send(['j', 1, id, token, joinParams(root)])
      await sock.next()
      sock.send(['e', 2, id, 'inc', null])
      await sock.next()
      await server.close()
      console.log('closed')
    })().catch((e) => { console.error(e); process.exitCode = 1 })
  `)
  assert.equal(r.code, 0, r.err)
  assert.equal(r.out.trim(), 'closed')
})

test('a listening server keeps the process alive', async () => {
  requireNative()
  const r = await run(`${prelude}
    const server = new LiveTSServer()
    server.listen().then(() => {
      // Unref'd: only the server can keep the process around long enough.
      setTimeout(() => { console.log('alive'); server.close() }, 300).unref()
    })
  `)
  assert.equal(r.code, 0, r.err)
  assert.equal(r.out.trim(), 'alive')
})

test('a created but never started core server does not hold the process', async () => {
  requireNative()
  const r = await run(`
    const n = require(${JSON.stringify(nodeFile)})
    globalThis.keep = n.createServer({}, () => {})
  `, 5000)
  assert.equal(r.code, 0, r.err)
})

test('process.exit() with a running server and open sockets exits cleanly', async () => {
  requireNative()
  const r = await run(`${prelude}
    ;(async () => {
      const server = new LiveTSServer()
      server.registerComponent('/counter', Counter)
      const port = await server.listen()
      const root = liveRoot((await get(port, '/counter')).body)
      const { id, token } = root
      const sock = await LiveSocket.open(port)
      sock.send(['j', 1, id, token, joinParams(root)])
      await sock.next()
      for (let i = 0; i < 50; i++) sock.send(['e', i + 2, id, 'inc', null])
      process.exit(0)
    })()
  `)
  assert.equal(r.signal, null, r.err)
  assert.equal(r.code, 0, r.err)
})

test('a worker that ends takes its server down with it', async () => {
  requireNative()
  const worker = new Worker(`${prelude.replace(/'\.\//g, `'${helpers}/`)}
    const { parentPort } = require('worker_threads')
    const server = new LiveTSServer()
    server.registerComponent('/counter', Counter)
    server.listen().then((port) => parentPort.postMessage(port))
  `, { eval: true })
  const port = await new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  await worker.terminate()
  const refused = await new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1')
    c.once('connect', () => { c.destroy(); resolve(false) })
    c.once('error', () => resolve(true))
  })
  assert.equal(refused, true, 'the worker\'s server stopped listening')
})

test('an exception thrown by onEvents reaches process uncaughtException', async () => {
  requireNative()
  const r = await run(`
    const n = require(${JSON.stringify(nodeFile)})
    const net = require('net')
    const h = n.createServer({}, () => { throw new Error('from onEvents') })
    const port = n.start(h)
    process.on('uncaughtException', (err) => {
      console.log('caught: ' + err.message)
      n.stop(h)
    })
    const c = net.connect(port, '127.0.0.1', () => c.write('GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n'))
    c.on('error', () => {})
    c.on('close', () => {})
    setTimeout(() => c.destroy(), 500).unref()
  `)
  assert.equal(r.code, 0, r.err)
  assert.equal(r.out.trim(), 'caught: from onEvents')
})
