'use strict'
// Where LiveTSServer listens, through the real core: host names are looked
// up, and every way a person can get the address or the assets folder
// wrong fails with a message that names the option, the value and the fix.
const test = require('node:test')
const assert = require('node:assert/strict')
const dns = require('node:dns')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { quietLogger } = require('../test-support/fake-core')

const { LiveTSServer, LiveView, html, isCoreError } = load()

class Hello extends LiveView {
  render() { return html`<p>hello</p>` }
}

function makeServer(options) {
  requireNative()
  return new LiveTSServer({ secret: 'listen', logger: quietLogger(), ...options }).registerComponent('/', Hello)
}

/** GET / at `host`:`port`, by name, with Host naming it too. */
function getAt(host, port, pathname = '/') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path: pathname, agent: false }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${pathname} timed out`)))
    req.end()
  })
}

test('host "localhost" is looked up and served, as a Node server would', async () => {
  const server = makeServer({ host: 'localhost' })
  const port = await server.listen()
  try {
    const res = await getAt('localhost', port)
    assert.equal(res.status, 200)
    assert.match(res.body, /<p>hello<\/p>/)
  } finally {
    await server.close()
  }
})

test('a host name other than localhost is bound, and the Host header may carry it', async (t) => {
  const name = os.hostname()
  const address = await dns.promises.lookup(name).then((r) => r.address, () => null)
  if (address === null) return t.skip(`${name} (this machine's name) does not resolve here`)
  const server = makeServer({ host: name })
  const port = await server.listen()
  try {
    const res = await getAt(name, port)
    assert.equal(res.status, 200, `Host: ${name}:${port} must be accepted`)
    assert.match(res.body, /<p>hello<\/p>/)
  } finally {
    await server.close()
  }
})

test('a host that is neither an IP address nor a resolvable name fails at listen(), naming it', async () => {
  const server = makeServer({ host: 'no-such-host.invalid' })
  await assert.rejects(server.listen(), (err) => {
    assert.ok(err instanceof TypeError)
    assert.match(err.message, /^host must be an IP address or a resolvable name, got "no-such-host\.invalid" \(lookup failed: /)
    return true
  })
  assert.equal(server.port, null)
})

test("a host address that is not this machine's fails at listen(), naming the address and the reason", async () => {
  // 192.0.2.0/24 is reserved for documentation (RFC 5737): never a local address.
  await assert.rejects(makeServer({ host: '192.0.2.1', port: 3999 }).listen(), (err) => {
    assert.equal(err.code, 'LTS_EIO')
    assert.match(err.message, /^cannot listen on 192\.0\.2\.1:3999 \(address not available\): set host to an address of this machine/)
    return true
  })
})

test('an IPv6 address with a zone the core cannot bind fails at listen(), naming host', async () => {
  await assert.rejects(makeServer({ host: 'fe80::1%no-such-interface' }).listen(), (err) => {
    assert.equal(err.code, 'LTS_EINVAL')
    assert.equal(err.message, 'host must be an IP address (without a %zone) or a resolvable name, got "fe80::1%no-such-interface"')
    return true
  })
})

test('port and host of the wrong kind fail at construction with the value given', () => {
  assert.throws(() => new LiveTSServer({ port: 70000 }), {
    name: 'TypeError',
    message: 'port must be an integer from 0 to 65535 (0 picks a free port), got 70000',
  })
  assert.throws(() => new LiveTSServer({ port: '3000' }), /^TypeError: port must be an integer .*, got 3000$/)
  assert.throws(() => new LiveTSServer({ host: '' }), {
    name: 'TypeError',
    message: 'host must be an IP address or a host name such as "localhost", got ""',
  })
  assert.throws(() => new LiveTSServer({ host: 127 }), /^TypeError: host must be .*, got 127$/)
})

test('a port in use fails with the address, the core code kept', async () => {
  const other = net.createServer()
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve))
  const { port } = other.address()
  try {
    const server = makeServer({ port })
    await assert.rejects(server.listen(), (err) => {
      assert.equal(err.message, `127.0.0.1:${port} is already in use: stop what listens there, or set the port option to another port (0 picks a free one)`)
      assert.ok(isCoreError(err, 'LTS_EADDRINUSE'), 'code stays LTS_EADDRINUSE')
      assert.ok(isCoreError(err.cause, 'LTS_EADDRINUSE'), "the core's own error is the cause")
      return true
    })
    assert.equal(server.port, null)
    // Nothing was left half-started: once the port is free, the same options listen.
    await new Promise((resolve) => other.close(resolve))
    const again = makeServer({ port })
    assert.equal(await again.listen(), port)
    await again.close()
  } finally {
    if (other.listening) other.close()
  }
})

test('a port in use behind a host name shows both the name and the address', async () => {
  const address = (await dns.promises.lookup('localhost')).address
  const other = net.createServer()
  await new Promise((resolve) => other.listen(0, address, resolve))
  const { port } = other.address()
  try {
    const shown = net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`
    await assert.rejects(makeServer({ host: 'localhost', port }).listen(), {
      message: `localhost:${port} (${shown}) is already in use: stop what listens there, or set the port option to another port (0 picks a free one)`,
    })
  } finally {
    other.close()
  }
})

test('a missing assets folder fails at listen(), naming assets.dir and its value', async () => {
  const missing = path.join(os.tmpdir(), `livets-no-such-dir-${process.pid}`, 'public')
  await assert.rejects(makeServer({ assets: { prefix: '/assets/', dir: missing } }).listen(), {
    message: `assets.dir "${missing}" does not exist: create it, or set assets.dir to the folder that holds the files`,
  })
  // A relative folder is shown as given and as resolved, so the working directory is no mystery.
  await assert.rejects(makeServer({ assets: { prefix: '/assets/', dir: 'no-such-public' } }).listen(), {
    message: `assets.dir "no-such-public" (${path.resolve('no-such-public')}) does not exist: create it, or set assets.dir to the folder that holds the files`,
  })
})

test('an assets.dir that is a file fails at listen() instead of serving nothing', async () => {
  const file = path.join(os.tmpdir(), `livets-assets-file-${process.pid}`)
  fs.writeFileSync(file, 'not a folder')
  try {
    await assert.rejects(makeServer({ assets: { prefix: '/assets/', dir: file } }).listen(), {
      message: `assets.dir "${file}" is not a folder: set assets.dir to the folder that holds the files`,
    })
  } finally {
    fs.rmSync(file, { force: true })
  }
})

test('an existing assets folder is served at its prefix', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-assets-'))
  fs.writeFileSync(path.join(dir, 'site.css'), 'p { color: red }')
  const server = makeServer({ assets: { prefix: '/assets/', dir } })
  const port = await server.listen()
  try {
    const res = await getAt('127.0.0.1', port, '/assets/site.css')
    assert.equal(res.status, 200)
    assert.equal(res.body, 'p { color: red }')
  } finally {
    await server.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('a host name joins allowedHosts unless it is already there, "*" or localhost', () => {
  const { allowedHostsWith } = load('listen-address')
  assert.deepEqual(allowedHostsWith('app.internal', undefined), ['app.internal'])
  assert.deepEqual(allowedHostsWith('app.internal', ['example.com']), ['example.com', 'app.internal'])
  assert.deepEqual(allowedHostsWith('App.Internal', ['app.internal']), ['app.internal'])
  assert.deepEqual(allowedHostsWith('app.internal', ['*']), ['*'])
  assert.equal(allowedHostsWith('localhost', undefined), undefined)
  assert.equal(allowedHostsWith('10.0.0.5', undefined), undefined)
  assert.equal(allowedHostsWith('::1', undefined), undefined)
})
