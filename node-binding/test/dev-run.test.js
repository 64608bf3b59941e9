'use strict'
// startDev on real folders, without a browser: a JavaScript app restarts
// when its code changes and stops with the session; a TypeScript app's
// compile errors reach the dev channel and clear with the fix, which
// restarts the app.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { parseDevArgs, startDev } = require('../test-support/livets').load('dev/index')

const quiet = () => {}

const until = async (what, check, ms = 30_000) => {
  const deadline = Date.now() + ms
  for (;;) {
    const value = check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

// Each start of the app appends its pid to started.txt; a live app keeps running.
const APP = `const fs = require('fs'); const path = require('path')
fs.appendFileSync(path.join(__dirname, 'started.txt'), process.pid + '\\n')
setInterval(() => {}, 1000)
`

const starts = (dir) => (fs.existsSync(path.join(dir, 'started.txt')) ? fs.readFileSync(path.join(dir, 'started.txt'), 'utf8').trim().split('\n') : [])
const alive = (pid) => {
  try {
    process.kill(Number(pid), 0)
    return true
  } catch {
    return false
  }
}

test('a JavaScript app restarts when its code changes, and stops with the session', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lts-dev-js-'))
  fs.writeFileSync(path.join(dir, 'server.js'), APP)
  const session = await startDev(parseDevArgs(['--entry', 'server.js'], dir), quiet)
  try {
    const [first] = await until('the first start', () => starts(dir).length === 1 && starts(dir))
    fs.appendFileSync(path.join(dir, 'server.js'), '// changed\n')
    const pids = await until('the restart', () => starts(dir).length === 2 && starts(dir))
    assert.equal(pids[0], first)
    await until('the old process to end', () => !alive(first))
    assert.ok(alive(pids[1]))
    // A file of another kind is no server change.
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x')
    await new Promise((r) => setTimeout(r, 400))
    assert.equal(starts(dir).length, 2)
  } finally {
    await session.stop()
  }
  const last = starts(dir).at(-1)
  await until('the app to end with the session', () => !alive(last), 5000)
})

const events = (url) => {
  const seen = []
  const req = http.get(url + '/events', (res) => {
    let buffer = ''
    res.setEncoding('utf8')
    res.on('data', (chunk) => {
      buffer += chunk
      let end
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const type = /^event: (.*)$/m.exec(block)
        if (type) seen.push([type[1], JSON.parse(/^data: (.*)$/m.exec(block)[1])])
      }
    })
  })
  req.on('error', () => {})
  return { seen, close: () => req.destroy() }
}

test('TypeScript errors reach open pages and clear with the fix, which restarts the app', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lts-dev-ts-'))
  fs.mkdirSync(path.join(dir, 'src'))
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2020', module: 'commonjs', strict: true, rootDir: 'src', outDir: 'dist', types: [] }, include: ['src/**/*.ts'] }))
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main: 'dist/server.js' }))
  fs.writeFileSync(path.join(dir, 'src', 'server.ts'), `declare const require: (name: string) => any; declare const __dirname: string; declare const process: { pid: number }\n${APP}`)
  const session = await startDev(parseDevArgs([], dir), quiet)
  const stream = events(session.channelUrl)
  try {
    const dist = path.join(dir, 'dist')
    await until('the first start', () => starts(dist).length === 1)
    // The map beside the output: the app's stacks name .ts lines.
    assert.ok(fs.existsSync(path.join(dir, 'dist', 'server.js.map')))
    fs.appendFileSync(path.join(dir, 'src', 'server.ts'), 'const wrong: number = "text"\n')
    const [, error] = await until('the build error', () => stream.seen.find(([type]) => type === 'build-error'))
    assert.equal(error.message, 'TypeScript: 1 error')
    assert.match(error.stack, /src\/server\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/)
    const text = fs.readFileSync(path.join(dir, 'src', 'server.ts'), 'utf8')
    fs.writeFileSync(path.join(dir, 'src', 'server.ts'), text.replace('const wrong: number = "text"\n', 'export const right = 1\n'))
    await until('the clean build', () => stream.seen.some(([type]) => type === 'build-ok') && stream.seen.findIndex(([type]) => type === 'build-ok') > stream.seen.findIndex(([type]) => type === 'build-error'))
    await until('the restart after the fix', () => starts(dist).length >= 3)
  } finally {
    stream.close()
    await session.stop()
  }
})
