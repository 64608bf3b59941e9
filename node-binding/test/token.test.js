'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { signToken, verifyToken } = require('../test-support/livets').load()

const secret = 'test-secret'
const now = 1_700_000_000_000
const claims = (over = {}) => ({ view: '/counter', params: { start: '5' }, url: '/counter?start=5', id: 'lv-1', csrf: 'c1', session: { user: 7 }, ...over })
const sign = (body) => `${body}.${crypto.createHmac('sha256', secret).update(body).digest('base64url')}`
const encode = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url')

test('a signed token verifies and carries every claim', () => {
  const token = signToken(secret, claims(), 60_000, now)
  const check = verifyToken(secret, token, '/counter', now + 1000)
  assert.deepEqual(check, { ok: true, ...claims(), expires: now + 60_000 })
  assert.equal(verifyToken(secret, token, undefined, now).ok, true)
})

test('the format is base64url(JSON claims).base64url(HMAC-SHA256)', () => {
  const token = signToken(secret, claims({ view: '/a', params: {} }), 1000, now)
  const [body, sig] = token.split('.')
  assert.deepEqual(JSON.parse(Buffer.from(body, 'base64url')), { v: '/a', p: {}, u: '/counter?start=5', i: 'lv-1', c: 'c1', s: { user: 7 }, e: now + 1000 })
  assert.equal(sig, crypto.createHmac('sha256', secret).update(body).digest('base64url'))
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
})

test('a forged token is refused', () => {
  const token = signToken(secret, claims(), 60_000, now)
  const [body, sig] = token.split('.')
  const forgedBody = encode({ ...JSON.parse(Buffer.from(body, 'base64url')), v: '/admin' })
  assert.deepEqual(verifyToken(secret, `${forgedBody}.${sig}`, undefined, now), { ok: false, reason: 'signature' })
  assert.equal(verifyToken('other-secret', token, undefined, now).reason, 'signature')
  const selfSigned = `${forgedBody}.${crypto.createHmac('sha256', 'guess').update(forgedBody).digest('base64url')}`
  assert.equal(verifyToken(secret, selfSigned, undefined, now).reason, 'signature')
  // Flipping one signature character, or padding it, is refused too.
  const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
  assert.equal(verifyToken(secret, flipped, undefined, now).reason, 'signature')
  assert.equal(verifyToken(secret, `${token}=`, undefined, now).reason, 'signature')
  // A session the server never issued cannot be slipped in.
  const moreSession = encode({ ...JSON.parse(Buffer.from(body, 'base64url')), s: { user: 1, admin: true } })
  assert.equal(verifyToken(secret, `${moreSession}.${sig}`, undefined, now).reason, 'signature')
})

test('an expired token is refused', () => {
  const token = signToken(secret, claims(), 1000, now)
  assert.equal(verifyToken(secret, token, '/counter', now + 999).ok, true)
  assert.deepEqual(verifyToken(secret, token, '/counter', now + 1000), { ok: false, reason: 'expired' })
})

test('a token for another view is refused', () => {
  const token = signToken(secret, claims(), 60_000, now)
  assert.deepEqual(verifyToken(secret, token, '/admin', now), { ok: false, reason: 'view' })
})

test('malformed tokens are refused without throwing', () => {
  for (const bad of [undefined, null, 42, '', '.', 'abc', 'a.b.c', '.sig', 'x'.repeat(70_000)]) {
    const check = verifyToken(secret, bad, undefined, now)
    assert.equal(check.ok, false, String(bad).slice(0, 20))
    assert.ok(['malformed', 'signature'].includes(check.reason))
  }
  // Correctly signed, but not the expected claims.
  const good = { v: '/a', p: {}, u: '/a', i: 'x', c: 'c', s: {}, e: now + 1 }
  for (const bad of [[1], { ...good, v: 1 }, { ...good, p: { n: 1 } }, { ...good, e: undefined }, { ...good, i: 3 }, { ...good, c: null }, { ...good, s: [] }, { ...good, u: undefined }]) {
    assert.deepEqual(verifyToken(secret, sign(encode(bad)), undefined, now), { ok: false, reason: 'malformed' }, JSON.stringify(bad))
  }
  assert.equal(verifyToken(secret, sign(encode(good)), undefined, now).ok, true)
})
