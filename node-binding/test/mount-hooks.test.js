'use strict'
// On-mount hooks through the real core: the server's, a group's and a
// route's, in that order, before mount, on the page render and again on
// the join; a hook that halts answers the page with 302 and sends the
// joining browser away; a hook that throws fails the page or the join.
const test = require('node:test')
const assert = require('node:assert/strict')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot, joinParams } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { quietLogger } = require('../test-support/fake-core')

const { LiveTSServer, LiveView, html } = load()

/** Every hook, mount and render call, with whether the browser had joined. */
let calls = []

class Page extends LiveView {
  state = {}
  mount(params, session) {
    calls.push(['mount', session.connected, { ...params }, this.grantedBy ?? null])
  }
  render() {
    return html`<p id="who">${this.grantedBy ?? 'nobody'}</p>`
  }
}
// Each route its own class: a route serves one view.
class Account extends Page {}
class Admin extends Page {}
class Open extends Page {}

function recorder(name) {
  return (view, params, session) => {
    calls.push([name, session.connected, { ...params }, view instanceof Page])
  }
}

async function withServer(options, register, fn) {
  requireNative()
  calls = []
  const logger = quietLogger()
  const server = new LiveTSServer({ secret: 'mount-hooks', logger, remountDelayMs: 0, ...options })
  register(server)
  const port = await server.listen()
  try {
    await fn(port, logger, server)
  } finally {
    await server.close()
  }
}

/** Renders `target`, then joins it on a new socket; resolves with the socket, the root and its first frame. */
async function renderAndJoin(port, target, connectParams = {}) {
  const page = await get(port, target)
  assert.equal(page.status, 200, `GET ${target}: ${page.body.slice(0, 200)}`)
  const root = liveRoot(page.body)
  const sock = await LiveSocket.open(port)
  sock.send(['j', 1, root.id, root.token, { ...connectParams, ...joinParams(root, target) }])
  return { sock, root, page, first: await sock.next() }
}

test('server, group and route hooks run in that order before mount, on the page render and again on the join', async () => {
  await withServer(
    { onMount: [recorder('server')] },
    (server) => {
      server.group({ onMount: [recorder('group')] }, (routes) => {
        routes.route('/accounts/:id', Account, { onMount: [recorder('route')] })
      })
      server.registerComponent('/open', Open)
    },
    async (port) => {
      const { sock, root, first } = await renderAndJoin(port, '/accounts/7?tab=keys')
      const params = { id: '7', tab: 'keys' }
      assert.deepEqual(calls, [
        ['server', false, params, true],
        ['group', false, params, true],
        ['route', false, params, true],
        ['mount', false, params, null],
        ['server', true, params, true],
        ['group', true, params, true],
        ['route', true, params, true],
        ['mount', true, params, null],
      ])
      assert.deepEqual(first, ['r', root.id, 1, 1, '<p id="who">nobody</p>'])
      await sock.close()

      // A route outside the group has the server's hooks only.
      calls = []
      const open = await renderAndJoin(port, '/open')
      assert.deepEqual(calls.map(([name, connected]) => [name, connected]), [
        ['server', false], ['mount', false], ['server', true], ['mount', true],
      ])
      await open.sock.close()
    },
  )
})

test('a hook that halts: the page is a 302 to its URL and mount never runs', async () => {
  const toLogin = (view, params, session) => {
    calls.push(['hook', session.connected])
    return { redirect: '/login?next=%2Fadmin' }
  }
  await withServer({}, (server) => server.registerComponent('/admin', Admin, { onMount: [toLogin, recorder('later')] }), async (port) => {
    const page = await get(port, '/admin')
    assert.equal(page.status, 302)
    assert.equal(page.headers.location, '/login?next=%2Fadmin')
    assert.doesNotMatch(page.body, /data-livets-token/)
    assert.deepEqual(calls, [['hook', false]], 'neither the later hook nor mount ran')
  })
})

test('a hook that halts on the join sends the browser away ("g") and the view never renders', async () => {
  // What the page render cannot know: the params the browser joins with.
  const needsTicket = (view, params, session) => {
    calls.push(['hook', session.connected, session.connectParams])
    if (session.connected && session.connectParams.ticket !== 'ok') return { redirect: '/login' }
    return undefined
  }
  await withServer({}, (server) => server.registerComponent('/admin', Admin, { onMount: [needsTicket] }), async (port) => {
    const refused = await renderAndJoin(port, '/admin')
    assert.deepEqual(refused.first, ['g', '/login'])
    // The join's ref is answered, with nothing of the view in it.
    assert.deepEqual(await refused.sock.next(), ['r', refused.root.id, 1, 1, ''])
    await refused.sock.quiet()
    assert.deepEqual(calls, [['hook', false, {}], ['mount', false, {}, null], ['hook', true, {}]], 'no connected mount')
    // The view is gone: an event on it is refused by the core.
    refused.sock.send(['e', 2, refused.root.id, 'anything', {}])
    assert.deepEqual(await refused.sock.next(), ['x', refused.root.id, 2, 'component not joined on this connection'])
    await refused.sock.close()

    calls = []
    const allowed = await renderAndJoin(port, '/admin', { ticket: 'ok' })
    assert.deepEqual(allowed.first, ['r', allowed.root.id, 1, 1, '<p id="who">nobody</p>'])
    assert.deepEqual(calls.at(-1), ['mount', true, {}, null])
    await allowed.sock.close()
  })
})

test('a hook that halts only once connected lets the page render and redirects the join', async () => {
  const connectedOnly = (view, params, session) => (session.connected ? { redirect: '/elsewhere?from=hook' } : undefined)
  await withServer({ onMount: [connectedOnly] }, (server) => server.registerComponent('/open', Open), async (port) => {
    const { sock, first } = await renderAndJoin(port, '/open')
    assert.deepEqual(first, ['g', '/elsewhere?from=hook'])
    assert.deepEqual(calls.map((c) => c.slice(0, 2)), [['mount', false]])
    await sock.close()
  })
})

test('fields a hook sets on the view are there for mount and render, on the page and the join', async () => {
  const grant = async (view, params, session) => {
    await new Promise((resolve) => setTimeout(resolve, 5))
    view.grantedBy = session.connected ? 'hook (live)' : 'hook (page)'
  }
  await withServer({}, (server) => server.registerComponent('/account', Account, { onMount: [grant] }), async (port) => {
    const { sock, root, page, first } = await renderAndJoin(port, '/account')
    assert.match(page.body, /<p id="who">hook \(page\)<\/p>/)
    assert.deepEqual(first, ['r', root.id, 1, 1, '<p id="who">hook (live)</p>'])
    assert.deepEqual(calls, [['mount', false, {}, 'hook (page)'], ['mount', true, {}, 'hook (live)']])
    await sock.close()
  })
})

test('a hook that throws fails the page with a logged 500, and the join with a refusal', async () => {
  let throwOnJoinOnly = false
  const broken = (view, params, session) => {
    if (!throwOnJoinOnly || session.connected) throw new Error('session store is down')
  }
  await withServer({}, (server) => server.registerComponent('/account', Account, { onMount: [broken] }), async (port, logger) => {
    const page = await get(port, '/account')
    assert.equal(page.status, 500)
    assert.match(page.body, /500 Internal Server Error/)
    assert.ok(logger.lines.error.some((l) => /page \/account: render failed/.test(l) && /session store is down/.test(l)), logger.lines.error.join('\n'))
    assert.deepEqual(calls, [], 'mount never ran')

    throwOnJoinOnly = true
    const { sock, root, first } = await renderAndJoin(port, '/account')
    assert.deepEqual(first, ['x', root.id, 1, 'join failed'])
    assert.ok(logger.lines.error.some((l) => /mount threw while joining/.test(l) && /session store is down/.test(l)), logger.lines.error.join('\n'))
    assert.deepEqual(calls.map((c) => c.slice(0, 2)), [['mount', false]])
    await sock.close()
  })
})

test('a hook may send the browser off the site only with { external: true }', async () => {
  let external = false
  const away = () => ({ redirect: 'https://sso.example/login', external })
  await withServer({}, (server) => server.registerComponent('/account', Account, { onMount: [away] }), async (port, logger) => {
    const refused = await get(port, '/account')
    assert.equal(refused.status, 500, 'an open redirect is refused')
    assert.equal(refused.headers.location, undefined)
    const line = logger.lines.error.find((l) => /render failed/.test(l))
    assert.match(line, /TypeError: redirect to "https:\/\/sso\.example\/login" may leave this site: pass \{ external: true \}/)

    external = true
    const allowed = await get(port, '/account')
    assert.equal(allowed.status, 302)
    assert.equal(allowed.headers.location, 'https://sso.example/login')
    assert.deepEqual(calls, [])
  })
})

test('a hook that returns something else than nothing or { redirect } fails the page', async () => {
  for (const [result, shown] of [['/login', '"/login"'], [{ redirect: '' }, '{"redirect":""}'], [{ to: '/x' }, '{"to":"/x"}'], [false, 'false']]) {
    await withServer({}, (server) => server.registerComponent('/account', Account, { onMount: [() => result] }), async (port, logger) => {
      const page = await get(port, '/account')
      assert.equal(page.status, 500, shown)
      assert.ok(logger.lines.error.some((l) => l.includes(`TypeError: an onMount hook returned ${shown}: return nothing to go on, or { redirect: url } to halt`)), logger.lines.error.join('\n'))
    })
  }
})

test('hooks must be an array of functions, in every place they are given', () => {
  for (const bad of [() => {}, 'requireUser', [() => {}, 'x'], {}, null]) {
    assert.throws(() => new LiveTSServer({ onMount: bad }), (e) => e instanceof TypeError && /^onMount must be an array of functions/.test(e.message), String(bad))
  }
  const server = new LiveTSServer({ onMount: [] })
  assert.throws(() => server.registerComponent('/a', Account, { onMount: recorder('x') }), /^TypeError: onMount of route \/a must be an array of functions/)
  assert.throws(() => server.group({ onMount: [1] }, () => {}), /^TypeError: onMount of a group must be an array of functions/)
  assert.throws(
    () => server.group({}, (routes) => routes.route('/b', Admin, { onMount: 'no' })),
    /^TypeError: onMount of route \/b must be an array of functions/,
  )
})

test('a route can be registered once, by any of the ways to register one', () => {
  const server = new LiveTSServer()
  server.registerComponent('/account', Account)
  assert.throws(() => server.registerComponent('/account', Admin), /^Error: route \/account is already registered \(to Account\): each route serves one view$/)
  assert.throws(() => server.route('/account', Account), /already registered/)
  assert.throws(() => server.group({}, (routes) => routes.route('/account', Admin)), /route \/account is already registered/)
  server.group({}, (routes) => routes.route('/admin', Admin))
  assert.throws(() => server.registerComponent('/admin', Open), /route \/admin is already registered \(to Admin\)/)
})
