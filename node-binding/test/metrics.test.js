'use strict'
// Metrics, tracing spans, the Prometheus endpoint and the dashboard's
// route: counted through the real core, read back the way a scraper and
// a tracer would.
const test = require('node:test')
const assert = require('node:assert/strict')
const { requireNative } = require('../test-support/native')
const { load } = require('../test-support/livets')
const { get, liveRoot, joinParams } = require('../test-support/http')
const { LiveSocket } = require('../test-support/ws')
const { quietLogger } = require('../test-support/fake-core')
const { Counter, Chat } = require('../test-support/views')
const { RedisServer, waitFor } = require('../test-support/redis')

const { LiveTSServer, SECONDS_BUCKETS, localDevelopmentOnly } = load()
const { Histogram } = load('metrics/histogram')
const { prometheusText } = load('metrics/prometheus')
const { chartPoints } = load('dashboard/charts')

async function withServer(fn, options = {}) {
  requireNative()
  const logger = quietLogger()
  const server = new LiveTSServer({ secret: 'metrics-secret', logger, ...options })
  server.registerComponent('/counter', Counter).route('/chat', Chat)
  const port = await server.listen()
  try {
    await fn(port, server, logger)
  } finally {
    await server.close()
  }
}

async function joinPage(port, target) {
  const page = await get(port, target)
  assert.equal(page.status, 200, page.body.slice(0, 200))
  const root = liveRoot(page.body)
  const sock = await LiveSocket.open(port)
  sock.send(['j', 1, root.id, root.token, joinParams(root, target)])
  return { sock, ...root, first: await sock.next() }
}

/**
 * A strict reader of the Prometheus text format: every sample line
 * belongs to a family declared by HELP and TYPE, names and labels are
 * well formed, values are numbers, and each histogram series has
 * increasing `le` buckets ending in +Inf that equal its _count.
 */
function parsePrometheus(text) {
  assert.ok(text.endsWith('\n'), 'the text ends with a newline')
  const families = new Map()
  let current = null
  for (const line of text.slice(0, -1).split('\n')) {
    let m
    if ((m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line))) {
      assert.ok(!families.has(m[1]), `${m[1]} is declared once`)
      current = { name: m[1], help: m[2], type: null, samples: [] }
      families.set(m[1], current)
    } else if ((m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line))) {
      assert.equal(m[1], current?.name, `TYPE follows the HELP of ${m[1]}`)
      current.type = m[2]
    } else {
      m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line)
      assert.ok(m, `a sample line: ${JSON.stringify(line)}`)
      const [, name, labelText = '', value] = m
      const base = current.type === 'histogram' ? name.replace(/_(bucket|sum|count)$/, '') : name
      assert.equal(base, current.name, `${name} belongs to the family above it`)
      const labels = {}
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y
      let at = 0
      while (at < labelText.length) {
        re.lastIndex = at
        const l = re.exec(labelText)
        assert.ok(l, `labels of ${JSON.stringify(line)}`)
        labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
        at = re.lastIndex
      }
      current.samples.push({ name, labels, value: Number(value) })
    }
  }
  for (const family of families.values()) {
    assert.ok(family.name.startsWith('livets_'), `${family.name} is prefixed livets_`)
    if (family.type !== 'histogram') continue
    const series = new Map()
    for (const s of family.samples) {
      const { le, ...rest } = s.labels
      const key = JSON.stringify(rest)
      if (!series.has(key)) series.set(key, { buckets: [], count: null, sum: null })
      const entry = series.get(key)
      if (s.name.endsWith('_bucket')) entry.buckets.push([le, s.value])
      else if (s.name.endsWith('_count')) entry.count = s.value
      else entry.sum = s.value
    }
    for (const [key, { buckets, count, sum }] of series) {
      assert.equal(buckets.at(-1)[0], '+Inf', `${family.name}${key} ends with +Inf`)
      for (let i = 1; i < buckets.length; i++) {
        assert.ok(buckets[i][1] >= buckets[i - 1][1], `${family.name}${key} buckets are cumulative`)
        if (i < buckets.length - 1) assert.ok(Number(buckets[i][0]) > Number(buckets[i - 1][0]), 'le increases')
      }
      assert.equal(buckets.at(-1)[1], count, `${family.name}${key}: +Inf equals _count`)
      assert.ok(Number.isFinite(sum), `${family.name}${key} has a _sum`)
    }
  }
  return families
}

/** The value of sample `name` (of `family`, its name by default) with `labels`. */
function sample(families, family, labels = {}, name = family) {
  const found = families.get(family)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v) && s.name === name)
  return found?.value
}

test('a histogram counts each observation in the first bucket whose bound holds it, cumulatively, with sum and count', () => {
  const h = new Histogram([1, 5, 10])
  for (const v of [0.5, 1, 3, 7, 20]) h.observe({ view: 'V' }, v)
  h.observe({ view: 'W' }, 2)
  const [v, w] = h.series()
  assert.deepEqual(v, { labels: { view: 'V' }, buckets: [2, 3, 4], sum: 31.5, count: 5 })
  assert.deepEqual(w.buckets, [0, 1, 1])
  assert.throws(() => new Histogram([1, 1]), /increase/)
  const text = prometheusText([{ name: 'livets_x_seconds', help: 'x', type: 'histogram', bounds: h.bounds, series: h.series() }])
  assert.match(text, /^livets_x_seconds_bucket\{view="V",le="5"\} 3$/m)
  assert.match(text, /^livets_x_seconds_bucket\{view="V",le="\+Inf"\} 5$/m)
  assert.match(text, /^livets_x_seconds_sum\{view="V"\} 31.5$/m)
  assert.match(text, /^livets_x_seconds_count\{view="V"\} 5$/m)
  parsePrometheus(text)
})

test('label values are escaped; a name the format cannot carry is refused', () => {
  const text = prometheusText([{ name: 'livets_y_total', help: 'a\\b\nc', type: 'counter', samples: [{ labels: { event: 'say "hi"\\\n' }, value: 2 }] }])
  assert.equal(text, '# HELP livets_y_total a\\\\b\\nc\n# TYPE livets_y_total counter\nlivets_y_total{event="say \\"hi\\"\\\\\\n"} 2\n')
  assert.equal(parsePrometheus(text).get('livets_y_total').samples[0].labels.event, 'say "hi"\\\n')
  assert.throws(() => prometheusText([{ name: 'livets-bad', help: '', type: 'gauge', samples: [] }]), /bad metric name/)
})

test('events, joins and renders are counted by view and event, and /metrics serves them as valid Prometheus text', async () => {
  await withServer(async (port, server) => {
    const { sock, id } = await joinPage(port, '/counter')
    let opsBytes = 0
    for (let ref = 2; ref <= 4; ref++) {
      sock.send(['e', ref, id, 'inc', null])
      const patch = await sock.next()
      assert.equal(patch[0], 'p')
      opsBytes += Buffer.byteLength(JSON.stringify(patch[4]))
    }
    sock.send(['e', 5, id, 'nope', null])
    assert.equal((await sock.next())[0], 'x')
    const snap = server.metrics()
    assert.equal(snap.websockets, 1)
    assert.deepEqual(snap.views, { '/counter': 1 })
    assert.equal(snap.joins, 1)
    assert.equal(snap.events, 3, 'the refused event is not an event handled')
    assert.deepEqual(snap.eventsByView.map(({ view, event, count }) => ({ view, event, count })), [{ view: 'Counter', event: 'inc', count: 3 }])
    assert.ok(snap.eventSeconds.count === 3 && snap.eventSeconds.sum > 0)
    assert.equal(snap.renderSeconds.count, 4, 'the join\'s render and one per event')
    assert.equal(snap.renderBytes.count, 4)
    // The core diffed each event's update (the join's render is registered, not diffed).
    assert.equal(snap.diff.count, 3)
    assert.ok(snap.diff.seconds > 0)
    assert.equal(snap.diff.patchBytes, opsBytes, 'the patch operations the browser got')
    assert.equal(snap.refusals.unknown_event, 1)

    const res = await get(port, '/metrics')
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
    const families = parsePrometheus(res.body)
    assert.equal(sample(families, 'livets_websockets'), 1)
    assert.equal(sample(families, 'livets_views', { route: '/counter' }), 1)
    assert.equal(sample(families, 'livets_events_total', { view: 'Counter', event: 'inc' }), 3)
    assert.equal(sample(families, 'livets_event_duration_seconds', { view: 'Counter', event: 'inc' }, 'livets_event_duration_seconds_count'), 3)
    const buckets = families.get('livets_event_duration_seconds').samples.filter((s) => s.name.endsWith('_bucket'))
    assert.deepEqual(buckets.map((s) => s.labels.le), [...SECONDS_BUCKETS.map(String), '+Inf'])
    assert.equal(sample(families, 'livets_joins_total', { view: 'Counter', outcome: 'ok' }), 1)
    assert.equal(sample(families, 'livets_refusals_total', { cause: 'unknown_event' }), 1)
    assert.equal(sample(families, 'livets_refusals_total', { cause: 'event_rate' }), 0, 'the core\'s causes are listed too')
    assert.equal(sample(families, 'livets_redis_enabled'), 0)
    assert.equal(sample(families, 'livets_diffs_total'), 3)
    assert.equal(sample(families, 'livets_patch_bytes_total'), snap.diff.patchBytes)
    assert.ok(sample(families, 'livets_process_resident_memory_bytes') > 0)
    assert.equal(families.get('livets_event_loop_lag_seconds').type, 'gauge')

    assert.equal((await get(port, '/metrics', 'HEAD')).status, 200)
    assert.equal((await get(port, '/metrics', 'POST')).status, 405)
    sock.close()
  }, { metrics: { path: '/metrics' } })
})

test('pub/sub traffic is counted: publishes from this process, deliveries to views and to server handlers', async () => {
  await withServer(async (port, server) => {
    const heard = []
    server.subscribe('news', (data) => heard.push(data))
    const a = await joinPage(port, '/chat')
    a.sock.send(['e', 2, a.id, 'say', { text: 'hi' }])
    await a.sock.next()
    await a.sock.next() // the patch the delivered info caused
    server.broadcast('news', 1)
    for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
    const { pubsub } = server.metrics()
    assert.equal(pubsub.published, 2, 'the view\'s broadcast and the server\'s')
    assert.equal(pubsub.deliveries, 2, 'one to the view, one to the server handler')
    assert.equal(pubsub.delivered, 1)
    assert.equal(pubsub.hostMessages, 1)
    assert.equal(pubsub.remotePublished, 0)
    assert.equal(pubsub.topics, 2)
    a.sock.close()
  })
})

test('through Redis: the state of the link, and a publish of another node counted as one from there', async () => {
  requireNative()
  const redis = await RedisServer.start()
  const servers = []
  try {
    for (let i = 0; i < 2; i++) {
      const server = new LiveTSServer({ secret: 'metrics-secret', logger: quietLogger(), pubsub: { redis: redis.url } })
      await server.listen()
      servers.push(server)
    }
    const [one, two] = servers
    await waitFor(() => one.metrics().redis.connected && two.metrics().redis.connected, 10000, 'both nodes linked to Redis')
    const heard = []
    two.subscribe('news', (data) => heard.push(data))
    // The other node hears of a subscription through Redis: publish until it arrives.
    await waitFor(() => { one.broadcast('news', 'x'); return heard.length > 0 }, 5000, 'a publish across')
    // Publishes made before the other node's Redis subscription was in
    // place are dropped by Redis, and the last ones may still be on their
    // way: one more, then wait until the counts settle.
    one.broadcast('news', 'last')
    await waitFor(() => heard.includes('last') && two.metrics().pubsub.remotePublished === heard.length, 5000, 'the last publish across')
    const sent = one.metrics().pubsub.published
    const got = two.metrics()
    assert.deepEqual(got.redis, { enabled: true, connected: true, reconnects: 0, droppedPublishes: 0 })
    assert.equal(heard.filter((data) => data === 'last').length, 1, 'a publish arrives once')
    assert.ok(got.pubsub.remotePublished >= 1 && got.pubsub.remotePublished <= sent, `${got.pubsub.remotePublished} of ${sent} publishes counted as from another node`)
    assert.equal(got.pubsub.published, 0)
    assert.equal(got.pubsub.hostMessages, heard.length)
    assert.equal(one.metrics().pubsub.remotePublished, 0)
    const families = parsePrometheus(two.metricsText())
    assert.equal(sample(families, 'livets_redis_connected'), 1)
    assert.equal(sample(families, 'livets_pubsub_remote_published_total'), got.pubsub.remotePublished)
  } finally {
    for (const server of servers) await server.close()
    await redis.stop()
  }
})

test('spans: join, render, diff and event, each with its view, event and timing', async () => {
  const spans = []
  await withServer(async (port, server) => {
    const later = []
    const stop = server.onSpan((span) => later.push(span.name))
    const { sock, id } = await joinPage(port, '/counter')
    sock.send(['e', 2, id, 'inc', null])
    await sock.next()
    stop()
    sock.send(['e', 3, id, 'inc', null])
    await sock.next()
    // A join renders, then hands the HTML over; an event's render pass holds its hand-offs.
    assert.deepEqual(later, ['render', 'diff', 'join', 'diff', 'render', 'event'])
    sock.close()
  }, { tracing: { onSpan: (span) => spans.push(span) } })
  const byName = (name) => spans.filter((s) => s.name === name)
  assert.equal(byName('join').length, 1)
  assert.equal(byName('event').length, 2)
  const [event] = byName('event')
  assert.equal(event.view, 'Counter')
  assert.equal(event.event, 'inc')
  assert.equal(event.attributes.route, '/counter')
  assert.equal(event.attributes.ok, true)
  assert.equal(typeof event.startNs, 'bigint')
  assert.ok(event.durationNs > 0n)
  // A wall-clock start: within a minute of now.
  assert.ok(Math.abs(Number(event.startNs / 1_000_000n) - Date.now()) < 60_000)
  const [diff] = byName('diff')
  assert.ok(diff.attributes.bytes > 0)
  assert.equal(byName('render')[1].attributes.cause, 'handleEvent("inc")')
  assert.equal(byName('join')[0].attributes.ok, true)
  // The event's span holds its render: it starts before and ends after.
  const render = byName('render')[1]
  assert.ok(event.startNs <= render.startNs && render.startNs + render.durationNs <= event.startNs + event.durationNs)
})

test('a span listener that throws is removed and logged; the view goes on', async () => {
  await withServer(async (port, server, logger) => {
    let calls = 0
    server.onSpan(() => { calls++; throw new Error('tracer bug') })
    const { sock, id } = await joinPage(port, '/counter')
    sock.send(['e', 2, id, 'inc', null])
    assert.equal((await sock.next())[0], 'p')
    assert.equal(calls, 1)
    assert.ok(logger.lines.error.some((line) => line.includes('onSpan listener threw')))
    sock.close()
  })
})

test('the metrics guard decides per request: refused is 404, a throw refuses too', async () => {
  await withServer(async (port, _server, logger) => {
    assert.equal((await get(port, '/metrics')).status, 404)
    assert.equal((await get(port, '/metrics', 'GET', { 'x-scrape': 'yes' })).status, 200)
    assert.equal((await get(port, '/metrics', 'GET', { 'x-scrape': 'throw' })).status, 404)
    assert.ok(logger.lines.error.some((line) => line.includes('metrics.guard threw')))
  }, {
    metrics: {
      path: '/metrics',
      guard: (req) => {
        if (req.headers['x-scrape'] === 'throw') throw new Error('no')
        return req.headers['x-scrape'] === 'yes' && req.address === '127.0.0.1'
      },
    },
  })
})

test('without the option there is no /metrics; bad options are refused with the reason', async () => {
  await withServer(async (port) => {
    assert.equal((await get(port, '/metrics')).status, 404)
  })
  assert.throws(() => new LiveTSServer({ metrics: { path: 'metrics' } }), /metrics.path must be a path/)
  assert.throws(() => new LiveTSServer({ metrics: { path: '/_livets/metrics' } }), /taken by LiveTS/)
  assert.throws(() => new LiveTSServer({ metrics: { path: '/m', guard: true } }), /metrics.guard must be a function/)
  assert.throws(() => new LiveTSServer({ dashboard: { path: '/live' } }), /taken by LiveTS/)
  assert.throws(() => new LiveTSServer({ dashboard: { path: '/d/:x' } }), /dashboard.path must be a path/)
  assert.throws(() => new LiveTSServer({ dashboard: { path: '/d', guard: 'open' } }), /dashboard.guard must be a function/)
  assert.throws(() => new LiveTSServer({ metrics: { path: '/m' } }).route('/m', Counter), /taken by the metrics endpoint/)
  assert.throws(() => new LiveTSServer({ metrics: { path: '/m' }, dashboard: { path: '/m' } }), /taken by the metrics endpoint/)
})

test('the dashboard at /_livets leaves the connector\'s files under /_livets/ alone, and shows the live connection count', async () => {
  await withServer(async (port) => {
    const page = await get(port, '/_livets')
    assert.equal(page.status, 200)
    assert.match(page.body, /<strong id="connections">0<\/strong>/)
    assert.match(page.body, /<polyline [^>]*points="/)
    for (const asset of ['/_livets/livets.js', '/_livets/live.js']) {
      const res = await get(port, asset)
      assert.equal(res.status, 200, asset)
      assert.match(res.headers['content-type'], /javascript/, asset)
    }
    const tab = await joinPage(port, '/counter')
    const dash = await joinPage(port, '/_livets')
    assert.match(JSON.stringify(dash.first), /id=\\"connections\\">2</)
    tab.sock.close()
    dash.sock.close()
  }, { dashboard: { path: '/_livets', guard: () => true } })
})

test('a dashboard refused by its guard is never rendered: the page and a join are sent to "/"', async () => {
  let allow = true
  await withServer(async (port) => {
    allow = false
    const page = await get(port, '/_livets')
    assert.equal(page.status, 302)
    assert.equal(page.headers.location, '/')
    assert.doesNotMatch(page.body, /connections/)
    // A page rendered while allowed cannot join once the guard says no.
    allow = true
    const root = liveRoot((await get(port, '/_livets')).body)
    allow = false
    const sock = await LiveSocket.open(port)
    sock.send(['j', 1, root.id, root.token, joinParams(root, '/_livets')])
    const frames = [await sock.next(), await sock.next()]
    assert.ok(frames.some((f) => JSON.stringify(f).includes('"/"')), JSON.stringify(frames))
    assert.ok(!frames.some((f) => JSON.stringify(f).includes('connections')), JSON.stringify(frames))
    sock.close()
  }, { dashboard: { path: '/_livets', guard: (session) => allow && session.address === '127.0.0.1' } })
})

test('the default dashboard guard: this machine only, and never in production', () => {
  const session = (address) => ({ connected: false, route: '/_livets', path: '/_livets', url: '/_livets', data: {}, connectParams: {}, address, userAgent: '' })
  const saved = process.env.NODE_ENV
  try {
    delete process.env.NODE_ENV
    assert.equal(localDevelopmentOnly(session('127.0.0.1')), true)
    assert.equal(localDevelopmentOnly(session('::1')), true)
    assert.equal(localDevelopmentOnly(session('10.0.0.7')), false)
    assert.equal(localDevelopmentOnly(session('unknown')), false)
    process.env.NODE_ENV = 'production'
    assert.equal(localDevelopmentOnly(session('127.0.0.1')), false)
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = saved
  }
})

test('chart points are scaled into the box, newest at the right edge', () => {
  assert.equal(chartPoints([], 60), '')
  assert.equal(chartPoints([0, 2, 4], 3), '0,47 120,24 240,1')
  assert.equal(chartPoints([5], 3), '240,1')
  assert.equal(chartPoints([0, 0], 2), '0,47 240,47')
})
