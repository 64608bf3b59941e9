'use strict'
// livets dev's parts without a browser (tests/dev has the Chromium tests):
// the command line, the dev channel's event stream, what an app does under
// runDev and never in production, and the LIVETS_DEBUG=1 log.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { LiveView, html } = require('../test-support/livets').load()
const { makeHub } = require('../test-support/hub')
const { parseDevArgs, DevUsageError, startDev } = require('../test-support/livets').load('dev/index')
const { DevChannel } = require('../test-support/livets').load('dev/channel')
const mode = require('../test-support/livets').load('dev/dev-mode')
const { contentSecurityPolicy } = require('../test-support/livets').load('page')

const withEnv = async (vars, fn) => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  for (const [k, v] of Object.entries(vars)) v === undefined ? delete process.env[k] : (process.env[k] = v)
  try {
    return await fn()
  } finally {
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v)
  }
}

const appDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lts-dev-args-'))
  fs.mkdirSync(path.join(dir, 'public'))
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{}')
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main: 'build/app.js' }))
  return dir
}

test('the command line: defaults from the app folder, flags over them, and clear errors', () => {
  const dir = appDir()
  const defaults = parseDevArgs([], dir)
  assert.equal(defaults.entry, path.join(dir, 'build', 'app.js'))
  assert.equal(defaults.tsconfig, path.join(dir, 'tsconfig.json'))
  assert.deepEqual(defaults.publicDirs, [path.join(dir, 'public')])
  assert.equal(defaults.devPort, 0)
  fs.mkdirSync(path.join(dir, 'static'))
  const given = parseDevArgs(['--entry', 'dist/main.js', '--public=static', '--public', 'public', '--dev-port', '4100'], dir)
  assert.equal(given.entry, path.join(dir, 'dist', 'main.js'))
  assert.deepEqual(given.publicDirs, [path.join(dir, 'static'), path.join(dir, 'public')])
  assert.equal(given.devPort, 4100)
  assert.throws(() => parseDevArgs(['--watch'], dir), (e) => e instanceof DevUsageError && /unknown argument "--watch"/.test(e.message) && /usage: livets dev/.test(e.message))
  assert.throws(() => parseDevArgs(['--entry'], dir), /--entry needs a value/)
  assert.throws(() => parseDevArgs(['--dev-port', 'eighty'], dir), /--dev-port must be a port number/)
  assert.throws(() => parseDevArgs(['--project', 'nope.json'], dir), /--project .*nope\.json does not exist/)
  assert.throws(() => parseDevArgs(['--public', 'missing'], dir), /--public .*missing is not a folder/)
  assert.throws(() => parseDevArgs(['--entry', 'a.js', '--entry', 'b.js'], dir), /--entry is given twice/)
})

test('livets dev refuses to run with NODE_ENV=production', async () => {
  await withEnv({ NODE_ENV: 'production' }, () =>
    assert.rejects(startDev(parseDevArgs([], appDir()), () => {}), /NODE_ENV is production.*livets start/))
})

test('the dev side is on only under runDev (LIVETS_DEV_URL, local) and never with NODE_ENV=production', async () => {
  await withEnv({ LIVETS_DEV_URL: 'http://127.0.0.1:4100', NODE_ENV: undefined }, () => {
    assert.equal(mode.devChannelUrl(), 'http://127.0.0.1:4100')
    assert.match(mode.devHead('/_livets/'), /<meta name="livets-dev" content="http:\/\/127\.0\.0\.1:4100"><script defer src="\/_livets\/dev\.js"><\/script>/)
  })
  for (const env of [{ LIVETS_DEV_URL: 'http://127.0.0.1:4100', NODE_ENV: 'production' }, { LIVETS_DEV_URL: undefined }, { LIVETS_DEV_URL: 'http://evil.example:80' }]) {
    await withEnv(env, () => {
      assert.equal(mode.devChannelUrl(), null, JSON.stringify(env))
      assert.equal(mode.devHead('/_livets/'), '')
      assert.equal(mode.devErrorPage('<html><head></head></html>', '/_livets/', '/', new Error('x')), null)
    })
  }
  assert.equal(contentSecurityPolicy("'self'"), "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'")
  assert.match(contentSecurityPolicy("'self'", 'http://127.0.0.1:4100'), /; connect-src 'self' http:\/\/127\.0\.0\.1:4100$/)
})

test('a failed page render under runDev carries its error, escaped, for the overlay', async () => {
  await withEnv({ LIVETS_DEV_URL: 'http://127.0.0.1:4100', NODE_ENV: undefined }, () => {
    const page = mode.devErrorPage('<html><head><title>500</title></head><body></body></html>', '/_livets/', '/x', new Error('<img src=x onerror=alert(1)> "quoted"'))
    const content = /<meta name="livets-dev-error" content="([^"]*)">/.exec(page)[1]
    assert.doesNotMatch(content, /[<>"]/)
    const data = JSON.parse(content.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&'))
    assert.equal(data.message, 'Error: <img src=x onerror=alert(1)> "quoted"')
    assert.equal(data.view, '/x')
    assert.match(data.stack, /dev\.test\.js/)
  })
})

test('the overlay shows any state: cycles, bigints, maps, sets and functions do not stop it', () => {
  const state = { n: 1n, tags: new Set(['a']), byId: new Map([['k', 1]]), run() {} }
  state.self = state
  const text = mode.stateJson(state)
  assert.deepEqual(JSON.parse(text), { n: '1n', tags: ['a'], byId: { k: 1 }, run: '[function run]', self: '[circular]' })
  assert.match(mode.stateJson({ big: 'x'.repeat(30_000) }), /… \(\d+ more characters\)$/)
})

const readEvents = (url, count) =>
  new Promise((resolve, reject) => {
    const events = []
    const req = http.get(url + '/events', (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream')
      assert.equal(res.headers['access-control-allow-origin'], '*')
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        buffer += chunk
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const type = /^event: (.*)$/m.exec(block)
          if (type) events.push([type[1], JSON.parse(/^data: (.*)$/m.exec(block)[1])])
          if (events.length === count) {
            req.destroy()
            resolve(events)
          }
        }
      })
    })
    req.on('error', (err) => (events.length === count ? undefined : reject(err)))
  })

test('the dev channel streams events to every page, and a standing failure to pages that connect later', async () => {
  const channel = await DevChannel.open(0)
  try {
    assert.match(channel.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const first = readEvents(channel.url, 2)
    while (channel.listeners < 1) await new Promise((r) => setTimeout(r, 10))
    channel.send({ type: 'css', data: { files: ['app.css'] } })
    channel.send({ type: 'build-error', data: { message: 'TypeScript: 1 error' } })
    assert.deepEqual(await first, [['css', { files: ['app.css'] }], ['build-error', { message: 'TypeScript: 1 error' }]])
    // A page opened meanwhile learns of the failure at once.
    assert.deepEqual(await readEvents(channel.url, 1), [['build-error', { message: 'TypeScript: 1 error' }]])
    channel.send({ type: 'build-ok', data: {} })
    while (channel.listeners > 0) await new Promise((r) => setTimeout(r, 10))
    const later = readEvents(channel.url, 1)
    while (channel.listeners < 1) await new Promise((r) => setTimeout(r, 10))
    channel.send({ type: 'restarted', data: {} })
    assert.deepEqual(await later, [['restarted', {}]])
    const missing = await new Promise((resolve) => http.get(channel.url + '/other', resolve))
    assert.equal(missing.statusCode, 404)
    missing.resume()
  } finally {
    await channel.close()
  }
})

class Counter extends LiveView {
  static events = ['inc', 'noop']
  state = { n: 0 }
  render() {
    return html`<p>${this.state.n}</p>`
  }
  handleEvent(event) {
    if (event === 'inc') this.setState({ n: this.state.n + 1 })
  }
}

test('LIVETS_DEBUG=1 logs each event: handler, render and diff times, patch bytes and ops per view', async () => {
  await withEnv({ LIVETS_DEBUG: '1' }, async () => {
    const { hub, join, logger } = makeHub({ '/c': Counter })
    const info = []
    logger.info = (line) => info.push(line)
    const page = await join('/c')
    hub.event(1, 2, page.id, 'inc', '{}')
    await hub.idle()
    hub.event(1, 3, page.id, 'noop', '{}')
    await hub.idle()
    assert.equal(info.length, 2, info.join('\n'))
    assert.match(info[0], /^\[livets\] debug Counter \(\/c\) handleEvent\("inc"\): handler \d+\.\d\d ms; Counter: render \d+\.\d\d ms, diff \d+\.\d\d ms, patch \d+ B, 1 op$/)
    assert.match(info[1], /^\[livets\] debug Counter \(\/c\) handleEvent\("noop"\): handler \d+\.\d\d ms; nothing rendered$/)
  })
  const { hub, join, logger } = makeHub({ '/c': Counter })
  const info = []
  logger.info = (line) => info.push(line)
  const page = await join('/c')
  hub.event(1, 2, page.id, 'inc', '{}')
  await hub.idle()
  assert.deepEqual(info, [])
})
