'use strict'
// The render benchmark's load: N connections that each load the page the
// way a browser does (GET, then a WebSocket with an Origin header and
// permessage-deflate offered, masked frames), join with the page's token
// and CSRF token, then send the connector's event and wait for its patch,
// one in flight per connection. Prints one JSON line of results. With
// PROTOCOL "phoenix" it speaks Phoenix LiveView's protocol instead (for
// pyview, scripts/bench/peers/pyview-render.py): the page's CSRF token and
// session, phx_join on /live/websocket, click events answered by phx_reply.
//
// usage: node render-load.js PORT PATH EVENT CONNECTIONS WARMUP_S DURATION_S [PROTOCOL]

const http = require('http')
let WebSocket
try {
  WebSocket = require('/usr/share/nodejs/ws')
} catch (err) {
  console.error(`the render benchmark needs Debian's node-ws: ${err.message}`)
  process.exit(2)
}

const [port, pagePath, event, connections, warmup, duration, protocol = 'livets'] = process.argv.slice(2)
const phoenix = protocol === 'phoenix'
const N = Number(connections)

function get(path) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve(body))
      })
      .on('error', reject)
  })
}

async function connectPhoenix() {
  const body = await get(pagePath)
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(body)[1]
  const session = /data-phx-session="([^"]+)"/.exec(body)[1]
  const topic = `lv:${/id="(phx-[^"]+)"/.exec(body)[1]}`
  const ws = new WebSocket(`ws://127.0.0.1:${port}/live/websocket?_csrf_token=${encodeURIComponent(csrf)}&vsn=2.0.0`, {
    origin: `http://127.0.0.1:${port}`,
    perMessageDeflate: { clientMaxWindowBits: true },
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const conn = { ws, id: topic, ref: 1, sentAt: 0, waiting: 0 }
  const url = `http://127.0.0.1:${port}${pagePath}`
  ws.send(JSON.stringify(['1', '1', topic, 'phx_join', { url, params: { _csrf_token: csrf }, session, static: '' }]))
  await new Promise((resolve, reject) => {
    ws.once('message', (data) => {
      const msg = JSON.parse(data)
      const status = Array.isArray(msg) ? msg[msg.length - 1]?.status ?? msg[0]?.status : undefined
      status === 'ok' ? resolve() : reject(new Error(`join refused: ${data}`))
    })
  })
  return conn
}

async function connect() {
  if (phoenix) return connectPhoenix()
  const body = await get(pagePath)
  const id = /data-livets-id="([^"]+)"/.exec(body)[1]
  const token = /data-livets-token="([^"]+)"/.exec(body)[1]
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(body)[1]
  const ws = new WebSocket(`ws://127.0.0.1:${port}/live?v=1`, {
    origin: `http://127.0.0.1:${port}`,
    perMessageDeflate: { clientMaxWindowBits: true },
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const conn = { ws, id, ref: 1, sentAt: 0, waiting: 0 }
  ws.send(JSON.stringify(['j', 1, id, token, { _csrf_token: csrf, _url: pagePath }]))
  await new Promise((resolve, reject) => {
    ws.once('message', (data) => {
      const msg = JSON.parse(data)
      msg[0] === 'r' ? resolve() : reject(new Error(`join refused: ${data}`))
    })
  })
  return conn
}

let measuring = false
let stopped = false
let done = 0
const latencies = []

function send(conn) {
  if (stopped) return
  conn.waiting = ++conn.ref
  conn.sentAt = process.hrtime.bigint()
  if (phoenix) conn.ws.send(JSON.stringify(['1', String(conn.ref), conn.id, 'event', { type: 'click', event, value: { id: String(conn.ref % 300) } }]))
  else conn.ws.send(JSON.stringify(['e', conn.ref, conn.id, event, { id: String(conn.ref % 300) }]))
}

async function main() {
  const conns = []
  // Open in batches: a browser tab opens one at a time, and 100 at once
  // would measure the accept queue.
  for (let i = 0; i < N; i += 20) conns.push(...(await Promise.all(Array.from({ length: Math.min(20, N - i) }, connect))))
  for (const conn of conns) {
    conn.ws.on('message', (data) => {
      const msg = JSON.parse(data)
      if (phoenix) {
        if (msg[3] !== 'phx_reply' || msg[1] !== String(conn.waiting)) return
        if (measuring) {
          done++
          latencies.push(Number(process.hrtime.bigint() - conn.sentAt) / 1000)
        }
        return send(conn)
      }
      if (msg[0] === 'x') {
        console.error(`refused: ${data}`)
        process.exit(1)
      }
      if (msg[0] !== 'p' || msg[3] !== conn.waiting) return
      if (measuring) {
        done++
        latencies.push(Number(process.hrtime.bigint() - conn.sentAt) / 1000)
      }
      send(conn)
    })
  }
  for (const conn of conns) send(conn)
  await new Promise((r) => setTimeout(r, Number(warmup) * 1000))
  const cpu0 = process.cpuUsage()
  process.stdout.write(JSON.stringify({ phase: 'measure' }) + '\n')
  measuring = true
  const t0 = process.hrtime.bigint()
  await new Promise((r) => setTimeout(r, Number(duration) * 1000))
  measuring = false
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  stopped = true
  const cpu = process.cpuUsage(cpu0)
  latencies.sort((a, b) => a - b)
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0
  process.stdout.write(
    JSON.stringify({
      phase: 'done',
      events: done,
      seconds,
      perSecond: done / seconds,
      p50: pct(50),
      p99: pct(99),
      loadCpu: (cpu.user + cpu.system) / 1e6 / seconds,
      compressed: conns[0].ws.extensions.includes('permessage-deflate'),
    }) + '\n',
  )
  for (const conn of conns) conn.ws.terminate()
  process.exit(0)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
