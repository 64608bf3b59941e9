import { feature } from './feature.js'
import { exec, reapply } from './js-commands.js'
import { RENDER, PATCH } from './constants.js'
import { TRANSITION, TRANSITION_LEAVE } from './page-constants.js'

// /_livets/js.js: JS commands and transitions, for the pages that use
// either. Every update of a view runs inside the transitions, and then
// the commands' changes to its elements are done again. The transitions
// of what a patch adds or removes are transition.js, loaded before the
// first update that could have one: one whose message names the
// attribute, or any once the page holds it. The commands' own
// transitions are here (transition.js in src), so a command never waits.
feature('js', api => {
  const { ext } = api
  const wrap = ext.wrap
  ext.wrap = (root, f) => {
    const result = LiveTS.transitions ? LiveTS.transitions(root, () => wrap(root, f)) : wrap(root, f)
    reapply(root)
    return result
  }
  ext.exec = (...args) => exec(api, ...args)
  api.needs.push(
    msg =>
      (msg[0] == RENDER || msg[0] == PATCH) &&
      (JSON.stringify(msg[4]).includes(TRANSITION) || document.querySelector(`[${TRANSITION}],[${TRANSITION_LEAVE}]`)) &&
      'transition',
  )
})
