'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { signToken, verifyToken } = require('../test-support/livets').load()

const secret = 'test-secret'
const now = 1_700_000_000_000

test('a signed token verifies and carries view and params', () => {
  const token = signToken(secret, '/counter', { start: '5' }, 60_000, now)
  const check = verifyToken(secret, token, '/counter', now + 1000)
  assert.deepEqual(check, { ok: true, view: '/counter', params: { start: '5' }, expires: now + 60_000 })
  assert.equal(verifyToken(secret, token, undefined, now).ok, true)
})

test('the format is base64url(JSON {v,p,e}).base64url(HMAC-SHA256)', () => {
  const token = signToken(secret, '/a', {}, 1000, now)
  const [body, sig] = token.split('.')
  assert.deepEqual(JSON.parse(Buffer.from(body, 'base64url')), { v: '/a', p: {}, e: now + 1000 })
  assert.equal(sig, crypto.createHmac('sha256', secret).update(body).digest('base64url'))
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
})

test('a forged token is refused', () => {
  const token = signToken(secret, '/counter', {}, 60_000, now)
  const [, sig] = token.split('.')
  const forgedBody = Buffer.from(JSON.stringify({ v: '/admin', p: {}, e: now + 60_000 })).toString('base64url')
  assert.deepEqual(verifyToken(secret, `${forgedBody}.${sig}`, undefined, now), { ok: false, reason: 'signature' })
  assert.equal(verifyToken('other-secret', token, undefined, now).reason, 'signature')
  const selfSigned = `${forgedBody}.${crypto.createHmac('sha256', 'guess').update(forgedBody).digest('base64url')}`
  assert.equal(verifyToken(secret, selfSigned, undefined, now).reason, 'signature')
  // Flipping one signature character, or padding it, is refused too.
  const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
  assert.equal(verifyToken(secret, flipped, undefined, now).reason, 'signature')
  assert.equal(verifyToken(secret, `${token}=`, undefined, now).reason, 'signature')
})

test('an expired token is refused', () => {
  const token = signToken(secret, '/counter', {}, 1000, now)
  assert.equal(verifyToken(secret, token, '/counter', now + 999).ok, true)
  assert.deepEqual(verifyToken(secret, token, '/counter', now + 1000), { ok: false, reason: 'expired' })
})

test("a token for another view is refused", () => {
  const token = signToken(secret, '/counter', {}, 60_000, now)
  assert.deepEqual(verifyToken(secret, token, '/admin', now), { ok: false, reason: 'view' })
})

test('malformed tokens are refused without throwing', () => {
  for (const bad of [undefined, null, 42, '', '.', 'abc', 'a.b.c', '.sig', 'x'.repeat(70_000)]) {
    const check = verifyToken(secret, bad, undefined, now)
    assert.equal(check.ok, false, String(bad).slice(0, 20))
    assert.ok(['malformed', 'signature'].includes(check.reason))
  }
  // Correctly signed, but not the expected claims.
  for (const claims of [[1], { v: 1, p: {}, e: now + 1 }, { v: '/a', p: { n: 1 }, e: now + 1 }, { v: '/a', p: {} }]) {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url')
    const token = `${body}.${crypto.createHmac('sha256', secret).update(body).digest('base64url')}`
    assert.deepEqual(verifyToken(secret, token, undefined, now), { ok: false, reason: 'malformed' })
  }
})
