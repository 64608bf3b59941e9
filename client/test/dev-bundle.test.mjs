import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

// Dev tooling stays out of what production pages run: the connector has
// none of it, the page layer only the tab's debug tools (a failed view's
// notice is refused.js, loaded at the first refusal), and the dev script
// (loaded by `livets dev` pages alone) evaluates nothing and parses no
// markup.
const dist = new URL('../dist/', import.meta.url)
execFileSync('bash', [new URL('../build.sh', import.meta.url).pathname], { encoding: 'utf8' })
const read = file => readFileSync(new URL(file, dist), 'utf8')

test('the connector holds no dev tooling', () => {
  for (const file of ['livets.js', 'livets.esm.js', 'hook.js']) {
    const text = read(file)
    for (const name of ['EventSource', 'livets-dev', 'latencySim', 'livets-debug', 'ts-error-notice']) assert.ok(!text.includes(name), `${file} has ${name}`)
  }
})

test('the page layer has the tab debug tools and loads the failure notices, not the dev channel', () => {
  const text = read('live.js')
  for (const name of ['latencySim', 'livets-debug', "'refused'"]) assert.ok(text.includes(name.replace(/'/g, '"')), name)
  for (const name of ['EventSource', 'livets-dev-overlay', 'ts-error-notice']) assert.ok(!text.includes(name), name)
  assert.ok(read('refused.js').includes('ts-error-notice'))
})

test('the dev script listens to the channel and builds its overlay without parsing markup', () => {
  const text = read('dev.js')
  assert.ok(text.includes('EventSource'))
  assert.ok(text.includes('livets-dev-overlay'))
  assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\b/)
})
