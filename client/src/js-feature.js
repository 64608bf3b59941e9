import { feature } from './feature.js'
import { exec, reapply } from './js-commands.js'
import { TRANSITION, TRANSITION_LEAVE } from './page-constants.js'

// /_livets/js.js: JS commands and transitions, for the pages that use
// either. After every update of a view the commands' changes to its
// elements are done again. The transitions of what a patch adds or
// removes are /_livets/transition.js, a feature of its own, loaded before
// the first update that could have one: one whose message names the
// attribute, or any once the page holds it (checked until it is loaded).
// The commands' own transitions are here (src/transition.js), so a
// command never waits.
feature('js', api => {
  const { ext_: ext } = api
  const wrap = ext.wrap
  ext.wrap = (root, f) => {
    const result = wrap(root, f)
    reapply(root)
    return result
  }
  ext.exec = (...args) => exec(api, ...args)
  api.needs_.push(
    (msg, need) =>
      !api.has_.transition &&
      (JSON.stringify(msg).includes(TRANSITION) || document.querySelector(`[${TRANSITION}],[${TRANSITION_LEAVE}]`)) &&
      need('transition'),
  )
})
