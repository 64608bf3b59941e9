'use strict'
// The broadcast load of scripts/bench/reuseport: RECEIVERS viewers of
// /feed (scripts/bench/peers/render-server.js) and one sender, all joined
// with one page's token, wherever the kernel lands their sockets. Each
// round the sender's event broadcasts a new number; the round's time is
// until the last viewer has the patch that shows it. Prints one JSON line:
// the times in ms and how many viewers each server process took.
//
// usage: node broadcast-load.js PORT RECEIVERS WARMUP_ROUNDS ROUNDS

const { performance } = require('perf_hooks')
const { fetchPage, LiveSocket } = require('./live-client')

const [port, receivers, warmupRounds, rounds] = process.argv.slice(2).map(Number)
const PID = /<p id="pid">(\d+)<\/p>/
const ROUND_TIMEOUT_MS = 10000

async function joined(page) {
  const socket = await new LiveSocket(port).open()
  let pid = 0
  socket.tap = (message) => {
    if (message[0] === 'r') pid = Number(PID.exec(message[4])?.[1])
  }
  const answer = await socket.join(page, '/feed')
  if (answer.kind !== 'r') throw new Error(`join refused: ${answer.reason ?? answer.kind}`)
  return { socket, pid }
}

/** Resolves once every viewer's patch shows `n`; the time from `sent`. */
function allSee(viewers, n) {
  const shown = `"${n}"`
  let left = viewers.length
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${left} of ${viewers.length} viewers did not see ${n} within ${ROUND_TIMEOUT_MS} ms`)), ROUND_TIMEOUT_MS)
    for (const viewer of viewers) {
      viewer.socket.tap = (message) => {
        if (message[0] !== 'p' || !JSON.stringify(message[4]).includes(shown)) return
        viewer.socket.tap = null
        if (--left === 0) {
          clearTimeout(timer)
          resolve(performance.now())
        }
      }
    }
  })
}

async function main() {
  const page = await fetchPage(port, '/feed')
  if (page.id === undefined) throw new Error(`no live view at /feed (status ${page.status})`)
  const viewers = []
  // In batches, as the render load opens its connections.
  for (let i = 0; i < receivers; i += 50) {
    viewers.push(...(await Promise.all(Array.from({ length: Math.min(50, receivers - i) }, () => joined(page)))))
  }
  const sender = await joined(page)
  const spread = {}
  for (const { pid } of viewers) spread[pid] = (spread[pid] ?? 0) + 1
  const times = []
  for (let round = 1; round <= warmupRounds + rounds; round++) {
    const n = 1_000_000 + round
    const seen = allSee(viewers, n)
    const sent = performance.now()
    void sender.socket.event(page.id, 'send', { n })
    const ms = (await seen) - sent
    if (round > warmupRounds) times.push(ms)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  times.sort((a, b) => a - b)
  const at = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]
  process.stdout.write(`${JSON.stringify({ phase: 'done', p50: at(50), p99: at(99), mean: times.reduce((a, b) => a + b, 0) / times.length, spread })}\n`)
  for (const { socket } of [...viewers, sender]) socket.close()
  process.exit(0)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
