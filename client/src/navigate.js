import { LEAVE } from './constants.js'
import { STICKY_ATTR, CLIENT_PREFIX } from './page-constants.js'
import { META, ROOT, MAIN, idOf, hist, layoutOf } from './page-dom.js'

// Live navigation (nav.js): the next page, `page` (the fetch of `url`
// that live.js started as it loaded this script), takes the place of the
// main view `old`. `how`: 0 pushes a history entry, 1 replaces it, 2
// neither (back, forward). From the page layer: the connector's views (id
// -> view), `make(root)`, `push(kind, id, ...)`, `loadScript(src)` (the
// next page's features), `load(url, how)` (an ordinary page load) and
// `moved()` (notes the path the main view is now at).
export const navigate = async (page, url, how, old, { views_: views, make_: make, push_: push, loadScript_: loadScript, load_: load, moved_: moved }) => {
  try {
    const res = await page
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html')
    const root = doc.querySelector(MAIN)
    // Not a live page; or its root alone cannot carry other surroundings
    // (nav, stylesheets).
    if (!root || layoutOf(doc) != layoutOf(document)) return load(res.url, how)
    document.querySelector(META).content = doc.querySelector(META).content
    if (how < 2) hist(res.url, how)
    moved()
    document.title = doc.title
    for (const s of doc.querySelectorAll(`script[src^='${CLIENT_PREFIX}']`)) loadScript(s.getAttribute('src'))
    push(LEAVE, idOf(old))
    views.delete(idOf(old))
    // A sticky nested view takes the place of its twin in the next page,
    // running (the server hands it to the next view); every other view
    // inside the old root goes with it.
    for (const el of old.querySelectorAll(`[${STICKY_ATTR}]`)) {
      const twin = [...root.querySelectorAll(ROOT)].find(e => idOf(e) == idOf(el))
      if (twin) twin.replaceWith(el)
    }
    for (const el of old.querySelectorAll(ROOT)) views.delete(idOf(el))
    old.replaceWith(root)
    const view = make(root)
    views.set(idOf(root), view)
    view.join_()
  } catch (e) {
    // No server: an ordinary page load.
    load(url, how)
  }
}
