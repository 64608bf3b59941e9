import { feature } from './feature.js'
import { exec, reapply } from './js-commands.js'
import { withTransitions } from './transition.js'

// /_livets/js.js: JS commands and transitions, for the pages that use
// either. Every update of a view runs inside the transitions, and then
// the commands' changes to its elements are done again.
feature('js', api => {
  const { ext } = api
  const wrap = ext.wrap
  ext.wrap = (root, f) => {
    const result = withTransitions(root, () => wrap(root, f))
    reapply(root)
    return result
  }
  ext.exec = (...args) => exec(api, ...args)
})
