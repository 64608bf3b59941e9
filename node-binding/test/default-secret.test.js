'use strict'
// A server given no secret says so once at start; under `livets dev`
// (LIVETS_DEV=1) it keeps one key in .livets/dev-secret, so pages rendered
// before a restart are signed with the key the restarted server checks.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const { defaultSecret, DEV_SECRET_FILE } = require('../dist/default-secret.js')
const { verifyToken } = require('../dist/token.js')

const built = fs.existsSync(path.join(__dirname, '..', 'build', 'livets.node'))

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-secret-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('without LIVETS_DEV each process gets a random key and a warning that says what it costs', () => {
  const a = defaultSecret({}, '/nonexistent')
  const b = defaultSecret({}, '/nonexistent')
  assert.notDeepEqual(Buffer.from(a.secret), Buffer.from(b.secret))
  assert.match(a.warning, /no secret option: signing with a random key made at start, so a restart reloads every open page/)
  assert.match(a.warning, /secret: process\.env\.LIVETS_SECRET/)
})

test('with LIVETS_DEV=1 the key is made once in .livets/dev-secret, private, and read back', (t) => {
  const dir = tempDir(t)
  const first = defaultSecret({ LIVETS_DEV: '1' }, dir)
  const file = path.join(dir, DEV_SECRET_FILE)
  assert.equal(fs.statSync(file).mode & 0o777, 0o600)
  assert.equal(fs.readFileSync(file, 'utf8').trim(), first.secret)
  assert.equal(defaultSecret({ LIVETS_DEV: '1' }, dir).secret, first.secret)
  assert.match(first.warning, new RegExp(`development key in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
  // A file cut short is replaced, not trusted.
  fs.writeFileSync(file, 'short\n')
  assert.notEqual(defaultSecret({ LIVETS_DEV: '1' }, dir).secret, 'short')
})

test('an unusable key file falls back to a random key and says why', (t) => {
  const dir = tempDir(t)
  fs.writeFileSync(path.join(dir, '.livets'), 'a file where the folder should be')
  const fallback = defaultSecret({ LIVETS_DEV: '1' }, dir)
  assert.equal(Buffer.from(fallback.secret).length, 32)
  assert.match(fallback.warning, /cannot be used \(.*\): signing with a random key/)
})

// One process: starts a server with no secret, prints its warnings and the
// join token of its page, and closes.
const serve = `
  const http = require('http')
  const { LiveTSServer, LiveView, html } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))})
  class Hello extends LiveView { state = {}; render() { return html\`<p>hi</p>\` } }
  const warnings = []
  const server = new LiveTSServer({ logger: { warn: (...a) => warnings.push(a.join(' ')), error: console.error } })
  server.route('/', Hello)
  server.listen().then((port) => http.get({ port, path: '/' }, (res) => {
    let body = ''
    res.on('data', (c) => { body += c })
    res.on('end', async () => {
      await server.close()
      console.log(JSON.stringify({ warnings, token: /data-livets-token="([^"]+)"/.exec(body)[1] }))
    })
  }))`

function runServer(cwd, env) {
  const run = spawnSync(process.execPath, ['-e', serve], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout)
}

test('a server without a secret warns once at start; two dev runs sign with the same kept key', { skip: !built && 'the native shim is not built' }, (t) => {
  const dir = tempDir(t)
  const plain = runServer(dir, { LIVETS_DEV: '' })
  assert.equal(plain.warnings.filter((w) => w.includes('no secret option')).length, 1)
  assert.ok(!fs.existsSync(path.join(dir, DEV_SECRET_FILE)), 'no file outside livets dev')

  const before = runServer(dir, { LIVETS_DEV: '1' })
  const after = runServer(dir, { LIVETS_DEV: '1' })
  assert.equal(before.warnings.filter((w) => w.includes('development key')).length, 1)
  const key = fs.readFileSync(path.join(dir, DEV_SECRET_FILE), 'utf8').trim()
  // The page rendered before the restart carries a token the restarted server's key accepts.
  assert.equal(verifyToken(key, before.token).ok, true)
  assert.equal(verifyToken(key, after.token).ok, true)
  assert.equal(verifyToken(key, plain.token).ok, false)
})
