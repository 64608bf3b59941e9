'use strict'
// One view with a 20,000-row table (about 1.2 MB of HTML), for the browser
// test of large pages: the page, then /_livets/ files on the same
// keep-alive connection, then the join. PORT picks the port.

const path = require('path')
const { LiveTSServer, LiveView, html } = require(path.join(__dirname, '..', '..', 'node-binding'))

const ROWS = 20000

class BigTable extends LiveView {
  render() {
    const rows = []
    for (let i = 0; i < ROWS; i++) rows.push(html`<tr><td>${i}</td><td>row number ${i} of the big table</td></tr>`)
    return html`<table id="big"><tbody>${rows}</tbody></table>`
  }
}

async function main() {
  const server = new LiveTSServer({ port: Number(process.env.PORT || 0), secret: 'livets big page test: not a secret' })
  server.registerComponent('/big', BigTable)
  const port = await server.listen()
  console.log(`listening on http://127.0.0.1:${port}/`)
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch(err => {
  console.error(err)
  process.exit(1)
})
