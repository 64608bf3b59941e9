'use strict'
// A view whose every event changes its state at random (seeded), so its
// renders go through change tracking: text, attributes, URLs, keyed rows
// added, removed and moved, sections shown and hidden. GET
// /expected?seed=S&n=N answers the markup a full render of the state after
// N events gives, for the browser test to compare the live DOM with.

const path = require('path')
const { LiveTSServer, LiveView, html, raw } = require(path.join(__dirname, '..', '..', '..', 'node-binding'))

function random(seed) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const TEXTS = ['', 'a', 'b & c', '<i>not a tag</i>', '"quoted"', 'é', '😀 emoji', '日本語', 'x'.repeat(40), null, false, 0, 42, ' spaced  out ']
const URLS = ['https://example.com/a', 'javascript:alert(1)', '/p?q=1&r=2', 'mailto:a@b.c']

function initial(rnd) {
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)]
  const rows = Array.from({ length: 3 + Math.floor(rnd() * 5) }, (_, i) => ({ id: i, text: pick(TEXTS), on: rnd() < 0.5, url: pick(URLS), score: i }))
  return { title: pick(TEXTS), rows, cls: 'a', open: true, note: pick(TEXTS), bold: true, nextId: rows.length }
}

function mutate(rnd, st) {
  const next = { ...st, rows: st.rows.slice() }
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)]
  const what = Math.floor(rnd() * 10)
  const i = Math.floor(rnd() * Math.max(1, next.rows.length))
  if (what === 0) next.title = pick(TEXTS)
  else if (what === 1) next.cls = pick(['a', 'b', '', 'c d'])
  else if (what === 2) next.open = !next.open
  else if (what === 3) next.note = pick(TEXTS)
  else if (what === 4) next.rows.splice(i, 0, { id: next.nextId++, text: pick(TEXTS), on: rnd() < 0.5, url: pick(URLS), score: 0 })
  else if (what === 5 && next.rows.length > 0) next.rows.splice(i, 1)
  else if (what === 6 && next.rows.length > 1) next.rows.push(...next.rows.splice(i, 1))
  else if (what === 7) next.bold = !next.bold
  else if (next.rows.length > 0) next.rows[i] = { ...next.rows[i], text: pick(TEXTS), on: rnd() < 0.5, score: next.rows[i].score + 1 }
  return next
}

const row = (r) => html`<tr ts-key="${r.id}"><td>${r.id}</td><td class="${r.on ? 'on' : 'off'}">${r.text}</td>
  <td><a href="${r.url}">go</a></td><td>${r.score}${r.on && html`<em>${r.text}</em>`}</td></tr>`
const item = (r) => html`<li id="i${r.id}" ${{ title: r.text, hidden: !r.on && r.score > 3 }}>${r.text}</li>`

function view(st) {
  return html`<h1 class=${st.cls}>${st.title}</h1><!-- ${st.note} -->
    <table><thead><tr><th>#</th><th>text</th><th>link</th><th>score</th></tr></thead><tbody>${st.rows.map(row)}</tbody></table>
    <ul>${st.rows.map(item)}</ul>
    <div>${st.open ? html`<p>${st.note}<span>${st.rows.length}</span></p>` : null}${st.bold ? raw('<b>bold</b>') : raw('<i>it</i>')}</div>
    <button id="step" ts-on:click="step">step</button>`
}

/** The state after `n` events from `seed`. */
function stateAt(seed, n) {
  const rnd = random(seed)
  let st = initial(rnd)
  for (let k = 0; k < n; k++) st = mutate(rnd, st)
  return st
}

class Tracked extends LiveView {
  static events = ['step']
  mount(params) {
    const seed = Number(params.seed || 1)
    this.rnd = random(seed)
    this.state = { n: 0, st: initial(this.rnd) }
  }
  render() {
    return html`<p id="n">${this.state.n}</p>${view(this.state.st)}`
  }
  handleEvent() {
    this.setState({ n: this.state.n + 1, st: mutate(this.rnd, this.state.st) })
  }
}

async function main() {
  const server = new LiveTSServer({
    port: Number(process.env.PORT || 0),
    secret: 'livets tracking tests: not a secret',
    handler(req, res) {
      const url = new URL(req.url, 'http://x')
      if (url.pathname !== '/expected') {
        res.statusCode = 404
        return res.end()
      }
      const n = Number(url.searchParams.get('n'))
      const markup = html`<p id="n">${n}</p>${view(stateAt(Number(url.searchParams.get('seed')), n))}`.toString()
      res.setHeader('content-type', 'text/plain; charset=utf-8')
      res.end(markup)
    },
  })
  server.route('/tracked', Tracked)
  const port = await server.listen()
  console.log(`listening on http://127.0.0.1:${port}/`)
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
