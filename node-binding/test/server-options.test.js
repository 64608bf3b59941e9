'use strict'
// LiveTSServer's own options: each one given wrongly fails at construction
// with a TypeError that names the option and what it got (never a secret).
const test = require('node:test')
const assert = require('node:assert/strict')
const { load } = require('../test-support/livets')

const { LiveTSServer } = load()

test('each wrongly given option names itself and the value it got', () => {
  const cases = [
    [{ title: 5 }, 'title must be a string, got 5'],
    [{ tokenTtlMs: 0 }, 'tokenTtlMs must be a positive number of milliseconds, got 0'],
    [{ assets: { prefix: 'assets', dir: 'public' } }, 'assets.prefix must be a path such as "/assets/" (with a "/" at each end), got "assets"'],
    [{ assets: { prefix: '/assets/' } }, 'assets.dir must be the path of a folder, got undefined'],
    [{ assets: { prefix: '/assets/', dir: '' } }, 'assets.dir must be the path of a folder, got ""'],
    [{ remountDelayMs: -1 }, 'remountDelayMs must be a non-negative number, got -1'],
    [{ maxCrashes: 'many' }, 'maxCrashes must be a non-negative number, got "many"'],
    [{ secret: '' }, 'secret must be a non-empty string or Uint8Array, got an empty one'],
    [{ secret: new Uint8Array(0) }, 'secret must be a non-empty string or Uint8Array, got an empty one'],
    [{ secret: 42 }, 'secret must be a non-empty string or Uint8Array, got 42'],
  ]
  for (const [options, message] of cases) {
    assert.throws(() => new LiveTSServer(options), { name: 'TypeError', message }, JSON.stringify(options))
  }
})

test('subscribe names a bad topic or handler', () => {
  const server = new LiveTSServer()
  assert.throws(() => server.subscribe('', () => {}), { name: 'TypeError', message: 'topic must be a non-empty string, got ""' })
  assert.throws(() => server.subscribe('t', 'nope'), { name: 'TypeError', message: 'handler must be a function, got "nope"' })
})
