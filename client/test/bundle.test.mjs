import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'

// The browser's bytes, as gzip -9 sends them (docs/benchmarks.md, "Client
// size"). A page the LiveTS server renders loads one script: live.js (page
// layer and connector), or live-<features>.js with the features its view
// uses bundled in. A page that lacks a feature it comes to need loads the
// feature alone (js.js, upload.js). Other hosts load livets.js. What few
// pages use is a script of its own, loaded on need (ON_NEED).
const dist = new URL('../dist/', import.meta.url)

// Built from the current sources, measured the way build.sh reports it.
const built = execFileSync('bash', [new URL('../build.sh', import.meta.url).pathname], { encoding: 'utf8' })
const gzipped = file => execFileSync('gzip', ['-9c'], { input: readFileSync(new URL(file, dist)) }).length

const scripts = readdirSync(dist).filter(f => f.endsWith('.js'))
// The scripts a page loads: live.js and one per combination of features.
const pageScripts = scripts.filter(f => /^live(-\w+)*\.js$/.test(f)).sort()
const featuresOf = f => f.slice(4, -3).split('-').filter(Boolean)
const FEATURES = ['js', 'upload']
const everyFeature = `live-${FEATURES.join('-')}.js`
// Loaded on need, each with a string only it holds: long polling (once the
// WebSocket gives way), ts-show and ts-if (once a view holds either),
// hooks and push events (once a view holds ts-hook or a push event
// arrives), what a rejoin sends again (as the socket opens again after a
// drop), stream operations (at the first patch with one), what a
// refusal does (at the first), the enter and leave transitions of patches
// (once a view or a message holds ts-transition or ts-transition-leave),
// live navigation (at the first), uploads to a storage service (at the
// first).
const ON_NEED = {
  'poll.js': 'LiveTS-Session',
  'show.js': 'bad expression',
  'hook.js': 'handleEvent',
  'recover.js': 'ts-on:change',
  'stream.js': 'firstElementChild',
  'refused.js': 'could not start',
  'transition.js': 'removedNodes',
  'nav.js': 'DOMParser',
  'upload-external.js': 'XMLHttpRequest',
}

// Before the split, every page loaded live.js (3,370 B) and livets.js
// (4,999 B): a page without uploads, JS commands or nested views may load
// at most that plus 1 KB.
const BEFORE_SPLIT = 3370 + 4999
// What every page may load, whichever features it uses.
const PAGE_BUDGET = 8192
// The standalone connector, as before the split.
const CONNECTOR_BUDGET = 5000

test('sizes per script and per feature (gzip -9)', t => {
  assert.deepEqual(pageScripts, ['live-js-upload.js', 'live-js.js', 'live-upload.js', 'live.js'])
  for (const file of scripts.filter(f => f != 'livets.esm.js')) {
    const size = gzipped(file)
    t.diagnostic(`${file}: ${size} B`)
    assert.match(built, new RegExp(`dist/${file.replace(/\./g, '\\.')}: \\d+ bytes, ${size} bytes gzip -9\\n`), 'the build prints the same size')
  }
  const base = gzipped('live.js')
  for (const f of FEATURES) t.diagnostic(`feature ${f}: ${gzipped(`live-${f}.js`) - base} B in a page's script, ${gzipped(`${f}.js`)} B alone`)
  for (const f of Object.keys(ON_NEED)) t.diagnostic(`${everyFeature} + ${f}: ${gzipped(everyFeature) + gzipped(f)} B`)
})

test('what few pages use is loaded on need, not carried by every script', () => {
  for (const [file, mark] of Object.entries(ON_NEED)) {
    assert.ok(scripts.includes(file), file)
    assert.match(readFileSync(new URL(file, dist), 'utf8'), new RegExp(mark), file)
    for (const script of ['livets.js', ...pageScripts, 'js.js', 'upload.js'])
      assert.doesNotMatch(readFileSync(new URL(script, dist), 'utf8'), new RegExp(mark), `${script} holds ${file}`)
    assert.ok(gzipped(file) < 1200, `${file} is ${gzipped(file)} bytes gzipped`)
  }
})

test(`the standalone connector is at most ${CONNECTOR_BUDGET} bytes`, () => {
  const size = gzipped('livets.js')
  assert.ok(size <= CONNECTOR_BUDGET, `dist/livets.js is ${size} bytes gzipped`)
})

test('a page with no feature loads live.js alone, at most 1 KB more than before the split', () => {
  const size = gzipped('live.js')
  assert.ok(size <= BEFORE_SPLIT + 1024, `live.js is ${size} bytes gzipped`)
})

test(`a page loads at most ${PAGE_BUDGET} bytes of script, whichever features it uses`, () => {
  assert.ok(pageScripts.includes(everyFeature))
  for (const file of pageScripts) {
    const size = gzipped(file)
    assert.ok(size <= PAGE_BUDGET, `${file} (${featuresOf(file).join(', ') || 'no feature'}) is ${size} bytes gzipped`)
  }
})

test('a feature loaded later costs at most 400 bytes more than one bundled in', () => {
  for (const f of FEATURES) {
    const later = gzipped('live.js') + gzipped(`${f}.js`)
    assert.ok(later - gzipped(`live-${f}.js`) < 400, `live.js then ${f}.js: ${later} bytes`)
  }
})

test('the bundles expose the documented API', () => {
  for (const file of ['livets.js', ...pageScripts]) {
    const iife = readFileSync(new URL(file, dist), 'utf8')
    assert.match(iife, /window\.LiveTS=\{applyPatch:[\w$]+,connect:[\w$]+,hooks:[\w$]+,on:[\w$]+,ext:[\w$]+\}/, file)
  }
  const esm = readFileSync(new URL('livets.esm.js', dist), 'utf8')
  assert.match(esm, /export\{[^}]*\bapplyPatch\b/)
  for (const name of ['connect', 'hooks', 'on']) assert.match(esm, new RegExp(`export\\{[^}]*\\b${name}\\b`))
})

test('no script evaluates a string as code', () => {
  for (const file of scripts) {
    const text = readFileSync(new URL(file, dist), 'utf8')
    assert.doesNotMatch(text, /\beval\(|new Function\b|\bFunction\(|setTimeout\("|innerHTML\s*\+?=\s*[^;]*<script/, file)
  }
})

test('a feature alone holds no copy of the connector', () => {
  // What a feature needs from the page comes through its setup's api.
  for (const f of [...FEATURES.map(f => `${f}.js`), ...Object.keys(ON_NEED)]) {
    const text = readFileSync(new URL(f, dist), 'utf8')
    assert.doesNotMatch(text, /new WebSocket|DOMContentLoaded|applyPatch/, f)
  }
})
