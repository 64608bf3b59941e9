#!/usr/bin/env node
'use strict'
// The livets command, run from an app's folder (npm run dev, build, start).
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const USAGE = `Usage: livets <command>

  dev                   serve the app, rebuilding and reloading the page as you edit
  build                 compile src/ into dist/ (tsconfig.json)
  start                 serve the built app (package.json "main", default dist/server.js)
  generate view NAME    add src/NAME.ts, its route in src/server.ts and test/NAME.test.js`

function fail(message, code = 1) {
  console.error(`livets: ${message}`)
  process.exit(code)
}

function build() {
  const { findTsc } = require('./lib/typescript.js')
  const tsc = findTsc(process.cwd())
  if (tsc === null) fail('TypeScript is not installed: npm install --save-dev typescript (or apt-get install node-typescript)')
  const [command, args] = tsc
  const run = spawnSync(command, [...args, '-p', '.'], { stdio: 'inherit' })
  if (run.status !== 0) process.exit(run.status ?? 1)
}

function start() {
  const pkgFile = path.resolve('package.json')
  const main = fs.existsSync(pkgFile) ? JSON.parse(fs.readFileSync(pkgFile, 'utf8')).main ?? 'dist/server.js' : 'dist/server.js'
  const file = path.resolve(main)
  if (!fs.existsSync(file)) fail(`${path.relative(process.cwd(), file)} is missing: run npm run build first`)
  // In this process, so signals reach the app's own handlers, and as the
  // main module, as \`node dist/server.js\` would run it.
  process.argv = [process.argv[0], file]
  require('node:module').runMain()
}

function generate(args) {
  const [kind, name, ...rest] = args
  if (kind !== 'view' || name === undefined || rest.length > 0) fail('usage: livets generate view NAME', 2)
  const { addView } = require('./lib/add-view.js')
  const added = addView(process.cwd(), name)
  for (const file of added.written) console.log(`${path.relative(process.cwd(), file)}`)
  console.log(`${added.className} serves ${added.route}; npm test runs test/${added.slug}.test.js`)
}

async function dev(args) {
  const entry = path.join(__dirname, '..', 'dist', 'dev', 'index.js')
  if (!fs.existsSync(entry)) {
    fail(`livets dev is not in this build of livets (${entry} is missing): use npm run build && npm start, or rebuild the package`)
  }
  // The server then keeps its development secret in a file, so a restart
  // keeps open pages joinable (docs/api.md, "The secret").
  process.env.LIVETS_DEV = '1'
  await require(entry).runDev(args)
}

async function main(argv) {
  const [command, ...args] = argv
  switch (command) {
    case 'dev':
      return dev(args)
    case 'build':
      return build()
    case 'start':
      return start()
    case 'generate':
    case 'g':
      return generate(args)
    case '-v':
    case '--version':
      console.log(require('../package.json').version)
      return
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE)
      return
    default:
      fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`, 2)
  }
}

main(process.argv.slice(2)).catch((err) => fail(err instanceof Error ? err.message : String(err)))
