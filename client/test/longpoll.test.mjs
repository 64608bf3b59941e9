import { test, mock } from 'node:test'
import assert from 'node:assert/strict'
import { frame, unframe, longPoll } from '../src/longpoll.js'
import { transport } from '../src/transport.js'
import { POLL_RETRY, QUICK_DROP, SESSION_HEADER } from '../src/constants.js'

const bytes = text => new TextEncoder().encode(text)
const messagesOf = body => {
  const out = []
  unframe(body, m => out.push(m))
  return out
}

test('frame and unframe count bytes, so any text survives, line feeds and non-ASCII included', () => {
  assert.equal(frame('["e",1]'), '7\n["e",1]')
  assert.equal(frame('é'), '2\né')
  const texts = ['["r","c1",1,1,"<p>hi</p>"]', 'line\nfeed', '', 'ünïcödé ✓']
  assert.deepEqual(messagesOf(bytes(texts.map(frame).join(''))), texts)
  assert.deepEqual(messagesOf(bytes('')), [])
})

// A stand-in fetch: each call is recorded and answered when the test says.
const fakeFetch = () => {
  const calls = []
  globalThis.fetch = (url, init) =>
    new Promise(resolve => calls.push({ url, init, answer: (status, body = '') => resolve(new Response(status == 204 ? null : body, { status })) }))
  return calls
}
const settle = () => new Promise(resolve => setTimeout(resolve, 0))

test('a long-poll session opens with a POST, holds one GET, posts in order and ends with a DELETE', async () => {
  const calls = fakeFetch()
  try {
    const s = longPoll('ws://h:1/live?v=1')
    const log = []
    s.onopen = () => log.push('open')
    s.onmessage = e => log.push(e.data)
    s.onclose = () => log.push('close')
    assert.equal(s.readyState, 0)
    assert.equal(calls[0].url, 'http://h:1/live/poll?v=1')
    assert.equal(calls[0].init.method, 'POST')
    assert.equal(calls[0].init.headers[SESSION_HEADER], '', 'no session yet: this POST opens one')
    calls[0].answer(200, '5.abc')
    await settle()
    assert.equal(s.readyState, 1)
    assert.deepEqual(log, ['open'])
    assert.equal(calls[1].init.method, 'GET')
    assert.equal(calls[1].init.headers[SESSION_HEADER], '5.abc')

    s.send('["e",1]')
    s.send('["e",2]')
    await settle()
    assert.equal(calls.length, 3, 'the second message waits for the first POST')
    assert.equal(calls[2].init.body, '7\n["e",1]')
    calls[2].answer(204)
    await settle()
    assert.equal(calls[3].init.body, '7\n["e",2]')

    calls[1].answer(200, frame('["r","c",1,1,""]') + frame('["t","x"]'))
    await settle()
    assert.deepEqual(log, ['open', '["r","c",1,1,""]', '["t","x"]'])
    assert.equal(calls[4].init.method, 'GET', 'polls again at once')
    calls[4].answer(204)
    await settle()
    assert.equal(calls[5].init.method, 'GET', 'a hold that ran out is polled again too')

    s.close()
    assert.equal(s.readyState, 3)
    assert.equal(calls[6].init.method, 'DELETE')
    calls[5].answer(410)
    await settle()
    assert.deepEqual(log.at(-1), '["t","x"]', 'closed by the page: no onclose, no more messages')
  } finally {
    delete globalThis.fetch
  }
})

test('a session the server ends or cannot open reports one close', async () => {
  const calls = fakeFetch()
  try {
    let closes = 0
    const refused = longPoll('ws://h/live?v=1')
    refused.onclose = () => closes++
    calls[0].answer(404)
    await settle()
    assert.equal(refused.readyState, 3)
    assert.equal(closes, 1)

    const s = longPoll('ws://h/live?v=1')
    s.onopen = () => {}
    s.onclose = () => closes++
    calls[1].answer(200, '6.def')
    await settle()
    s.send('x')
    await settle()
    calls[2].answer(410)
    calls[3].answer(410)
    await settle()
    assert.equal(closes, 2)
  } finally {
    delete globalThis.fetch
  }
})

// Stand-ins for both kinds of socket, opened and closed by the test.
const fakes = () => {
  const made = []
  class Fake {
    constructor(url, kind) {
      Object.assign(this, { url, kind, readyState: 0, sent: [], closedByPage: false })
      made.push(this)
    }
    send(data) { this.sent.push(data) }
    open() { this.readyState = 1; this.onopen() }
    // As longpoll.js does, a polling session closed by the page reports nothing.
    close() { this.readyState = 3; this.closedByPage = true; if (this.kind == 'ws') this.onclose() }
    drop() { this.readyState = 3; this.onclose() }
  }
  globalThis.WebSocket = class extends Fake { constructor(url) { super(url, 'ws') } }
  // The loader of poll.js, as if loaded at once.
  return { made, poll: then => then(url => new Fake(url, 'poll')) }
}

test('two upgrades that fail make the transport poll, and a WebSocket that opens later takes over', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1e12 })
  try {
    const { made, poll } = fakes()
    const log = []
    const push = transport('ws://h/live?v=1', () => log.push('open'), m => log.push(m), () => log.push('down'), poll)
    made[0].drop()
    mock.timers.tick(15000)
    assert.equal(made[1].kind, 'ws', 'one failure is not enough to give up on WebSockets')
    made[1].drop()
    mock.timers.tick(15000)
    assert.equal(made[2].kind, 'poll')
    made[2].open()
    assert.deepEqual(log.splice(0), ['down', 'down', 'open'])
    assert.equal(push('e', 'c', 'inc', {}), 1)
    assert.deepEqual(made[2].sent, ['["e",1,"c","inc",{}]'])

    // A WebSocket is tried beside the polling; failing, it changes nothing.
    mock.timers.tick(POLL_RETRY)
    assert.equal(made[3].kind, 'ws')
    made[3].drop()
    assert.equal(push('e', 'c', 'inc', {}), 2, 'still polling')
    assert.deepEqual(log, [])
    mock.timers.tick(POLL_RETRY)
    assert.equal(made[4].kind, 'ws')
    made[4].open()
    assert.ok(made[2].closedByPage, 'the polling session is ended')
    assert.deepEqual(log, ['down', 'open'], 'views re-join on the WebSocket')
    assert.equal(push('e', 'c', 'inc', {}), 3)
    assert.deepEqual(made[4].sent, ['["e",3,"c","inc",{}]'])
    mock.timers.tick(POLL_RETRY * 3)
    assert.equal(made.length, 5, 'no more tries once on a WebSocket')
  } finally {
    mock.timers.reset()
    delete globalThis.WebSocket
  }
})

test('sockets that open and drop at once count as failures; one that lived resets the count', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1e12 })
  try {
    const { made, poll } = fakes()
    transport('ws://h/live?v=1', () => {}, () => {}, () => {}, poll)
    made[0].open()
    mock.timers.tick(QUICK_DROP + 1)
    made[0].drop()
    mock.timers.tick(15000)
    made[1].open()
    made[1].drop()
    mock.timers.tick(15000)
    assert.equal(made[2].kind, 'ws', 'the first quick drop follows a socket that lived')
    made[2].open()
    made[2].drop()
    mock.timers.tick(15000)
    assert.equal(made[3].kind, 'poll', 'two quick drops in a row')
    // A polling session that fails goes back to trying a WebSocket.
    made[3].drop()
    mock.timers.tick(15000)
    assert.equal(made[4].kind, 'ws')
  } finally {
    mock.timers.reset()
    delete globalThis.WebSocket
  }
})

test('without a poll factory the transport never leaves WebSockets', () => {
  mock.timers.enable({ apis: ['setTimeout'] })
  try {
    const { made } = fakes()
    transport('ws://h/live?v=1', () => {}, () => {}, () => {})
    for (let i = 0; i < 5; i++) made.at(-1).drop(), mock.timers.tick(15000)
    assert.ok(made.every(s => s.kind == 'ws'))
  } finally {
    mock.timers.reset()
    delete globalThis.WebSocket
  }
})

test('when poll.js cannot be loaded, a WebSocket is tried again, as long as it takes', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1e12 })
  try {
    const { made } = fakes()
    let loads = 0
    let loaded = 0
    const poll = then => (++loads, loaded ? then(url => new WebSocket(url + '&polled')) : then())
    transport('ws://h/live?v=1', () => {}, () => {}, () => {}, poll)
    made[0].drop()
    mock.timers.tick(15000)
    made[1].drop()
    mock.timers.tick(15000)
    assert.equal(loads, 1, 'two failed upgrades ask for long polling')
    assert.equal(made[2].kind, 'ws', 'none to be had: a WebSocket instead')
    assert.equal(made[2].url, 'ws://h/live?v=1')
    made[2].drop()
    mock.timers.tick(15000)
    assert.equal(loads, 2, 'asked for again at the next failure')
    loaded = 1
    made[3].drop()
    mock.timers.tick(15000)
    assert.equal(made.at(-1).url, 'ws://h/live?v=1&polled', 'the session poll.js makes once it loads')
  } finally {
    mock.timers.reset()
    delete globalThis.WebSocket
  }
})
