import { test } from 'node:test'
import assert from 'node:assert/strict'
import { valuesOf, fieldsOf, timing, keyMatches, payloadOf, valueOf, attrOf, sendable } from '../src/events.js'
import { DELAY } from '../src/constants.js'

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

const none = () => null

test('timing comes from modifiers, then from ts-debounce / ts-throttle', () => {
  assert.equal(timing([], none), undefined)
  assert.deepEqual(timing(['debounce', '250ms'], none), [250, false])
  assert.deepEqual(timing(['throttle', '1000ms'], none), [1000, true])
  assert.deepEqual(timing(['enter', 'debounce'], none), [DELAY, false], 'no time: the default')
  assert.deepEqual(timing(['debounce', 'enter'], none), [DELAY, false])
  const attrs = { 'ts-debounce': '120', 'ts-throttle': '80' }
  assert.deepEqual(timing([], n => attrs[n] ?? null), [120, false])
  assert.deepEqual(timing([], n => (n == 'ts-throttle' ? '' : null)), [DELAY, true])
  assert.deepEqual(timing(['throttle', '10ms'], n => attrs[n] ?? null), [120, false], 'debounce is looked for first')
})

test('key filters are the modifiers that are neither options nor times', () => {
  assert.equal(keyMatches([], 'a'), true)
  assert.equal(keyMatches(['enter'], 'Enter'), true)
  assert.equal(keyMatches(['enter'], 'a'), false)
  assert.equal(keyMatches(['enter', 'escape'], 'Escape'), true)
  assert.equal(keyMatches(['window', 'escape'], 'Escape'), true)
  assert.equal(keyMatches(['window', 'escape'], 'Enter'), false)
  assert.equal(keyMatches(['window', 'outside', 'lazy', 'debounce', '300ms'], 'x'), true, 'no filter among these')
  assert.equal(keyMatches(['throttle', '100ms', 'arrowdown'], 'ArrowDown'), true)
})

// Elements as plain objects: the helpers only read properties.
const el = (props, attrs = {}) => ({ ...props, attributes: Object.entries(attrs).map(([name, value]) => ({ name, value })) })

test('payloads: values, then the control or the whole form', () => {
  const input = el({ value: 'hi', name: 'q' }, { 'ts-value-scope': 'all' })
  assert.deepEqual(payloadOf(input, { type: 'input' }, input), { scope: 'all', value: 'hi', name: 'q' })
  assert.deepEqual(payloadOf(input, { type: 'keydown', key: 'Enter' }, input), { scope: 'all', value: 'hi', name: 'q', key: 'Enter' })
  const box = el({ value: 'on', name: 'ok', type: 'checkbox', checked: false })
  assert.deepEqual(payloadOf(box, { type: 'change' }, box), { value: 'on', name: 'ok', checked: false })
  const button = el({ value: '' }, { 'ts-value-id': '7' })
  assert.deepEqual(payloadOf(button, { type: 'click' }, button), { id: '7' }, 'a click sends values only')
})

test('valueOf: checkboxes are booleans, number inputs numbers, multiple selects arrays, the rest strings', () => {
  assert.equal(valueOf({ type: 'checkbox', checked: true, value: 'on' }), true)
  assert.deepEqual(valueOf({ type: 'select-multiple', selectedOptions: [{ value: 'a' }, { value: 'c' }] }), ['a', 'c'])
  assert.equal(valueOf({ type: 'radio', checked: true, value: 'red' }), 'red')
  assert.equal(valueOf({ type: 'text', value: 'x' }), 'x')
  // The server refuses a model value of another type than declared: "3" is not a number.
  assert.equal(valueOf({ type: 'number', value: '3', valueAsNumber: 3 }), 3)
  assert.equal(valueOf({ type: 'range', value: '0.5', valueAsNumber: 0.5 }), 0.5)
  assert.ok(Number.isNaN(valueOf({ type: 'number', value: '', valueAsNumber: NaN })))
})

test('an unfinished number is not sent; every other value is', () => {
  assert.equal(sendable(NaN), false)
  for (const v of [0, 3, '', 'x', false, true, [], ['a']]) assert.equal(sendable(v), true, JSON.stringify(v))
})

test('attrOf finds an attribute with or without modifiers', () => {
  const e = el({}, { 'ts-modelx': 'no', 'ts-model.lazy.debounce.50ms': 'bio' })
  assert.equal(attrOf(e, 'ts-model').value, 'bio')
  assert.equal(attrOf(el({}, { 'ts-model': 'x' }), 'ts-model').value, 'x')
  assert.equal(attrOf(el({}, { 'ts-modelx': 'no' }), 'ts-model'), undefined)
})
