import { NOTICE } from './page-constants.js'
import { ROOT, idOf } from './page-dom.js'

// What a failed view says in the page in production (under `livets dev`
// the overlay says more). The notice is the root's first child: the next
// render of the view replaces the root's content, and the notice with it.
export const CRASH_TEXT = 'Something went wrong here; this part of the page is restarting.'
export const MOUNT_TEXT = 'This part of the page could not start. Reload the page to try again.'

// In the root of the view `id`, if the page has it.
export const showNotice = (id, text) => {
  const root = [...document.querySelectorAll(ROOT)].find(el => idOf(el) == id)
  if (!root) return
  const el = root.querySelector(`:scope>.${NOTICE}`) || root.insertBefore(document.createElement('div'), root.firstChild)
  el.className = NOTICE
  el.role = 'status'
  // Through the CSSOM, not a style attribute: allowed under the page's CSP.
  el.style.cssText = 'font:13px system-ui;color:#611a15;background:#fdecea;padding:4px 8px;margin:4px 0'
  el.textContent = text
}
