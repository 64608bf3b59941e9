'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { html, raw, escapeHtml, Html } = require('../test-support/livets').load()

const s = (h) => {
  assert.ok(h instanceof Html, 'html`` returns an Html value')
  return h.toString()
}

test('text interpolations are escaped', () => {
  const name = '<script>alert("x")</script>'
  assert.equal(s(html`<p>${name}</p>`), '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>')
})

test('every special character is escaped', () => {
  assert.equal(escapeHtml(`&<>"'\``), '&amp;&lt;&gt;&quot;&#39;&#96;')
  assert.equal(s(html`${`&<>"'\``}`), '&amp;&lt;&gt;&quot;&#39;&#96;')
})

test('XSS payloads in text positions stay text', () => {
  const payloads = [
    '<img src=x onerror=alert(1)>',
    '<svg/onload=alert(1)>',
    '</textarea><script>alert(1)</script>',
    '<!--<script>-->',
    '&lt;already escaped&gt;',
  ]
  for (const p of payloads) {
    const out = s(html`<div>${p}</div>`)
    assert.ok(!/<(img|svg|script|\/textarea|!--)/i.test(out.slice(5, -6)), out)
  }
  assert.equal(s(html`${'&lt;'}`), '&amp;lt;', 'entities are escaped again, not trusted')
})

test('XSS payloads in attribute positions cannot leave the quotes', () => {
  const breakouts = [
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '"><script>alert(1)</script>',
    '` onmouseover=alert(1) `',
  ]
  for (const p of breakouts) {
    const dq = s(html`<a title="${p}">x</a>`)
    const sq = s(html`<a title='${p}'>x</a>`)
    assert.ok(!/["'`<>]/.test(dq.slice('<a title="'.length, dq.indexOf('">x'))), dq)
    assert.ok(!/["'`<>]/.test(sq.slice("<a title='".length, sq.indexOf("'>x"))), sq)
  }
})

test('numbers, zero and true render as text', () => {
  assert.equal(s(html`${0}|${42}|${-1.5}|${true}`), '0|42|-1.5|true')
})

test('null, undefined and false render nothing', () => {
  assert.equal(s(html`[${null}][${undefined}][${false}]`), '[][][]')
  const show = false
  assert.equal(s(html`<p>${show && html`<b>hidden</b>`}</p>`), '<p></p>')
})

test('arrays render as lists, each item escaped', () => {
  const items = ['a', '<b>', 'c']
  assert.equal(
    s(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`),
    '<ul><li>a</li><li>&lt;b&gt;</li><li>c</li></ul>',
  )
  assert.equal(s(html`${['<i>', ['x', null, ['<y>']], false]}`), '&lt;i&gt;x&lt;y&gt;')
  assert.equal(s(html`${[]}`), '')
})

test('nested Html is not escaped again', () => {
  const inner = html`<b>${'<'}</b>`
  assert.equal(s(html`<p>${inner}</p>`), '<p><b>&lt;</b></p>')
  assert.equal(s(html`${html`${html`&`}`}`), '&')
})

test('raw() is inserted as is', () => {
  assert.equal(s(html`<div>${raw('<hr>')}</div>`), '<div><hr></div>')
  assert.equal(s(raw('<x>')), '<x>')
})

test('a plain string never passes for Html', () => {
  assert.equal(s(html`${{ toString: () => '<b>' }}`), '&lt;b&gt;')
  assert.throws(() => new Html('<b>'), TypeError)
})
