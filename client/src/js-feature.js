import { feature } from './feature.js'
import { setUpCommands } from './js-setup.js'
import { TRANSITION, TRANSITION_LEAVE } from './page-constants.js'

// /_livets/js.js: JS commands and transitions, for the pages that use
// either. The transitions of what a patch adds or removes are
// /_livets/transition.js, a feature of its own, loaded before the first
// update that could have one: one whose message names the attribute, or
// any once the page holds it (checked until it is loaded). The commands'
// own transitions are here (src/transition.js), so a command never waits.
// A page whose first render has a transition has both in its script
// instead (js-transition-feature.js).
feature('js', api => {
  setUpCommands(api)
  api.needs_.push(
    (msg, need) =>
      !api.has_.transition &&
      (JSON.stringify(msg).includes(TRANSITION) || document.querySelector(`[${TRANSITION}],[${TRANSITION_LEAVE}]`)) &&
      need('transition'),
  )
})
