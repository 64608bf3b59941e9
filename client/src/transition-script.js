import { feature } from './feature.js'
import { withTransitions } from './enter-leave.js'

// /_livets/transition.js (dist/transition.js): patches' enter and leave
// transitions, which the JS commands' feature loads when a view or a
// message first holds ts-transition or ts-transition-leave, holding that
// message and the ones after it until this has run (js-feature.js). Every
// update of a view then runs inside them.
feature('transition', ({ ext_: ext }) => {
  const wrap = ext.wrap
  ext.wrap = (root, f) => withTransitions(root, () => wrap(root, f))
})
