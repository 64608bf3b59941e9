import { test } from 'node:test'
import assert from 'node:assert/strict'
import { install, root } from '../test-support/fake-dom.mjs'
import { applyPatch } from '../src/patch.js'

install()

const patched = (html, ops) => {
  const r = root(html)
  return [applyPatch(r, ops), r.innerHTML]
}

test('the protocol example: a counter from 3 to 4', () => {
  assert.deepEqual(patched('<h1>Count</h1><span id="count">3</span>', [[1, [1, 0], '#text', '4']]), [
    true,
    '<h1>Count</h1><span id="count">4</span>',
  ])
})

test('each operation', () => {
  assert.deepEqual(patched('<p>a</p><i>x</i>', [[0, [1], 'i', '<b>y</b>z']]), [true, '<p>a</p><b>y</b>z'])
  assert.deepEqual(patched('<!--a-->', [[1, [0], '#comment', 'b']]), [true, '<!--b-->'])
  assert.deepEqual(patched('<a>x</a>', [[2, [0], 'a', 'href', '/y']]), [true, '<a href="/y">x</a>'])
  assert.deepEqual(patched('<a href="/y">x</a>', [[3, [0], 'a', 'href']]), [true, '<a>x</a>'])
  assert.deepEqual(patched('<ul><li>1</li></ul>', [[4, [0], 'ul', '<li>2</li><li>3</li>']]), [true, '<ul><li>1</li><li>2</li><li>3</li></ul>'])
  assert.deepEqual(patched('<p>1</p><p>2</p>', [[5, [0], 'p']]), [true, '<p>2</p>'])
})

test('paths are read after the operations before them', () => {
  assert.deepEqual(patched('<p>a</p><p>b</p><p>c</p>', [[5, [0], 'p'], [1, [0, 0], '#text', 'B'], [2, [1], 'p', 'id', 'c']]), [
    true,
    '<p>B</p><p id="c">c</p>',
  ])
})

test('a missing target or another name stops the patch where it is', () => {
  const html = '<p>a</p><p>b</p>'
  assert.deepEqual(patched(html, [[1, [2, 0], '#text', 'x']]), [false, html])
  assert.deepEqual(patched(html, [[1, [0, 0], '#comment', 'x']]), [false, html])
  assert.deepEqual(patched(html, [[1, [0, 0], '#text', 'A'], [2, [1], 'div', 'id', 'x'], [1, [1, 0], '#text', 'B']]), [
    false,
    '<p>A</p><p>b</p>',
  ])
})

test('the root is neither replaced nor removed, and text is not set on elements', () => {
  for (const op of [[0, [], '', '<p>x</p>'], [5, [], ''], [1, [0], '', 'x'], [2, [0, 0], '', 'id', 'x']])
    assert.deepEqual(patched('<p>a</p>', [op]), [false, '<p>a</p>'], JSON.stringify(op))
})

test('malformed operations are refused, not thrown', () => {
  for (const ops of [[[9, [0], 'p']], [[1, '0', '#text', 'x']], [7], [[2, [0], 'p', 'bad name', 'x']], null])
    assert.deepEqual(patched('<p>a</p>', ops), [false, '<p>a</p>'], JSON.stringify(ops))
})

test('operations inside a ts-ignore subtree are skipped as done', () => {
  // The page's own code changed what is inside: the server's paths no longer fit.
  const html = '<div ts-ignore=""><canvas></canvas></div><p>1</p>'
  const ops = [
    [1, [0, 0, 0], '#text', 'server text'],
    [5, [0, 3], 'span'],
    [4, [0], 'div', '<b>more</b>'],
    [2, [0], 'div', 'data-n', '2'],
    [1, [1, 0], '#text', '2'],
  ]
  assert.deepEqual(patched(html, ops), [true, '<div ts-ignore="" data-n="2"><canvas></canvas></div><p>2</p>'])
})

test('an ignored element itself can still be replaced or removed', () => {
  assert.deepEqual(patched('<div ts-ignore="">x</div>', [[0, [0], 'div', '<p>new</p>']]), [true, '<p>new</p>'])
  assert.deepEqual(patched('<div ts-ignore="">x</div><p></p>', [[5, [0], 'div']]), [true, '<p></p>'])
})
