import { TRANSITION, TRANSITION_LEAVE } from './page-constants.js'
import { classesOf, timeOf, transition } from './transition.js'

// Elements a patch adds with ts-transition enter, and those it removes
// with ts-transition-leave leave, through their CSS transitions. Part of
// /_livets/transition.js, which the JS commands' feature loads once a
// view or a patch first holds either attribute (js-feature.js).

// Elements a patch removed that are still on their way out.
const leaving = new Set()
const watch = new MutationObserver(() => {})

const leave = el => {
  leaving.add(el)
  transition(el, classesOf(el.getAttribute(TRANSITION_LEAVE)), timeOf(el), () => {
    leaving.delete(el)
    el.remove()
  })
}
const enter = el => el.hasAttribute(TRANSITION) && transition(el, classesOf(el.getAttribute(TRANSITION)), timeOf(el))

// Runs `update` (a patch or render of `root`) with the transitions around
// it. Leaving elements step out of the DOM while it applies, since the
// server's paths do not count them, and come back after it where they
// were; an element the update removed that has ts-transition-leave is put
// back to leave; the elements it added enter. Returns what `update` returns.
export const withTransitions = (root, update) => {
  const out = []
  for (const el of leaving) if (root.contains(el)) out.push([el, el.parentNode, el.nextSibling]), el.remove()
  watch.observe(root, { childList: true, subtree: true })
  try {
    return update()
  } finally {
    const records = watch.takeRecords()
    watch.disconnect()
    const back = (el, parent, next) =>
      parent.isConnected && root.contains(parent) ? parent.insertBefore(el, next && next.parentNode == parent ? next : null) : leaving.delete(el)
    // A node that was removed anywhere in the update had been there before
    // (moved, or a component root kept): it does not enter.
    const removed = new Set()
    for (const r of records) r.removedNodes.forEach(n => removed.add(n))
    for (const r of records)
      for (const n of r.addedNodes)
        if (n.nodeType == 1 && n.isConnected && !removed.has(n)) enter(n), n.querySelectorAll(`[${TRANSITION}]`).forEach(enter)
    // Put back last-removed first, so each goes before the sibling it had,
    // then the ones that were leaving already, which may stand before those.
    for (const r of records.reverse())
      // Replaced content (new nodes in the same place) does not linger.
      if (!r.addedNodes.length)
        for (const n of r.removedNodes)
          if (n.nodeType == 1 && !n.isConnected && n.hasAttribute(TRANSITION_LEAVE)) back(n, r.target, r.nextSibling), n.isConnected && leave(n)
    for (const [el, parent, next] of out.reverse()) back(el, parent, next)
  }
}
