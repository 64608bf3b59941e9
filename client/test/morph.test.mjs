import { test } from 'node:test'
import assert from 'node:assert/strict'
import { install, root, Element } from '../test-support/fake-dom.mjs'
import { morph } from '../src/morph.js'

install()

const nodes = r => r.childNodes.filter(n => n.nodeType == 1)

test('ends with exactly the new markup', () => {
  for (const [from, to] of [
    ['', '<p>a</p>'],
    ['<p>a</p>', ''],
    ['<p>a</p>text<!--c-->', '<div>b</div><!--d-->'],
    ['<ul><li>1</li><li>2</li></ul>', '<ul><li>2</li></ul><p>x</p>'],
    ['<a href="/x" class="c">x</a>', '<a title="t">y</a>'],
    ['<li ts-key="a">a</li><li ts-key="b">b</li>', '<li ts-key="c">c</li><li ts-key="a">A</li><p>u</p>'],
    ['<p>1</p><li ts-key="a">a</li><p>2</p>', '<p>0</p><p>1</p><p>2</p><li ts-key="a">a</li>'],
    ['<li id="x">x</li><li id="y">y</li>', '<li id="y">y</li><li id="x">x</li>'],
    ['<li ts-key="a">a</li>', '<li ts-key="a">a</li><li ts-key="a">dup</li>'],
  ]) {
    const r = root(from)
    morph(r, to)
    assert.equal(r.innerHTML, to, `${from} -> ${to}`)
  }
})

test('keyed elements keep their identity when reordered', () => {
  const r = root('<ul><li ts-key="a">a</li><li ts-key="b">b</li><li ts-key="c">c</li><li ts-key="d">d</li></ul>')
  const [a, b, c, d] = nodes(r.firstChild)
  morph(r, '<ul><li ts-key="d">d</li><li ts-key="b">b!</li><li ts-key="e">e</li><li ts-key="a">a</li></ul>')
  const after = nodes(r.firstChild)
  assert.equal(after[0], d)
  assert.equal(after[1], b)
  assert.equal(after[3], a)
  assert.ok(![a, b, d].includes(after[2]), 'a new key is a new element')
  assert.equal(c.parentNode, null, 'a key that is gone is removed')
  assert.equal(b.textContent, 'b!')
})

test('ids serve as keys', () => {
  const r = root('<p id="one">1</p><p id="two">2</p>')
  const [one, two] = nodes(r)
  morph(r, '<p id="two">2</p><p id="one">1</p>')
  assert.deepEqual(nodes(r), [two, one])
})

test('unkeyed nodes of the same kind are updated in place', () => {
  const r = root('<p class="a">x</p>text<span>s</span>')
  const [p, text, span] = r.childNodes
  morph(r, '<p class="b" title="t">y</p>other<span>s</span>')
  assert.deepEqual(r.childNodes, [p, text, span])
  assert.equal(r.innerHTML, '<p class="b" title="t">y</p>other<span>s</span>')
})

test('a node of another kind is replaced', () => {
  const r = root('<p>x</p>')
  const p = r.firstChild
  morph(r, '<div>x</div>')
  assert.notEqual(r.firstChild, p)
  assert.equal(r.innerHTML, '<div>x</div>')
})

test('the inside of a ts-ignore element is left alone, its attributes are not', () => {
  const r = root('<div ts-ignore="" class="a"><canvas></canvas></div>')
  morph(r, '<div ts-ignore="" class="b"><p>server</p></div>')
  assert.equal(r.innerHTML, '<div ts-ignore="" class="b"><canvas></canvas></div>')
})

test('a template keeps its stamped copy while its content is unchanged', () => {
  const r = root('<template ts-if="on"><p>x</p></template>')
  const t = r.firstChild
  t.append(new Element('p'))
  morph(r, '<template ts-if="on &amp;&amp; more"><p>x</p></template>')
  assert.equal(r.firstChild, t)
  assert.equal(t.childNodes.length, 1, 'the copy stays')
  assert.equal(t.getAttribute('ts-if'), 'on && more', 'the attributes follow')
  morph(r, '<template ts-if="on"><p>y</p></template>')
  assert.notEqual(r.firstChild, t, 'new content: a new template')
  assert.equal(r.firstChild.innerHTML, '<p>y</p>')
})

test('an attribute setAttribute refuses makes the element be replaced', () => {
  const r = root('<button>x</button>')
  const b = r.firstChild
  morph(r, '<button @click="go">x</button>')
  assert.notEqual(r.firstChild, b)
  assert.equal(r.firstChild.getAttribute('@click'), 'go')
})
