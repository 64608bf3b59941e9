import { RENDER, URL_CHANGE, HISTORY, NAVIGATE, REDIRECT, TITLE, REMOUNTED, REMOUNTED_EVENT, TOO_LARGE } from './constants.js'
import { FP_ATTR, CLIENT_PREFIX, MOUNT_FAILED } from './page-constants.js'
import { META, ROOT, MAIN, idOf, here, hist } from './page-dom.js'
import { withScript } from './script.js'

// What the LiveTS server's pages need beyond the core protocol
// (docs/protocol.md): the join's credentials, reloading when a join is
// refused, component roots inside a view, and live navigation. Bundled
// with the connector as /_livets/live.js (page.js), into which
// server-page.js plugs these through ext.js.

const RELOADS = 'livets-reloads'
const MAX_RELOADS = 3

// Join params the page set before the connector loaded (window.LiveTS.params,
// as hooks are set), which the connector's own window.LiveTS then replaces;
// LiveTS.connect({ params }) sets them after.
const preset = globalThis.LiveTS?.params

// The page's CSRF token and URL, which the server checks on join, after
// the app's params (session.connectParams in its views).
export const joinParams = () => {
  const meta = document.querySelector(META)
  const app = globalThis.LiveTS?.params || preset
  return meta ? { ...(typeof app == 'function' ? app() : app), _csrf_token: meta.content, _url: here(), ...fingerprints() } : {}
}

// The roots whose DOM is still the page's first render: a root loses its
// fingerprint at its first update (`keepUnchanged`), as patches may
// follow. `{_fp: {id: fingerprint}}`, or nothing when no root has one.
const fingerprints = () => {
  let fp
  for (const el of document.querySelectorAll(`[${FP_ATTR}]`)) (fp ||= {})[idOf(el)] = el.getAttribute(FP_ATTR)
  return fp ? { _fp: fp } : {}
}

// A join answered ["r", id, seq, ref, null]: the server's render is the HTML
// the page already shows, so the view goes live on the DOM as it is, with
// every element (focus, hooks, entered text) untouched. `route` notes the
// view; `wrap` then leaves its DOM alone instead of morphing.
let unchanged
export const noteUnchanged = msg => {
  if (msg[0] == RENDER && msg[4] === null) unchanged = msg[1]
}
export const keepUnchanged = (root, f) => {
  root.removeAttribute(FP_ATTR)
  if (unchanged != idOf(root)) return f()
  unchanged = 0
}

// A refused join reloads the page (a new token, a new CSRF token), at most
// MAX_RELOADS times in a row; a join that works resets the count. A render
// too large to send is no matter of tokens: no reload cures it. A mount
// that threw gets one reload (the page may have been stale); throwing
// again, it is the view's bug, and more reloads would only spin.
// Returns whether the page reloads.
export const refused = (reason, storage = sessionStorage, load = () => location.reload()) => {
  const n = +storage.getItem(RELOADS) || 0
  if (reason == TOO_LARGE || n >= (reason == MOUNT_FAILED ? 1 : MAX_RELOADS)) return false
  storage.setItem(RELOADS, n + 1)
  load()
  return true
}
export const joined = (storage = sessionStorage) => storage.removeItem(RELOADS)

// The server keeps no view state across connections, so a rejoin after a
// lost connection (a restart, a network drop) always mounts afresh: only
// the ts-model values and ts-on:change forms the connector sent again
// (`recovered`: their fields) survive. The page is told, to say so to the
// user: the root gets ts-remounted and a bubbling livets:remounted event
// with detail {id, recovered}.
export const remounted = (root, recovered) => {
  root.classList.add(REMOUNTED)
  root.dispatchEvent(new CustomEvent(REMOUNTED_EVENT, { bubbles: true, detail: { id: idOf(root), recovered } }))
}

// The component roots directly inside `root` (not inside another one).
const componentsOf = root => [...root.querySelectorAll(ROOT)].filter(e => e.parentNode.closest(ROOT) == root)

// Runs `f`, which changes `root`'s content, with each component root in it
// stood in for by an empty copy, as the server's HTML has it, then puts the
// real one back wherever the new content has its id: a component keeps its
// element, content and state whatever the patch did around it, and one the
// new content leaves out is dropped.
export const nested = (root, f) => {
  const kept = new Map()
  for (const el of componentsOf(root)) {
    kept.set(idOf(el), el)
    el.replaceWith(el.cloneNode(false))
  }
  const result = f()
  for (const el of componentsOf(root)) {
    const real = kept.get(idOf(el))
    if (real) el.replaceWith(real)
  }
  return result
}

// Live navigation over the connector's views (id -> view), `make(root)`
// (a new view), `push(kind, id, ...)` and `loadScript(src)`, which is
// given the next page's LiveTS script and loads the features it has and
// this page lacks. Returns the
// handler of h, n and g messages; ts-link clicks and back/forward are
// handled from the start.
export const navigation = (views, make, push, loadScript = () => {}) => {
  // The path the main view was rendered or patched at: back and forward to
  // the same path are patches, to another path a navigation.
  let path = location.pathname
  const main = () => document.querySelector(MAIN)
  const patched = () => {
    path = location.pathname
    push(URL_CHANGE, idOf(main()), here())
  }
  // how: 0 pushes a history entry, 1 replaces it, 2 neither (back, forward).
  // An ordinary page load does the same to history: back and forward are
  // at their entry already, where a load replaces it.
  const load = (url, how) => (how == 1 ? location.replace(url) : location.assign(url))
  // Live navigation itself is nav.js (navigate.js), fetched beside the
  // next page the first time: it costs a page that never navigates nothing.
  const go = (url, how) => {
    const old = main()
    const page = fetch(url, { credentials: 'same-origin' })
    const moved = () => (path = location.pathname)
    withScript('nav', CLIENT_PREFIX + 'nav.js', nav =>
      nav ? nav(page, url, how, old, { views_: views, make_: make, push_: push, loadScript_: loadScript, load_: load, moved_: moved }) : load(url, how),
    )
  }
  addEventListener('popstate', () => (location.pathname == path ? patched() : go(location.href, 2)))
  document.addEventListener('click', e => {
    const a = e.target.closest?.('a[ts-link]')
    if (!a || a.origin != location.origin || e.button || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    if (a.getAttribute('ts-link') != 'patch') return go(a.href, 0)
    hist(a.href)
    patched()
  })
  return ([kind, id, url, replace]) => {
    if (kind == REDIRECT) location.assign(id)
    else if (kind == NAVIGATE) go(url, replace ? 1 : 0)
    else if (kind == HISTORY) hist(url, replace), (path = location.pathname)
    else if (kind == TITLE) document.title = url
  }
}

// The view a message is for: made on the spot for a component root the
// server has just added.
export const adopt = (views, make, id) => {
  if (!views.has(id)) {
    const root = [...document.querySelectorAll(ROOT)].find(e => idOf(e) == id)
    if (root) views.set(id, make(root))
  }
  return views.get(id)
}
