'use strict'
// A LiveHub over the FakeCore, with pages rendered as the server renders
// them, for tests of joining and of what reaches the core.
const { load } = require('./livets')
const { FakeCore, quietLogger } = require('./fake-core')

const { LiveHub } = load('hub')
const { Router } = load('router')
const { renderPage } = load('page-render')

function makeHub(routes, options = {}) {
  const router = new Router()
  for (const [route, View] of Object.entries(routes)) router.add(route, View)
  const core = new FakeCore()
  const logger = quietLogger()
  const secret = options.secret ?? 'hub-test-secret'
  const hub = new LiveHub(core, {
    secret,
    router,
    logger,
    remountDelayMs: options.remountDelayMs ?? 0,
    maxCrashes: options.maxCrashes ?? 5,
    maxLiveMessageBytes: options.maxLiveMessageBytes,
    refusalClock: options.refusalClock,
  })
  const settings = { router, secret, tokenTtlMs: options.tokenTtlMs ?? 60_000, session: options.session, logger }
  return {
    hub,
    core,
    logger,
    router,
    settings,
    /** Renders the page for `url` as a GET would. */
    page: (url, headers = {}) => renderPage(settings, { method: 'GET', url, headers, cookies: {} }),
    /** Renders `url` and joins it on `conn` as the connector would. */
    async join(url, conn = 1, ref = 1, extra = {}) {
      const page = await renderPage(settings, { method: 'GET', url, headers: {}, cookies: {} })
      hub.join(conn, ref, page.id, page.token, JSON.stringify({ _csrf_token: page.csrf, _url: url, ...extra }))
      await hub.idle()
      return page
    },
  }
}

module.exports = { makeHub }
