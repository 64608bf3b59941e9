import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compile } from '../src/expr.js'

const run = (src, model = {}) => compile(src)(model)

test('literals', () => {
  assert.equal(run('42'), 42)
  assert.equal(run('-1.5'), -1.5)
  assert.equal(run("'it is'"), 'it is')
  assert.equal(run('"it\'s"'), "it's", 'the other quote needs no escape')
  assert.equal(run("''"), '')
  assert.equal(run('true'), true)
  assert.equal(run('false'), false)
  assert.equal(run('null'), null)
  assert.equal(run('undefined'), undefined)
})

test('names read the model, and properties of its values', () => {
  const m = { open: true, name: 'Ada', tags: ['a', 'b'], nested: { deep: { x: 1 } } }
  assert.equal(run('open', m), true)
  assert.equal(run('name.length', m), 3)
  assert.equal(run('tags.length', m), 2)
  assert.equal(run('nested.deep.x', m), 1)
  assert.equal(run('missing', m), undefined)
  assert.equal(run('missing.length', m), undefined, 'a missing value has no properties, and no error')
})

test('names reach only own properties: no prototype, global or function', () => {
  for (const src of ['constructor', 'toString', '__proto__', 'name.constructor', 'name.toUpperCase', 'globalThis', 'window', 'process'])
    assert.equal(run(src, { name: 'Ada' }), undefined, src)
  assert.equal(run('hasOwnProperty', Object.create({ hasOwnProperty: 1 })), undefined)
})

test('comparisons, loose and strict', () => {
  const m = { n: '3', plan: 'pro', on: true }
  assert.equal(run('n == 3', m), true)
  assert.equal(run('n === 3', m), false)
  assert.equal(run("n === '3'", m), true)
  assert.equal(run('n != 3', m), false)
  assert.equal(run('n !== 3', m), true)
  assert.equal(run("plan == 'pro'", m), true)
  assert.equal(run('n > 2', m), true)
  assert.equal(run('n >= 3', m), true)
  assert.equal(run('n < 3', m), false)
  assert.equal(run('n <= 2', m), false)
})

test('logic, negation, precedence and parentheses', () => {
  const m = { a: true, b: false, c: true, name: '' }
  assert.equal(run('a && b', m), false)
  assert.equal(run('a || b', m), true)
  assert.equal(run('!b', m), true)
  assert.equal(run('!!name', m), false)
  assert.equal(run('b && b || c', m), true, '&& binds tighter than ||')
  assert.equal(run('b && (b || c)', m), false)
  assert.equal(run('a && name.length == 0', m), true, 'comparison binds tighter than &&')
  assert.equal(run('!a == false', m), true, '! applies to its operand only, as in JavaScript')
  assert.equal(run('1 < 2 == true'), true)
  assert.equal(run("a || 'x'", m), true, '|| gives a value, not only a boolean')
  assert.equal(run("b || 'x'", m), 'x')
})

test('white space does not matter', () => {
  assert.equal(run('  a&&b  ', { a: 1, b: 2 }), 2)
  assert.equal(run('\n(a)\t', { a: 1 }), 1)
})

test('a compiled expression is reusable across models', () => {
  const f = compile("plan == 'pro' && seats > 1")
  assert.equal(f({ plan: 'pro', seats: 2 }), true)
  assert.equal(f({ plan: 'free', seats: 2 }), false)
  assert.equal(f({}), false)
})

test('anything else is a SyntaxError, at compile time', () => {
  for (const src of [
    '', '   ', 'a +', 'a + b', 'a b', '(a', 'a)', '!', 'a.', 'a.1', "a['x']", 'a()', 'alert(1)', 'a = 1',
    'a ? b : c', '`x`', "'open", 'a;b', '{}', '[1]', 'a &', 'a | b', 'new Foo', '=> 1', '@x', "'a\\'b'",
  ])
    assert.throws(() => compile(src), SyntaxError, JSON.stringify(src))
})
