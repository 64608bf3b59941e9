import { ID_ATTR, EVENT } from './constants.js'
import { UPLOAD_ACK, UPLOAD, DROP_TARGET, UPLOAD_CANCEL, UPLOAD_EVENTS, UPLOAD_WINDOW } from './page-constants.js'

// Uploads over the view's socket (docs/uploads.md): files picked in an
// <input type=file ts-upload=name> or dropped on a ts-drop-target=name are
// announced to the view, which checks them before a byte is sent; each
// entry the server allows is sent in binary chunks, at most UPLOAD_WINDOW
// unacknowledged at a time. A form is not submitted while entries picked
// in it are still on their way: its submit waits, and goes once they are
// all in (or failed). A feature of the page layer (upload-feature.js),
// loaded only by pages whose view has uploads.

// 16 random characters of [0-9a-z].
const newRef = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), b => (b % 36).toString(36)).join('')

// One entry's sending: `send(blob)` puts a binary frame on the socket. A
// chunk is a slice of the file, so no more of it is read than is sent.
// Returns start(chunkBytes), ack(received) (true once every byte is
// acknowledged) and stop(). The ref is ASCII: a Blob writes it as is.
export const sender = (ref, file, send, window = UPLOAD_WINDOW) => {
  let chunk = 0
  let sent = 0
  let inFlight = 0
  let stopped
  const pump = () => {
    for (; !stopped && inFlight < window && sent < file.size; inFlight++)
      send(new Blob([new Uint8Array([ref.length]), ref, file.slice(sent, (sent = Math.min(file.size, sent + chunk)))]))
  }
  return {
    start_(chunkBytes) {
      chunk = chunkBytes
      pump()
    },
    ack_(received) {
      inFlight = Math.max(0, inFlight - 1)
      return received >= file.size || pump()
    },
    stop_() {
      stopped = 1
    },
  }
}

// The page's uploads. `socket()` is the connector's open socket (or
// nothing), `push()` the connector's sender, `external(then)` hands `then`
// sendExternal (upload-external.js) once loaded, or nothing when it cannot
// be. Returns receive(msg), the
// handler of "k" frames (false for any other), and lost(), for a socket
// that closed: the server has removed the partial files, and the entries
// are dropped. Inputs, drops and cancels are handled from the start.
export const uploads = (socket, push, external) => {
  const entries = new Map()
  const send = (id, event, payload) => push()(EVENT, id, event, payload)
  // The view an element is in, by id.
  const viewOf = el => el.closest(`[${ID_ATTR}]`)?.getAttribute(ID_ATTR)
  const announce = (el, name, files) => {
    const id = viewOf(el)
    if (!id || !files.length) return
    const list = [...files].map(file => ({ ref: newRef(), file }))
    for (const { ref, file } of list) entries.set(ref, { file_: file, id_: id, form_: el.closest('form') })
    send(id, UPLOAD_EVENTS.announce, {
      upload: name,
      entries: list.map(({ ref, file: { name, size, type } }) => ({ ref, name, size, type })),
    })
  }
  // Forms whose submit waits for their entries.
  const waiting = new Set()
  const pendingIn = form => [...entries.values()].filter(e => e.form_ == form)
  const forget = ref => {
    const entry = entries.get(ref)
    entry?.sender_?.stop_()
    entries.delete(ref)
    for (const form of waiting) {
      if (!pendingIn(form).length) waiting.delete(form), form.requestSubmit()
    }
    return entry
  }
  document.addEventListener(
    'submit',
    e => {
      const form = e.target
      if (!pendingIn(form).length) return
      e.preventDefault()
      e.stopImmediatePropagation()
      waiting.add(form)
      // The held entries go now, each view told of its own.
      const byView = {}
      for (const [ref, p] of entries) if (p.form_ == form && p.held_) (byView[p.id_] ||= []).push(ref), (p.held_ = false)
      for (const id in byView) send(id, UPLOAD_EVENTS.start, { refs: byView[id] })
    },
    true,
  )
  document.addEventListener('change', e => {
    const input = e.target
    if (!input.matches || !input.matches(`input[type=file][${UPLOAD}]`)) return
    announce(input, input.getAttribute(UPLOAD), input.files)
    // The same file may be picked again after a cancel.
    input.value = ''
  })
  const closest = (e, attr) => e.target.closest?.(`[${attr}]`)
  document.addEventListener('dragover', e => {
    if (closest(e, DROP_TARGET)) e.preventDefault()
  })
  document.addEventListener('drop', e => {
    const zone = closest(e, DROP_TARGET)
    if (!zone) return
    e.preventDefault()
    announce(zone, zone.getAttribute(DROP_TARGET), e.dataTransfer.files)
  })
  document.addEventListener('click', e => {
    const button = closest(e, UPLOAD_CANCEL)
    if (!button) return
    e.preventDefault()
    const ref = button.getAttribute(UPLOAD_CANCEL)
    const entry = forget(ref)
    const id = viewOf(button)
    if (id) send(entry?.id_ || id, UPLOAD_EVENTS.cancel, { ref })
  })
  // ["k", id, ref, received, chunkBytes | 0 (held) | reason | external metadata]
  const receive = ([kind, , ref, received, extra]) => {
    if (kind != UPLOAD_ACK) return false
    const entry = entries.get(ref)
    if (!entry) return true
    if (typeof extra == 'string') forget(ref)
    else if (extra && typeof extra == 'object') {
      const report = r => send(entry.id_, UPLOAD_EVENTS.external, { ref, ...r })
      external((sendExternal, uploaders) => {
        if (sendExternal) return sendExternal(entry.file_, extra, report, uploaders).then(() => forget(ref))
        report({ error: 'upload-external.js did not load' })
        forget(ref)
      })
    }
    else if (extra === 0) {
      if (waiting.has(entry.form_)) send(entry.id_, UPLOAD_EVENTS.start, { refs: [ref] })
      else entry.held_ = true
    }
    else if (received >= entry.file_.size) forget(ref)
    else if (!entry.sender_) {
      const ws = socket()
      if (!ws) return true
      entry.sender_ = sender(ref, entry.file_, blob => ws.send(blob))
      entry.sender_.start_(extra)
    } else if (entry.sender_.ack_(received)) forget(ref)
    return true
  }
  const lost = () => {
    waiting.clear()
    entries.forEach((_, ref) => forget(ref))
  }
  return { receive_: receive, lost_: lost }
}
