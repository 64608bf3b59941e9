'use strict'
// LiveTSServer's `tls` option and reloadTls(), through the real core, with
// a throwaway CA made by the openssl command for each run.
const test = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const https = require('node:https')
const os = require('node:os')
const path = require('node:path')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { quietLogger } = require('../test-support/fake-core')

const { LiveTSServer, LiveView, html } = load()

class Hello extends LiveView {
  render() { return html`<p>hello</p>` }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-tls-'))
test.after(() => fs.rmSync(dir, { recursive: true, force: true }))

const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
const ca = { key: path.join(dir, 'ca.key'), cert: path.join(dir, 'ca.crt') }
openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
  '-keyout', ca.key, '-out', ca.cert, '-days', '1', '-subj', '/CN=LiveTS test CA')

/** A certificate for 127.0.0.1 with common name `name`, signed by the CA, written to `cert` and `key`. */
function issue(name, cert, key) {
  const csr = path.join(dir, `${name}.csr`)
  const ext = path.join(dir, `${name}.ext`)
  fs.writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', csr, '-subj', `/CN=${name}`)
  openssl('x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '1', '-extfile', ext)
}

/** GET over HTTPS trusting only the test CA: the status, the body and the certificate's common name. */
function get(port, route) {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: '127.0.0.1', port, path: route, ca: fs.readFileSync(ca.cert), agent: false }, (response) => {
      const name = response.socket.getPeerCertificate().subject.CN
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => { body += chunk })
      response.on('end', () => resolve({ status: response.statusCode, body, name }))
    })
    request.on('error', reject)
  })
}

test('the tls option is checked at construction', () => {
  assert.throws(() => new LiveTSServer({ tls: 'cert.pem' }), { name: 'TypeError', message: /tls must be \{ cert, key \}/ })
  assert.throws(() => new LiveTSServer({ tls: { cert: 'c.pem' } }), { name: 'TypeError', message: 'tls.key must be the path of a PEM file' })
  assert.throws(() => new LiveTSServer({ tls: { cert: '', key: 'k.pem' } }), { name: 'TypeError', message: 'tls.cert must be the path of a PEM file' })
})

test('a certificate that cannot be read fails listen() with LTS_ETLS naming the file', async () => {
  requireNative()
  const server = new LiveTSServer({ logger: quietLogger(), tls: { cert: path.join(dir, 'none.crt'), key: path.join(dir, 'none.key') } })
  await assert.rejects(server.listen(), {
    code: 'LTS_ETLS',
    message: `lts_config.tls_cert_file "${path.join(dir, 'none.crt')}" cannot be read: No such file or directory`,
  })
})

test('pages are served over HTTPS, and reloadTls() serves a renewed certificate to new connections', async () => {
  requireNative()
  const cert = path.join(dir, 'live.crt')
  const key = path.join(dir, 'live.key')
  issue('first', cert, key)
  const server = new LiveTSServer({ secret: 'tls', logger: quietLogger(), tls: { cert, key } })
  server.registerComponent('/hello', Hello)
  const port = await server.listen()
  try {
    const first = await get(port, '/hello')
    assert.equal(first.status, 200)
    assert.match(first.body, /<p>hello<\/p>/)
    assert.equal(first.name, 'first')

    issue('second', cert, key)
    server.reloadTls()
    assert.equal((await get(port, '/hello')).name, 'second')

    fs.writeFileSync(key, 'not a key\n')
    assert.throws(() => server.reloadTls(), { code: 'LTS_ETLS', message: /is not an unencrypted PEM private key .*keeps its current certificate/ })
    assert.equal((await get(port, '/hello')).name, 'second')
  } finally {
    await server.close()
  }
})

test('reloadTls() on a server without TLS is a state error', async () => {
  requireNative()
  const server = new LiveTSServer({ logger: quietLogger() })
  await server.listen()
  try {
    assert.throws(() => server.reloadTls(), { code: 'LTS_ESTATE', message: /created without TLS/ })
  } finally {
    await server.close()
  }
})
