import { refused } from './live.js'
import { showNotice, CRASH_TEXT, MOUNT_TEXT } from './notices.js'
import { MOUNT_FAILED } from './page-constants.js'

// /_livets/refused.js (dist/refused.js): what a refusal does on the page,
// which the page layer loads at the first refusal it receives, holding
// that message and those after it (the remounted view's render) until
// this has run (server-page.js).
window.LiveTS.refused = {
  // The view `id` threw and is being mounted again.
  crashed: id => showNotice(id, CRASH_TEXT),
  // The join of view `id` was refused: reload, or say why not.
  join(reason, id) {
    if (refused(reason) || reason != MOUNT_FAILED) return
    console.error('LiveTS: the view failed to mount again after a reload, so the page is not reloaded again; the server log has the error')
    showNotice(id, MOUNT_TEXT)
  },
}
