'use strict'
const http = require('node:http')

/** GET a path; resolves {status, headers, body}. */
function get(port, path, method = 'GET', headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      )
    })
    req.on('error', reject)
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${path} timed out`)))
    req.end()
  })
}

/** The live root's id and token, and the page's CSRF token, from a page. */
function liveRoot(body) {
  const m = /<div data-livets-id="([^"]+)" data-livets-token="([^"]+)" data-livets-fp="([0-9a-f]{16})">/.exec(body)
  const c = /<meta name="csrf-token" content="([^"]+)">/.exec(body)
  if (!m || !c) throw new Error(`no live root in page: ${body.slice(0, 300)}`)
  return { id: m[1], token: m[2], fp: m[3], csrf: c[1] }
}

/** The join params the connector sends for a page at `url`. */
function joinParams(root, url) {
  return url === undefined ? { _csrf_token: root.csrf } : { _csrf_token: root.csrf, _url: url }
}

module.exports = { get, liveRoot, joinParams }
