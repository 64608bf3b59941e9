'use strict'
// Layouts: trusted markup around a view's page, the server's by default,
// a group's over it, a route's own over both; the live root stays as the
// view rendered it, and <body> names the layout's digest for live
// navigation. Through the real core, on its own port and attached.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot } = require('../test-support/http')
const { quietLogger } = require('../test-support/fake-core')

const { LiveTSServer, LiveView, html } = load()

class Plain extends LiveView {
  render() { return html`<p id="plain">plain view</p>` }
}
class Titled extends LiveView {
  pageTitle() { return 'Inbox' }
  render() { return html`<p id="titled">titled view</p>` }
}

const site = {
  head: html`<link rel="stylesheet" href="/assets/site.css">`,
  render: (page) => html`<nav id="site-nav">${page.title} ${page.route} ${page.url} ${page.session.user ?? 'nobody'}</nav>${page.content}<footer>site</footer>`,
}
const admin = (page) => html`<aside id="admin-nav"></aside><main>${page.content}</main>`

/** The body's attributes and content, and the head, of a page. */
function parts(body) {
  const head = /<head>([\s\S]*)<\/head>/.exec(body)[1]
  const m = /<body([^>]*)>([\s\S]*)<\/body>/.exec(body)
  const layout = /data-livets-layout="([^"]+)"/.exec(m[1])
  return { head, layout: layout ? layout[1] : null, content: m[2] }
}

async function withServer(options, register, fn) {
  requireNative()
  const logger = quietLogger()
  const server = new LiveTSServer({ secret: 'layout', logger, session: () => ({ user: 'ada' }), ...options })
  register(server)
  const port = await server.listen()
  try {
    await fn(port, logger)
  } finally {
    await server.close()
  }
}

test('the server\'s layout wraps every page: the root intact inside, its head after the server\'s, its digest on <body>', async () => {
  await withServer({ layout: site, head: html`<meta name="app" content="x">`, titleSuffix: ' · App' }, (s) => {
    s.route('/inbox', Titled).route('/plain', Plain)
  }, async (port) => {
    const page = await get(port, '/inbox?tab=2')
    assert.equal(page.status, 200)
    const { head, layout, content } = parts(page.body)
    const root = liveRoot(page.body)
    assert.equal(content,
      `<nav id="site-nav">Inbox · App /inbox /inbox?tab=2 ada</nav>` +
      `<div data-livets-id="${root.id}" data-livets-token="${root.token}" data-livets-fp="${root.fp}"><p id="titled">titled view</p></div><footer>site</footer>`)
    assert.match(head, /<meta name="app" content="x"><link rel="stylesheet" href="\/assets\/site.css"><script defer/)
    assert.match(layout, /^[A-Za-z0-9_-]{16}$/)
    const other = parts((await get(port, '/plain')).body)
    assert.notEqual(other.content.indexOf('plain view'), -1)
    // The nav differs (title, route, url): other surroundings, another digest.
    assert.notEqual(other.layout, layout)
  })
})

test('pages whose layout output is the same share a digest, whatever view they wrap', async () => {
  const bare = (page) => html`<header>same</header>${page.content}`
  await withServer({ layout: bare }, (s) => s.route('/a', Plain).route('/b', Titled), async (port) => {
    const a = parts((await get(port, '/a')).body)
    const b = parts((await get(port, '/b')).body)
    assert.equal(a.layout, b.layout)
    assert.notEqual(a.content, b.content)
  })
})

test('a route\'s layout wins over its group\'s, which wins over the server\'s; null opts out', async () => {
  await withServer({ layout: site }, (s) => {
    s.route('/plain', Plain)
    s.route('/bare', Plain, { layout: null })
    s.group({ layout: admin }, (routes) => {
      routes.route('/admin', Plain)
      routes.route('/admin/own', Titled, { layout: (page) => html`<div id="own">${page.content}</div>` })
      routes.route('/admin/bare', Titled, { layout: null })
    })
  }, async (port) => {
    assert.match(parts((await get(port, '/plain')).body).content, /^<nav id="site-nav">/)
    const admin = parts((await get(port, '/admin')).body)
    assert.match(admin.content, /^<aside id="admin-nav"><\/aside><main><div data-livets-id=/)
    assert.doesNotMatch(admin.head, /site\.css/, 'a layout\'s head comes with it only')
    assert.match(parts((await get(port, '/admin/own')).body).content, /^<div id="own"><div data-livets-id=/)
    for (const path of ['/bare', '/admin/bare']) {
      const page = parts((await get(port, path)).body)
      assert.equal(page.layout, null, path)
      assert.match(page.content, /^<div data-livets-id="[^"]+" data-livets-token="[^"]+" data-livets-fp="[0-9a-f]{16}"><p id="(plain|titled)">/, path)
    }
  })
})

test('a layout that throws, returns a string or drops the content is answered 500 and logged with its route', async () => {
  const layouts = {
    '/throws': () => { throw new Error('nav broke') },
    '/string': (page) => `<nav></nav>${page.content}`,
    '/drops': () => html`<nav>no content</nav>`,
    '/escapes': (page) => html`<nav></nav>${String(page.content)}`,
  }
  await withServer({}, (s) => {
    for (const [route, layout] of Object.entries(layouts)) s.route(route, Plain, { layout })
  }, async (port, logger) => {
    for (const route of Object.keys(layouts)) {
      const page = await get(port, route)
      assert.equal(page.status, 500, route)
      assert.doesNotMatch(page.body, /plain view/, route)
    }
    const lines = logger.lines.error.join('\n')
    assert.match(lines, /page \/throws: the layout of \/throws failed:.*nav broke/s)
    assert.match(lines, /the layout of \/string failed:.*must return markup built with html``, not string/s)
    assert.match(lines, /the layout of \/drops failed:.*must put page\.content in its output, unchanged/s)
    assert.match(lines, /the layout of \/escapes failed:.*must put page\.content in its output, unchanged/s)
  })
})

test('a bad layout option fails at construction or registration, naming itself', () => {
  assert.throws(() => new LiveTSServer({ layout: 'nav' }), { name: 'TypeError', message: /^layout must be a function \(page\) => html`...`, an object \{ render, head\? \}, or null, not string$/ })
  assert.throws(() => new LiveTSServer({ layout: { render: () => html``, head: '<link>' } }), { name: 'TypeError', message: /^layout\.head must be built with html``/ })
  const server = new LiveTSServer()
  assert.throws(() => server.route('/x', Plain, { layout: 5 }), /^TypeError: layout of route \/x must be a function/)
  assert.throws(() => server.group({ layout: {} }, () => {}), /^TypeError: layout of a group must be a function/)
})

test('pages rendered for an attached server get their layout too', async () => {
  requireNative()
  const server = http.createServer((req, res) => res.end('app'))
  const live = new LiveTSServer({ secret: 'layout', logger: quietLogger(), layout: site })
  live.route('/plain', Plain).route('/bare', Plain, { layout: null })
  live.attach(server)
  const port = await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))
  try {
    const page = parts((await get(port, '/plain')).body)
    assert.match(page.content, /^<nav id="site-nav">LiveTS \/plain \/plain nobody<\/nav><div data-livets-id="[^"]+" data-livets-token="[^"]+" data-livets-fp="[0-9a-f]{16}"><p id="plain">plain view<\/p><\/div><footer>site<\/footer>$/)
    assert.match(page.layout, /^[A-Za-z0-9_-]{16}$/)
    assert.equal(parts((await get(port, '/bare')).body).layout, null)
  } finally {
    await live.close()
    await new Promise((resolve) => { server.closeAllConnections(); server.close(resolve) })
  }
})
