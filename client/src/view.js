import {
  JOIN, EVENT, RESYNC, RENDER, PATCH, REFUSED, PUSH_EVENT, REPLY, ID_ATTR, TOKEN_ATTR,
  CONNECTED, DISCONNECTED, ERROR, HOOK,
} from './constants.js'
import { listeners } from './listeners.js'
import { applyPatch } from './patch.js'
import { morph } from './morph.js'
import { keep } from './keep.js'
import { busy } from './loading.js'
import { reveal } from './reveal.js'
import { changed } from './events.js'
import { ext } from './ext.js'

const WATCH = { subtree: true, childList: true, attributes: true, characterData: true }

// One live root on the page: joins it, applies what the server sends for
// it, and keeps the page's own state (input, hooks, loading marks) in step.
// `needHooks()` has the connector load hook.js, holding the messages after
// this one until it has run and every view is refreshed.
export const view = (root, push, needHooks) => {
  const id = root.getAttribute(ID_ATTR)
  // ref -> [undo the loading marks, the form if submitted, settle the
  // promise, the reply that came before the answer, the event's name]
  const pending = {}
  // 0 while no render is in hand (before join, or after asking for a
  // resync): patches then describe a DOM the page may not have, so they wait
  // for the render instead of each asking for one more.
  let seq = 0
  let joinRef
  let joined
  // Hooks mount at the first render, as the view goes live.
  let rendered
  const watch = new MutationObserver(() => {})

  const status = cls => {
    root.classList.remove(CONNECTED, DISCONNECTED, ERROR)
    root.classList.add(cls)
  }
  // `why`: the reason of a refusal.
  const settle = (ref, ok, why) => {
    const p = pending[ref]
    if (p) delete pending[ref], p[0](), p[2](ok, ok ? p[3] : why)
  }
  // Resolves true once the server has answered, false if it refused or the
  // socket went down first; `done(ok, reply or reason)` hears the same.
  const event = (name, payload, el, type, done) =>
    new Promise(resolve => {
      const ref = push(EVENT, id, name, payload)
      const end = (ok, v) => (resolve(ok), done?.(ok, v))
      // A submit notes the focused field's value: text typed after it is newer than the reply.
      if (ref) pending[ref] = [busy(el, type == 'submit'), type == 'submit' && el, end, , name, document.activeElement?.value]
      else end(false, 'disconnected')
    })
  // The view's hooks (hook.js), made once that script has run.
  let made
  const hooks = () => (made ||= LiveTS.hook?.(root, event, listeners))

  // Runs a DOM update with the user's focus and scroll kept; returns its
  // result and the mutation records, which tell hooks what changed.
  const update = f => {
    watch.observe(root, WATCH)
    const result = keep(root, () => ext.wrap(root, f))
    const records = watch.takeRecords()
    watch.disconnect()
    return [result, records]
  }
  const refresh = (records = []) => {
    if (reveal(root) || records.length) changed()
    if (!rendered) return
    if (hooks()) made.sync_(el => records.some(r => el.contains(r.target)))
    else if (root.querySelector(`[${HOOK}]`)) needHooks()
  }

  return {
    event_: event,
    refresh_: refresh,
    join_() {
      seq = 0
      // Component roots have no token: the server registers them itself.
      const token = root.getAttribute(TOKEN_ATTR)
      joinRef = token && push(JOIN, id, token, ext.params())
    },
    down_() {
      status(DISCONNECTED)
      for (const ref in pending) settle(ref, false, 'disconnected')
      hooks()?.all_('disconnected')
    },
    // r and p are [kind, id, seq, ref, body]; x is [kind, id, ref, reason];
    // y is [kind, id, ref, value]; v is [kind, id, event, payload].
    receive_([kind, , a, b, body]) {
      if (kind == PUSH_EVENT) return hooks()?.dispatch_(a, b)
      if (kind == REPLY) return pending[a] && (pending[a][3] = b)
      if (kind == REFUSED) {
        // Named for the event it answers: `unknown event "x"`.
        console.warn('LiveTS', id, pending[a] ? `${b} "${pending[a][4]}"` : b)
        if (a == joinRef) status(ERROR), ext.refused(b)
        // Marked until the remounted view's render arrives.
        if (b == 'crashed') root.classList.add(ERROR)
        return settle(a, false, b)
      }
      const p = pending[b]
      // Before the DOM changes: relabelled buttons must hold the nodes the
      // server's patch addresses.
      settle(b, true)
      if (kind == RENDER) {
        const [, records] = update(() => morph(root, body))
        seq = rendered = a
        status(CONNECTED)
        refresh(records)
        if (b == joinRef) {
          // A rejoin after the socket was lost: the server has a fresh
          // instance, told what the user had entered (recover.js); the
          // extension learns which fields were sent again.
          const again = joined && (hooks()?.all_('reconnected'), LiveTS.recover?.(root, event) || [])
          joined = 1
          ext.joined(root, again)
        }
      } else if (kind == PATCH && seq) {
        const [ok, records] = a == seq + 1 ? update(() => applyPatch(root, body)) : []
        if (ok) {
          seq = a
          // A submitted form's focused field takes the value the server
          // gave it (clearing it, say), unless the user typed on since the
          // submit; otherwise focus protects it.
          if (p?.[1])
            for (const { target: t, attributeName } of records)
              if (attributeName == 'value' && t == document.activeElement && p[1].contains(t) && t.value == p[5])
                t.value = t.getAttribute('value') || ''
        } else seq = 0, push(RESYNC, id)
        refresh(records)
      }
    },
  }
}
