'use strict'
// Many processes on one port (reusePort): the kernel picks which process
// accepts each connection, so a page rendered by one process must join on
// another, with its session and CSRF checks, and pub/sub and presence must
// reach across them through Redis.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const readline = require('node:readline')
const { spawn } = require('node:child_process')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot, joinParams } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { RedisServer, waitFor } = require('../test-support/redis')

const { LiveTSServer } = load()
const SERVER = path.join(__dirname, '../test-support/reuse-port-server.js')
const secret = 'reuse-port-secret'
/** Connections to try before deciding the kernel never picks a process: 2^-60 odds. */
const ATTEMPTS = 60

/** A server process; resolves once it listens, with its port and pid. */
function startProcess(options) {
  const child = spawn(process.execPath, [SERVER, JSON.stringify({ secret, ...options })], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout })
  const waiting = []
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)))
  const nextLine = () => new Promise((resolve, reject) => {
    waiting.push(resolve)
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)))
  })
  return nextLine().then(({ port, pid }) => ({
    child, port, pid,
    async stats() {
      const answer = nextLine()
      child.stdin.write('stats\n')
      return answer
    },
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }))
}

/** Two processes on one port; `fn` gets them, then they stop. */
async function withTwoProcesses(options, fn) {
  requireNative()
  const first = await startProcess({ port: 0, ...options })
  let second
  try {
    second = await startProcess({ ...options, port: first.port })
    assert.equal(second.port, first.port)
    await fn(first, second)
  } finally {
    await first.stop()
    await second?.stop()
  }
}

const pidIn = (markup) => Number(/<p id="pid">(\d+)<\/p>/.exec(markup)?.[1])

/**
 * Opens sockets until one lands on the process with pid `wanted` and joins
 * root there; the others are closed. Resolves with the socket and the
 * join's first frame.
 */
async function joinOn(port, wanted, root, url, headers = {}) {
  for (let i = 0; i < ATTEMPTS; i++) {
    const sock = await LiveSocket.open(port, '/live?v=1', headers)
    sock.send(['j', 1, root.id, root.token, joinParams(root, url)])
    const first = await sock.next()
    // A refused join names no process; only a rendered one does.
    if (first[0] === 'r' && pidIn(first[4]) !== wanted) {
      await sock.close()
      continue
    }
    return { sock, first, id: root.id }
  }
  throw new Error(`no connection of ${ATTEMPTS} landed on process ${wanted}`)
}

/** Fetches `url` until the process with pid `wanted` renders it. */
async function pageFrom(port, url, wanted, headers = {}) {
  for (let i = 0; i < ATTEMPTS; i++) {
    const page = await get(port, url, 'GET', headers)
    assert.equal(page.status, 200, page.body.slice(0, 200))
    if (pidIn(page.body) === wanted) return { root: liveRoot(page.body), body: page.body }
  }
  throw new Error(`no page of ${ATTEMPTS} was rendered by process ${wanted}`)
}

async function patchMatching(sock, pattern, ms = 5000) {
  const deadline = Date.now() + ms
  for (;;) {
    const m = await sock.next(Math.max(1, deadline - Date.now()))
    if (m[0] === 'p' && pattern.test(JSON.stringify(m[4]))) return m
  }
}

test('reusePort must be a boolean', () => {
  assert.throws(() => new LiveTSServer({ reusePort: 'yes' }), { name: 'TypeError', message: 'reusePort must be true or false' })
  assert.throws(() => new LiveTSServer({ reusePort: 1 }), { name: 'TypeError', message: 'reusePort must be true or false' })
})

test('a port held without reusePort is not shared, and the error names the option; with it on both, two servers share one port', async () => {
  requireNative()
  const plain = new LiveTSServer({ secret })
  const port = await plain.listen()
  try {
    const sharing = new LiveTSServer({ secret, port, reusePort: true })
    await assert.rejects(sharing.listen(), {
      code: 'LTS_EADDRINUSE',
      message: `127.0.0.1:${port} is already in use by a process that does not share it: every server on a shared port needs reusePort: true and the same user`,
    })
  } finally {
    await plain.close()
  }
  const one = new LiveTSServer({ secret, reusePort: true })
  const shared = await one.listen()
  const two = new LiveTSServer({ secret, port: shared, reusePort: true })
  try {
    assert.equal(await two.listen(), shared)
  } finally {
    await two.close()
    await one.close()
  }
})

test('a page rendered by one process joins on the other, and its events work there', async () => {
  await withTwoProcesses({}, async (a, b) => {
    const { root } = await pageFrom(a.port, '/counter', a.pid)
    const { sock, first, id } = await joinOn(a.port, b.pid, root, '/counter')
    assert.equal(first[0], 'r')
    assert.match(first[4], new RegExp(`<p id="pid">${b.pid}</p>`))
    sock.send(['e', 2, id, 'inc', {}])
    assert.deepEqual(await sock.next(), ['p', id, 2, 2, [[1, [2, 0], '#text', '1']]])
    sock.send(['e', 3, id, 'inc', {}])
    assert.deepEqual(await sock.next(), ['p', id, 3, 3, [[1, [2, 0], '#text', '2']]])
    await sock.close()
  })
})

test("across processes a join still needs the page's CSRF token and its session cookie", async () => {
  await withTwoProcesses({}, async (a, b) => {
    const login = await fetch(`http://127.0.0.1:${a.port}/login`, { method: 'POST', body: new URLSearchParams({ username: 'ada' }) })
    assert.equal(login.status, 204)
    const cookie = login.headers.getSetCookie()[0].split(';')[0]
    const { root, body } = await pageFrom(a.port, '/counter', a.pid, { cookie })
    assert.match(body, /<p id="user">ada<\/p>/)

    const signedIn = await joinOn(a.port, b.pid, root, '/counter', { cookie })
    assert.match(signedIn.first[4], /<p id="user">ada<\/p>/, 'the other process reads the cookie with the shared secret')
    await signedIn.sock.close()

    // Refusals come from whichever process took the socket; each must refuse.
    const refusedBy = new Set()
    for (let i = 0; i < ATTEMPTS && refusedBy.size < 2; i++) {
      const noCookie = await LiveSocket.open(a.port)
      noCookie.send(['j', 1, root.id, root.token, joinParams(root, '/counter')])
      assert.deepEqual(await noCookie.next(), ['x', root.id, 1, 'session changed'])
      const forged = await LiveSocket.open(a.port, '/live?v=1', { cookie })
      forged.send(['j', 1, root.id, root.token, { _csrf_token: 'not-the-page-token', _url: '/counter' }])
      assert.deepEqual(await forged.next(), ['x', root.id, 1, 'csrf token mismatch'])
      // Which process refused is not in the frame; a later good join on the same socket says.
      forged.send(['j', 2, root.id, root.token, joinParams(root, '/counter')])
      const good = await forged.next()
      assert.equal(good[0], 'r')
      refusedBy.add(pidIn(good[4]))
      await noCookie.close()
      await forged.close()
    }
    assert.deepEqual([...refusedBy].sort(), [a.pid, b.pid].sort(), 'both processes refused a forged CSRF token')
  })
})

test('through Redis, presence and a broadcast from one process reach a view on the other', async () => {
  const redis = await RedisServer.start()
  try {
    await withTwoProcesses({ redis: redis.url }, async (a, b) => {
      await waitFor(async () => (await a.stats()).redisConnected === 1 && (await b.stats()).redisConnected === 1, 10000, 'both processes linked to Redis')
      const { root: alicePage } = await pageFrom(a.port, '/room?name=alice', a.pid)
      const alice = await joinOn(a.port, a.pid, alicePage, '/room?name=alice')
      await patchMatching(alice.sock, /alice/)
      const { root: bobPage } = await pageFrom(a.port, '/room?name=bob', a.pid)
      const bob = await joinOn(a.port, b.pid, bobPage, '/room?name=bob')
      await patchMatching(alice.sock, /alice,bob/)

      bob.sock.send(['e', 2, bob.id, 'say', { text: 'from the other process' }])
      await patchMatching(alice.sock, /from the other process/)
      await patchMatching(bob.sock, /from the other process/)

      await bob.sock.close()
      await patchMatching(alice.sock, /"alice"/)
      await alice.sock.close()
    })
  } finally {
    await redis.stop()
  }
})
