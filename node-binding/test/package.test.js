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
    const packed = JSON.parse(execFileSync('npm', ['pack', pkgDir, '--json', '--pack-destination', work, '--offline'], { cwd: work, encoding: 'utf8' }))
    const files = packed[0].files.map((f) => f.path)
    for (const want of ['client/livets.js', 'client/live.js', 'build/livets.node', 'build/liblivetscore.so', 'dist/index.js']) {
      assert.ok(files.includes(want), `${want} is in the package`)
    }
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('src/')), 'tests and sources stay out')
    execFileSync('npm', ['install', path.join(work, packed[0].filename), '--offline', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: work, stdio: 'pipe' })
    const installed = path.join(work, 'node_modules', 'livets')
    assert.ok(!fs.lstatSync(installed).isSymbolicLink(), 'a real copy, not a link into the checkout')
    const script = `
      const http = require('http')
      const { LiveTSServer, LiveView, html } = require('livets')
      class Hello extends LiveView { state = {}; render() { return html\`<p>hi</p>\` } }
      const server = new LiveTSServer({ logger: { warn: (...a) => console.log('WARN', ...a), error: console.error } })
      server.route('/', Hello)
      server.listen().then((port) => http.get({ port, path: '/_livets/livets.js' }, (res) => {
        let body = ''
        res.on('data', (c) => { body += c })
        res.on('end', () => { console.log(res.statusCode, body.length); server.close() })
      }))`
    const run = spawnSync(process.execPath, ['-e', script], { cwd: work, encoding: 'utf8', timeout: 30_000 })
    const size = fs.statSync(path.join(repo, 'client', 'dist', 'livets.js')).size
    assert.equal(run.stdout.trim(), `200 ${size}`, run.stderr)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
})
