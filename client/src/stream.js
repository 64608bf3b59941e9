import { ID_ATTR, PATCH, RENDER } from './constants.js'
import { OP_STREAM_INSERT, OP_STREAM_DELETE } from './page-constants.js'
import { walk, parse } from './patch.js'

// Stream operations (docs/protocol.md): a ts-stream container's children
// are the page's own once inserted, found by id; the server keeps none of
// them. The core writes these operations last in a patch. route() takes
// them out of the patch before the connector applies it, and wrap(), which
// surrounds the connector's update, applies them after it, so only the
// LiveTS server's pages carry the code.

const isStreamOp = op => op[0] == OP_STREAM_INSERT || op[0] == OP_STREAM_DELETE

// View id -> the stream operations of the message it is being updated by.
const pending = new Map()

export const takeStreamOps = msg => {
  if (msg[0] != RENDER && msg[0] != PATCH) return
  const ops = msg[0] == PATCH && Array.isArray(msg[4]) ? msg[4] : []
  pending.set(msg[1], ops.filter(isStreamOp))
  msg[4] = msg[0] == PATCH ? ops.filter(op => !isStreamOp(op)) : msg[4]
}

const byId = (container, id) => [...container.children].find(e => e.id == id)

// One operation on the container at `path`; false when it cannot be
// applied, which asks for a resync as a failed patch does.
const apply = (root, [op, path, name, a, at, limit]) => {
  // As in the connector: the server no longer describes a ts-ignore inside.
  const container = walk(root, path)
  if (container === 0) return true
  if (container?.nodeType != 1 || (name && container.localName != name)) return false
  if (op == OP_STREAM_DELETE) {
    byId(container, a)?.remove()
    return true
  }
  const item = parse(a).firstElementChild
  if (!item) return false
  const old = item.id && byId(container, item.id)
  // An item already there is updated where it stands.
  if (old) old.replaceWith(item)
  else container.insertBefore(item, (at >= 0 && container.children[at]) || null)
  const count = () => container.children.length
  if (limit > 0) while (count() > limit) container.children[limit].remove()
  if (limit < 0) while (count() > -limit) container.children[0].remove()
  return true
}

// Runs the connector's update `f` of `root`, then the stream operations
// its message carried; returns what `f` returns, or false when one of them
// failed.
export const withStreamOps = (root, f) => {
  const id = root.getAttribute(ID_ATTR)
  const ops = pending.get(id) || []
  pending.delete(id)
  const result = f()
  if (result === false || !ops.length) return result
  try {
    return ops.every(op => apply(root, op))
  } catch (e) {
    return false
  }
}
