import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'

// The browser's bytes, as gzip -9 sends them (docs/benchmarks.md, "Client
// size"). A page the LiveTS server renders loads one script: live.js (page
// layer and connector), or live-<features>.js with the features its first
// render uses bundled in. A page that lacks a feature it comes to need
// loads the feature alone (js.js, upload.js, hook.js, transition.js,
// stream.js). Other hosts load livets.js. What few pages use is a script
// of its own, loaded on need (ON_NEED).
const dist = new URL('../dist/', import.meta.url)

// Built from the current sources, measured the way build.sh reports it.
const built = execFileSync('bash', [new URL('../build.sh', import.meta.url).pathname], { encoding: 'utf8' })
const gzipped = file => execFileSync('gzip', ['-9c'], { input: readFileSync(new URL(file, dist)) }).length
const total = files => files.reduce((n, f) => n + gzipped(f), 0)

const scripts = readdirSync(dist).filter(f => f.endsWith('.js'))
// The scripts a page loads: live.js and one per combination of features.
const pageScripts = scripts.filter(f => /^live(-\w+)*\.js$/.test(f)).sort()
const featuresOf = f => f.slice(4, -3).split('-').filter(Boolean)
// In the order page.ts names them, each with a string only its code holds.
const FEATURES = { js: 'focusFirst', upload: 'getRandomValues', hook: 'handleEvent', transition: 'removedNodes', stream: 'firstElementChild' }
const scriptOf = features => `live${features.map(f => `-${f}`).join('')}.js`
// Every combination but transitions without the JS commands: the page
// layer names js for any ts-transition, and js is what loads transition.js.
const COMBINATIONS = Object.keys(FEATURES)
  .reduce((all, f) => all.flatMap(c => [c, [...c, f]]), [[]])
  .filter(c => !c.includes('transition') || c.includes('js'))
// Loaded on need, each with a string only it holds: long polling (once the
// WebSocket gives way), ts-show and ts-if (once a view holds either), what
// a rejoin sends again (as the socket opens again after a drop), what a
// refusal does (at the first), live navigation (at the first), uploads to
// a storage service (at the first).
const ON_NEED = {
  'poll.js': 'LiveTS-Session',
  'show.js': 'bad expression',
  'recover.js': 'ts-on:change',
  'refused.js': 'could not start',
  'nav.js': 'DOMParser',
  'upload-external.js': 'XMLHttpRequest',
}

// What every page may load, whichever of the features below it uses.
const PAGE_BUDGET = 8192
// Before the split, every page loaded live.js (3,370 B) and livets.js
// (4,999 B): a page without uploads, JS commands or nested views may load
// at most that plus 1 KB.
const BEFORE_SPLIT = 3370 + 4999
const PLAIN_BUDGET = BEFORE_SPLIT + 1024
// The standalone connector, as before the split.
const CONNECTOR_BUDGET = 5000

// A page with every feature of the budget: JS commands, hooks with push
// events and replies, patches' transitions (nested views are in every
// script), and long polling once the WebSocket gives way to it.
const everyFeature = [scriptOf(['js', 'hook', 'transition']), 'poll.js']
// The same page with streams, and with uploads as well.
const withStreams = [scriptOf(['js', 'hook', 'transition', 'stream']), 'poll.js']
const withUploadsAndStreams = [scriptOf(['js', 'upload', 'hook', 'transition', 'stream']), 'poll.js']
// A page whose first render has no JS command, gaining JS commands, hooks
// and transitions later (the budget is not met: its script is chosen by
// its first render). A page with JS commands has hooks and transitions in
// its script from the start (page.ts, pageFeatures).
const gainedLater = ['live.js', 'js.js', 'hook.js', 'transition.js', 'poll.js']
const gainedLaterWithUploadsAndStreams = ['live-upload.js', 'js.js', 'hook.js', 'transition.js', 'stream.js', 'poll.js']
// A page without uploads, JS commands or nested views: its hooks and push
// events, long polling, and what a dropped connection brings.
const plain = ['live.js', 'hook.js', 'poll.js', 'recover.js', 'refused.js']

test('sizes per script and per feature (gzip -9)', t => {
  assert.deepEqual(pageScripts, COMBINATIONS.map(scriptOf).sort())
  for (const file of scripts.filter(f => f != 'livets.esm.js')) {
    const size = gzipped(file)
    t.diagnostic(`${file}: ${size} B`)
    assert.match(built, new RegExp(`dist/${file.replace(/\./g, '\\.')}: \\d+ bytes, ${size} bytes gzip -9\\n`), 'the build prints the same size')
  }
  for (const f of Object.keys(FEATURES)) {
    const base = f == 'transition' ? ['js'] : []
    const inScript = gzipped(scriptOf([...base, f])) - gzipped(scriptOf(base))
    t.diagnostic(`feature ${f}: ${inScript} B in a page's script, ${gzipped(`${f}.js`)} B alone`)
  }
  for (const [name, files] of Object.entries({ everyFeature, withStreams, withUploadsAndStreams, gainedLater, gainedLaterWithUploadsAndStreams, plain }))
    t.diagnostic(`${name}: ${files.join(' + ')} = ${total(files)} B`)
})

test('a page script holds the features its name gives, and no other', () => {
  for (const file of pageScripts) {
    const text = readFileSync(new URL(file, dist), 'utf8')
    for (const [f, mark] of Object.entries(FEATURES))
      assert.equal(text.includes(mark), featuresOf(file).includes(f), `${file} and ${f}`)
  }
})

test('what few pages use is loaded on need, not carried by every script', () => {
  for (const [file, mark] of Object.entries(ON_NEED)) {
    assert.ok(scripts.includes(file), file)
    assert.match(readFileSync(new URL(file, dist), 'utf8'), new RegExp(mark), file)
    for (const script of ['livets.js', ...pageScripts, ...Object.keys(FEATURES).map(f => `${f}.js`)])
      assert.doesNotMatch(readFileSync(new URL(script, dist), 'utf8'), new RegExp(mark), `${script} holds ${file}`)
    assert.ok(gzipped(file) < 1200, `${file} is ${gzipped(file)} bytes gzipped`)
  }
})

test(`the standalone connector is at most ${CONNECTOR_BUDGET} bytes`, () => {
  const size = gzipped('livets.js')
  assert.ok(size <= CONNECTOR_BUDGET, `dist/livets.js is ${size} bytes gzipped`)
})

test(`a page with JS commands, hooks, transitions and nested views loads at most ${PAGE_BUDGET} bytes, long polling included`, () => {
  assert.ok(total(everyFeature) <= PAGE_BUDGET, `${everyFeature.join(' + ')}: ${total(everyFeature)} bytes gzipped`)
  // So does every page with fewer of them.
  for (const file of pageScripts.filter(f => !featuresOf(f).some(f => f == 'upload' || f == 'stream')))
    assert.ok(total([file, 'poll.js']) <= PAGE_BUDGET, `${file} + poll.js: ${total([file, 'poll.js'])} bytes gzipped`)
})

test(`a page without uploads, JS commands or nested views loads at most ${PLAIN_BUDGET} bytes, 1 KB more than before the split`, () => {
  assert.ok(total(plain) <= PLAIN_BUDGET, `${plain.join(' + ')}: ${total(plain)} bytes gzipped`)
  assert.ok(total(['live-hook.js', 'poll.js']) <= PLAIN_BUDGET)
})

test(`a page with uploads and at most one other feature loads a script of at most ${PAGE_BUDGET} bytes`, () => {
  for (const file of pageScripts.filter(f => featuresOf(f).includes('upload') && featuresOf(f).length <= 2))
    assert.ok(gzipped(file) <= PAGE_BUDGET, `${file} is ${gzipped(file)} bytes gzipped`)
})

// A script of its own starts a gzip stream afresh, with none of the page
// script's words to refer back to.
test('a feature loaded later costs at most 500 bytes more than one bundled in', () => {
  for (const f of Object.keys(FEATURES)) {
    const base = f == 'transition' ? ['js'] : []
    const later = total([scriptOf(base), `${f}.js`])
    assert.ok(later - gzipped(scriptOf([...base, f])) < 500, `${scriptOf(base)} then ${f}.js: ${later} bytes`)
  }
})

test('every internal name (a trailing _) is shortened, to one short name each, the same in every script', () => {
  const cache = JSON.parse(readFileSync(new URL('mangle-cache.json', dist), 'utf8'))
  const src = new URL('../src/', import.meta.url)
  const named = new Set()
  for (const file of readdirSync(src))
    for (const [, name] of readFileSync(new URL(file, src), 'utf8').matchAll(/(?<![\w$])([a-zA-Z]\w*_)(?![\w$])/g)) named.add(name)
  // Only properties end in _: no variable, function or constant does.
  assert.deepEqual(Object.keys(cache).sort(), [...named].sort())
  const short = Object.values(cache)
  assert.equal(new Set(short).size, short.length, 'no two names share a short one')
  for (const file of scripts)
    for (const name of named) assert.ok(!readFileSync(new URL(file, dist), 'utf8').includes(name), `${file} holds ${name}`)
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
  for (const f of [...Object.keys(FEATURES).map(f => `${f}.js`), ...Object.keys(ON_NEED)]) {
    const text = readFileSync(new URL(f, dist), 'utf8')
    assert.doesNotMatch(text, /new WebSocket|DOMContentLoaded|applyPatch/, f)
  }
})
