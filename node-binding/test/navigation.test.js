'use strict'
// pushPatch / handleParams, URL changes from the browser ("u"),
// pushNavigate ("n"), redirect ("g"), and routes with placeholders.
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, html } = require('../test-support/livets').load()
const { mountView, LiveRedirect, EventRefused } = require('../test-support/livets').load('testing')
const { Router } = require('../test-support/livets').load('router')
const { makeHub } = require('../test-support/hub')

class Paged extends LiveView {
  static events = ['next', 'replace', 'away', 'leave', 'elsewhere', 'bad', 'loop']
  state = { page: 1, seen: [] }
  handleParams(params, url) {
    this.setState({ page: Number(params.page ?? 1), seen: [...this.state.seen, url] })
  }
  render() { return html`<p id="page">${this.state.page}</p>` }
  handleEvent(event) {
    if (event === 'next') this.pushPatch(`/items?page=${this.state.page + 1}`)
    if (event === 'replace') this.pushPatch('/items?page=1', { replace: true })
    if (event === 'away') this.pushNavigate('/other?from=items')
    if (event === 'elsewhere') this.pushPatch('/other')
    if (event === 'leave') this.redirect('https://example.com/bye', { external: true })
    if (event === 'bad') this.redirect('javascript:alert(1)')
  }
}
class Other extends LiveView { state = {}; render() { return html`other` } }

const mount = (url = '/items') => mountView(Paged, { url, routes: { '/other': Other } })

test('pushPatch runs handleParams, renders once and pushes a history entry', async () => {
  const view = await mount()
  const before = view.messages.length
  assert.equal(await view.click('next'), '<p id="page">2</p>')
  view.assertPatched('/items?page=2')
  assert.deepEqual(view.messages.slice(before), [
    ['h', view.id, '/items?page=2', false],
    ['p', view.id, 2, 2, '<p id="page">2</p>'],
  ])
  await view.click('replace')
  view.assertPatched('/items?page=1')
  assert.deepEqual(view.messages.find((m) => m[0] === 'h' && m[3] === true), ['h', view.id, '/items?page=1', true])
  assert.throws(() => view.assertPatched('/items?page=2'), /had not patched/, 'each assert looks at what happened since the last one')
})

test('a URL change from the browser runs handleParams and answers with a patch', async () => {
  const view = await mount('/items?page=3')
  assert.equal(view.html(), '<p id="page">3</p>')
  assert.equal(await view.patch('/items?page=9'), '<p id="page">9</p>')
  assert.equal(await view.patch('/items'), '<p id="page">1</p>')
  await assert.rejects(view.patch('/other'), (e) => e instanceof EventRefused && e.reason === 'url is not served by this view')
  await assert.rejects(view.patch('/nowhere'), (e) => e.reason === 'url is not served by this view')
  assert.equal(view.html(), '<p id="page">1</p>')
  assert.equal(view.messages.filter((m) => m[0] === 'h').length, 0, 'the browser changed the URL itself')
})

test('pushPatch to a URL another view serves navigates instead', async () => {
  const view = await mount()
  await view.click('elsewhere')
  view.assertNavigated('/other')
})

test('pushNavigate asks the browser to swap in another view; redirect leaves the page', async () => {
  const view = await mount()
  await view.click('away')
  view.assertNavigated('/other?from=items')
  assert.deepEqual(view.messages.at(-1), ['n', view.id, '/other?from=items', false])
  await view.click('leave')
  view.assertRedirected('https://example.com/bye')
  assert.deepEqual(view.messages.at(-1), ['g', 'https://example.com/bye'])
  assert.throws(() => view.assertRedirected('https://example.com/bye'))
})

test('navigation helpers refuse URLs that are not local (or http(s) for redirect)', async () => {
  const view = await mount()
  await assert.rejects(view.click('bad'), (e) => e.reason === 'crashed' && e.cause instanceof TypeError)
  class Check extends LiveView {
    state = {}
    render() { return html`` }
    mount() {
      for (const url of ['https://evil.example/', '//evil.example/', 'javascript:alert(1)', 'items']) {
        assert.throws(() => this.pushPatch(url), TypeError, url)
        assert.throws(() => this.pushNavigate(url), TypeError, url)
      }
      for (const url of ['javascript:alert(1)', 'data:text/html,x', 'ftp://x/']) assert.throws(() => this.redirect(url), TypeError, url)
      for (const url of ['javascript:alert(1)', 'data:text/html,x']) assert.throws(() => this.redirect(url, { external: true }), TypeError, url)
    }
  }
  await mountView(Check)
})

test('redirect leaves the site only with { external: true }; local paths need nothing', async () => {
  const tried = []
  class Login extends LiveView {
    static events = ['go']
    state = {}
    render() { return html`` }
    handleEvent(_e, { to, external }) {
      try {
        this.redirect(to, external ? { external: true } : undefined)
        tried.push([to, 'ok'])
      } catch (err) {
        tried.push([to, err.constructor.name, err.message])
      }
    }
  }
  const view = await mountView(Login, { url: '/login' })
  // A "next" URL taken from the request would make an open redirect.
  for (const to of ['https://evil.example/phish', 'http://evil.example', '//evil.example/x', '/\\evil.example/x']) {
    await view.click('go', { to })
  }
  assert.deepEqual(tried.map((t) => t.slice(0, 2)), [
    ['https://evil.example/phish', 'TypeError'],
    ['http://evil.example', 'TypeError'],
    ['//evil.example/x', 'TypeError'],
    ['/\\evil.example/x', 'TypeError'],
  ])
  assert.equal(tried[0][2], 'redirect to "https://evil.example/phish" may leave this site: pass { external: true } if that is meant, or give a local path such as "/items"')
  assert.equal(view.messages.filter((m) => m[0] === 'g').length, 0, 'nothing was sent')
  tried.length = 0
  await view.click('go', { to: '/home?tab=1' })
  view.assertRedirected('/home?tab=1')
  await view.click('go', { to: 'https://partner.example/pay', external: true })
  view.assertRedirected('https://partner.example/pay')
  assert.deepEqual(tried, [['/home?tab=1', 'ok'], ['https://partner.example/pay', 'ok']])
})

test('a redirect while mounting answers the page with 302 and a join with "g"', async () => {
  let connectedRedirect = false
  class Guard extends LiveView {
    state = {}
    mount(_params, session) {
      if (!session.data.user || (session.connected && connectedRedirect)) this.redirect('/login?next=%2Fadmin')
    }
    render() { return html`secret` }
  }
  const { page, hub, core, settings } = makeHub({ '/admin': Guard })
  assert.deepEqual(await page('/admin'), { kind: 'redirect', location: '/login?next=%2Fadmin' })
  await assert.rejects(mountView(Guard, { url: '/admin' }), (e) => e instanceof LiveRedirect && e.location === '/login?next=%2Fadmin')
  // Signed in for the page, but the session went stale before the join.
  settings.session = () => ({ user: 'ada' })
  const p = await page('/admin')
  assert.equal(p.kind, 'page')
  connectedRedirect = true
  hub.join(1, 1, p.id, p.token, JSON.stringify({ _csrf_token: p.csrf }))
  await hub.idle()
  assert.deepEqual(core.calls.slice(0, 2), [['send', 1, ['g', '/login?next=%2Fadmin']], ['register', 1, p.id, 1, '']])
  assert.ok(!core.calls.some((c) => c[0] === 'register' && c[4] === 'secret'), 'the view never rendered')
})

test('handleParams calling pushPatch is followed, up to a limit', async () => {
  class Canonical extends LiveView {
    state = { url: '' }
    handleParams(params, url) {
      if (!params.sort) this.pushPatch(`${url.split('?')[0]}?sort=name`, { replace: true })
      else this.setState({ url })
    }
    render() { return html`${this.state.url}` }
  }
  // During the page render a patch is a plain redirect.
  await assert.rejects(mountView(Canonical, { url: '/list' }), (e) => e instanceof LiveRedirect && e.location === '/list?sort=name')
  const view = await mountView(Canonical, { url: '/list?sort=id' })
  assert.equal(await view.patch('/list'), '/list?sort=name')
  assert.deepEqual(view.messages.filter((m) => m[0] === 'h'), [['h', view.id, '/list?sort=name', true]])
  class Loop extends LiveView {
    state = {}
    handleParams(params) { if (params.go) this.pushPatch(`/loop?go=1&n=${Number(params.n ?? 0) + 1}`) }
    render() { return html`` }
  }
  const loop = await mountView(Loop, { url: '/loop' })
  await assert.rejects(loop.patch('/loop?go=1'), (e) => e.reason === 'crashed' && /more than 8 times/.test(e.cause.message))
})

test('routes match literal paths first, then patterns in order', () => {
  const r = new Router()
  r.add('/users/new', 'new')
  r.add('/users/:id', 'show')
  r.add('/users/:id/posts/:post', 'post')
  r.add('/', 'home')
  assert.equal(r.match('/users/new').value, 'new')
  assert.deepEqual(r.match('/users/7'), { value: 'show', pattern: '/users/:id', pathParams: { id: '7' } })
  assert.deepEqual(r.match('/users/a%20b/posts/x%2Fy').pathParams, { id: 'a b', post: 'x/y' })
  assert.equal(r.match('/users/'), null)
  assert.equal(r.match('/users/%E0%A4%A'), null, 'bad percent-encoding does not match')
  assert.equal(r.match('/').value, 'home')
  for (const bad of ['users', '/a?b', '/a b', '/:', '/:1x', '/:a/:a']) assert.throws(() => r.add(bad, 'x'), TypeError, bad)
})

test('a URL change on a pattern route re-reads the placeholders', async () => {
  class Show extends LiveView {
    state = { id: '' }
    handleParams(params) { this.setState({ id: params.id }) }
    render() { return html`${this.state.id}` }
  }
  const view = await mountView(Show, { route: '/posts/:id', url: '/posts/1' })
  assert.equal(await view.patch('/posts/2'), '2')
  await assert.rejects(view.patch('/posts/'))
})
