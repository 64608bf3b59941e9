'use strict'
// Change tracking: the splices a render gives, applied to the last markup,
// must give exactly the markup a full render gives, for any change.

const test = require('node:test')
const assert = require('node:assert/strict')
const { html, raw } = require('../dist/index')
const { trackRender, applySplices, freshMarkup, isTrackable } = require('../dist/template-track')

const bytes = (s) => Buffer.byteLength(s)

/** Tracks `next` against `prev` and checks the splices against a full render. */
function step(prev, next) {
  const before = prev.toString()
  const full = freshMarkup(next)
  const tracked = trackRender(prev, next)
  assert.notEqual(tracked, null)
  assert.equal(applySplices(before, bytes(before), tracked.splices), full)
  assert.equal(tracked.tree.toString(), full)
  assert.equal(tracked.bytes, bytes(full))
  return tracked
}

const row = (r) => html`<tr ts-key="${r.id}"><td>${r.id}</td><td>${r.name}</td><td><a href="mailto:${r.owner}">${r.owner}</a></td>
  <td class="${r.score % 2 ? 'odd' : 'even'}">${r.score}</td></tr>`
const table = (rows) => html`<table><tbody>${rows.map(row)}</tbody></table>`

test('a one-cell change of a 300-row table is one splice of a few bytes', () => {
  const rows = Array.from({ length: 300 }, (_, i) => ({ id: i, name: `row ${i}`, score: 0, owner: `u${i}@example.com` }))
  const prev = table(rows)
  prev.toString()
  const next = rows.slice()
  next[150] = { ...next[150], score: 1 }
  const { splices } = step(prev, table(next))
  assert.equal(splices.length, 1)
  assert.ok(splices[0].text.length < 10, JSON.stringify(splices))
  assert.ok(splices[0].offset > 150 * 100)
})

test('an unchanged render gives no splices and keeps the previous tree', () => {
  const view = (n) => html`<p>${n}</p><ul>${[1, 2, 3].map((i) => html`<li>${i}</li>`)}</ul>`
  const prev = view(1)
  prev.toString()
  const tracked = trackRender(prev, view(1))
  assert.deepEqual(tracked.splices, [])
  assert.equal(tracked.tree, prev)
})

test('offsets count UTF-8 bytes, and no splice cuts a surrogate pair', () => {
  const view = (a, b) => html`<p>é ${a} ✓</p><p>${b}</p>`
  let prev = view('😀x', 'ü')
  prev.toString()
  prev = step(prev, view('😁x', 'ü')).tree
  prev = step(prev, view('😁x', '日本')).tree
  const { splices } = step(prev, view('😁y', '日本'))
  assert.equal(splices.length, 1)
})

test('raw() and markup with stream containers go whole', () => {
  const a = html`<p>${1}</p>`
  a.toString()
  assert.equal(trackRender(raw('<p>1</p>'), a), null)
  assert.equal(trackRender(a, raw('<p>2</p>')), null)
  const streamed = (items) => html`<ul id="s" ts-stream="x">${items}</ul>`
  const s = html`<div>${'a'}</div>`
  s.toString()
  assert.equal(trackRender(s, html`<div>${streamed([])}</div>`), null)
  assert.equal(isTrackable(streamed([]).toString()), false)
  assert.equal(isTrackable('<p>ts stream</p>'), true)
})

test('html`` still refuses bad values where the template runs', () => {
  assert.throws(() => html`<a onclick=${'x'}>`, TypeError)
  assert.throws(() => html`<${'div'}>`, TypeError)
  assert.throws(() => html`<p ${'a="b"'}>`, TypeError)
})

test('arrays and objects are fixed when the template runs', () => {
  const list = ['a', 'b']
  const attrs = { title: 'x' }
  const t = html`<p ${attrs}>${list}</p>`
  list.push('c')
  attrs.title = 'y'
  assert.equal(t.toString(), '<p title="x">ab</p>')
})

// Random trees from a handful of call sites, changed at random: every
// kind of hole (text, list, attribute, URL, attribute map, comment, raw).
function random(seed) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const TEXTS = ['', 'a', 'b & c', '<i>', '"q"', 'é', '😀', '日本語', 'x'.repeat(50), null, false, 0, 42]
const URLS = ['https://example.com/a', 'javascript:alert(1)', '/p?q=1&r=2', 'mailto:a@b.c']

function state(rnd) {
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)]
  const items = Array.from({ length: Math.floor(rnd() * 6) }, (_, i) => ({ id: i, text: pick(TEXTS), on: rnd() < 0.5, url: pick(URLS) }))
  return { title: pick(TEXTS), items, cls: pick(['a', 'b', '']), open: rnd() < 0.5, note: pick(TEXTS), rawBit: pick(['<b>x</b>', '<i>y</i>']) }
}

const item = (it) => html`<li id="i${it.id}" class="${it.on ? 'on' : 'off'}">${it.text}<a href="${it.url}">go</a>${it.on && html`<em>${it.text}</em>`}</li>`
const plain = (it) => html`<span ${{ title: it.text, hidden: it.on }}>${it.id}</span>`

function view(st) {
  return html`<h1 class=${st.cls}>${st.title}</h1><!-- ${st.note} -->
    <ul>${st.items.map(item)}</ul>
    <div>${st.items.map(plain)}${st.open ? html`<p>${st.note}</p>` : null}</div>${raw(st.rawBit)}
    <section>${[st.title, [st.note, st.items.length]]}</section>`
}

function mutate(rnd, st) {
  const next = { ...st, items: st.items.slice() }
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)]
  const n = 1 + Math.floor(rnd() * 3)
  for (let k = 0; k < n; k++) {
    const what = Math.floor(rnd() * 8)
    if (what === 0) next.title = pick(TEXTS)
    else if (what === 1) next.cls = pick(['a', 'b', '', 'c d'])
    else if (what === 2) next.open = !next.open
    else if (what === 3) next.note = pick(TEXTS)
    else if (what === 4) next.items.push({ id: next.items.length + 10, text: pick(TEXTS), on: rnd() < 0.5, url: pick(URLS) })
    else if (what === 5 && next.items.length > 0) next.items.splice(Math.floor(rnd() * next.items.length), 1)
    else if (what === 6 && next.items.length > 0) {
      const i = Math.floor(rnd() * next.items.length)
      next.items[i] = { ...next.items[i], text: pick(TEXTS), on: rnd() < 0.5 }
    } else next.rawBit = pick(['<b>x</b>', '<i>y</i>'])
  }
  return next
}

test('random changes: the splices always give the full render', () => {
  const rnd = random(16)
  for (let run = 0; run < 40; run++) {
    let st = state(rnd)
    let prev = view(st)
    prev.toString()
    for (let i = 0; i < 25; i++) {
      st = mutate(rnd, st)
      prev = step(prev, view(st)).tree
    }
  }
})

test('a live view sends a one-row change as splices, and its last HTML as the core holds it stays the full render', async () => {
  const { makeHub } = require('../test-support/hub')
  const { LiveView } = require('../dist/index')
  class Rows extends LiveView {
    static events = ['bump', 'noop']
    state = { rows: Array.from({ length: 50 }, (_, i) => ({ id: i, n: 0 })) }
    render() {
      return html`<ul>${this.state.rows.map((r) => html`<li ts-key="${r.id}">${r.n}</li>`)}</ul>`
    }
    handleEvent(event, payload) {
      if (event === 'noop') return
      const rows = this.state.rows.slice()
      rows[payload.i] = { ...rows[payload.i], n: rows[payload.i].n + 1 }
      this.setState({ rows })
    }
  }
  const { hub, core, join } = makeHub({ '/rows': Rows })
  const page = await join('/rows')
  core.take()
  hub.event(1, 2, page.id, 'bump', JSON.stringify({ i: 7 }))
  hub.event(1, 3, page.id, 'noop', '{}')
  await hub.idle()
  assert.equal(core.spliced.length, 2)
  assert.deepEqual(core.spliced[0][1].map((s) => s.text), ['1'])
  // The event that changed nothing is answered with no splices at all.
  assert.deepEqual(core.spliced[1][1], [])
  const updates = core.take().filter((c) => c[0] === 'update')
  const expected = `<ul>${Array.from({ length: 50 }, (_, i) => `<li ts-key="${i}">${i === 7 ? 1 : 0}</li>`).join('')}</ul>`
  assert.equal(updates[0][4], expected)
  assert.equal(updates[0][3], 2)
  assert.equal(updates[1][3], 3)
})
