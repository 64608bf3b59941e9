import {
  OP_REPLACE, OP_TEXT, OP_SET_ATTR, OP_REMOVE_ATTR, OP_APPEND, OP_REMOVE, OP_INSERT, OP_MOVE, OP_CHILDREN, IGNORE,
} from './constants.js'

// Parsing in a <template> gives table rows and cells the context they have
// in place, and marks any <script> as already started so it never runs.
export const parse = html => {
  const t = document.createElement('template')
  t.innerHTML = html
  return t.content
}

// Attributes only set the defaults of form controls; once a user has touched
// one, the live state is a property. A focused input keeps what is typed.
const syncProperty = (el, attr, value) => {
  if (attr == 'value' && el.localName == 'input' && el != document.activeElement)
    el.value = value == null ? '' : value
  if (attr == 'checked' || attr == 'selected') el[attr] = value != null
}

// The node at `path` (child indexes) under `root`: null when there is
// none, 0 when the path enters a ts-ignore subtree, whose inside belongs
// to the page's own code: what the server holds for it no longer
// describes the DOM.
export const walk = (root, path) => {
  let node = root
  for (const i of path) {
    if (node.hasAttribute(IGNORE)) return 0
    if (!(node = node.childNodes[i])) return null
  }
  return node
}

// Applies the operations of docs/protocol.md in order. On the first one
// whose target is missing, has another name or cannot take the operation,
// stops and returns false so the caller can ask for a resync; the
// operations before it stay applied.
export const applyPatch = (root, ops) => {
  try {
    for (const [op, path, name, a, b] of ops) {
      const node = walk(root, path)
      if (node === 0 || ((op == OP_APPEND || op == OP_CHILDREN) && node?.hasAttribute(IGNORE))) continue
      if (!node) return false
      if (name && node.nodeName.toLowerCase() != name) return false
      // Replacing, removing or moving the root (or inserting beside it)
      // would reach outside the view; the rest need an element, text a
      // text or comment node.
      if (op == OP_REPLACE || op >= OP_REMOVE && op < OP_CHILDREN ? node == root : (op == OP_TEXT) == (node.nodeType == 1))
        return false
      if (op == OP_REPLACE) node.replaceWith(parse(a))
      else if (op == OP_TEXT) node.data = a
      else if (op == OP_SET_ATTR) node.setAttribute(a, b), syncProperty(node, a, b)
      else if (op == OP_REMOVE_ATTR) node.removeAttribute(a), syncProperty(node, a, null)
      else if (op == OP_APPEND) node.append(parse(a))
      else if (op == OP_REMOVE) node.remove()
      else if (op == OP_INSERT) node.before(parse(a))
      // `a` counts siblings before the move: insertBefore reads it first.
      else if (op == OP_MOVE) node.parentNode.insertBefore(node, node.parentNode.childNodes[a] || null)
      else if (op == OP_CHILDREN) node.replaceChildren(parse(a))
      else return false
    }
    return true
  } catch (e) {
    // Malformed operations and attribute names the DOM rejects.
    return false
  }
}
