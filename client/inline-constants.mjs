// Copies src/ to the directory named by the first argument with every use of
// a string or number constant of constants.js and page-constants.js written
// as its value, for build.sh to bundle from. esbuild folds such constants
// within a module but not across modules: without this, each would be a
// variable of its own in every script, and a template like `[${ID_ATTR}]`
// could not become one string. The sources and their tests keep the names.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'

const src = new URL('src/', import.meta.url)
const out = process.argv[2]
const CONSTANTS = ['constants.js', 'page-constants.js']

const values = new Map()
for (const file of CONSTANTS)
  for (const [, name, value] of readFileSync(new URL(file, src), 'utf8').matchAll(/^export const ([A-Z][A-Z0-9_]*) = ('[^'\\\n]*'|-?\d+)$/gm))
    values.set(name, value)
const names = new RegExp(`(?<![\\w$.'"])(${[...values.keys()].join('|')})(?![\\w$'"])`, 'g')

for (const file of readdirSync(src)) {
  let text = readFileSync(new URL(file, src), 'utf8')
  if (!CONSTANTS.includes(file)) {
    // The import keeps only what was not written out.
    text = text.replace(/import \{([^}]*)\} from '(\.\/(?:page-)?constants\.js)'/g, (_, list, from) => {
      const rest = list.split(',').map(n => n.trim()).filter(n => n && !values.has(n))
      return rest.length ? `import { ${rest.join(', ')} } from '${from}'` : ''
    })
    text = text.replace(names, name => values.get(name))
  }
  writeFileSync(`${out}/${file}`, text)
}
