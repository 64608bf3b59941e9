'use strict'
// The compiled package, with a clear failure when it has not been built.
const fs = require('fs')
const path = require('path')

const dist = path.join(__dirname, '..', 'dist')

function load(name = 'index') {
  const file = path.join(dist, `${name}.js`)
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run node-binding/build.sh (or build.sh --ts-only) first`)
  }
  return require(file)
}

module.exports = { load }
