import { feature } from './feature.js'
import { setUpCommands } from './js-setup.js'
import { withTransitions } from './enter-leave.js'

// The "js" and "transition" features of a page's script together
// (live-js-transition….js, for a first render with a transition): the JS
// commands, and every update of a view run inside the enter and leave
// transitions (as transition-script.js does), with no test of each
// message for transition.js.
feature('js', api => {
  api.has_.transition = 1
  setUpCommands(api)
  const { ext_: ext } = api
  const wrap = ext.wrap
  ext.wrap = (root, f) => withTransitions(root, () => wrap(root, f))
})
