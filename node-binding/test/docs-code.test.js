'use strict'
// Every ```ts block of README.md, node-binding/README.md and docs/*.md
// compiles under --strict against the built package, as a user pasting it
// would compile it. A block that is deliberately a piece of a class (a
// method or two) says so in its info string: ```ts fragment. A block whose
// first line is `// name.ts` is that file, and the doc's other blocks may
// import it ("./name").
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const pkgDir = path.join(__dirname, '..')
const repo = path.join(pkgDir, '..')
const nodePath = process.env.NODE_PATH || '/usr/share/nodejs'

const DOCS = [
  path.join(repo, 'README.md'),
  path.join(pkgDir, 'README.md'),
  ...fs.readdirSync(path.join(repo, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => path.join(repo, 'docs', f)),
]

/** The ```ts blocks of `markdown`, with their line numbers and whether they are marked fragments. */
function tsBlocks(markdown) {
  const blocks = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(?:\s+(.*))?$/.exec(lines[i])
    if (open === null) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++
    blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n'), fragment: /\bfragment\b/.test(open[2] ?? '') })
    i = end
  }
  return blocks
}

function tscBin() {
  for (const dir of nodePath.split(path.delimiter)) {
    const bin = path.join(dir, 'typescript', 'bin', 'tsc')
    if (fs.existsSync(bin)) return bin
  }
  throw new Error(`TypeScript is not under NODE_PATH (${nodePath}): install Debian's node-typescript`)
}

test('the block reader finds ts blocks, their lines, and the fragment mark', () => {
  const blocks = tsBlocks('text\n```ts\nconst a = 1;\n```\n```js\nx\n```\n```ts fragment\nmount() {}\n```\n')
  assert.deepEqual(blocks, [
    { line: 3, code: 'const a = 1;', fragment: false },
    { line: 9, code: 'mount() {}', fragment: true },
  ])
})

test('every ts code block in the README and docs compiles under --strict', { timeout: 120_000 }, (t) => {
  if (!fs.existsSync(path.join(pkgDir, 'dist', 'index.d.ts'))) {
    t.skip('the package is not built (node-binding/build.sh --ts-only)')
    return
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-docs-'))
  t.after(() => fs.rmSync(work, { recursive: true, force: true }))
  fs.mkdirSync(path.join(work, 'node_modules'))
  fs.symlinkSync(pkgDir, path.join(work, 'node_modules', 'livets'))
  // Debian's @types/express lacks the packages it imports; the demo's own
  // declaration of the parts of Express it uses stands in for it.
  fs.copyFileSync(path.join(repo, 'examples', 'app', 'src', 'express-types.d.ts'), path.join(work, 'express-types.d.ts'))
  const origin = new Map()
  let compiled = 0
  for (const doc of DOCS) {
    const folder = path.join(work, path.relative(repo, doc).replace(/[/.]/g, '_'))
    fs.mkdirSync(folder)
    tsBlocks(fs.readFileSync(doc, 'utf8')).forEach((block, n) => {
      if (block.fragment) return
      const named = /^\/\/ ([\w-]+\.ts)\s*$/m.exec(block.code.split('\n')[0])
      let file = path.join(folder, named !== null ? named[1] : `block-${n + 1}.ts`)
      if (fs.existsSync(file)) file = path.join(folder, `block-${n + 1}.ts`)
      // Each block is a module of its own, so two blocks may use one name.
      fs.writeFileSync(file, `${block.code}\nexport {};\n`)
      origin.set(path.relative(work, file), `${path.relative(repo, doc)}:${block.line}`)
      compiled++
    })
  }
  assert.ok(compiled >= 10, `only ${compiled} blocks found`)
  fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'ES2022',
      moduleResolution: 'node',
      strict: true,
      // As create-livets-app's tsconfig has it: a pasted block must say override.
      noImplicitOverride: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      typeRoots: [path.join(repo, '.cache', 'types')],
      types: ['node'],
    },
    include: ['**/*.ts'],
  }))
  const tsc = spawnSync(process.execPath, [tscBin(), '-p', work], { cwd: work, encoding: 'utf8' })
  // Each error points at the doc and line the block came from.
  const report = (tsc.stdout + tsc.stderr).replace(/^([^\s(]+\.ts)\((\d+),(\d+)\)/gm, (whole, file, line) => {
    const from = origin.get(file)
    if (from === undefined) return whole
    const [doc, first] = from.split(/:(?=\d+$)/)
    return `${doc}:${Number(first) + Number(line) - 1}`
  })
  assert.equal(tsc.status, 0, `${compiled} blocks; these do not compile:\n${report}`)
})
