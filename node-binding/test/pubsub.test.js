'use strict'
// Pub/sub and presence through the real core: in one process, and between
// two servers on one redis-server.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot, joinParams } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { quietLogger } = require('../test-support/fake-core')
const { RedisServer, waitFor } = require('../test-support/redis')

const { LiveTSServer, LiveView, html, isPresenceDiff, REDIS_LINK_TOPIC, isRedisLink } = load()
const { mountView } = load('testing')

const secret = 'pubsub-secret'

/** /room?name=N: tracks N on "room" and shows who is there. */
class Room extends LiveView {
  static events = ['say']
  state = { who: [], last: '' }
  mount(params, session) {
    if (!session.connected) return
    this.subscribe('room')
    this.track('room', params.name, { name: params.name })
  }
  render() {
    return html`<p id="who">${this.state.who.join(',')}</p><p id="last">${this.state.last}</p>`
  }
  handleEvent(_event, payload) {
    this.broadcast('room', { text: payload.text })
  }
  handleInfo(topic, data) {
    if (isPresenceDiff(data)) this.setState({ who: Object.keys(this.presence(topic)).sort() })
    else this.setState({ last: data.text })
  }
}

async function startServer(options = {}) {
  requireNative()
  const logger = quietLogger()
  const server = new LiveTSServer({ secret, logger, ...options })
  server.route('/room', Room)
  const port = await server.listen()
  return { server, port, logger }
}

async function join(port, target) {
  const page = await get(port, target)
  assert.equal(page.status, 200)
  const root = liveRoot(page.body)
  const sock = await LiveSocket.open(port)
  sock.send(['j', 1, root.id, root.token, joinParams(root, target)])
  const first = await sock.next()
  assert.equal(first[0], 'r')
  return { sock, id: root.id, html: first[4] }
}

/** Reads messages until one patch's JSON matches `pattern`. */
async function patchMatching(sock, pattern, ms = 5000) {
  const deadline = Date.now() + ms
  for (;;) {
    const m = await sock.next(Math.max(1, deadline - Date.now()))
    if (m[0] === 'p' && pattern.test(JSON.stringify(m[4]))) return m
  }
}

test('presence: joins and leaves reach subscribers, and a closed tab leaves', async () => {
  const { server, port } = await startServer()
  try {
    const a = await join(port, '/room?name=alice')
    await patchMatching(a.sock, /alice/)
    const b = await join(port, '/room?name=bob')
    await patchMatching(a.sock, /alice,bob/)
    assert.deepEqual(Object.keys(server.presence('room')).sort(), ['alice', 'bob'])
    assert.deepEqual(server.presence('room').bob, [{ name: 'bob' }])
    await b.sock.close()
    await patchMatching(a.sock, /"alice"/)
    assert.deepEqual(Object.keys(server.presence('room')), ['alice'])
    assert.deepEqual(server.presence('nobody-here'), {})
    await a.sock.close()
  } finally {
    await server.close()
  }
})

test('a view that leaves takes its presence with it while the socket stays', async () => {
  const { server, port } = await startServer()
  try {
    const a = await join(port, '/room?name=carol')
    await waitFor(() => 'carol' in server.presence('room'), 2000, 'carol present')
    a.sock.send(['l', 2, a.id])
    await waitFor(() => !('carol' in server.presence('room')), 2000, 'carol gone')
    await a.sock.close()
  } finally {
    await server.close()
  }
})

test('server.subscribe hears view broadcasts and server broadcasts, parsed, until stopped', async () => {
  const { server, port } = await startServer()
  try {
    const heard = []
    const stop = server.subscribe('room', (data, topic) => heard.push([topic, data]))
    const throwing = server.subscribe('room', () => { throw new Error('a bad subscriber') })
    const a = await join(port, '/room?name=dave')
    await waitFor(() => heard.length >= 1, 2000, 'the presence diff')
    assert.ok(isPresenceDiff(heard[0][1]))
    a.sock.send(['e', 2, a.id, 'say', { text: 'hi' }])
    await waitFor(() => heard.some(([, d]) => d.text === 'hi'), 2000, 'the view broadcast')
    server.broadcast('room', { text: 'from server' })
    await waitFor(() => heard.some(([, d]) => d.text === 'from server'), 2000, 'the server broadcast')
    stop()
    throwing()
    const count = heard.length
    server.broadcast('room', { text: 'after stop' })
    await patchMatching(a.sock, /after stop/)
    assert.equal(heard.length, count, 'a stopped handler hears nothing more')
    assert.throws(() => server.subscribe('', () => {}), TypeError)
    await a.sock.close()
  } finally {
    await server.close()
  }
})

test('pubsub.redis must be a redis:// URL; LIVETS_REDIS_URL is read when the option is absent', () => {
  assert.throws(() => new LiveTSServer({ pubsub: { redis: 'http://127.0.0.1:6379' } }), /redis:\/\/\[\[user\]:password@\]host\[:port\]/)
  assert.throws(() => new LiveTSServer({ pubsub: { redis: 'redis://u:hunter2@127.0.0.1:0' } }), (err) => {
    assert.ok(err instanceof TypeError)
    assert.doesNotMatch(err.message, /hunter2/, 'the password never reaches an error message')
    assert.match(err.message, /redis:\/\/\*\*\*@127\.0\.0\.1/)
    return true
  })
  // The cases the core's parser is tested with: both checks must agree, or
  // a URL taken here would fail later, at listen().
  const cases = fs.readFileSync(path.join(__dirname, '../../tests/fixtures/redis-urls.txt'), 'utf8')
    .split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)])
  assert.ok(cases.length > 30)
  for (const [verdict, url] of cases) {
    const make = () => new LiveTSServer({ pubsub: { redis: url } })
    if (verdict === 'ok') assert.doesNotThrow(make, url)
    else assert.throws(make, TypeError, url)
  }
  const saved = process.env.LIVETS_REDIS_URL
  process.env.LIVETS_REDIS_URL = 'redis://no port'
  try {
    assert.throws(() => new LiveTSServer(), /LIVETS_REDIS_URL|redis:\/\//)
  } finally {
    if (saved === undefined) delete process.env.LIVETS_REDIS_URL
    else process.env.LIVETS_REDIS_URL = saved
  }
})

test('two servers on one Redis: broadcasts, server subscribers and presence cross over once', async () => {
  const redis = await RedisServer.start()
  const nodes = []
  try {
    nodes.push(await startServer({ pubsub: { redis: redis.url } }))
    const saved = process.env.LIVETS_REDIS_URL
    process.env.LIVETS_REDIS_URL = redis.url
    try {
      nodes.push(await startServer())
    } finally {
      if (saved === undefined) delete process.env.LIVETS_REDIS_URL
      else process.env.LIVETS_REDIS_URL = saved
    }
    const [one, two] = nodes
    await waitFor(() => one.server.stats().redisConnected === 1 && two.server.stats().redisConnected === 1, 10000, 'both nodes linked to Redis')
    const heardOnTwo = []
    two.server.subscribe('room', (data) => { if (!isPresenceDiff(data)) heardOnTwo.push(data.text) })
    const heardOnOne = []
    one.server.subscribe('room', (data) => { if (!isPresenceDiff(data)) heardOnOne.push(data.text) })

    const a = await join(one.port, '/room?name=erin')
    const b = await join(two.port, '/room?name=frank')
    await patchMatching(b.sock, /erin,frank/, 8000)
    await patchMatching(a.sock, /erin,frank/, 8000)
    assert.deepEqual(Object.keys(two.server.presence('room')).sort(), ['erin', 'frank'])

    a.sock.send(['e', 2, a.id, 'say', { text: 'across' }])
    await patchMatching(b.sock, /across/)
    await waitFor(() => heardOnTwo.includes('across') && heardOnOne.includes('across'), 2000, 'both servers hear it')
    one.server.broadcast('room', { text: 'marker' })
    await waitFor(() => heardOnTwo.includes('marker') && heardOnOne.includes('marker'), 2000, 'the marker')
    assert.deepEqual(heardOnOne, ['across', 'marker'], 'the publishing node delivers once, not again from Redis')
    assert.deepEqual(heardOnTwo, ['across', 'marker'])

    await a.sock.close()
    await patchMatching(b.sock, /"frank"/, 8000)
    await b.sock.close()
  } finally {
    for (const { server } of nodes) await server.close()
    await redis.stop()
  }
})

test('the Redis link going down and up reaches server subscribers of REDIS_LINK_TOPIC, and nobody else may publish there', async () => {
  const redis = await RedisServer.start()
  let node = null
  try {
    node = await startServer({ pubsub: { redis: redis.url } })
    const { server, port } = node
    const links = []
    server.subscribe(REDIS_LINK_TOPIC, (data) => links.push(data))
    await waitFor(() => server.stats().redisConnected === 1, 10000, 'the first link')
    // The first link may come up before the subscription: left out of what is compared.
    const changes = () => links.filter((link) => !(link.connected && link.reconnects === 0))
    const late = []
    server.subscribe(REDIS_LINK_TOPIC, (link) => late.push(link))
    await waitFor(() => late.length === 1, 2000, 'the current state for a handler added once the link is up')
    assert.deepEqual(late, [{ connected: true, reconnects: 0 }])

    await redis.stop()
    await waitFor(() => changes().length >= 1, 5000, 'the link going down')
    await redis.start()
    await waitFor(() => changes().some((link) => link.connected), 12000, 'the link coming back')
    const downs = changes().slice(0, -1)
    assert.deepEqual(changes().at(-1), { connected: true, reconnects: 1 })
    assert.ok(downs.length >= 1 && downs.every((link) => !link.connected && link.reconnects === 0 && typeof link.error === 'string'), JSON.stringify(downs))
    assert.equal(new Set(downs.map((link) => link.error)).size, downs.length, 'each reason once, not once per failed attempt')
    assert.ok(links.every(isRedisLink))
    const logged = node.logger.lines.warn.filter((line) => line.includes('Redis link'))
    assert.equal(logged.length, downs.length + 1, logged.join('\n'))
    assert.match(logged[0], /Redis link down \(.+\): broadcasts and presence reach this process only/)
    assert.match(logged.at(-1), /Redis link back \(reconnect 1\)/)

    assert.throws(() => server.broadcast(REDIS_LINK_TOPIC, { connected: true, reconnects: 9 }), /reserved for the core/)
    const a = await join(port, '/room?name=hal')
    a.sock.send(['e', 2, a.id, 'say', { text: 'ok' }])
    await patchMatching(a.sock, /ok/)
    await a.sock.close()
    assert.equal(changes().length, 2, 'only the core speaks on its topic')
  } finally {
    if (node !== null) await node.server.close()
    await redis.stop()
  }
})

test('a password in the Redis URL is sent with AUTH; a wrong one is logged and the node keeps serving', async () => {
  const redis = await RedisServer.start(undefined, ['--requirepass', 'p@ss'])
  const nodes = []
  try {
    const url = (credentials) => `redis://${credentials}@127.0.0.1:${redis.port}`
    nodes.push(await startServer({ pubsub: { redis: url(':p%40ss') } }))
    nodes.push(await startServer({ pubsub: { redis: url('default:p%40ss') } }))
    nodes.push(await startServer({ pubsub: { redis: url(':wrong') } }))
    const [one, two, refused] = nodes
    await waitFor(() => one.server.stats().redisConnected === 1 && two.server.stats().redisConnected === 1, 10000, 'both linked')
    const heard = []
    two.server.subscribe('room', (data) => heard.push(data))
    one.server.broadcast('room', { text: 'with AUTH' })
    await waitFor(() => heard.length === 1, 2000, 'the broadcast across')

    await waitFor(() => refused.logger.lines.warn.some((line) => line.includes('Redis link down')), 5000, 'the refusal logged')
    assert.match(refused.logger.lines.warn.join('\n'), /Redis link down \(WRONGPASS/)
    assert.doesNotMatch(refused.logger.lines.warn.join('\n'), /wrong@|p@ss/, 'no password in the log')
    assert.equal(refused.server.stats().redisConnected, 0)
    const told = []
    refused.server.subscribe(REDIS_LINK_TOPIC, (link) => told.push(link))
    await waitFor(() => told.length === 1, 2000, 'the current state for a late handler')
    assert.equal(told[0].connected, false)
    assert.match(told[0].error, /^WRONGPASS/)
    const page = await get(refused.port, '/room?name=ivy')
    assert.equal(page.status, 200, 'a node that cannot reach Redis still serves its own pages')
  } finally {
    for (const { server } of nodes) await server.close()
    await redis.stop()
  }
})

test('a view may not broadcast or track on the core\'s topics', async () => {
  class Spoofer extends LiveView {
    static events = ['broadcast', 'track']
    state = { refused: '' }
    render() { return html`<p id="refused">${this.state.refused}</p>` }
    handleEvent(event) {
      try {
        if (event === 'broadcast') this.broadcast('lts:redis', { connected: true, reconnects: 9 })
        else this.track('lts:redis', 'k', {})
      } catch (err) {
        this.setState({ refused: `${err.name}: ${err.message}` })
      }
    }
  }
  const view = await mountView(Spoofer)
  assert.match(await view.click('broadcast'), /TypeError: &quot;lts:redis&quot; is reserved for the core/)
  assert.match(await view.click('track'), /TypeError: .*cannot take a presence/)
})

test('the test kit tracks presence and delivers the diffs like the core', async () => {
  const view = await mountView(Room, { url: '/room?name=gina' })
  assert.deepEqual(view.presence('room'), { gina: [{ name: 'gina' }] })
  assert.match(await view.render(), /<p id="who">gina<\/p>/)
})
