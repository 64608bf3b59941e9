import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const dist = new URL('../dist/', import.meta.url)

// Built from the current sources, measured the way build.sh reports it.
const built = execFileSync('bash', [new URL('../build.sh', import.meta.url).pathname], { encoding: 'utf8' })
const gzipped = file => execFileSync('gzip', ['-9c'], { input: readFileSync(new URL(file, dist)) }).length

test('the minified IIFE bundle is at most 5,350 bytes after gzip -9', () => {
  const size = gzipped('livets.js')
  assert.ok(size <= 5350, `dist/livets.js is ${size} bytes gzipped`)
  assert.match(built, new RegExp(`\\b${size} bytes gzip -9`), 'the build prints the same size')
})

test('both bundles expose the documented API', () => {
  const iife = readFileSync(new URL('livets.js', dist), 'utf8')
  assert.match(iife, /window\.LiveTS=\{applyPatch:\w+,connect:\w+,hooks:\w+,on:\w+\}/)
  const esm = readFileSync(new URL('livets.esm.js', dist), 'utf8')
  assert.match(esm, /export\{[^}]*\bapplyPatch\b/)
  for (const name of ['connect', 'hooks', 'on']) assert.match(esm, new RegExp(`export\\{[^}]*\\b${name}\\b`))
})

test('the bundles evaluate no strings as code', () => {
  for (const file of ['livets.js', 'livets.esm.js']) {
    const text = readFileSync(new URL(file, dist), 'utf8')
    assert.doesNotMatch(text, /\beval\(|new Function\b|\bFunction\(|setTimeout\("|innerHTML\s*\+?=\s*[^;]*<script/, file)
  }
})
