// dist/livets.esm.js, the connector for bundlers: no script of its own to
// load show.js, hook.js and recover.js beside, so ts-show, ts-if, hooks,
// push events and what a rejoin sends again are built in; long polling
// needs connect's `scripts` option.
export * from './index.js'
import './show.js'
import './hook-script.js'
import './recover-script.js'
