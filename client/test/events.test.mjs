import { test } from 'node:test'
import assert from 'node:assert/strict'
import { valuesOf, fieldsOf } from '../src/events.js'

const attrs = o => Object.entries(o).map(([name, value]) => ({ name, value }))

test('valuesOf keeps only ts-value-* attributes, named without the prefix', () => {
  assert.deepEqual(
    valuesOf(attrs({ id: 'x', 'ts-on:click': 'inc', 'ts-value-by': '2', 'ts-value-item-id': '42', 'data-ts-value-no': '1' })),
    { by: '2', 'item-id': '42' },
  )
})

test('valuesOf of an element without values is an empty object', () => {
  assert.deepEqual(valuesOf([]), {})
  assert.deepEqual(valuesOf(attrs({ class: 'btn', 'ts-value': 'no name' })), {})
})

test('valuesOf keeps values as the strings the page wrote', () => {
  assert.deepEqual(valuesOf(attrs({ 'ts-value-n': '007', 'ts-value-empty': '' })), { n: '007', empty: '' })
})

test('fieldsOf makes an object of form fields', () => {
  assert.deepEqual(fieldsOf([['title', 'Buy milk'], ['done', 'on']]), { title: 'Buy milk', done: 'on' })
})

test('fieldsOf gathers repeated names into an array, in order', () => {
  assert.deepEqual(
    fieldsOf([['tag', 'a'], ['q', 'x'], ['tag', 'b'], ['tag', 'c']]),
    { tag: ['a', 'b', 'c'], q: 'x' },
  )
})

test('fieldsOf of no fields is an empty object', () => {
  assert.deepEqual(fieldsOf([]), {})
})
