'use strict'
// Integration tests need the real core. When it is missing they fail with
// this message instead of passing vacuously.
const fs = require('fs')
const path = require('path')

const buildDir = path.join(__dirname, '..', 'build')
const nodeFile = path.join(buildDir, 'livets.node')
const libFile = path.join(buildDir, 'liblivetscore.so')

function requireNative() {
  for (const file of [nodeFile, libFile]) {
    if (!fs.existsSync(file)) {
      throw new Error(
        `${file} is missing: these tests need the native core. Build the core ` +
          '(.build/release/liblivetscore.so) and run node-binding/build.sh',
      )
    }
  }
  return require(nodeFile)
}

module.exports = { requireNative, nodeFile }
