'use strict'
// TurnHold: the core's wake-ups are held once per turn of Node's loop,
// from the first view record to the check phase, after the microtasks in
// which views answer; a server that cannot hold is left alone.
const test = require('node:test')
const assert = require('node:assert/strict')
const { TurnHold } = require('../test-support/livets').load('turn-hold')

function fakeNative({ holdThrows = false } = {}) {
  const calls = []
  return {
    calls,
    holdCalls(h) {
      calls.push(['hold', h])
      if (holdThrows) throw new Error('LTS_ESTATE')
    },
    releaseCalls(h) {
      calls.push(['release', h])
    },
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

test("one hold per turn, released after the turn's microtasks", async () => {
  const native = fakeNative()
  const turn = new TurnHold(native, 'h')
  turn.hold()
  turn.hold()
  const seen = []
  // A view answers several microtasks after its record: still held then.
  await Promise.resolve().then(() => Promise.resolve()).then(() => seen.push(native.calls.length))
  assert.deepEqual(seen, [1], "not released while the turn's microtasks run")
  await nextTurn()
  assert.deepEqual(native.calls, [['hold', 'h'], ['release', 'h']])
  turn.hold()
  await nextTurn()
  assert.deepEqual(native.calls.map(([what]) => what), ['hold', 'release', 'hold', 'release'], 'the next turn holds again')
})

test('a server that cannot hold (stopped) is not released', async () => {
  const native = fakeNative({ holdThrows: true })
  const turn = new TurnHold(native, 'h')
  turn.hold()
  await nextTurn()
  assert.deepEqual(native.calls, [['hold', 'h']])
})

test('a release that throws (the server freed meanwhile) is swallowed and the next turn holds again', async () => {
  const native = fakeNative()
  native.releaseCalls = (h) => {
    native.calls.push(['release', h])
    throw new Error('LTS_EMISUSE')
  }
  const turn = new TurnHold(native, 'h')
  turn.hold()
  await nextTurn()
  turn.hold()
  await nextTurn()
  assert.deepEqual(native.calls.map(([what]) => what), ['hold', 'release', 'hold', 'release'])
})
