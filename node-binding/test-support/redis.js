'use strict'
// A redis-server of the test's own on a free loopback port, for the
// tests of pub/sub across processes. Fails clearly when it is missing.
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')

const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p))

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1')
    sock.once('connect', () => { sock.destroy(); resolve(true) })
    sock.once('error', () => resolve(false))
  })
}

async function waitFor(check, ms = 10000, what = 'condition') {
  const deadline = Date.now() + ms
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

class RedisServer {
  /** `args`: more redis-server arguments, e.g. ['--requirepass', 'pw']. */
  static async start(port, args = []) {
    if (REDIS === undefined) throw new Error('redis-server is missing: scripts/bootstrap installs it')
    const redis = new RedisServer(port ?? await freePort(), args)
    await redis.start()
    return redis
  }

  constructor(port, args = []) {
    this.port = port
    this.args = args
    this.url = `redis://127.0.0.1:${port}`
    this.child = null
  }

  async start() {
    this.child = spawn(REDIS, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning', ...this.args], { stdio: 'ignore' })
    await waitFor(() => canConnect(this.port), 5000, `redis-server on port ${this.port}`)
  }

  async stop() {
    const child = this.child
    this.child = null
    if (child === null || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
  }
}

module.exports = { RedisServer, waitFor }
