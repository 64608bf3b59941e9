'use strict'
// The package as an app gets it: `npm install <node-binding> --offline`
// into a fresh folder, then a strict compile of a sample app against the
// shipped .d.ts files, which must hold no `any`.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync, spawnSync } = require('node:child_process')

const pkgDir = path.join(__dirname, '..')
const repo = path.join(pkgDir, '..')
const dist = path.join(pkgDir, 'dist')
const sample = path.join(pkgDir, 'test-support', 'sample-app')
const nodePath = process.env.NODE_PATH || '/usr/share/nodejs'

function tscBin() {
  for (const dir of nodePath.split(path.delimiter)) {
    const bin = path.join(dir, 'typescript', 'bin', 'tsc')
    if (fs.existsSync(bin)) return bin
  }
  throw new Error(`TypeScript is not under NODE_PATH (${nodePath}): install Debian's node-typescript`)
}

test('the shipped declarations document every export and never say any', () => {
  // Subfolders too (http/, metrics/, dashboard/): exports are declared there as well.
  const files = fs.readdirSync(dist, { recursive: true }).filter((f) => f.endsWith('.d.ts'))
  assert.ok(files.includes('index.d.ts') && files.includes('testing.d.ts'))
  for (const file of files) {
    const text = fs.readFileSync(path.join(dist, file), 'utf8')
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""')
    assert.doesNotMatch(code, /\bany\b/, `${file} mentions any`)
  }
  // Every symbol index.d.ts exports has a doc comment where it is declared.
  const index = require(path.join(dist, 'index.js'))
  const undocumented = []
  const declarations = files.map((f) => fs.readFileSync(path.join(dist, f), 'utf8')).join('\n')
  for (const name of Object.keys(index)) {
    const decl = new RegExp(`/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/\\s*export (?:declare )?(?:abstract )?(?:class|function|const|type|interface) ${name}\\b`)
    if (!decl.test(declarations)) undocumented.push(name)
  }
  assert.deepEqual(undocumented, [])
})

test('npm install --offline into a fresh app, then a strict tsc compile, succeeds', { timeout: 180_000 }, (t) => {
  if (spawnSync('npm', ['--version']).status !== 0) {
    t.skip('npm is not installed')
    return
  }
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-app-'))
  try {
    fs.cpSync(sample, app, { recursive: true })
    const tsconfig = JSON.parse(fs.readFileSync(path.join(app, 'tsconfig.json'), 'utf8'))
    tsconfig.compilerOptions.typeRoots = [path.join(repo, '.cache', 'types')]
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
    execFileSync('npm', ['install', pkgDir, '--offline', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: app, stdio: 'pipe' })
    assert.ok(fs.existsSync(path.join(app, 'node_modules', 'livets', 'package.json')))
    const tsc = spawnSync(process.execPath, [tscBin(), '-p', app], { cwd: app, encoding: 'utf8' })
    assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`)
    // The installed package resolves both entry points at run time too.
    const run = spawnSync(process.execPath, ['-e', "const l = require('livets'); const t = require('livets/testing'); console.log(typeof l.LiveView, typeof t.mountView)"], { cwd: app, encoding: 'utf8' })
    assert.equal(run.stdout.trim(), 'function function', run.stderr)
  } finally {
    fs.rmSync(app, { recursive: true, force: true })
  }
})

test('a looser type would be caught: breaking a sample expectation fails the compile', { timeout: 120_000 }, () => {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-types-'))
  try {
    fs.mkdirSync(path.join(app, 'src'))
    fs.writeFileSync(
      path.join(app, 'src', 'bad.ts'),
      `import { LiveView, html } from ${JSON.stringify(path.join(dist, 'index'))};\n` +
        'class V extends LiveView<{ n: number }> { state = { n: 0 }; render() { return html`${this.state.n}`; } go() { this.setState({ n: "text" }); } }\n' +
        'export { V };\n',
    )
    const tsc = spawnSync(
      process.execPath,
      [tscBin(), '--strict', '--noEmit', '--target', 'ES2020', '--module', 'commonjs', '--types', 'node', '--typeRoots', path.join(repo, '.cache', 'types'), path.join(app, 'src', 'bad.ts')],
      { encoding: 'utf8' },
    )
    assert.notEqual(tsc.status, 0)
    assert.match(tsc.stdout, /Type 'string' is not assignable to type 'number'/)
  } finally {
    fs.rmSync(app, { recursive: true, force: true })
  }
})

test('the packed tarball, installed as a copy, serves its own connector and runs on its own core', { timeout: 180_000 }, async (t) => {
  if (spawnSync('npm', ['--version']).status !== 0) {
    t.skip('npm is not installed')
    return
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-pack-'))
  try {
    const tarball = execFileSync(path.join(pkgDir, 'pack.sh'), [work], { encoding: 'utf8' }).trim()
    assert.equal(path.dirname(tarball), work)
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''))
    for (const want of ['client/livets.js', 'client/live.js', 'client/live-js.js', 'client/live-upload.js', 'client/live-js-upload.js', 'client/js.js', 'client/upload.js', 'client/poll.js', 'client/show.js', 'client/hook.js', 'client/recover.js', 'client/stream.js', 'client/refused.js', 'client/transition.js', 'client/nav.js', 'client/upload-external.js', 'client/debug.js', 'client/dev.js', 'build/livets.node', 'build/liblivetscore.so', 'dist/index.js', 'dist/index.mjs', 'dist/index.d.mts',
      'bin/livets.js', 'bin/create-livets-app.js', 'templates/app/src/server.ts', 'docs/api.md', 'docs/getting-started.md', 'README.md']) {
      assert.ok(files.includes(want), `${want} is in the package`)
    }
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('src/')), 'tests and sources stay out')
    execFileSync('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: work, stdio: 'pipe' })
    const installed = path.join(work, 'node_modules', 'livets')
    assert.ok(!fs.lstatSync(installed).isSymbolicLink(), 'a real copy, not a link into the checkout')
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'))
    assert.deepEqual(manifest.os, ['linux'])
    assert.deepEqual(manifest.cpu, [process.arch])
    assert.equal(manifest.peerDependenciesMeta['@types/node'].optional, true)
    assert.ok(manifest.peerDependencies['@types/node'])
    // Stripped, into a new file: the checkout's own library is untouched.
    const shipped = path.join(installed, 'build', 'liblivetscore.so')
    const symbols = spawnSync('nm', ['--debug-syms', shipped], { encoding: 'utf8' })
    if (symbols.status === 0) assert.doesNotMatch(symbols.stdout, /\s[Nn]\s\.debug_/, 'no debug sections')
    assert.ok(fs.statSync(shipped).size < fs.statSync(path.join(pkgDir, 'build', 'liblivetscore.so')).size)
    // Links in the README lead to the docs inside the package.
    const readme = fs.readFileSync(path.join(installed, 'README.md'), 'utf8')
    assert.doesNotMatch(readme, /\]\(\.\.\//)
    for (const [, target] of readme.matchAll(/\]\(((?!https?:)[^)#]+)/g)) {
      assert.ok(fs.existsSync(path.join(installed, target)), `README links to ${target}, which the package holds`)
    }
    const script = `
      const http = require('http')
      const { LiveTSServer, LiveView, html } = require('livets')
      class Hello extends LiveView { state = {}; render() { return html\`<p>hi</p>\` } }
      const server = new LiveTSServer({ secret: 'test', logger: { warn: (...a) => console.log('WARN', ...a), error: console.error } })
      server.route('/', Hello)
      server.listen().then((port) => http.get({ port, path: '/_livets/livets.js' }, (res) => {
        let body = ''
        res.on('data', (c) => { body += c })
        res.on('end', () => { console.log(res.statusCode, body.length); server.close() })
      }))`
    const run = spawnSync(process.execPath, ['-e', script], { cwd: work, encoding: 'utf8', timeout: 30_000 })
    const size = fs.statSync(path.join(repo, 'client', 'dist', 'livets.js')).size
    assert.equal(run.stdout.trim(), `200 ${size}`, run.stderr)
    // The same classes through import and require.
    const esm = spawnSync(process.execPath, ['--input-type=module', '-e',
      "import { LiveView } from 'livets'; import { mountView } from 'livets/testing'; import { createRequire } from 'module'; " +
      "const require = createRequire(process.cwd() + '/x.js'); console.log(LiveView === require('livets').LiveView, typeof mountView)"], { cwd: work, encoding: 'utf8' })
    assert.equal(esm.stdout.trim(), 'true function', esm.stderr)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
})
