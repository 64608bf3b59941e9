import { KEY, IGNORE } from './constants.js'
import { parse } from './patch.js'

// Full renders (join, rejoin, resync) morph the view into the new HTML
// instead of replacing it, so elements keep their identity: a focused
// input keeps focus, hooks stay mounted, and form controls keep what the
// user entered. Attributes follow the server; the live value of a control
// does not, which is what lets form recovery replay it after a rejoin.

const keyOf = n => n.nodeType == 1 && (n.getAttribute(KEY) || n.id)

// Turns the children of `from` into those of `to`, taking `to`'s nodes.
const children = (from, to) => {
  const olds = new Map()
  for (let c = from.firstChild; c; c = c.nextSibling) keyOf(c) && olds.set(keyOf(c), c)
  // Old nodes before `cur` are placed; those from it on are still free.
  let cur = from.firstChild
  for (let n = to.firstChild, next; n; n = next) {
    next = n.nextSibling
    const k = keyOf(n)
    const old = k ? olds.get(k) : cur && !keyOf(cur) && cur
    if (old && old.nodeName == n.nodeName) {
      olds.delete(k)
      if (old == cur) cur = cur.nextSibling
      else from.insertBefore(old, cur)
      node(old, n)
    } else from.insertBefore(n, cur)
  }
  while (cur) {
    const n = cur
    cur = cur.nextSibling
    n.remove()
  }
}

const node = (old, n) => {
  if (old.nodeType != 1) {
    if (old.data != n.data) old.data = n.data
  } else {
    try {
      for (const a of [...old.attributes]) n.hasAttribute(a.name) || old.removeAttribute(a.name)
      for (const a of n.attributes) old.getAttribute(a.name) === a.value || old.setAttributeNS(a.namespaceURI, a.name, a.value)
    } catch (e) {
      // The parser accepts attribute names setAttribute refuses (`@click`).
      return old.replaceWith(n)
    }
    // The inside of a ts-ignore element belongs to the page's own code.
    if (old.hasAttribute(IGNORE)) return
    // A template's content is not among its children; ts-if stamps a copy
    // there, which stays while the content is unchanged.
    if (old.localName == 'template') return old.innerHTML == n.innerHTML || old.replaceWith(n)
    // Chromium lets a `selected` attribute override the user's choice.
    const chosen = old.localName == 'select' && [...old.selectedOptions].map(o => o.value)
    children(old, n)
    if (chosen) for (const o of old.options) o.selected = chosen.includes(o.value)
  }
}

export const morph = (root, html) => children(root, parse(html))
