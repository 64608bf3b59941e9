'use strict'
// A view's pageTitle(), completed by the server's titleSuffix: in the
// page's <title>, once at the join, and in a "t" frame whenever it changes.
const test = require('node:test')
const assert = require('node:assert/strict')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot, joinParams } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { quietLogger } = require('../test-support/fake-core')

const { LiveTSServer, LiveView, html } = load()

/** Its title counts what is unread; `note` changes the page but not the title. */
class Inbox extends LiveView {
  static events = ['arrive', 'read', 'note', 'nothing']
  state = { unread: 0, note: '' }
  mount(params) {
    if (params.unread) this.state = { unread: Number(params.unread), note: '' }
  }
  pageTitle() {
    return this.state.unread === 0 ? 'Inbox' : `Inbox (${this.state.unread})`
  }
  render() {
    return html`<p id="unread">${this.state.unread}</p><p id="note">${this.state.note}</p>`
  }
  handleEvent(event) {
    if (event === 'arrive') this.setState({ unread: this.state.unread + 1 })
    else if (event === 'read') this.setState({ unread: 0 })
    else if (event === 'note') this.setState({ note: `${this.state.note}!` })
  }
}

/** No pageTitle(): the server's title stands. */
class Plain extends LiveView {
  static events = ['bump']
  state = { n: 0 }
  render() {
    return html`<p>${this.state.n}</p>`
  }
  handleEvent() {
    this.setState({ n: this.state.n + 1 })
  }
}

/** A title with markup characters, which the page escapes and the frame carries as text. */
class Quoted extends LiveView {
  pageTitle() {
    return 'Q&A <live>'
  }
  render() {
    return html`<p>q</p>`
  }
}

async function withServer(fn) {
  requireNative()
  const server = new LiveTSServer({ secret: 'page-title', title: 'My App', titleSuffix: ' · My App', logger: quietLogger() })
  server.registerComponent('/inbox', Inbox).route('/plain', Plain).route('/quoted', Quoted)
  const port = await server.listen()
  try {
    await fn(port)
  } finally {
    await server.close()
  }
}

function titleOf(body) {
  const m = /<title>([^<]*)<\/title>/.exec(body)
  assert.ok(m, `no <title> in ${body.slice(0, 300)}`)
  return m[1]
}

/** Renders and joins `target`; resolves with the socket and the root, the join's render already read. */
async function joinPage(port, target) {
  const page = await get(port, target)
  assert.equal(page.status, 200)
  const root = liveRoot(page.body)
  const sock = await LiveSocket.open(port)
  sock.send(['j', 1, root.id, root.token, joinParams(root, target)])
  const render = await sock.next()
  assert.deepEqual(render.slice(0, 4), ['r', root.id, 1, 1])
  return { sock, root, body: page.body }
}

test("the page's <title> is the view's pageTitle() and the suffix, or the server's title", async () => {
  await withServer(async (port) => {
    assert.equal(titleOf((await get(port, '/inbox')).body), 'Inbox · My App')
    assert.equal(titleOf((await get(port, '/inbox?unread=3')).body), 'Inbox (3) · My App')
    assert.equal(titleOf((await get(port, '/plain')).body), 'My App', 'no suffix on the server title')
    assert.equal(titleOf((await get(port, '/quoted')).body), 'Q&amp;A &lt;live&gt; · My App')
  })
})

test('at the join, a view with pageTitle() sends its title once; one without sends none', async () => {
  await withServer(async (port) => {
    const inbox = await joinPage(port, '/inbox?unread=2')
    assert.deepEqual(await inbox.sock.next(), ['t', inbox.root.id, 'Inbox (2) · My App'])
    await inbox.sock.quiet()
    await inbox.sock.close()

    const quoted = await joinPage(port, '/quoted')
    assert.deepEqual(await quoted.sock.next(), ['t', quoted.root.id, 'Q&A <live> · My App'], 'the frame carries text, not markup')
    await quoted.sock.close()

    const plain = await joinPage(port, '/plain')
    await plain.sock.quiet()
    plain.sock.send(['e', 2, plain.root.id, 'bump', {}])
    const patch = await plain.sock.next()
    assert.deepEqual(patch.slice(0, 4), ['p', plain.root.id, 2, 2])
    await plain.sock.quiet()
    await plain.sock.close()
  })
})

test('an event that changes the title sends a "t" frame after its patch; one that does not, none', async () => {
  await withServer(async (port) => {
    const { sock, root } = await joinPage(port, '/inbox')
    assert.deepEqual(await sock.next(), ['t', root.id, 'Inbox · My App'])

    sock.send(['e', 2, root.id, 'arrive', {}])
    assert.deepEqual((await sock.next()).slice(0, 4), ['p', root.id, 2, 2])
    assert.deepEqual(await sock.next(), ['t', root.id, 'Inbox (1) · My App'])
    await sock.quiet()

    // The page changed, the title did not.
    sock.send(['e', 3, root.id, 'note', {}])
    assert.deepEqual((await sock.next()).slice(0, 4), ['p', root.id, 3, 3])
    await sock.quiet()

    sock.send(['e', 4, root.id, 'arrive', {}])
    assert.deepEqual((await sock.next()).slice(0, 4), ['p', root.id, 4, 4])
    assert.deepEqual(await sock.next(), ['t', root.id, 'Inbox (2) · My App'])

    sock.send(['e', 5, root.id, 'read', {}])
    assert.deepEqual((await sock.next()).slice(0, 4), ['p', root.id, 5, 5])
    assert.deepEqual(await sock.next(), ['t', root.id, 'Inbox · My App'], 'back to the first title')
    await sock.quiet()
    await sock.close()
  })
})

test('title and titleSuffix must be strings', () => {
  assert.throws(() => new LiveTSServer({ titleSuffix: 5 }), /^TypeError: titleSuffix must be a string, got 5$/)
  assert.throws(() => new LiveTSServer({ title: null }), /^TypeError: title must be a string, got null$/)
})
