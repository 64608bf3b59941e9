'use strict'
// Assets at "/" (favicon.ico, robots.txt) are the last resort: a live
// route, the live socket's path, /_livets/ and a handler's routes answer
// first, and only a regular file under the folder is served, with the
// headers of every static file. Through the real core.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot } = require('../test-support/http')
const { quietLogger } = require('../test-support/fake-core')
const { Counter } = require('../test-support/views')

const { LiveTSServer } = load()

// A 16x16 icon's header is enough for the type: the bytes come back as they are.
const ICON = Buffer.from('0000010001001010000001002000680400001600000000', 'hex')

function folders() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-root-'))
  const root = path.join(base, 'root')
  const assets = path.join(base, 'assets')
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true })
  fs.mkdirSync(assets)
  fs.writeFileSync(path.join(root, 'favicon.ico'), ICON)
  fs.writeFileSync(path.join(root, 'robots.txt'), 'User-agent: *\nDisallow:\n')
  fs.writeFileSync(path.join(root, 'counter'), 'a file where a live route is')
  fs.writeFileSync(path.join(root, 'live'), 'a file where the live socket is')
  fs.writeFileSync(path.join(root, '.env'), 'SECRET=1')
  fs.writeFileSync(path.join(root, 'sub', 'index.html'), '<p>sub</p>')
  fs.writeFileSync(path.join(root, 'big.bin'), Buffer.alloc((1 << 20) + 1))
  fs.writeFileSync(path.join(base, 'outside.txt'), 'outside')
  fs.writeFileSync(path.join(assets, 'app.css'), 'body{}')
  return { base, root, assets }
}

async function withServer(options, fn) {
  requireNative()
  const dirs = folders()
  const logger = quietLogger()
  const server = new LiveTSServer({
    secret: 'root-assets',
    logger,
    assets: [{ prefix: '/assets/', dir: dirs.assets }, { prefix: '/', dir: dirs.root }],
    ...options,
  })
  server.registerComponent('/counter', Counter)
  const port = await server.listen()
  try {
    await fn(port, logger)
  } finally {
    await server.close()
    fs.rmSync(dirs.base, { recursive: true, force: true })
  }
}

/** GET with the body as bytes. */
function getBytes(port, pathname, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: pathname, headers, agent: false }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
}

async function assertFilesServed(port) {
  const icon = await getBytes(port, '/favicon.ico')
  assert.equal(icon.status, 200)
  assert.equal(icon.headers['content-type'], 'image/x-icon')
  assert.equal(icon.headers['cache-control'], 'no-cache')
  assert.equal(icon.headers['x-content-type-options'], 'nosniff')
  assert.match(icon.headers.etag, /^"[0-9a-f]+-[0-9a-f]+"$/)
  assert.deepEqual(icon.body, ICON)
  const again = await getBytes(port, '/favicon.ico', { 'If-None-Match': icon.headers.etag })
  assert.equal(again.status, 304)
  assert.equal(again.body.length, 0)
  const robots = await get(port, '/robots.txt?x=1')
  assert.equal(robots.status, 200)
  assert.equal(robots.headers['content-type'], 'text/plain; charset=utf-8')
  assert.equal(robots.body, 'User-agent: *\nDisallow:\n')
  const head = await get(port, '/robots.txt', 'HEAD')
  assert.equal(head.status, 200)
  assert.equal(head.headers['content-length'], String('User-agent: *\nDisallow:\n'.length))
  assert.equal(head.body, '')
}

async function assertRoutesWin(port) {
  const page = await get(port, '/counter?start=3')
  assert.equal(page.status, 200)
  liveRoot(page.body)
  assert.match(page.body, /<span id="count">3<\/span>/, 'the live route, not the file of the same name')
  assert.equal((await get(port, '/_livets/live.js')).headers['content-type'], 'text/javascript; charset=utf-8')
  assert.equal((await get(port, '/assets/app.css')).body, 'body{}', 'prefix mounts are the core\'s, as before')
}

async function assertNothingElse(port, notFound) {
  for (const pathname of ['/live', '/.env', '/sub', '/sub/', '/%2e%2e/outside.txt', '/sub/../../outside.txt', '/missing.png', '/', '/big.bin']) {
    const res = await get(port, pathname)
    assert.equal(res.status, 404, pathname)
    notFound(res, pathname)
  }
  assert.equal((await get(port, '/sub/index.html')).body, '<p>sub</p>', 'a file in a folder is still a file')
  assert.equal((await get(port, '/favicon.ico', 'POST')).status, 404, 'files answer GET and HEAD only')
}

test('without a handler: files at "/" answer with their type and validators; live routes, the live socket and /_livets/ win', async () => {
  await withServer({}, async (port) => {
    await assertFilesServed(port)
    await assertRoutesWin(port)
    await assertNothingElse(port, (res, p) => assert.match(res.body, /<h1>404 Not Found<\/h1>/, p))
  })
})

test('with a handler: its routes win, next() leaves the rest to the files, next(error) is a logged 500', async () => {
  const express = require('express')
  const app = express()
  app.get('/robots.txt', (_req, res) => res.type('text/plain').send('from the handler'))
  app.get('/broken', (_req, _res, next) => next(new Error('handler broke')))
  await withServer({ handler: app }, async (port, logger) => {
    assert.equal((await get(port, '/robots.txt')).body, 'from the handler')
    const icon = await getBytes(port, '/favicon.ico')
    assert.equal(icon.status, 200)
    assert.equal(icon.headers['content-type'], 'image/x-icon')
    assert.deepEqual(icon.body, ICON)
    assert.equal(icon.headers['cache-control'], 'no-cache')
    assert.equal((await getBytes(port, '/favicon.ico', { 'If-None-Match': icon.headers.etag })).status, 304)
    await assertRoutesWin(port)
    await assertNothingElse(port, (res, p) => assert.equal(res.body, '404 Not Found\n', p))
    const broken = await get(port, '/broken')
    assert.equal(broken.status, 500)
    assert.match(logger.lines.error.join('\n'), /handler for GET \/broken threw:.*handler broke/s)
  })
})

test('a handler without next answers everything itself, as before', async () => {
  await withServer({ handler: (_req, res) => res.end('handled') }, async (port) => {
    assert.equal((await get(port, '/favicon.ico')).body, 'handled')
    assert.match((await get(port, '/counter')).body, /data-livets-id/)
  })
})

test('the assets option: one folder per prefix; attach() refuses a mount at "/"', () => {
  assert.throws(() => new LiveTSServer({ assets: [{ prefix: '/a/', dir: 'x' }, { prefix: '/a/', dir: 'y' }] }),
    { name: 'TypeError', message: 'assets.prefix /a/ is given twice: one folder per prefix' })
  assert.throws(() => new LiveTSServer({ assets: [{ prefix: '/_livets/x/', dir: 'x' }] }), /taken by LiveTS itself/)
  const live = new LiveTSServer({ assets: { prefix: '/', dir: os.tmpdir() } })
  assert.throws(() => live.attach(http.createServer()), /attach\(\) cannot be used with assets at "\/": .*express\.static/)
})
