'use strict'
// Refusals are logged once per cause per connection per interval, with the
// count of the rest: a flood costs two lines per 10 s, not one per frame.
const test = require('node:test')
const assert = require('node:assert/strict')
const { load } = require('../test-support/livets')
const { quietLogger } = require('../test-support/fake-core')

const { RefusalLog } = load('refusal-log')

// A clock whose time moves only when the test says, with the log's one timer.
function fakeClock() {
  const clock = {
    time: 0,
    timers: [],
    now: () => clock.time,
    after(ms, fn) {
      const timer = { at: clock.time + ms, fn }
      clock.timers.push(timer)
      return () => { clock.timers = clock.timers.filter((t) => t !== timer) }
    },
    advance(ms) {
      clock.time += ms
      for (;;) {
        const due = clock.timers.filter((t) => t.at <= clock.time).sort((a, b) => a.at - b.at)[0]
        if (due === undefined) return
        clock.timers = clock.timers.filter((t) => t !== due)
        due.fn()
      }
    },
  }
  return clock
}

function setup() {
  const logger = quietLogger()
  const clock = fakeClock()
  return { logger, clock, log: new RefusalLog(logger, clock) }
}

test('the first refusal of a cause is logged at once; the rest of the interval as one line with their count', () => {
  const { logger, clock, log } = setup()
  log.refuse(12, '203.0.113.5', 'unknown event', 'unknown event "x" on Counter (/counter)')
  for (let i = 0; i < 4811; i++) log.refuse(12, '203.0.113.5', 'unknown event', `unknown event "y${i}" on Counter (/counter)`)
  assert.deepEqual(logger.lines.warn, ['[livets] conn 12 (203.0.113.5): unknown event "x" on Counter (/counter)'])
  clock.advance(9_999)
  assert.equal(logger.lines.warn.length, 1, 'nothing more before the interval ends')
  clock.advance(1)
  assert.deepEqual(logger.lines.warn.slice(1), [
    '[livets] conn 12 (203.0.113.5): unknown event "y4810" on Counter (/counter) … and 4,811 more in 10 s',
  ])
  clock.advance(60_000)
  assert.equal(logger.lines.warn.length, 2, 'a quiet connection logs nothing')
  assert.equal(clock.timers.length, 0, 'and leaves no timer behind')
})

test('causes and connections are counted apart', () => {
  const { logger, clock, log } = setup()
  log.refuse(1, '10.0.0.1', 'unknown event', 'a')
  log.refuse(1, '10.0.0.1', 'bad model value', 'b')
  log.refuse(2, '10.0.0.2', 'unknown event', 'c')
  log.refuse(1, '10.0.0.1', 'unknown event', 'a2')
  assert.deepEqual(logger.lines.warn, ['[livets] conn 1 (10.0.0.1): a', '[livets] conn 1 (10.0.0.1): b', '[livets] conn 2 (10.0.0.2): c'])
  clock.advance(10_000)
  assert.deepEqual(logger.lines.warn.slice(3), ['[livets] conn 1 (10.0.0.1): a2 … and 1 more in 10 s'])
})

test('a refusal after the interval starts a new one and is logged at once', () => {
  const { logger, clock, log } = setup()
  log.refuse(3, '::1', 'invalid token (expired)', 'refused join: expired')
  clock.advance(10_000)
  log.refuse(3, '::1', 'invalid token (expired)', 'refused join: expired again')
  assert.deepEqual(logger.lines.warn, ['[livets] conn 3 (::1): refused join: expired', '[livets] conn 3 (::1): refused join: expired again'])
})

test('a closing connection reports its counts at once and is forgotten', () => {
  const { logger, clock, log } = setup()
  log.refuse(5, '192.0.2.1', 'unknown event', 'e1')
  log.refuse(5, '192.0.2.1', 'unknown event', 'e2')
  log.refuse(5, '192.0.2.1', 'unknown event', 'e3')
  log.closed(5)
  assert.deepEqual(logger.lines.warn, ['[livets] conn 5 (192.0.2.1): e1', '[livets] conn 5 (192.0.2.1): e3 … and 2 more in 10 s'])
  assert.equal(clock.timers.length, 0)
  clock.advance(10_000)
  assert.equal(logger.lines.warn.length, 2)
})

test('flush reports everything pending and stops the timer', () => {
  const { logger, clock, log } = setup()
  log.refuse(7, '192.0.2.7', 'unknown event', 'x')
  log.refuse(7, '192.0.2.7', 'unknown event', 'y')
  log.flush()
  assert.deepEqual(logger.lines.warn, ['[livets] conn 7 (192.0.2.7): x', '[livets] conn 7 (192.0.2.7): y … and 1 more in 10 s'])
  assert.equal(clock.timers.length, 0)
})
