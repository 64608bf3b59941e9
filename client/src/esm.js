// dist/livets.esm.js, the connector for bundlers: no script of its own to
// load show.js beside, so ts-show and ts-if are built in; long polling
// needs connect's `scripts` option.
export * from './index.js'
import './show.js'
