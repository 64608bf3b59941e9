'use strict'
// The app scripts/bench/upload-soak drives: one view taking a single file
// of up to 2 GB (PORT picks the port). It renders only the entry's
// progress, as a progress bar would, and never reads the file: the core
// writes it to disk as it arrives and removes it when the socket closes.

const path = require('path')
const { LiveTSServer, LiveView, html } = require(path.join(__dirname, '..', '..', '..', 'node-binding'))

class BigUpload extends LiveView {
  static uploads = { big: { maxEntries: 1, maxFileSize: 2_000_000_000, chunkSize: 64_000, autoUpload: true } }
  state = {}
  render() {
    return html`${this.uploadEntries('big').map((e) => html`<progress value="${e.progress}" max="100"></progress>`)}`
  }
}

async function main() {
  const server = new LiveTSServer({ port: Number(process.env.PORT || 0), secret: 'upload soak', logger: console })
  server.route('/big', BigUpload)
  console.log(`listening on ${await server.listen()}`)
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
