'use strict'
// What a view renders that must not reach the browser: renders over the
// live limit (not sent, the view told through handleError, its state
// kept) and plain strings from render() (refused as a render error).
const test = require('node:test')
const assert = require('node:assert/strict')
const { LiveView, LiveComponent, html, UpdateTooLargeError } = require('../test-support/livets').load()
const { makeHub } = require('../test-support/hub')

const LIMIT = 1000

class Report extends LiveView {
  static events = ['grow', 'inc']
  state = { rows: 1, count: 0, note: '' }
  render() { return html`<p>${this.state.count}${this.state.note}</p>${'r'.repeat(this.state.rows * 100)}` }
  handleEvent(event, payload) {
    if (event === 'grow') this.setState({ rows: Number(payload.rows) })
    if (event === 'inc') this.setState({ count: this.state.count + 1 })
  }
}

class Shrinking extends Report {
  static events = ['grow', 'inc']
  handleError(error) {
    Shrinking.errors.push(error)
    this.setState({ rows: 2, note: ` (only 2 of ${this.state.rows} rows shown)` })
  }
}
Shrinking.errors = []

async function joined(View, options = {}) {
  const made = makeHub({ '/r': View }, { maxLiveMessageBytes: LIMIT, ...options })
  const page = await made.join('/r', 1, 1)
  made.core.take()
  return { ...made, id: page.id }
}

test('an update over maxLiveMessageBytes is not sent; the ref gets "update too large"; the view keeps its state', async () => {
  const { hub, core, logger, id } = await joined(Report)
  hub.event(1, 2, id, 'inc', 'null')
  hub.event(1, 3, id, 'grow', '{"rows":20}')
  await hub.idle()
  assert.deepEqual(core.take(), [
    ['update', 1, id, 2, `<p>1</p>${'r'.repeat(100)}`],
    ['replyError', 1, id, 3, 'update too large'],
  ])
  assert.equal(logger.lines.error.length, 1)
  assert.match(logger.lines.error[0], /^\[livets\] Report \(\/r\): a render of 2,008 bytes is over maxLiveMessageBytes \(1,000 bytes\) and was not sent; the page keeps the last render\. Render less \(paginate\), or raise the maxLiveMessageBytes option\.$/)
  // Still live, with its state: the next render that fits goes out.
  hub.event(1, 4, id, 'grow', '{"rows":3}')
  await hub.idle()
  assert.deepEqual(core.take(), [['update', 1, id, 4, `<p>1</p>${'r'.repeat(300)}`]])
})

test('handleError hears of it once and may render something smaller, which is sent', async () => {
  Shrinking.errors.length = 0
  const { hub, core, id } = await joined(Shrinking)
  hub.event(1, 2, id, 'grow', '{"rows":50}')
  await hub.idle()
  assert.deepEqual(core.take(), [
    ['replyError', 1, id, 2, 'update too large'],
    ['update', 1, id, 0, `<p>0 (only 2 of 50 rows shown)</p>${'r'.repeat(200)}`],
  ])
  assert.equal(Shrinking.errors.length, 1)
  const [error] = Shrinking.errors
  assert.ok(error instanceof UpdateTooLargeError)
  assert.equal(error.view, 'Shrinking')
  assert.equal(error.limit, LIMIT)
  assert.equal(error.option, 'maxLiveMessageBytes')
  assert.ok(error.bytes > LIMIT)
})

test('the core refusing the size itself (LTS_ETOOBIG) is handled the same way', async () => {
  const { hub, core, logger, id } = await joined(Report, { maxLiveMessageBytes: 1 << 20 })
  const update = core.update
  core.update = (conn, wireId, ref, html) => {
    if (html.length > 500) throw Object.assign(new Error('too big'), { code: 'LTS_ETOOBIG', errno: -8 })
    return update.call(core, conn, wireId, ref, html)
  }
  hub.event(1, 2, id, 'grow', '{"rows":10}')
  await hub.idle()
  assert.deepEqual(core.take(), [['replyError', 1, id, 2, 'update too large']])
  assert.match(logger.lines.error[0], /a render of 1,008 bytes is over maxLiveMessageBytes/)
  hub.event(1, 3, id, 'inc', 'null')
  await hub.idle()
  assert.deepEqual(core.take(), [['replyError', 1, id, 3, 'update too large']], 'still too large: the state was kept')
})

test('a join whose first render is too large is refused with "update too large", not mounted half-way', async () => {
  class Huge extends Report { state = { rows: 30, count: 0, note: '' } }
  const { core, logger, join } = makeHub({ '/r': Huge }, { maxLiveMessageBytes: LIMIT })
  const page = await join('/r', 1, 1)
  assert.deepEqual(core.calls.filter((c) => c[0] !== 'unregister'), [['replyError', 1, page.id, 1, 'update too large']])
  assert.match(logger.lines.error[0], /Huge \(\/r\): a render of 3,008 bytes is over maxLiveMessageBytes/)
})

test('a component over the limit is not sent; its own handleError may shrink it', async () => {
  class Table extends LiveComponent {
    static events = ['more']
    state = { rows: 1 }
    render() { return html`${'t'.repeat(this.state.rows * 100)}` }
    handleEvent() { this.setState({ rows: 20 }) }
    handleError() { this.setState({ rows: 5 }) }
  }
  class Page extends LiveView {
    state = {}
    render() { return html`<h1>T</h1>${this.component(Table, 'table', {})}` }
  }
  const { hub, core, id } = await joined(Page)
  hub.event(1, 2, `${id}/table`, 'more', 'null')
  await hub.idle()
  assert.deepEqual(core.take(), [
    ['replyError', 1, `${id}/table`, 2, 'update too large'],
    ['update', 1, `${id}/table`, 0, 't'.repeat(500)],
  ])
})

test('a plain string from render() is refused as a render error naming the view, never sent as markup', async () => {
  class Echo extends LiveView {
    static events = ['say']
    static model = { text: 'string' }
    state = { text: '' }
    render() { return `<p>${this.state.text}</p>` }
  }
  const made = makeHub({ '/echo': Echo })
  // The page render fails too: a GET would be a 500.
  await assert.rejects(made.page('/echo'), (err) => err instanceof TypeError &&
    err.message === 'render() of Echo returned a string; build markup with html`` (or raw() for trusted markup)')
})

test('a string render after an event takes the crash path: the browser is told "crashed" and no markup goes out', async () => {
  let plain = false
  class Flip extends LiveView {
    static model = { text: 'string' }
    state = { text: '' }
    render() { return plain ? `<p>${this.state.text}</p>` : html`<p>${this.state.text}</p>` }
  }
  const { hub, core, logger, id } = await joined(Flip)
  plain = true
  hub.event(1, 2, id, '$model', JSON.stringify({ field: 'text', value: '<b id="inj">x</b>' }))
  await hub.idle()
  const sent = core.calls.filter((c) => c[0] === 'update' || c[0] === 'register')
  assert.ok(sent.every((c) => !c[4].includes('<b id="inj">')), 'the unescaped markup never reached the core')
  assert.deepEqual(core.of('replyError')[0], ['replyError', 1, id, 2, 'crashed'])
  assert.match(logger.lines.error[0], /^\[livets\] Flip \(\/r\): render after handleEvent\("\$model"\) threw: TypeError: render\(\) of Flip returned a string; build markup with html`` \(or raw\(\) for trusted markup\)/)
})
