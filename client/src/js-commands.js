import { LOADING } from './constants.js'
import { TRANSITION, TRANSITION_LEAVE } from './page-constants.js'
import { classesOf, timeOf, transition } from './transition.js'

// JS commands (docs/directives.md): a ts-on:* binding whose value is a
// JSON array of [kind, args] runs them in the page, with no eval and no
// server round trip unless one of them is a push. Part of /_livets/js.js.

// What commands did to an element, done again after every update, so a
// server patch (which knows nothing of them) does not undo them:
// element -> Map(what -> redo(el)), "display", "c<class>" or "a<attribute>".
const sticky = new Map()
const put = (el, what, redo) => {
  redo(el)
  if (!sticky.has(el)) sticky.set(el, new Map())
  sticky.get(el).set(what, redo)
}
export const reapply = root =>
  sticky.forEach((ops, el) => (el.isConnected ? root.contains(el) && ops.forEach(redo => redo(el)) : sticky.delete(el)))

const visible = el => getComputedStyle(el).display != 'none'
const display = (el, value) => put(el, 'display', e => (e.style.display = value))
const classes = (el, names, on) => names.forEach(n => put(el, 'c' + n, e => e.classList.toggle(n, on)))
// The command's own transition, else the element's ts-transition(-leave).
const spec = (el, args, attr) => args.transition || classesOf(el.getAttribute(attr))
// Runs `done` once transition `t` (if any) has run its time.
const after = (el, args, t, done) => (t ? transition(el, t, args.time || timeOf(el), done) : done())

const show = (el, args) =>
  visible(el) || (display(el, args.display || 'block'), after(el, args, spec(el, args, TRANSITION), () => {}))
const hide = (el, args) => visible(el) && after(el, args, spec(el, args, TRANSITION_LEAVE), () => display(el, 'none'))
const classCommand = on => (el, args) => after(el, args, args.transition, () => classes(el, args.names, on))
const focusable = el => !el.disabled && el.type != 'hidden' && el.tabIndex >= 0

// Each command, on one target element `el` (args.to, or the binding's
// element). `c` is the binding: {source, event, payload, viewOf, api}.
const commands = {
  show,
  hide,
  toggle: (el, args) => (visible(el) ? hide(el, { ...args, transition: args.out }) : show(el, { ...args, transition: args.in })),
  addClass: classCommand(true),
  removeClass: classCommand(false),
  toggleClass: (el, args) => args.names.forEach(n => classes(el, [n], !el.classList.contains(n))),
  setAttribute: (el, { name, value }) => put(el, 'a' + name, e => e.setAttribute(name, value)),
  removeAttribute: (el, { name }) => put(el, 'a' + name, e => e.removeAttribute(name)),
  transition: (el, args) => after(el, args, args.transition, () => {}),
  dispatch: (el, { event, detail, bubbles = true }) => el.dispatchEvent(new CustomEvent(event, { bubbles, cancelable: true, detail })),
  focus: el => el.focus(),
  focusFirst: el => [...el.querySelectorAll('[href],button,input,select,textarea,[tabindex]')].find(focusable)?.focus(),
}
// Commands that act once, not on elements.
const once = {
  // The event goes to the view around args.target (a component's root, or
  // any element in it), else the binding's; the elements args.loading
  // selects carry ts-loading until the server answers, as the binding's own
  // element does.
  push: (args, c) => {
    const to = args.target ? document.querySelector(args.target) : c.source_
    const view = to && c.viewOf_(to)
    if (!view) return console.warn('LiveTS', 'no view for push', args.target)
    const marks = args.loading ? [...document.querySelectorAll(args.loading)] : []
    marks.forEach(m => m.classList.add(LOADING))
    view.event_(args.event, { ...c.payload_, ...args.value }, c.source_, c.event_.type).then(() => marks.forEach(m => m.classList.remove(LOADING)))
  },
  navigate: ({ href, replace }, c) => c.api_.navigate_(href, replace),
  // As a ts-link="patch" click, then as back/forward: a URL of the same
  // path tells the main view; of another path, live navigation loads it.
  patch: ({ href, replace }) => {
    history[replace ? 'replaceState' : 'pushState'](null, '', href)
    dispatchEvent(new PopStateEvent('popstate'))
  },
}

// Runs the commands of a binding (its Attr) for `event` on `source`. What
// cannot run (JSON that does not parse, a command the page does not know,
// a selector the browser rejects) is skipped with a warning.
export const exec = (api, { value }, source, event, payload, viewOf) => {
  const c = { api_: api, source_: source, event_: event, payload_: payload, viewOf_: viewOf }
  const warn = (what, e) => console.warn('LiveTS', what, e.message)
  let list = []
  try {
    list = JSON.parse(value)
  } catch (e) {
    warn(value, e)
  }
  for (const [kind, args = {}] of list)
    try {
      if (once[kind]) once[kind](args, c)
      else (args.to ? document.querySelectorAll(args.to) : [source]).forEach(el => commands[kind](el, args))
    } catch (e) {
      warn(kind, e)
    }
}
