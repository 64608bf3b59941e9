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
  const news = new Set()
  for (let c = from.firstChild; c; c = c.nextSibling) keyOf(c) && olds.set(keyOf(c), c)
  for (let c = to.firstChild; c; c = c.nextSibling) news.add(keyOf(c))
  let cur = from.firstChild
  for (let n = to.firstChild, next; n; n = next) {
    next = n.nextSibling
    // Keyed nodes that are gone would block the unkeyed ones after them.
    while (cur && keyOf(cur) && !news.has(keyOf(cur))) cur = drop(cur)
    const k = keyOf(n)
    const old = k ? olds.get(k) : cur && !keyOf(cur) && cur
    if (old && old.nodeName == n.nodeName) {
      olds.delete(k)
      if (old == cur) cur = cur.nextSibling
      else from.insertBefore(old, cur)
      node(old, n)
    } else from.insertBefore(n, cur)
  }
  while (cur) cur = drop(cur)
}

const drop = n => {
  const next = n.nextSibling
  n.remove()
  return next
}

const node = (old, n) => {
  if (old.nodeType != 1) {
    if (old.data != n.data) old.data = n.data
  } else if (!old.hasAttribute(IGNORE)) {
    // A template's content is not among its children; ts-if stamps a copy
    // there, which stays while the content is unchanged.
    if (old.localName == 'template') return old.innerHTML == n.innerHTML || old.replaceWith(n)
    try {
      for (const a of [...old.attributes]) n.hasAttribute(a.name) || old.removeAttribute(a.name)
      for (const a of n.attributes) old.getAttribute(a.name) === a.value || old.setAttributeNS(a.namespaceURI, a.name, a.value)
    } catch (e) {
      // The parser accepts attribute names setAttribute refuses (`@click`).
      return old.replaceWith(n)
    }
    children(old, n)
  }
}

export const morph = (root, html) => children(root, parse(html))
