'use strict'
// A system library the core links is missing: the error names the Debian
// package to install, from the dynamic loader's own message.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const pkgDir = path.join(__dirname, '..')
const { missingLibraryHint } = require('../dist/native-deps.js')

test('each library the core links is named with its Debian package', () => {
  assert.equal(
    missingLibraryHint('libuv.so.1: cannot open shared object file: No such file or directory'),
    'The system library libuv.so.1 is missing: on Debian or Ubuntu, install it with `apt-get install libuv1`.',
  )
  assert.match(missingLibraryHint('libhiredis.so.0.14: cannot open shared object file: No such file or directory'), /apt-get install libhiredis0\.14/)
  assert.match(missingLibraryHint('libssl.so.3: cannot open shared object file'), /apt-get install libssl3/)
  assert.match(missingLibraryHint('libfoo.so.2: cannot open shared object file'), /libfoo\.so\.2 is missing: install the package that provides it/)
  assert.match(missingLibraryHint('/x/build/liblivetscore.so: cannot open shared object file'), /reinstall livets/)
  assert.equal(missingLibraryHint('invalid ELF header'), null)
})

test('loading a core whose libuv is absent says to install libuv1', (t) => {
  const lib = path.join(pkgDir, 'build', 'liblivetscore.so')
  if (!fs.existsSync(lib)) {
    t.skip(`${lib} is not built (node-binding/build.sh)`)
    return
  }
  // A copy of the package whose core asks the loader for libuv.so.9, which
  // no system has: the loader's real message goes through the real path.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-nolib-'))
  try {
    fs.cpSync(path.join(pkgDir, 'dist'), path.join(work, 'dist'), { recursive: true })
    fs.mkdirSync(path.join(work, 'build'))
    fs.copyFileSync(path.join(pkgDir, 'build', 'livets.node'), path.join(work, 'build', 'livets.node'))
    const bytes = fs.readFileSync(lib)
    const needed = Buffer.from('libuv.so.1\0')
    const at = bytes.indexOf(needed)
    assert.ok(at > 0, 'the core links libuv.so.1')
    Buffer.from('libuv.so.9\0').copy(bytes, at)
    fs.writeFileSync(path.join(work, 'build', 'liblivetscore.so'), bytes)
    const run = spawnSync(process.execPath, ['-e', "require('./dist/native.js').loadNative()"], { cwd: work, encoding: 'utf8' })
    assert.notEqual(run.status, 0)
    assert.match(run.stderr, /libuv\.so\.9: cannot open shared object file/)
    assert.match(run.stderr, /install it with `apt-get install libuv1`/)
    assert.doesNotMatch(run.stderr, /build\.sh/)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
})
