'use strict'
// EventName<typeof View> gives handleEvent's first parameter the names in
// the class's static events: a name the class does not declare is a
// compile error, and a list that is not `as const` leaves it a string.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const pkgDir = path.join(__dirname, '..')
const nodePath = process.env.NODE_PATH || '/usr/share/nodejs'
const tsc = nodePath.split(path.delimiter).map((d) => path.join(d, 'typescript', 'bin', 'tsc')).find((f) => fs.existsSync(f))

function compile(t, source) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livets-events-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'view.ts')
  fs.writeFileSync(file, source.replace('LIVETS', JSON.stringify(path.join(pkgDir, 'dist', 'index'))))
  return spawnSync(process.execPath, [tsc, '--strict', '--noImplicitOverride', '--noEmit', '--skipLibCheck', '--target', 'ES2020', '--module', 'commonjs',
    '--types', 'node', '--typeRoots', path.join(pkgDir, '..', '.cache', 'types'), file], { encoding: 'utf8' })
}

const view = (compare, events = '["inc", "dec"] as const') => `
import { LiveView, html, type EventName } from LIVETS;
export class Counter extends LiveView<{ count: number }> {
  static override events = ${events};
  state = { count: 0 };
  override handleEvent(event: EventName<typeof Counter>): void {
    const name: "inc" | "dec" | string = event;
    void name;
    if (${compare}) this.setState({ count: this.state.count + 1 });
  }
  override render() { return html\`\${this.state.count}\`; }
}
`

test('handleEvent typed with EventName compiles for a declared name and fails for another', { skip: tsc === undefined && 'TypeScript is not under NODE_PATH' }, (t) => {
  const good = compile(t, view('event === "inc"'))
  assert.equal(good.status, 0, good.stdout)
  const typo = compile(t, view('event === "inx"'))
  assert.notEqual(typo.status, 0)
  assert.match(typo.stdout, /TS2367: This condition will always return 'false' since the types '"inc" \| "dec"' and '"inx"' have no overlap/)
  // A list typed string[] says nothing about its names: any string compiles.
  const loose = compile(t, view('event === "inx"', '["inc", "dec"]'))
  assert.equal(loose.status, 0, loose.stdout)
})
