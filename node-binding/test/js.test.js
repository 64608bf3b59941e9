'use strict'
// JS commands: the builder writes JSON data into the binding's attribute,
// which html`` escapes as any value, and refuses what the page could not run.
const fs = require('fs')
const path = require('path')
const test = require('node:test')
const assert = require('node:assert/strict')
const { html, JS, JSCommands } = require('../test-support/livets').load()
const { pageFeatures, livePage } = require('../test-support/livets').load('page')

// The attribute's value as the browser reads it.
const attr = (markup, name) => {
  const m = new RegExp(`${name}="([^"]*)"`).exec(markup)
  assert.ok(m, `no ${name} in ${markup}`)
  return m[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

test('each command is a [kind, args] pair; options left out are not written', () => {
  assert.deepEqual(JSON.parse(String(JS.show('#modal'))), [['show', { to: '#modal' }]])
  assert.deepEqual(JSON.parse(String(JS.hide())), [['hide', {}]])
  assert.deepEqual(JSON.parse(String(JS.toggle('#m', { display: 'flex', in: 'a b c', out: ['x y', 'z', 'w'], time: 300 }))), [
    ['toggle', { to: '#m', display: 'flex', in: [['a'], ['b'], ['c']], out: [['x', 'y'], ['z'], ['w']], time: 300 }],
  ])
  assert.deepEqual(JSON.parse(String(JS.addClass('big wide', '#box'))), [['addClass', { to: '#box', names: ['big', 'wide'] }]])
  assert.deepEqual(JSON.parse(String(JS.removeClass(['a'], undefined, { transition: 'r, s t, e', time: 50 }))), [
    ['removeClass', { names: ['a'], transition: [['r'], ['s', 't'], ['e']], time: 50 }],
  ])
  assert.deepEqual(JSON.parse(String(JS.toggleClass('on'))), [['toggleClass', { names: ['on'] }]])
  assert.deepEqual(JSON.parse(String(JS.setAttribute('aria-expanded', 'true', '#b'))), [['setAttribute', { to: '#b', name: 'aria-expanded', value: 'true' }]])
  assert.deepEqual(JSON.parse(String(JS.removeAttribute('title'))), [['removeAttribute', { name: 'title' }]])
  assert.deepEqual(JSON.parse(String(JS.transition('f f-from f-to', '#b', { time: 300 }))), [
    ['transition', { to: '#b', transition: [['f'], ['f-from'], ['f-to']], time: 300 }],
  ])
  assert.deepEqual(JSON.parse(String(JS.dispatch('box:ping', '#b', { detail: { n: 1 }, bubbles: false }))), [
    ['dispatch', { to: '#b', event: 'box:ping', detail: { n: 1 }, bubbles: false }],
  ])
  assert.deepEqual(JSON.parse(String(JS.focus('#a').focusFirst('#m'))), [['focus', { to: '#a' }], ['focusFirst', { to: '#m' }]])
  assert.deepEqual(JSON.parse(String(JS.push('save', { target: '#cart', value: { id: 1 }, loading: '#form' }))), [
    ['push', { event: 'save', target: '#cart', value: { id: 1 }, loading: '#form' }],
  ])
  assert.deepEqual(JSON.parse(String(JS.navigate('/a', { replace: true }).patch('/b?x=1'))), [
    ['navigate', { href: '/a', replace: true }],
    ['patch', { href: '/b?x=1' }],
  ])
})

test('chains are immutable and keep their order', () => {
  const base = JS.push('save')
  const closing = base.hide('#modal')
  assert.ok(closing instanceof JSCommands)
  assert.deepEqual(JSON.parse(String(base)), [['push', { event: 'save' }]])
  assert.deepEqual(JSON.parse(String(closing)), [['push', { event: 'save' }], ['hide', { to: '#modal' }]])
  assert.equal(String(JS), '[]')
  assert.equal(JSON.stringify({ on: closing }), `{"on":${closing}}`)
})

test('html`` writes the commands into a ts-on: attribute, escaped, quoted or not', () => {
  const cmds = JS.push('save', { value: { note: `it's "<b>"&` } }).hide('#modal')
  for (const markup of [String(html`<button ts-on:click=${cmds}>x</button>`), String(html`<button ts-on:click="${cmds}">x</button>`)]) {
    assert.doesNotMatch(markup, /<b>/)
    assert.deepEqual(JSON.parse(attr(markup, 'ts-on:click')), JSON.parse(String(cmds)))
  }
})

test('bad arguments throw a TypeError that names the command and the mistake', () => {
  const cases = [
    [() => JS.show(''), /JS\.show: the target must be a CSS selector/],
    [() => JS.hide(7), /JS\.hide: the target must be a CSS selector/],
    [() => JS.addClass(''), /JS\.addClass: the classes must be names/],
    [() => JS.removeClass(['a,b']), /JS\.removeClass: the classes must be names/],
    [() => JS.show('#m', { transition: 'a b' }), /JS\.show: a transition has three parts/],
    [() => JS.show('#m', { transition: 5 }), /JS\.show: a transition is/],
    [() => JS.show('#m', { time: -1 }), /JS\.show: time must be a whole number/],
    [() => JS.show('#m', { time: 1.5 }), /time must be a whole number/],
    [() => JS.setAttribute('on click', 'x'), /JS\.setAttribute: the name must be an attribute name/],
    [() => JS.setAttribute('title', 5), /JS\.setAttribute: the value must be a string/],
    [() => JS.push(''), /JS\.push: the event must be a handler's name/],
    [() => JS.push('save', { value: [1] }), /JS\.push: value must be an object/],
    [() => JS.push('save', { value: { n: 1n } }), /JS\.push: the data must be JSON/],
    [() => JS.dispatch('e', undefined, { bubbles: 'yes' }), /JS\.dispatch: bubbles must be true or false/],
    [() => JS.navigate(''), /JS\.navigate: href must be a URL/],
  ]
  for (const [f, message] of cases) assert.throws(f, (e) => e instanceof TypeError && message.test(e.message), String(f))
})

test('a page loads the commands when its first render has one or a transition, hooks, transitions and streams when it has them, uploads when its view has them', () => {
  // JS commands bring hooks and transitions into the page's script, used yet or not.
  assert.deepEqual(pageFeatures(String(html`<button ts-on:click=${JS.show('#m')}>x</button>`), false), ['js', 'hook', 'transition'])
  assert.deepEqual(pageFeatures('<li ts-transition="a b c">x</li>', false), ['js', 'hook', 'transition'])
  assert.deepEqual(pageFeatures('<button ts-on:click="save">x</button><p>[[not a command]]</p>', true), ['upload'])
  assert.deepEqual(pageFeatures('<p>plain</p>', false), [])
  // Hooks in the first render are bundled in without JS commands too.
  assert.deepEqual(pageFeatures('<canvas ts-hook="Chart" ts-ignore></canvas>', false), ['hook'])
  assert.deepEqual(pageFeatures('<li ts-transition-leave="a b c">x</li>', false), ['js', 'hook', 'transition'])
  assert.deepEqual(pageFeatures('<p ts-transition-time="300">x</p>', false), ['js', 'hook', 'transition'])
  assert.deepEqual(
    pageFeatures(String(html`<div ts-hook="Map"><button ts-on:click=${JS.show('#m')}>x</button><ul ts-stream="s"><li ts-transition="a b c"></li></ul></div>`), true),
    ['js', 'upload', 'hook', 'transition', 'stream'],
  )
  assert.deepEqual(pageFeatures('<ul id="feed" ts-stream="posts"></ul>', false), ['stream'])
  // One script, its name built as client/build.sh names them.
  for (const [features, script] of [
    [[], 'live.js'], [['js'], 'live-js.js'], [['upload'], 'live-upload.js'], [['js', 'upload'], 'live-js-upload.js'],
    [['hook'], 'live-hook.js'], [['js', 'hook', 'transition'], 'live-js-hook-transition.js'],
    [['js', 'upload', 'hook', 'transition'], 'live-js-upload-hook-transition.js'],
    [['stream'], 'live-stream.js'], [['js', 'upload', 'hook', 'transition', 'stream'], 'live-js-upload-hook-transition-stream.js'],
  ]) {
    const page = livePage({ title: 't', head: '', csrf: 'c', body: '<p>x</p>', features })
    assert.equal(page.match(/<script/g).length, 1)
    assert.ok(page.includes(`<script defer src="/_livets/${script}"></script></head>`), page)
    assert.ok(fs.existsSync(path.join(__dirname, '..', '..', 'client', 'dist', script)), `client/build.sh builds ${script}`)
  }
})
