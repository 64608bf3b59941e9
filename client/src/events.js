import { ID_ATTR, ON_PREFIX, VALUE_PREFIX, DOM_EVENTS } from './constants.js'

// Pure over any iterable of {name, value}, an element's attributes included.
export const valuesOf = attrs => {
  const out = {}
  for (const { name, value } of attrs)
    if (name.startsWith(VALUE_PREFIX)) out[name.slice(VALUE_PREFIX.length)] = value
  return out
}

// Pure over [name, value] pairs such as a FormData. A name that repeats
// (checkbox groups, multiple selects) collects its values in an array.
export const fieldsOf = entries => {
  const out = {}
  for (const [k, v] of entries) out[k] = k in out ? [].concat(out[k], v) : v
  return out
}

// One listener per event type on the document, so elements the server adds
// later need no wiring. `send(root, name, payload, el)` gets the innermost
// live root around the element that asked for the event.
export const listen = send => {
  for (const type of DOM_EVENTS)
    document.addEventListener(type, e => {
      const t = e.target
      const el = t.closest && t.closest(`[${ON_PREFIX.replace(':', '\\:')}${type}]`)
      const root = el && el.closest(`[${ID_ATTR}]`)
      if (!root) return
      const payload = valuesOf(el.attributes)
      if (type == 'submit') {
        e.preventDefault()
        // Fields win over ts-value-* of the same name: they are what the user entered.
        Object.assign(payload, fieldsOf(new FormData(el)))
      } else if (type != 'click') {
        // The target, not `el`: a form may listen for its fields' changes.
        payload.value = t.value
        payload.name = t.name
        if (t.type == 'checkbox' || t.type == 'radio') payload.checked = t.checked
      }
      send(root, el.getAttribute(ON_PREFIX + type), payload, el)
    })
}
