'use strict'
// The Node layer's wire protocol (src/protocol.ts) and docs/protocol.md
// against tests/fixtures/wire-frames.json, the samples the core and the
// connector are checked against too.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Kind, historyFrame, navigateFrame, redirectFrame, flashFrame, titleFrame, pushEventFrame, replyFrame, encodeFrame } = require('../dist/protocol.js')

const root = path.join(__dirname, '..', '..')
const fixture = JSON.parse(fs.readFileSync(path.join(root, 'tests/fixtures/wire-frames.json'), 'utf8'))
const doc = fs.readFileSync(path.join(root, 'docs/protocol.md'), 'utf8')

// The frames the host writes, from a sample's named fields.
const hostEncoders = {
  history: f => historyFrame(f.id, f.url, f.replace),
  navigate: f => navigateFrame(f.id, f.url, f.replace),
  redirect: f => redirectFrame(f.url),
  flash: f => flashFrame(f.id, f.flash),
  title: f => titleFrame(f.id, f.title),
  pushEvent: f => pushEventFrame(f.id, f.event, f.payload),
  reply: f => replyFrame(f.id, f.ref, f.value),
}

test('every sample is its letter followed by its fields, in order', () => {
  assert.equal(fixture.version, 1)
  for (const s of fixture.kinds) assert.deepEqual(JSON.parse(s.frame), [s.letter, ...Object.values(s.fields)], s.kind)
  const letters = fixture.kinds.map(s => s.letter)
  assert.equal(new Set(letters).size, letters.length, 'one sample a kind, each its own letter')
})

test('the Kind table is the fixture\'s kinds and letters, both directions', () => {
  assert.deepEqual(Kind, Object.fromEntries(fixture.kinds.map(s => [s.kind, s.letter])))
})

test('each host frame encoder writes its sample exactly', () => {
  const hostKinds = fixture.kinds.filter(s => s.writer == 'host')
  assert.deepEqual(hostKinds.map(s => s.kind).sort(), Object.keys(hostEncoders).sort())
  for (const s of hostKinds) assert.equal(encodeFrame(hostEncoders[s.kind](s.fields)), s.frame, s.kind)
})

test('the protocol tables in docs/protocol.md give every kind with the fixture\'s fields', () => {
  const rows = [...doc.matchAll(/^\| `\["([a-z])"((?:, [a-z]+)*)\]` \|/gm)].map(m => [m[1], m[2].split(', ').slice(1)])
  assert.deepEqual(
    rows.sort(([a], [b]) => a.localeCompare(b)),
    fixture.kinds.map(s => [s.letter, Object.keys(s.fields)]).sort(([a], [b]) => a.localeCompare(b)),
  )
})

test('the samples in docs/protocol.md are the fixture\'s frames', () => {
  const block = doc.match(/<!-- wire-frames\.json: every kind, in the fixture's order -->\n```\n([\s\S]*?)```/)
  assert.ok(block, 'the marked samples block is in the doc')
  assert.deepEqual(block[1].trimEnd().split('\n'), fixture.kinds.map(s => s.frame))
})

test('docs/protocol.md gives every reason and close the core refuses a frame with', () => {
  const refusals = doc.slice(doc.indexOf('## Browser → server'), doc.indexOf('## Server → browser'))
  for (const m of fixture.malformed) {
    if (m.close) {
      assert.ok(refusals.includes(`${m.close.code} (\`${m.close.reason}\`)`), `close ${m.close.code}`)
    } else {
      assert.ok(refusals.includes('| `' + m.reason + '` |'), m.reason)
    }
  }
})
