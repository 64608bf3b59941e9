'use strict'
// livets generate view NAME: the view's file, its test, its route in
// src/server.ts and a link in src/layout.ts, at the marker lines the app
// template put there.
const fs = require('node:fs')
const path = require('node:path')

const { viewNames } = require('./names.js')

const templates = path.join(__dirname, '..', '..', 'templates')

const IMPORTS_MARKER = '// livets:imports'
const ROUTES_MARKER = '// livets:routes'
const NAV_MARKER = '<!-- livets:nav -->'

/** Replaces every __KEY__ in `text` with `values[KEY]`. */
function fill(text, values) {
  return text.replace(/__([A-Z]+)__/g, (whole, key) => (key in values ? values[key] : whole))
}

/** Inserts `line` above the line holding `marker`, with that line's indentation; false when no line holds it. */
function insertAbove(text, marker, line) {
  const lines = text.split('\n')
  const at = lines.findIndex((l) => l.includes(marker))
  if (at === -1) return null
  const indent = /^\s*/.exec(lines[at])[0]
  lines.splice(at, 0, indent + line)
  return lines.join('\n')
}

/**
 * Adds view `name` to the app in `appDir`. `files` may give the view's
 * source and test template paths (the todo and chat templates do); by
 * default a small view that counts clicks. Returns the paths written.
 */
function addView(appDir, name, files = {}) {
  const names = viewNames(name)
  const serverFile = path.join(appDir, 'src', 'server.ts')
  if (!fs.existsSync(serverFile)) {
    throw new Error(`${serverFile} is missing: run livets generate view in an app made by create-livets-app`)
  }
  const viewFile = path.join(appDir, 'src', `${names.slug}.ts`)
  const testFile = path.join(appDir, 'test', `${names.slug}.test.js`)
  for (const file of [viewFile, testFile]) {
    if (fs.existsSync(file)) throw new Error(`${path.relative(appDir, file)} already exists: pick another name`)
  }
  const server = fs.readFileSync(serverFile, 'utf8')
  if (server.includes(`"${names.route}"`)) throw new Error(`src/server.ts already has a route ${names.route}`)
  if (new RegExp(`\\b${names.className}\\b`).test(server)) throw new Error(`src/server.ts already uses the name ${names.className}`)

  const withImport = insertAbove(server, IMPORTS_MARKER, `import { ${names.className} } from "./${names.slug}";`)
  const withRoute = withImport && insertAbove(withImport, ROUTES_MARKER, `server.route("${names.route}", ${names.className});`)
  if (withRoute === null) {
    throw new Error(
      `src/server.ts has lost its "${IMPORTS_MARKER}" or "${ROUTES_MARKER}" line; add the view by hand:\n` +
        `  import { ${names.className} } from "./${names.slug}";\n  server.route("${names.route}", ${names.className});`,
    )
  }
  const values = { CLASS: names.className, SLUG: names.slug, ROUTE: names.route, TITLE: names.title }
  const source = files.source ?? path.join(templates, 'view', 'view.ts')
  const test = files.test ?? path.join(templates, 'view', 'view.test.js')
  fs.mkdirSync(path.dirname(testFile), { recursive: true })
  fs.writeFileSync(viewFile, fill(fs.readFileSync(source, 'utf8'), values))
  fs.writeFileSync(testFile, fill(fs.readFileSync(test, 'utf8'), values))
  fs.writeFileSync(serverFile, withRoute)

  const written = [viewFile, testFile, serverFile]
  const layoutFile = path.join(appDir, 'src', 'layout.ts')
  if (fs.existsSync(layoutFile)) {
    const layout = insertAbove(fs.readFileSync(layoutFile, 'utf8'), NAV_MARKER, `<a href="${names.route}" ts-link="navigate">${names.title}</a>`)
    if (layout !== null) {
      fs.writeFileSync(layoutFile, layout)
      written.push(layoutFile)
    }
  }
  return { ...names, written }
}

module.exports = { addView, fill }
