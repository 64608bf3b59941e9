import { test, mock } from 'node:test'
import assert from 'node:assert/strict'
import { limit, flush } from '../src/rate.js'

const withTimers = f => () => {
  mock.timers.enable({ apis: ['setTimeout'] })
  try {
    f()
  } finally {
    flush()
    mock.timers.reset()
  }
}

test('no timing sends at once', withTimers(() => {
  const sent = []
  limit({}, undefined, () => sent.push(1))
  assert.deepEqual(sent, [1])
}))

test('debounce sends the last call once the calls pause', withTimers(() => {
  const key = {}
  const sent = []
  for (const v of 'abc') {
    limit(key, [100, false], () => sent.push(v))
    mock.timers.tick(60)
  }
  assert.deepEqual(sent, [])
  mock.timers.tick(40)
  assert.deepEqual(sent, ['c'])
  mock.timers.tick(1000)
  assert.deepEqual(sent, ['c'])
}))

test('throttle sends the first at once, one per window, and always the last', withTimers(() => {
  const key = {}
  const sent = []
  for (const v of 'abcdefg') {
    limit(key, [100, true], () => sent.push(v))
    mock.timers.tick(30)
  }
  // a at 0; b..d held, d sent at 100; e..g held, g sent at 200.
  assert.deepEqual(sent, ['a', 'd'])
  mock.timers.tick(200)
  assert.deepEqual(sent, ['a', 'd', 'g'])
  mock.timers.tick(1000)
  assert.deepEqual(sent, ['a', 'd', 'g'])
  limit(key, [100, true], () => sent.push('h'))
  assert.deepEqual(sent.at(-1), 'h', 'a quiet window is over: the next call goes at once')
}))

test('each key is limited on its own', withTimers(() => {
  const sent = []
  limit('a', [100, false], () => sent.push('a'))
  limit('b', [50, false], () => sent.push('b'))
  mock.timers.tick(50)
  assert.deepEqual(sent, ['b'])
  mock.timers.tick(50)
  assert.deepEqual(sent, ['b', 'a'])
}))

test('a send that is not held flushes the held ones first, in order', withTimers(() => {
  const sent = []
  limit('model', [300, false], () => sent.push('model'))
  limit('thr', [300, true], () => sent.push('thr 1'))
  limit('thr', [300, true], () => sent.push('thr 2'))
  limit('submit', undefined, () => sent.push('submit'))
  assert.deepEqual(sent, ['thr 1', 'model', 'thr 2', 'submit'])
  mock.timers.tick(1000)
  assert.equal(sent.length, 4, 'flushed sends do not go again')
}))
