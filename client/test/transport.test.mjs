import { test, mock } from 'node:test'
import assert from 'node:assert/strict'
import { backoff, encode, decode, transport } from '../src/transport.js'
import { BACKOFF_BASE, BACKOFF_CAP } from '../src/constants.js'

test('backoff stays within [0, cap] for any attempt and any draw', () => {
  for (let attempt = 0; attempt < 80; attempt++) {
    for (const draw of [0, 1e-9, 0.5, 0.999999]) {
      const d = backoff(attempt, () => draw)
      assert.ok(d >= 0 && d <= BACKOFF_CAP, `attempt ${attempt} draw ${draw}: ${d}`)
    }
    const d = backoff(attempt)
    assert.ok(d >= 0 && d <= BACKOFF_CAP)
  }
})

test('backoff ceiling doubles from the base until it reaches the cap', () => {
  const top = n => backoff(n, () => 1)
  assert.equal(top(0), BACKOFF_BASE)
  assert.equal(top(1), 2 * BACKOFF_BASE)
  let prev = 0
  for (let n = 0; n < 40; n++) {
    assert.ok(top(n) >= prev, `ceiling shrank at attempt ${n}`)
    prev = top(n)
  }
  assert.equal(top(40), BACKOFF_CAP)
  assert.equal(top(1e6), BACKOFF_CAP, 'huge attempts do not overflow past the cap')
})

test('backoff is fully jittered: a zero draw waits zero', () => {
  assert.equal(backoff(5, () => 0), 0)
  const mean = n => {
    let s = 0
    for (let i = 0; i < 4000; i++) s += backoff(n)
    return s / 4000
  }
  assert.ok(mean(4) > mean(0) * 4, 'later attempts wait longer on average')
})

test('encode writes the compact JSON array of the protocol', () => {
  assert.equal(encode(['j', 1, 'c1', 'tok', {}]), '["j",1,"c1","tok",{}]')
  assert.equal(encode(['e', 2, 'c1', 'inc', { by: '2' }]), '["e",2,"c1","inc",{"by":"2"}]')
})

test('decode accepts server messages and rejects everything else', () => {
  assert.deepEqual(decode('["r","c1",1,1,"<p>hi</p>"]'), ['r', 'c1', 1, 1, '<p>hi</p>'])
  assert.deepEqual(decode('["p","c1",2,0,[[1,[1,0],"#text","4"]]]'), ['p', 'c1', 2, 0, [[1, [1, 0], '#text', '4']]])
  for (const bad of ['', 'nope', '{"a":1}', '[]', '[1,2]', 'null', '"r"', '["r"', undefined])
    assert.equal(decode(bad), null, JSON.stringify(bad))
})

// A stand-in WebSocket: the transport only needs the constructor, readyState,
// send and the four handlers.
const fakeSockets = () => {
  const made = []
  globalThis.WebSocket = class {
    constructor(url) {
      this.url = url
      this.readyState = 0
      this.sent = []
      made.push(this)
    }
    send(data) { this.sent.push(data) }
    open() { this.readyState = 1; this.onopen() }
    message(data) { this.onmessage({ data }) }
    close() { this.readyState = 3; this.onclose() }
  }
  return made
}

test('transport numbers refs per socket, sends nothing while down, reconnects forever', () => {
  mock.timers.enable({ apis: ['setTimeout'] })
  try {
    const made = fakeSockets()
    const log = []
    const push = transport('ws://h/live?v=1', () => log.push('open'), m => log.push(m), () => log.push('down'))
    assert.equal(made.length, 1)
    assert.equal(made[0].url, 'ws://h/live?v=1')

    assert.equal(push('j', 'c1', 't', {}), 0, 'not open yet: dropped')
    assert.deepEqual(made[0].sent, [])

    made[0].open()
    assert.equal(push('j', 'c1', 't', {}), 1)
    assert.equal(push('e', 'c1', 'inc', {}), 2)
    assert.deepEqual(made[0].sent, ['["j",1,"c1","t",{}]', '["e",2,"c1","inc",{}]'])

    made[0].message('["r","c1",1,1,""]')
    made[0].message('garbage')
    made[0].message('{"not":"an array"}')
    assert.deepEqual(log, ['open', ['r', 'c1', 1, 1, '']])

    // Many failures in a row: every one schedules another try, no queueing.
    made[0].close()
    assert.equal(push('e', 'c1', 'inc', {}), 0)
    for (let i = 0; i < 12; i++) {
      assert.equal(made.length, i + 1)
      mock.timers.tick(BACKOFF_CAP)
      assert.equal(made.length, i + 2, `retry ${i} happened`)
      made.at(-1).close()
    }
    mock.timers.tick(BACKOFF_CAP)
    const live = made.at(-1)
    live.open()
    assert.equal(push('e', 'c1', 'inc', {}), 3, 'refs keep increasing')
    assert.deepEqual(live.sent, ['["e",3,"c1","inc",{}]'])
    assert.equal(log.filter(x => x == 'down').length, 13)
    assert.equal(log.filter(x => x == 'open').length, 2)
    assert.ok(made.slice(1, -1).every(s => s.sent.length == 0), 'sockets that never opened sent nothing')
  } finally {
    mock.timers.reset()
    delete globalThis.WebSocket
  }
})

test('transport waits no longer than the first step once the server has spoken', () => {
  mock.timers.enable({ apis: ['setTimeout'] })
  try {
    const made = fakeSockets()
    transport('ws://h/live?v=1', () => {}, () => {}, () => {})
    for (let i = 0; i < 8; i++) made.at(-1).close(), mock.timers.tick(BACKOFF_CAP)
    const s = made.at(-1)
    s.open()
    s.message('["r","c1",1,1,""]')
    s.close()
    const before = made.length
    mock.timers.tick(BACKOFF_BASE)
    assert.equal(made.length, before + 1)
  } finally {
    mock.timers.reset()
    delete globalThis.WebSocket
  }
})
