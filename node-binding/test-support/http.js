'use strict'
const http = require('node:http')

/** GET a path; resolves {status, headers, body}. */
function get(port, path, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
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

/** The live root's id and token from a page. */
function liveRoot(body) {
  const m = /<div data-livets-id="([^"]+)" data-livets-token="([^"]+)">/.exec(body)
  if (!m) throw new Error(`no live root in page: ${body.slice(0, 200)}`)
  return { id: m[1], token: m[2] }
}

module.exports = { get, liveRoot }
