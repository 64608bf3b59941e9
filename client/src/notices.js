import { NOTICE } from './page-constants.js'

// What a failed view says in the page in production (under `livets dev`
// the overlay says more). The notice is the root's first child: the next
// render of the view replaces the root's content, and the notice with it.
export const CRASH_TEXT = 'Something went wrong here; this part of the page is restarting.'
export const MOUNT_TEXT = 'This part of the page could not start. Reload the page to try again.'

export const showNotice = (root, text) => {
  if (!root) return
  let el = root.querySelector(`:scope > .${NOTICE}`)
  if (!el) {
    el = document.createElement('div')
    el.className = NOTICE
    el.setAttribute('role', 'status')
    // element.style, not a style attribute: allowed under the page's CSP.
    Object.assign(el.style, { font: '13px/1.4 system-ui, sans-serif', color: '#611a15', background: '#fdecea', border: '1px solid #f5c2c0', borderRadius: '4px', padding: '4px 8px', margin: '4px 0' })
    root.prepend(el)
  }
  el.textContent = text
}
