'use strict'
// create-livets-app as a new user runs it: the generator into a temporary
// folder, `npm install --offline` of the app it made, its `npm test` and
// `npm run build`, `npm start` serving the counter, and
// `livets generate view` adding a view that is served and tested.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')

const pkgDir = path.join(__dirname, '..')
const generator = path.join(pkgDir, 'bin', 'create-livets-app.js')
const hasNpm = spawnSync('npm', ['--version']).status === 0
const built = fs.existsSync(path.join(pkgDir, 'build', 'liblivetscore.so')) && fs.existsSync(path.join(pkgDir, 'dist', 'index.mjs'))
const skip = !hasNpm ? 'npm is not installed' : !built ? 'the package is not built (node-binding/build.sh)' : false

// The app's own `node --test` must report as a top-level run, not to this one.
const env = { ...process.env }
delete env.NODE_TEST_CONTEXT

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 })
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}${result.stderr}`)
  return result.stdout
}

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode, body }))
    }).on('error', reject)
  })
}

/** `npm start` on a free port; resolves with its URL and a stop function once it listens. */
function npmStart(cwd) {
  // Its own process group, so stopping reaches the server under npm.
  const child = spawn('npm', ['start'], { cwd, env: { ...env, PORT: '0' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    process.kill(-child.pid, 'SIGTERM')
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`npm start did not listen in 30 s:\n${output}`)) }, 30_000)
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = /listening on (http:\/\/\S+?)\/?\s/.exec(output)
      if (match !== null) {
        clearTimeout(timer)
        resolve({ url: match[1], stop, output: () => output })
      }
    })
    child.stderr.on('data', (chunk) => { output += chunk })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`npm start exited (${code}):\n${output}`)) })
  })
}

test('the generator refuses a folder that is not empty, and a template it does not have', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-refuse-'))
  try {
    fs.writeFileSync(path.join(work, 'notes.txt'), 'mine')
    const full = spawnSync(process.execPath, [generator, work], { encoding: 'utf8' })
    assert.equal(full.status, 1)
    assert.match(full.stderr, /is not empty: refusing to overwrite it/)
    assert.deepEqual(fs.readdirSync(work), ['notes.txt'])
    assert.equal(fs.readFileSync(path.join(work, 'notes.txt'), 'utf8'), 'mine')
    const bad = spawnSync(process.execPath, [generator, path.join(work, 'app'), '--template', 'blog'], { encoding: 'utf8' })
    assert.equal(bad.status, 1)
    assert.match(bad.stderr, /--template is one of minimal, todo, chat, not "blog"/)
    assert.ok(!fs.existsSync(path.join(work, 'app')))
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
})

test('a generated app installs offline, passes its tests, builds, serves the counter, and takes a new view', { skip, timeout: 240_000 }, async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-create-'))
  t.after(() => fs.rmSync(work, { recursive: true, force: true }))
  const app = path.join(work, 'my-app')
  run(process.execPath, [generator, 'my-app'], work)

  const pkg = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'))
  assert.match(pkg.dependencies.livets, /^file:vendor\/livets-[\d.]+\.tgz$/)
  for (const file of ['tsconfig.json', 'src/server.ts', 'src/counter.ts', 'src/layout.ts', 'public/app.css', 'public/app.js', 'test/counter.test.js', 'test/browser.test.js', 'README.md', '.gitignore']) {
    assert.ok(fs.existsSync(path.join(app, file)), `${file} is generated`)
  }
  assert.equal(JSON.parse(fs.readFileSync(path.join(app, 'tsconfig.json'), 'utf8')).compilerOptions.strict, true)

  run('npm', ['install', '--offline', '--no-audit', '--no-fund'], app)
  assert.ok(!fs.lstatSync(path.join(app, 'node_modules', 'livets')).isSymbolicLink(), 'livets is a copy, not a link into the checkout')

  const tested = run('npm', ['test'], app)
  assert.match(tested, /ok \d+ - the counter starts at 0 and follows \+ and -/)
  assert.match(tested, /# fail 0/)
  // Where Chromium is installed, the browser test ran rather than skipped.
  if (require(path.join(app, 'test', 'support', 'browser.js')).findChromium() !== null) {
    assert.match(tested, /ok \d+ - a click on \+ reaches the server and the count follows in the page\n/)
  }
  run('npm', ['run', 'build'], app)
  assert.ok(fs.existsSync(path.join(app, 'dist', 'server.js')))

  let server = await npmStart(app)
  try {
    const page = await get(`${server.url}/`)
    assert.equal(page.status, 200)
    assert.match(page.body, /<span id="count" ts-hook="Bump">0<\/span>/)
    assert.match(page.body, /<button id="inc" ts-on:click="inc">\+<\/button>/)
    assert.equal((await get(`${server.url}/assets/app.css`)).status, 200)
  } finally {
    await server.stop()
  }

  const generated = run(path.join(app, 'node_modules', '.bin', 'livets'), ['generate', 'view', 'UserProfile'], app)
  assert.match(generated, /UserProfile serves \/user-profile/)
  assert.match(fs.readFileSync(path.join(app, 'src', 'server.ts'), 'utf8'), /server\.route\("\/user-profile", UserProfile\);/)
  assert.ok(fs.existsSync(path.join(app, 'test', 'user-profile.test.js')))
  const again = spawnSync(path.join(app, 'node_modules', '.bin', 'livets'), ['generate', 'view', 'user-profile'], { cwd: app, env, encoding: 'utf8' })
  assert.notEqual(again.status, 0)
  assert.match(again.stderr, /src\/user-profile\.ts already exists/)

  const retested = run('npm', ['test'], app)
  assert.match(retested, /ok \d+ - UserProfile counts clicks/)
  assert.match(retested, /# fail 0/)
  server = await npmStart(app)
  try {
    const page = await get(`${server.url}/user-profile`)
    assert.equal(page.status, 200)
    assert.match(page.body, /<h1>User profile<\/h1>/)
    assert.match(page.body, /<a href="\/user-profile" ts-link="navigate">User profile<\/a>/)
  } finally {
    await server.stop()
  }
})

test('the todo and chat templates install and pass their own tests', { skip, timeout: 240_000 }, async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-templates-'))
  t.after(() => fs.rmSync(work, { recursive: true, force: true }))
  const tarball = run(path.join(pkgDir, 'pack.sh'), [work], work).trim()
  for (const [template, view, route] of [['todo', 'todos', '/todos'], ['chat', 'chat', '/chat']]) {
    const app = path.join(work, template)
    run(process.execPath, [generator, app, '--template', template, '--livets', tarball], work)
    assert.equal(JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')).dependencies.livets, `file:${tarball}`)
    assert.ok(fs.existsSync(path.join(app, 'src', `${view}.ts`)))
    assert.match(fs.readFileSync(path.join(app, 'src', 'server.ts'), 'utf8'), new RegExp(`server\\.route\\("${route}"`))
    run('npm', ['install', '--offline', '--no-audit', '--no-fund'], app)
    const tested = run('npm', ['test'], app)
    assert.match(tested, /# fail 0/)
    assert.match(tested, new RegExp(template === 'todo' ? 'ok \\d+ - a todo is added, done, and removed' : 'ok \\d+ - a posted message is broadcast'))
  }
  assert.match(fs.readFileSync(path.join(work, 'chat', 'src', 'server.ts'), 'utf8'), /pubsub: \{ redis: process\.env\.LIVETS_REDIS_URL/)
})

test('the livets command says what is wrong: an unknown command, nothing built, a bad view name', (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-cli-'))
  t.after(() => fs.rmSync(work, { recursive: true, force: true }))
  const livets = (...args) => spawnSync(process.execPath, [path.join(pkgDir, 'bin', 'livets.js'), ...args], { cwd: work, env, encoding: 'utf8' })
  const unknown = livets('serve')
  assert.equal(unknown.status, 2)
  assert.match(unknown.stderr, /unknown command "serve"[\s\S]*generate view NAME/)
  const start = livets('start')
  assert.equal(start.status, 1)
  assert.match(start.stderr, /dist\/server\.js is missing: run npm run build first/)
  const noApp = livets('generate', 'view', 'Profile')
  assert.match(noApp.stderr, /src\/server\.ts is missing: run livets generate view in an app made by create-livets-app/)
  fs.mkdirSync(path.join(work, 'src'))
  fs.writeFileSync(path.join(work, 'src', 'server.ts'), '// an app whose markers are gone\n')
  const badName = livets('generate', 'view', '9lives')
  assert.match(badName.stderr, /a view name is letters and digits/)
  const noMarkers = livets('generate', 'view', 'Profile')
  assert.match(noMarkers.stderr, /has lost its "\/\/ livets:imports" or "\/\/ livets:routes" line; add the view by hand:\n {2}import \{ Profile \} from "\.\/profile";/)
  assert.ok(!fs.existsSync(path.join(work, 'src', 'profile.ts')), 'nothing written when the route cannot be added')
  if (!fs.existsSync(path.join(pkgDir, 'dist', 'dev', 'index.js'))) {
    const dev = livets('dev')
    assert.equal(dev.status, 1)
    assert.match(dev.stderr, /livets dev is not in this build of livets/)
  }
})
