import { feature } from './feature.js'
import { refused } from './live.js'
import { showNotice, CRASH_TEXT, MOUNT_TEXT } from './notices.js'
import { REFUSED } from './constants.js'
import { CRASHED, MOUNT_FAILED } from './page-constants.js'

// /_livets/refused.js (dist/refused.js): what a refusal does on the page,
// which the page layer loads at the first refusal it receives, holding
// that message and those after it (the remounted view's render) until
// this has run (server-page.js).
feature('refused', ({ ext_: ext }) => {
  // The view a refusal was last about: where a mount failure's notice goes.
  let root
  const route = ext.route
  ext.route = (msg, ...rest) => {
    // ["x", id, ref, reason]: a view that threw is being mounted again.
    if (msg[0] == REFUSED) {
      root = msg[1]
      if (msg[3] == CRASHED) showNotice(root, CRASH_TEXT)
    }
    return route(msg, ...rest)
  }
  // The view's join was refused: reload, or say why not.
  ext.refused = reason => {
    if (refused(reason) || reason != MOUNT_FAILED) return
    console.error('LiveTS: the view failed to mount again after a reload, so the page is not reloaded again; the server log has the error')
    showNotice(root, MOUNT_TEXT)
  }
})
