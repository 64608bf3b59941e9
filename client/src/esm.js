// dist/livets.esm.js, the connector for bundlers: no script of its own to
// load show.js and hook.js beside, so ts-show, ts-if, hooks and push
// events are built in; long polling needs connect's `scripts` option.
export * from './index.js'
import './show.js'
import './hook-script.js'
