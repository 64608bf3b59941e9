import { SHOW, IF } from './constants.js'
import { compile } from './expr.js'
import { modelOf } from './events.js'

// ts-show and ts-if, evaluated in the browser against the view's ts-model
// values, so a checkbox can reveal a section before any round trip. Part
// of show.js, which the connector loads when a view first holds either
// (reveal.js).

const compiled = new Map()
const test = (el, name, model) => {
  const src = el.getAttribute(name)
  if (!compiled.has(src))
    try {
      compiled.set(src, compile(src))
    } catch (e) {
      console.warn('LiveTS', name, e.message)
      compiled.set(src, () => false)
    }
  return compiled.get(src)(model)
}

// Returns whether a ts-if added or removed content.
export const reveal = root => {
  const shows = root.querySelectorAll(`[${SHOW}]`)
  // The model costs a walk of the view: none for views without directives.
  if (!shows.length && !root.querySelector(`template[${IF}]`)) return
  const m = modelOf(root)
  let stamped
  for (const el of shows) el.style.display = test(el, SHOW, m) ? '' : 'none'
  // A <template ts-if> holds a live copy of its content as its own children,
  // shown through display: contents. The server sees a template as one
  // opaque node, so the copy never shifts the paths its patches use. The
  // collection is live: templates inside a new copy are visited too.
  for (const t of root.getElementsByTagName('template')) {
    if (!t.hasAttribute(IF)) continue
    const on = !!test(t, IF, m)
    if (on == !t.firstChild) {
      on ? t.append(t.content.cloneNode(true)) : t.replaceChildren()
      stamped = 1
    }
    // Set each time: a render may have taken the style away.
    t.style.display = 'contents'
  }
  return stamped
}
