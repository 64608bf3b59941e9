import { test, mock } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { install, document, Element } from '../test-support/fake-dom.mjs'
import { recordingWebSocket } from '../test-support/fake-socket.mjs'
import * as Core from '../src/constants.js'
import * as Page from '../src/page-constants.js'

// The connector's names and the page layer's (uploads' ack): every letter of the protocol.
const C = { ...Core, ...Page }
import { transport, decode } from '../src/transport.js'

// The connector against tests/fixtures/wire-frames.json, the samples the
// core and the Node layer are checked against too: its letters, the frames
// it writes, and what it does with each frame the server sends.
const fixture = JSON.parse(readFileSync(new URL('../../tests/fixtures/wire-frames.json', import.meta.url), 'utf8'))
const sample = kind => fixture.kinds.find(s => s.kind == kind)
const toServer = fixture.kinds.filter(s => s.direction == 'browser-to-server')
const toBrowser = fixture.kinds.filter(s => s.direction == 'server-to-browser')
// urlChange -> URL_CHANGE, the constant's name.
const constantOf = kind => kind.replace(/[A-Z]/g, c => '_' + c).toUpperCase()

// A stand-in WebSocket that records what is sent and lets the test speak.
const sockets = []
globalThis.WebSocket = recordingWebSocket(sockets)

test('the constants name every kind with its letter, and no other letter', () => {
  for (const s of fixture.kinds) assert.equal(C[constantOf(s.kind)], s.letter, s.kind)
  const letters = Object.entries(C).filter(([, v]) => typeof v == 'string' && /^[a-z]$/.test(v))
  assert.deepEqual(letters.map(([k]) => k).sort(), fixture.kinds.map(s => constantOf(s.kind)).sort())
})

test('the transport writes each browser sample from its kind and fields', () => {
  const push = transport('ws://h/live?v=1', () => {}, () => {}, () => {})
  const ws = sockets.at(-1)
  ws.open()
  // The samples' refs run 1, 2, ... in order, as one socket numbers them.
  for (const s of toServer) {
    const { ref, ...rest } = s.fields
    assert.equal(push(C[constantOf(s.kind)], ...Object.values(rest)), ref, s.kind)
  }
  assert.deepEqual(ws.sent, toServer.map(s => s.frame))
})

test('every server sample decodes to its letter and fields', () => {
  for (const s of toBrowser) assert.deepEqual(decode(s.frame), [s.letter, ...Object.values(s.fields)], s.kind)
})

// A page as the LiveTS server serves it: the CSRF meta tag and one live
// root, then the connector and its server layer (server-page.js, index.js)
// loaded over it, with the browser APIs they use stood in for.
const page = () => {
  install()
  const meta = new Element('meta')
  meta.setAttribute('name', 'csrf-token')
  meta.content = sample('join').fields.params._csrf_token
  const root = new Element('div')
  root.setAttribute(C.ID_ATTR, sample('join').fields.id)
  root.setAttribute(C.TOKEN_ATTR, sample('join').fields.token)
  document.replaceChildren(meta, root)
  // Both pages have the same layout (none): navigation swaps the root.
  document.body = new Element('body')
  const [path, search] = sample('join').fields.params._url.split('?')
  const seen = { assigned: [], history: [], fetched: [], warned: [] }
  const on = (target, type, f) => ((target[type] ||= []).push(f))
  const windowListeners = {}
  const documentListeners = {}
  Object.assign(globalThis, {
    window: globalThis,
    location: { pathname: path, search: '?' + search, assign: url => seen.assigned.push(url) },
    history: {
      pushState: (_, __, url) => seen.history.push(['push', url]),
      replaceState: (_, __, url) => seen.history.push(['replace', url]),
    },
    sessionStorage: { getItem: () => null, setItem() {}, removeItem() {} },
    addEventListener: (type, f) => on(windowListeners, type, f),
    MutationObserver: class { observe() {} takeRecords() { return [] } disconnect() {} },
    fetch: async url => (seen.fetched.push(url), { url, text: async () => '' }),
    DOMParser: class {
      parseFromString() {
        const next = new Element('html')
        const nextMeta = new Element('meta')
        nextMeta.setAttribute('name', 'csrf-token')
        nextMeta.content = 'next-csrf'
        const nextRoot = new Element('div')
        nextRoot.setAttribute(C.ID_ATTR, 'lv-2')
        nextRoot.setAttribute(C.TOKEN_ATTR, 'next-token')
        next.append(nextMeta, nextRoot)
        next.title = 'Item 7'
        next.body = new Element('body')
        return next
      }
    },
  })
  document.readyState = 'loading'
  document.addEventListener = (type, f) => on(documentListeners, type, f)
  mock.method(console, 'warn', (...args) => seen.warned.push(args))
  const fire = (listeners, type, event) => (listeners[type] || []).forEach(f => f(event))
  return {
    root,
    seen,
    popstate: () => fire(windowListeners, 'popstate', {}),
    click: target => fire(documentListeners, 'click', { type: 'click', target, button: 0, preventDefault() {} }),
  }
}

// Lets the connector's awaits (navigation fetches the next page) run out.
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise(r => setImmediate(r))
}

test('a session on a live page: the connector writes the samples and acts on each kind it receives', async () => {
  const { root, seen, popstate, click } = page()
  await import('../src/server-page.js')
  const { connect } = await import('../src/index.js')
  // Live navigation's script, as if the page had loaded it (live.js loads nav.js).
  await import('../src/nav.js')
  // So with hooks and push events (the connector loads hook.js at the first).
  await import('../src/hook-script.js')
  // Uploads last, as live-upload.js bundles them for a view with uploads.
  await import('../src/upload-feature.js')
  assert.equal(connect({ url: 'ws://h/live?v=1' }), true)
  const ws = sockets.at(-1)
  const receive = kind => ws.message(sample(kind).frame)
  const sentSince = n => ws.sent.slice(n)

  ws.open()
  assert.deepEqual(ws.sent, [sample('join').frame], 'join: the root\'s token, the page\'s CSRF token and URL')

  receive('render')
  assert.equal(root.innerHTML, sample('render').fields.html)
  assert.ok(root.classList.contains(C.CONNECTED))

  click(root.querySelector('button'))
  assert.deepEqual(sentSince(1), [sample('event').frame], 'a ts-on:click with its ts-value-*')
  receive('patch')
  assert.equal(root.querySelector('span').textContent, '4')

  location.search = '?' + sample('urlChange').fields.url.split('?')[1]
  popstate()
  assert.deepEqual(sentSince(2), [sample('urlChange').frame], 'back or forward to the same path')

  receive('history')
  const h = sample('history').fields
  assert.deepEqual(seen.history, [[h.replace ? 'replace' : 'push', h.url]])

  // The same patch again is out of sequence: the connector asks for a render.
  receive('patch')
  assert.deepEqual(sentSince(3), [sample('resync').frame])

  receive('refused')
  const x = sample('refused').fields
  assert.deepEqual(seen.warned, [['LiveTS', x.id, x.reason]])

  const before = root.innerHTML
  receive('flash')
  assert.equal(ws.sent.length, 4, 'flash is for the view to render; the connector sends nothing')
  assert.equal(root.innerHTML, before)
  assert.equal(seen.history.length, 1)

  receive('title')
  assert.equal(document.title, sample('title').fields.title)
  assert.equal(ws.sent.length, 4, 'a title needs no answer')

  // A push event reaches the page's listeners; a reply for no event awaiting one is dropped.
  const heard = []
  const off = window.LiveTS.on(sample('pushEvent').fields.event, payload => heard.push(payload))
  receive('pushEvent')
  off()
  receive('pushEvent')
  assert.deepEqual(heard, [sample('pushEvent').fields.payload], 'heard once, until taken off')
  const beforeReply = root.innerHTML
  receive('reply')
  assert.equal(ws.sent.length, 4, 'neither needs an answer')
  assert.equal(root.innerHTML, beforeReply)

  // An ack for no entry this page announced: the uploads take it, no view does.
  const beforeAck = root.innerHTML
  receive('uploadAck')
  assert.equal(ws.sent.length, 4, 'nothing to send for an unknown entry')
  assert.equal(root.innerHTML, beforeAck)
  assert.ok(!root.classList.contains(C.ERROR))

  receive('navigate')
  await settle()
  const n = sample('navigate').fields
  assert.deepEqual(seen.fetched, [n.url])
  assert.deepEqual(seen.history.at(-1), [n.replace ? 'replace' : 'push', n.url])
  assert.deepEqual(sentSince(4), [sample('leave').frame, '["j",6,"lv-2","next-token",{"_csrf_token":"next-csrf","_url":"/counter?step=3"}]'],
    'leaves the old view, joins the fetched page\'s root')
  assert.equal(document.querySelector(`[${C.ID_ATTR}]`).getAttribute(C.ID_ATTR), 'lv-2')

  receive('redirect')
  assert.deepEqual(seen.assigned, [sample('redirect').fields.url])
  assert.equal(ws.sent.length, 6)
})
