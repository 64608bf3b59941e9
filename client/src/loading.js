import { LOADING, DISABLE_WITH } from './constants.js'

// Events waiting for the server, per element: [count, undo of the first].
// An element stays marked until the answer to its last event, and comes
// back as it was before the first.
const waiting = new WeakMap()
const hold = (el, start, end) => {
  const w = waiting.get(el) || [0, end]
  if (!w[0]++) waiting.set(el, w), start()
  return () => --w[0] || (waiting.delete(el), w[1]())
}

// Marks an event's element, and the form around it, as awaiting the
// server. The ts-disable-with buttons of a submitted form, or the element
// itself when it has the attribute, are disabled and relabelled; a form's
// change events leave them alone, since a change fires as the user clicks
// its submit button. Returns the undo, which puts the buttons' own child
// nodes back, since patches address them.
export const busy = (el, submit) => {
  const undo = [el, el.closest('form')].filter((m, i, all) => m && all.indexOf(m) == i).map(m =>
    hold(m, () => m.classList.add(LOADING), () => m.classList.remove(LOADING)),
  )
  for (const b of submit ? el.querySelectorAll(`[${DISABLE_WITH}]`) : [el])
    if (b.hasAttribute(DISABLE_WITH)) {
      const input = b.localName == 'input'
      const kids = [...b.childNodes]
      const { disabled, value } = b
      undo.push(
        hold(
          b,
          () => {
            b[input ? 'value' : 'textContent'] = b.getAttribute(DISABLE_WITH)
            b.disabled = true
          },
          () => {
            input ? (b.value = value) : b.replaceChildren(...kids)
            b.disabled = disabled
          },
        ),
      )
    }
  return () => undo.forEach(f => f())
}
