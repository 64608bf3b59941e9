import { exec, reapply } from './js-commands.js'

// The JS commands' setup of the page layer's api, for js-feature.js and
// js-transition-feature.js: after every update of a view the commands'
// changes to its elements are done again.
export const setUpCommands = api => {
  const { ext_: ext } = api
  const wrap = ext.wrap
  ext.wrap = (root, f) => {
    const result = wrap(root, f)
    reapply(root)
    return result
  }
  ext.exec = (...args) => exec(api, ...args)
}
