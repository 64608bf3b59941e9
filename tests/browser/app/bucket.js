'use strict'
// A stand-in for a storage service: PUT /bucket/<name>?expires=<ms>&sig=<hex>
// stores the body when the signature (HMAC-SHA256 of "<name>:<expires>")
// holds and has not expired, as a presigned URL works; the views presign.

const crypto = require('crypto')
const fs = require('fs')
const os = require('os')
const path = require('path')

const SECRET = 'livets browser tests: bucket key'
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-test-bucket-'))
const sign = (name, expires) => crypto.createHmac('sha256', SECRET).update(`${name}:${expires}`).digest('hex')

function presign(name, { tamper = false } = {}) {
  const expires = Date.now() + 60_000
  const sig = sign(name, expires)
  return `/bucket/${encodeURIComponent(name)}?expires=${expires}&sig=${tamper ? sig.replace(/^./, c => (c == '0' ? '1' : '0')) : sig}`
}

function handler(req, res) {
  const url = new URL(req.url, 'http://bucket')
  const match = /^\/bucket\/([^/]+)$/.exec(url.pathname)
  if (req.method != 'PUT' || !match) {
    res.statusCode = 404
    return res.end('not found')
  }
  const name = decodeURIComponent(match[1])
  const expires = Number(url.searchParams.get('expires'))
  const given = Buffer.from(url.searchParams.get('sig') || '', 'hex')
  const wanted = Buffer.from(sign(name, expires), 'hex')
  if (!(expires > Date.now()) || given.length != wanted.length || !crypto.timingSafeEqual(given, wanted) || name.includes('..')) {
    res.statusCode = 403
    return res.end('bad signature')
  }
  const out = fs.createWriteStream(path.join(dir, name))
  req.pipe(out)
  out.on('finish', () => res.end('stored'))
}

const stored = name => {
  try {
    return fs.statSync(path.join(dir, name)).size
  } catch {
    return null
  }
}

process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))

module.exports = { presign, handler, stored }
