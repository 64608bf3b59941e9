// What the user holds must survive a patch: the focused control with its
// value, caret and selection, and the scroll offset of every container
// they scrolled. Patches rarely disturb either, but a replaced ancestor, a
// moved node or a keyed reorder would.

// Elements the user has scrolled, filled by the connector's listener.
export const scrolled = new Set()

// Set while the connector itself moves focus, so the focus and blur that
// causes are not taken for the user's.
export let quiet = 0

const pathOf = (root, n) => {
  const p = []
  for (; n != root; n = n.parentNode) p.unshift([].indexOf.call(n.parentNode.childNodes, n))
  return p
}
const at = (root, path) => path.reduce((n, i) => n && n.childNodes[i], root)

// Runs `update` (which changes `root`'s content) and puts back focus,
// selection and scroll; returns what `update` returns.
export const keep = (root, update) => {
  const a = document.activeElement
  const mine = a != root && root.contains(a)
  const { value, selectionStart: start, selectionEnd: end, selectionDirection: dir } = a || {}
  const where = mine && pathOf(root, a)
  const spots = []
  scrolled.forEach(el =>
    el.isConnected ? root.contains(el) && spots.push([el, el.scrollTop, el.scrollLeft, pathOf(root, el)]) : scrolled.delete(el),
  )
  quiet = 1
  try {
    return update()
  } finally {
    if (mine && document.activeElement != a) {
      // A replaced control comes back under its id, or else at its old place.
      const b = a.isConnected ? a : (a.id && document.getElementById(a.id)) || at(root, where)
      if (b && b.localName == a.localName) {
        // Text controls carry what was typed over: the server's copy is older.
        if (b != a && start != null) b.value = value
        b.focus({ preventScroll: true })
        if (start != null) b.setSelectionRange(start, end, dir)
      }
    }
    quiet = 0
    for (const [el, top, left, path] of spots) {
      const t = el.isConnected ? el : at(root, path)
      if (t && t.nodeType == 1) (t.scrollTop = top), (t.scrollLeft = left)
    }
  }
}
