'use strict'
// Just enough of a browser driver for the app's tests, with no package to
// install: Chromium spoken to over its DevTools pipe (--remote-debugging-pipe:
// JSON messages, each ended by a NUL byte, on file descriptors 3 and 4).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')

/** Chromium's path: $CHROMIUM, one on PATH, or Playwright's; null when none. */
function findChromium() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim()
  }
  const cache = path.join(os.homedir(), '.cache', 'ms-playwright')
  if (fs.existsSync(cache)) {
    for (const dir of fs.readdirSync(cache).filter((d) => d.startsWith('chromium-')).sort().reverse()) {
      const bin = path.join(cache, dir, 'chrome-linux', 'chrome')
      if (fs.existsSync(bin)) return bin
    }
  }
  return null
}

/** Runs `node server.js` on a free port; resolves once it says where it listens. */
function startApp(serverJs) {
  const child = spawn(process.execPath, [serverJs], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 20 s:\n${output}`)), 20_000)
    const onData = (chunk) => {
      output += chunk
      const match = /listening on (http:\/\/\S+?)\/?\s/.exec(output)
      if (match === null) return
      clearTimeout(timer)
      resolve({
        url: match[1],
        stop: () => new Promise((done) => {
          if (child.exitCode !== null) return done()
          child.once('exit', () => done())
          child.kill('SIGTERM')
        }),
      })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk) => { output += chunk })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (${code}) before listening:\n${output}`))
    })
  })
}

/** Headless Chromium with a fresh profile; `open(url)` gives a page to evaluate script in. */
async function launchChromium(bin) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'app-chromium-'))
  const child = spawn(bin, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage',
    '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] })
  const pending = new Map()
  let nextId = 1
  let buffered = ''
  child.stdio[4].on('data', (chunk) => {
    buffered += chunk.toString('utf8')
    let end
    while ((end = buffered.indexOf('\0')) !== -1) {
      const message = JSON.parse(buffered.slice(0, end))
      buffered = buffered.slice(end + 1)
      const waiter = pending.get(message.id)
      if (waiter === undefined) continue
      pending.delete(message.id)
      if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`))
      else waiter.resolve(message.result)
    }
  })
  child.stdio[3].on('error', () => {})
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = nextId++
    pending.set(id, { resolve, reject, method })
    child.stdio[3].write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0')
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.once('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('Chromium exited'))
    pending.clear()
  })

  async function open(url) {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' })
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true })
    await send('Page.navigate', { url }, sessionId)
    const evaluate = async (expression) => {
      const { result, exceptionDetails } = await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId)
      if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`)
      return result.value
    }
    const waitFor = async (expression, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs
      for (;;) {
        try {
          if (await evaluate(expression)) return
        } catch {
          // The page may still be loading: its elements are not there yet.
        }
        if (Date.now() > until) throw new Error(`still false after ${timeoutMs} ms: ${expression}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    return { evaluate, waitFor }
  }

  return {
    open,
    close: async () => {
      if (child.exitCode === null) {
        send('Browser.close').catch(() => {})
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(timer)
      }
      fs.rmSync(profile, { recursive: true, force: true })
    },
  }
}

module.exports = { findChromium, launchChromium, startApp }
