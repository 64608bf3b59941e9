import { ON_PREFIX, VALUE_PREFIX, DOM_EVENTS, OPTIONS, MODEL, MODEL_EVENT, ATTR_PREFIX, DELAY } from './constants.js'
import { limit, flush } from './rate.js'
import { quiet, scrolled } from './keep.js'
import { ext } from './ext.js'

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

// What a control stands for, to ts-model and to expressions, typed as the
// server's `static model` declares it: checkboxes boolean, number and range
// inputs number (NaN while one holds no number), multiple selects string[],
// the rest string.
export const valueOf = el =>
  el.type == 'checkbox'
    ? el.checked
    : el.type == 'number' || el.type == 'range'
      ? el.valueAsNumber
      : el.type == 'select-multiple'
        ? [...el.selectedOptions].map(o => o.value)
        : el.value

// Whether a control's value can be sent: not an unfinished number.
export const sendable = value => value === value

// Whether an attribute is `name` or `name.<modifiers>`.
const named = name => a => (a.name + '.').startsWith(name + '.')
// That attribute of an element.
export const attrOf = (el, name) => [...el.attributes].find(named(name))

// [ms, throttle] from `.debounce.300ms` / `.throttle` modifiers, or else from
// ts-debounce / ts-throttle attributes read through `get`; undefined for
// neither. An empty or unreadable time means DELAY.
export const timing = (mods, get) => {
  for (const k of ['debounce', 'throttle']) {
    const i = mods.indexOf(k)
    const v = i < 0 ? get(ATTR_PREFIX + k) : mods[i + 1] || ''
    if (v != null) return [parseInt(v) || DELAY, k == 'throttle']
  }
}

// Whether a key event's `key` passes the binding's key filters (the
// modifiers that are neither options nor a time); no filter passes all.
export const keyMatches = (mods, key) => {
  const keys = mods.filter((m, i) => !OPTIONS.includes(m) && !/^(debounce|throttle)$/.test(mods[i - 1]))
  return !keys.length || keys.includes(String(key).toLowerCase())
}

// The payload of a binding on `el` for an event that reached `t`: its
// ts-value-* attributes, then a form's fields or the control's value.
export const payloadOf = (el, e, t) => {
  const p = valuesOf(el.attributes)
  if (el.localName == 'form') {
    // Fields win over ts-value-* of the same name: they are what the user entered.
    Object.assign(p, fieldsOf(new FormData(el)))
    // `form.name` may be a field called "name": only a field is a target.
    if (e.type != 'submit' && t != el) p._target = t.name
  } else if (e.type != 'click' && t.value != null) {
    p.value = t.value
    if (t.name) p.name = t.name
    if (t.type == 'checkbox' || t.type == 'radio') p.checked = t.checked
  }
  if (e.key) p.key = e.key
  return p
}

// field -> value of every ts-model control in `root`; a radio group gives
// its checked button's value.
export const modelOf = root => {
  const m = {}
  for (const el of withAttr(root, MODEL))
    if (el.type != 'radio' || el.checked) m[attrOf(el, MODEL).value] = valueOf(el)
  return m
}

export const modelPayload = (el, a) => ({ field: a.value, value: valueOf(el) })

// Elements under `root` with an attribute whose name passes `test`.
// (No selector can match an attribute by a part of its name.)
const having = (root, test) => [...root.querySelectorAll('*')].filter(el => [...el.attributes].some(test))
// Elements under `root` with the attribute `name` or `name.<modifiers>`.
export const withAttr = (root, name) => having(root, named(name))
// Elements with a window or click-away binding, kept until the DOM next changes.
let globals
export const changed = () => (globals = 0)

// Runs the bindings of `el` for event `e`. `global` selects the .window and
// .outside ones (run for events anywhere) over the element's own; returns
// whether `el` had a binding of that kind for this event type.
const run = (el, e, t, viewOf, global) => {
  let found
  for (const a of [...el.attributes]) {
    const [name, ...mods] = a.name.split('.')
    const outside = mods.includes('outside')
    if (name != ON_PREFIX + e.type || global != (outside || mods.includes('window')) || (outside && el.contains(t))) continue
    found = 1
    const v = viewOf(el)
    if (!v || (e.key != null && !keyMatches(mods, e.key))) continue
    // The binding takes the place of the browser's submission or navigation.
    if (e.type == 'submit' || (e.type == 'click' && !global && el.localName == 'a')) e.preventDefault()
    // Read now: a held send must carry what this event saw.
    const p = payloadOf(el, e, global ? el : t)
    // JS commands (a JSON array) run in the page at once; a push among
    // them goes to the server after every held send, as an unlimited
    // binding's does.
    if (a.value[0] == '[') flush(), ext.exec(a, el, e, p, viewOf)
    else limit(a, timing(mods, n => el.getAttribute(n)), () => v.event_(a.value, p, el, e.type))
  }
  return found
}

// One capturing listener per event type on the document, so elements the
// server adds later need no wiring, and focus and blur are seen although
// they do not bubble. `viewOf(el)` is the view around an element, if any.
export const listen = viewOf => {
  // Scroll does not bubble either.
  addEventListener('scroll', e => e.target.nodeType == 1 && scrolled.add(e.target), true)
  for (const type of DOM_EVENTS)
    document.addEventListener(
      type,
      e => {
        const t = e.target
        if (quiet || !t.getAttribute) return
        if (type == 'blur') flush()
        const a = attrOf(t, MODEL)
        const v = viewOf(t)
        if (a && v && (a.name.includes('.lazy') ? 'change' : 'input') == type) {
          const p = modelPayload(t, a)
          if (sendable(p.value)) limit(a, timing(a.name.split('.'), n => t.getAttribute(n)), () => v.event_(MODEL_EVENT, p, t))
        }
        if (v && (type == 'input' || type == 'change')) v.refresh_()
        for (let el = t; el && el.getAttribute && !run(el, e, t, viewOf, false); ) el = el.parentNode
        for (const el of (globals ||= having(document, a => /\.(window|outside)/.test(a.name))))
          run(el, e, t, viewOf, true)
      },
      true,
    )
}
