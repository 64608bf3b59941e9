import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as Core from '../src/constants.js'
import * as Page from '../src/page-constants.js'

// The connector's names and the page layer's, one namespace for these checks.
const C = { ...Core, ...Page }

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8')

test('every message kind of the protocol has a constant, and no other', () => {
  const inDoc = new Set([...doc.matchAll(/`\["([a-z])",/g)].map(m => m[1]))
  const ours = new Set([
    C.JOIN, C.EVENT, C.LEAVE, C.RESYNC, C.URL_CHANGE,
    C.RENDER, C.PATCH, C.REFUSED, C.HISTORY, C.NAVIGATE, C.REDIRECT, C.FLASH, C.TITLE, C.UPLOAD_ACK, C.PUSH_EVENT, C.REPLY,
  ])
  assert.ok(inDoc.size >= 16, 'the protocol tables were found')
  assert.deepEqual([...ours].sort(), [...inDoc].sort())
})

test('operation codes match the protocol table', () => {
  const codes = [...doc.matchAll(/^\| (\d+) ([a-z ]+?) \|/gm)].map(m => [m[2], Number(m[1])])
  assert.deepEqual(Object.fromEntries(codes), {
    replace: C.OP_REPLACE,
    text: C.OP_TEXT,
    'set attribute': C.OP_SET_ATTR,
    'remove attribute': C.OP_REMOVE_ATTR,
    append: C.OP_APPEND,
    remove: C.OP_REMOVE,
    insert: C.OP_INSERT,
    move: C.OP_MOVE,
    'set children': C.OP_CHILDREN,
    'stream insert': C.OP_STREAM_INSERT,
    'stream delete': C.OP_STREAM_DELETE,
  })
})

test('markup names and endpoint match the protocol', () => {
  assert.ok(doc.includes('`' + C.ID_ATTR + '`'))
  assert.ok(doc.includes('`' + C.TOKEN_ATTR + '`'))
  assert.ok(doc.includes('`' + C.SOCKET_PATH + '`'))
})

test('backoff tunables are sane', () => {
  assert.ok(C.BACKOFF_BASE > 0 && C.BACKOFF_CAP >= C.BACKOFF_BASE)
})
