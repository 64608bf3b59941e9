'use strict'
// create-livets-app FOLDER: a new app from templates/app, with the livets
// package it came from packed into the app's vendor/ folder, so that
// `npm install --offline` works and the app never links into a checkout
// or an npx cache that a rebuild or a clean-up would change under it.
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const { addView, fill } = require('./add-view.js')
const { packageName } = require('./names.js')

const packageRoot = path.join(__dirname, '..', '..')
const templates = path.join(packageRoot, 'templates')

/** The views each template adds to the counter, through the same path as `livets generate view`. */
/** Where Debian's nodejs package puts Node's type definitions. */
const DEBIAN_TYPES = '/usr/share/nodejs/@types'

const TEMPLATES = {
  minimal: [],
  todo: [{ name: 'Todos', source: 'todo/todos.ts', test: 'todo/todos.test.js' }],
  chat: [{ name: 'Chat', source: 'chat/chat.ts', test: 'chat/chat.test.js' }],
}

const USAGE = `Usage: create-livets-app FOLDER [--template minimal|todo|chat] [--livets PATH]

Makes a new LiveTS app in FOLDER (which must not exist, or be empty).
  --template  minimal (a counter, the default), todo (and a todo list at /todos)
              or chat (and a room at /chat, shared by every process on the
              Redis at LIVETS_REDIS_URL when it is set)
  --livets    a livets tarball or package folder to depend on instead of
              packing this one into FOLDER/vendor/`

function parseArgs(argv) {
  const options = { folder: null, template: 'minimal', livets: null, help: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const [flag, inline] = arg.split('=', 2)
      if (inline !== undefined) return inline
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`)
      return argv[++i]
    }
    if (arg === '-h' || arg === '--help') options.help = true
    else if (arg === '--template' || arg.startsWith('--template=')) options.template = value()
    else if (arg === '--livets' || arg.startsWith('--livets=')) options.livets = value()
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`)
    else if (options.folder === null) options.folder = arg
    else throw new Error(`one folder only, got ${JSON.stringify(options.folder)} and ${JSON.stringify(arg)}`)
  }
  if (!options.help && options.folder === null) throw new Error('name the folder to create, e.g. create-livets-app my-app')
  if (!Object.hasOwn(TEMPLATES, options.template)) {
    throw new Error(`--template is one of ${Object.keys(TEMPLATES).join(', ')}, not ${JSON.stringify(options.template)}`)
  }
  return options
}

/** Throws unless `dir` is absent or an empty folder. */
function checkTarget(dir) {
  if (!fs.existsSync(dir)) return
  if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a folder`)
  if (fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: refusing to overwrite it (pick a new folder)`)
}

/** Copies a template folder, filling in its placeholders; `_gitignore` becomes `.gitignore` (npm drops the real name from packages). */
function copyTemplate(from, to, values) {
  fs.mkdirSync(to, { recursive: true })
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name)
    const target = path.join(to, entry.name === '_gitignore' ? '.gitignore' : entry.name)
    if (entry.isDirectory()) copyTemplate(source, target, values)
    else fs.writeFileSync(target, fill(fs.readFileSync(source, 'utf8'), values).replace(/\{\{(\w+)\}\}/g, (_, key) => values[`{${key}}`] ?? ''))
  }
}

/**
 * The `livets` dependency: a tarball of this package in the app's vendor/
 * folder (a checkout packs itself with pack.sh, stripped; an installed
 * package with npm pack), or what --livets names.
 */
function livetsDependency(app, given) {
  if (given !== null) {
    const resolved = path.resolve(given)
    if (!fs.existsSync(resolved)) throw new Error(`--livets ${given}: no such file or folder`)
    return `file:${resolved}`
  }
  const vendor = path.join(app, 'vendor')
  fs.mkdirSync(vendor, { recursive: true })
  const checkout = fs.existsSync(path.join(packageRoot, 'pack.sh')) && fs.existsSync(path.join(packageRoot, 'src'))
  let tarball
  if (checkout) {
    tarball = execFileSync(path.join(packageRoot, 'pack.sh'), [vendor], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()
  } else {
    const out = execFileSync('npm', ['pack', packageRoot, '--pack-destination', vendor, '--offline', '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    tarball = path.join(vendor, out.trim().split('\n').pop())
  }
  return `file:${path.relative(app, tarball).split(path.sep).join('/')}`
}

/** Where Node's type definitions are when the app cannot install them (offline): a typeRoots entry, or null. */
function nodeTypesRoot() {
  const candidates = [
    process.env.LIVETS_TYPES_ROOT,
    path.join(packageRoot, '..', '.cache', 'types'),
    DEBIAN_TYPES,
  ].filter(Boolean)
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'node', 'index.d.ts'))) ?? null
}

function createApp(argv, out = process.stdout) {
  const options = parseArgs(argv)
  if (options.help) {
    out.write(USAGE + '\n')
    return null
  }
  const app = path.resolve(options.folder)
  checkTarget(app)
  const existed = fs.existsSync(app)
  const title = path.basename(app)
  const typesRoot = nodeTypesRoot()
  const values = {
    TITLE: title.replace(/[`$\\"<>&]/g, ''),
    // Debian's folder too: it is where a deployed machine or a container has them.
    '{typeRoots}': typesRoot === null ? '' : `\n    "typeRoots": ${JSON.stringify([...new Set([typesRoot, DEBIAN_TYPES, './node_modules/@types'])])},`,
    '{pubsub}': options.template === 'chat'
      ? '\n    // Every process on the same Redis shares broadcasts and presence (/chat).\n    pubsub: { redis: process.env.LIVETS_REDIS_URL || undefined },'
      : '',
  }
  copyTemplate(path.join(templates, 'app'), app, values)
  try {
    for (const view of TEMPLATES[options.template]) {
      addView(app, view.name, { source: path.join(templates, view.source), test: path.join(templates, view.test) })
    }
    const pkg = {
      name: packageName(title),
      version: '0.1.0',
      private: true,
      main: 'dist/server.js',
      scripts: {
        dev: 'livets dev',
        build: 'livets build',
        start: 'livets start',
        test: 'livets build && node --test test/*.test.js',
      },
      dependencies: { livets: livetsDependency(app, options.livets) },
      engines: { node: '>=18' },
    }
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
  } catch (err) {
    // Half an app would make the next attempt refuse the folder.
    for (const entry of fs.readdirSync(app)) fs.rmSync(path.join(app, entry), { recursive: true, force: true })
    if (!existed) fs.rmdirSync(app)
    throw err
  }
  const relative = path.relative(process.cwd(), app)
  const shown = relative === '' ? '.' : relative.startsWith('..') ? app : relative
  out.write(`Created ${shown} (${options.template}). Next:\n\n  cd ${shown}\n  npm install --offline --no-audit --no-fund\n  npm run dev\n\n`)
  if (typesRoot === null) out.write('Node\'s type definitions were not found: also run npm install --save-dev @types/node\n')
  return app
}

module.exports = { createApp, parseArgs, USAGE }
