'use strict'
// each(): an unchanged item's markup is kept without running its render,
// and the markup is always what rendering every item would give.

const test = require('node:test')
const assert = require('node:assert/strict')
const { html, each } = require('../dist/index')
const { checkKeptItems } = require('../dist/each')
const { trackRender, applySplices, freshMarkup } = require('../dist/template-track')

checkKeptItems(false)

const rowsOf = (n) => Array.from({ length: n }, (_, i) => ({ id: i, name: `row ${i}`, score: 0 }))

/** A table rendered with each(), counting how many rows ran their template. */
function counted() {
  const calls = { n: 0 }
  const table = (rows, deps) =>
    html`<table><tbody>${each(
      rows,
      (r) => {
        calls.n++
        return html`<tr ts-key="${r.id}"><td>${r.name}</td><td class="${deps ? deps[0] : ''}">${r.score}</td></tr>`
      },
      deps,
    )}</tbody></table>`
  return { calls, table }
}

const mapped = (rows, cls = '') =>
  html`<table><tbody>${rows.map((r) => html`<tr ts-key="${r.id}"><td>${r.name}</td><td class="${cls}">${r.score}</td></tr>`)}</tbody></table>`

test('only replaced items run their template, and the markup is what rendering all gives', () => {
  const { calls, table } = counted()
  let rows = rowsOf(50)
  assert.equal(table(rows).toString(), mapped(rows).toString())
  assert.equal(calls.n, 50)
  rows = rows.slice()
  rows[7] = { ...rows[7], score: 1 }
  calls.n = 0
  assert.equal(table(rows).toString(), mapped(rows).toString())
  assert.equal(calls.n, 1)
})

test('moved, added and removed items: only new ones run their template', () => {
  const { calls, table } = counted()
  let rows = rowsOf(20)
  table(rows)
  rows = [rows[19], ...rows.slice(3, 10), { id: 100, name: 'new', score: 5 }, ...rows.slice(10, 19), rows[0]]
  calls.n = 0
  assert.equal(table(rows).toString(), mapped(rows).toString())
  assert.equal(calls.n, 1)
})

test('a change of deps renders every item again', () => {
  const { calls, table } = counted()
  const rows = rowsOf(10)
  table(rows, ['a'])
  calls.n = 0
  table(rows, ['a'])
  assert.equal(calls.n, 0)
  assert.equal(table(rows, ['b']).toString(), mapped(rows, 'b').toString())
  assert.equal(calls.n, 10)
})

test('items that are not objects are kept only at the same place, and bound functions never', () => {
  let calls = 0
  const render = (s) => {
    calls++
    return html`<li>${s}</li>`
  }
  each(['a', 'b', 3], render)
  each(['a', 'b', 3], render)
  assert.equal(calls, 3)
  assert.equal(each([3, 'a', 'b'], render).join(''), '<li>3</li><li>a</li><li>b</li>')
  assert.equal(calls, 6)
  calls = 0
  const rows = rowsOf(3)
  const bound = function (r) {
    calls++
    return html`<li>${this.prefix}${r.name}</li>`
  }
  each(rows, bound.bind({ prefix: 'x' }))
  assert.equal(each(rows, bound.bind({ prefix: 'y' }))[0].toString(), '<li>yrow 0</li>')
  assert.equal(calls, 6)
})

test('an item changed in place keeps its markup, and the development check says so once and renders it fresh', (t) => {
  const warnings = []
  t.mock.method(console, 'warn', (msg) => warnings.push(msg))
  const rows = rowsOf(3)
  const list = () => html`<ul>${each(rows, (r) => html`<li>${r.score}</li>`)}</ul>`
  list()
  rows[1].score = 9
  assert.equal(list().toString(), '<ul><li>0</li><li>0</li><li>0</li></ul>')
  checkKeptItems(true)
  try {
    assert.equal(list().toString(), '<ul><li>0</li><li>9</li><li>0</li></ul>')
    list()
  } finally {
    checkKeptItems(false)
  }
  assert.equal(warnings.length, 1)
  assert.match(warnings[0], /deps/)
  assert.match(warnings[0], /kept: {2}<li>0<\/li>\n {2}fresh: <li>9<\/li>/)
})

test('random changes to a kept list: the splices always give the full render', () => {
  let s = 7
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
  const TEXTS = ['', 'a', 'b & c', '<i>', 'é', '😀', 'x'.repeat(40)]
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)]
  const view = (st) =>
    html`<h1>${st.title}</h1><ul>${each(st.items, (it) => html`<li id="i${it.id}" class="${it.on ? 'on' : 'off'}">${it.text}</li>`)}</ul>`
  let nextId = 0
  for (let run = 0; run < 30; run++) {
    let st = { title: pick(TEXTS), items: Array.from({ length: Math.floor(rnd() * 8) }, () => ({ id: nextId++, text: pick(TEXTS), on: rnd() < 0.5 })) }
    let prev = view(st)
    prev.toString()
    for (let i = 0; i < 25; i++) {
      const items = st.items.slice()
      const what = Math.floor(rnd() * 5)
      if (what === 0) st = { ...st, title: pick(TEXTS) }
      else if (what === 1) items.push({ id: nextId++, text: pick(TEXTS), on: rnd() < 0.5 })
      else if (what === 2 && items.length > 0) items.splice(Math.floor(rnd() * items.length), 1)
      else if (what === 3 && items.length > 1) items.push(items.shift())
      else if (items.length > 0) {
        const k = Math.floor(rnd() * items.length)
        items[k] = { ...items[k], text: pick(TEXTS), on: !items[k].on }
      }
      st = { ...st, items }
      const next = view(st)
      const before = prev.toString()
      const full = freshMarkup(next)
      const tracked = trackRender(prev, next)
      assert.equal(applySplices(before, Buffer.byteLength(before), tracked.splices), full)
      assert.equal(tracked.tree.toString(), full)
      prev = tracked.tree
    }
  }
})

test('a long run of one-item changes: the lengths noted per change add up with every later render', () => {
  // Each change of one item's length is noted, not summed into the list's
  // lengths, until there are many; every render reads positions through them.
  const TEXTS = ['', 'a', 'é', '😀', 'b & c', 'x'.repeat(33)]
  const view = (items) => html`<ol>${each(items, (it) => html`<li>${it.text}</li>`)}</ol><p>end</p>`
  let items = Array.from({ length: 40 }, (_, id) => ({ id, text: TEXTS[id % TEXTS.length] }))
  let prev = view(items)
  prev.toString()
  for (let step = 0; step < 200; step++) {
    items = items.slice()
    const k = (step * 7) % items.length
    items[k] = { ...items[k], text: TEXTS[(step * 5 + k) % TEXTS.length] }
    const next = view(items)
    const before = prev.toString()
    const full = freshMarkup(next)
    const tracked = trackRender(prev, next)
    assert.equal(applySplices(before, Buffer.byteLength(before), tracked.splices), full, `step ${step}`)
    assert.equal(tracked.tree.toString(), full)
    prev = tracked.tree
  }
})
