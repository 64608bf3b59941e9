import { withTransitions } from './enter-leave.js'

// /_livets/transition.js (dist/transition.js): patches' enter and leave
// transitions, which the JS commands' feature loads when a view or a
// message first holds ts-transition or ts-transition-leave, holding that
// message and the ones after it until this has run (js-feature.js).
window.LiveTS.transitions = withTransitions
