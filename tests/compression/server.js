'use strict'
// The server behind tests/compression: a large live page, a small one and
// a static text file, with the page compression settings the environment
// names (COMPRESS_MIN_BYTES, NO_PAGE_COMPRESSION). PORT picks the port.

const fs = require('fs')
const os = require('os')
const path = require('path')
const { LiveTSServer, LiveView, html } = require(path.join(__dirname, '..', '..', 'node-binding'))

class Big extends LiveView {
  static events = ['bump']
  state = { bumps: 0 }
  render() {
    return html`<input id="note"><button id="bump" ts-on:click="bump">bump</button><b id="bumps">${this.state.bumps}</b>
      <ul>${Array.from({ length: 200 }, (_, i) => html`<li id="row-${i}">row ${i} of the big page</li>`)}</ul>`
  }
  handleEvent() {
    this.setState({ bumps: this.state.bumps + 1 })
  }
}

// Renders differently at every mount: the page's render and the join's
// never match, so the join must carry the HTML.
let mounts = 0
class Changing extends LiveView {
  state = { mount: 0 }
  mount() {
    mounts += 1
    this.setState({ mount: mounts })
  }
  render() {
    return html`<p id="mount">mount ${this.state.mount}</p>`
  }
}

class Small extends LiveView {
  render() {
    return html`<p>small</p>`
  }
}

async function main() {
  const assets = fs.mkdtempSync(path.join(os.tmpdir(), 'lts-compression-'))
  fs.writeFileSync(path.join(assets, 'notes.txt'), 'static text that compresses well\n'.repeat(200))
  const server = new LiveTSServer({
    port: Number(process.env.PORT || 0),
    secret: 'compression tests',
    layout: null,
    assets: [{ prefix: '/assets/', dir: assets }],
    ...(process.env.COMPRESS_MIN_BYTES ? { compressMinBytes: Number(process.env.COMPRESS_MIN_BYTES) } : {}),
    ...(process.env.NO_PAGE_COMPRESSION ? { disablePageCompression: true } : {}),
  })
  server.route('/big', Big).route('/small', Small).route('/changing', Changing)
  await server.listen()
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
