'use strict'
// The TypeScript compiler an app builds with: its own (node_modules), then
// one on NODE_PATH or Debian's (/usr/share/nodejs), then `tsc` on PATH.
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

/** [command, args] that run tsc from `appDir`, or null when there is none. */
function findTsc(appDir) {
  const dirs = [appDir, ...(process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/share/nodejs', '/usr/lib/node_modules']
  for (const dir of dirs) {
    try {
      return [process.execPath, [require.resolve('typescript/bin/tsc', { paths: [dir] })]]
    } catch {
      const bin = path.join(dir, 'typescript', 'bin', 'tsc')
      if (fs.existsSync(bin)) return [process.execPath, [bin]]
    }
  }
  const onPath = spawnSync('sh', ['-c', 'command -v tsc'], { encoding: 'utf8' })
  return onPath.status === 0 && onPath.stdout.trim() !== '' ? [onPath.stdout.trim(), []] : null
}

module.exports = { findTsc }
