'use strict'
// ViewNavigation on its own: the order of host frames around patches, and
// how pushPatch chains and pushNavigate leave.
const test = require('node:test')
const assert = require('node:assert/strict')
const { load } = require('../test-support/livets')

const { ViewNavigation } = load('view-navigation')
const { Kind } = load('protocol')

test('a changed flash goes out before the URL changes, each once', async () => {
  const nav = new ViewNavigation('v1')
  nav.startWith({ info: 'welcome' })
  nav.ask({ kind: 'patch', url: '/a?page=2', replace: false })
  await nav.followPatches(() => ({ page: '2' }), async () => {})
  assert.deepEqual(nav.takeBeforePatches(), [
    [Kind.flash, 'v1', { info: 'welcome' }],
    [Kind.history, 'v1', '/a?page=2', false],
  ])
  assert.deepEqual(nav.takeBeforePatches(), [])
})

test('clearing a flash that is not there changes nothing and sends nothing', () => {
  const nav = new ViewNavigation('v1')
  assert.equal(nav.clear('error'), false)
  assert.equal(nav.clear(), false)
  nav.put('error', 'bad')
  nav.put('info', 'ok')
  assert.equal(nav.clear('error'), true)
  assert.deepEqual(nav.flash, { info: 'ok' })
  assert.deepEqual(nav.takeBeforePatches(), [[Kind.flash, 'v1', { info: 'ok' }]])
})

test('a pushPatch to a URL another view serves becomes a pushNavigate', async () => {
  const nav = new ViewNavigation('v1')
  nav.ask({ kind: 'patch', url: '/elsewhere', replace: true })
  await nav.followPatches(() => null, async () => assert.fail('handleParams must not run'))
  assert.deepEqual(nav.takeBeforePatches(), [])
  assert.deepEqual(nav.takeDeparture(), { kind: 'navigate', url: '/elsewhere', replace: true })
  assert.equal(nav.takeDeparture(), null)
})

test('pushPatch from handleParams is followed, up to a limit', async () => {
  const nav = new ViewNavigation('v1')
  const seen = []
  nav.ask({ kind: 'patch', url: '/p/0', replace: false })
  await nav.followPatches(() => ({}), async (url) => {
    seen.push(url)
    if (seen.length < 3) nav.ask({ kind: 'patch', url: `/p/${seen.length}`, replace: false })
  })
  assert.deepEqual(seen, ['/p/0', '/p/1', '/p/2'])
  nav.ask({ kind: 'patch', url: '/loop', replace: false })
  await assert.rejects(
    nav.followPatches(() => ({}), async () => nav.ask({ kind: 'patch', url: '/loop', replace: false })),
    /pushPatch called from handleParams more than 8 times in a row/,
  )
})

test('a torn-down view forgets its asks and leaves the flash to the next mount', async () => {
  const nav = new ViewNavigation('v1')
  nav.put('info', 'saved')
  nav.ask({ kind: 'redirect', url: '/login' })
  nav.forgetAsks()
  assert.equal(nav.takeDeparture(), null)
  assert.deepEqual(nav.flash, { info: 'saved' })
})
