import { TRANSITION_TIME, TRANSITION_MS } from './page-constants.js'

// CSS transitions, for the JS commands and for the elements a patch adds
// (ts-transition) or removes (ts-transition-leave: enter-leave.js). Part
// of /_livets/js.js, and of /_livets/transition.js for enter-leave.js.

// "run start end" gives one class each; with commas, each group may hold
// several ("transition duration-300, opacity-0, opacity-100").
// [run, start, end], or undefined for no spec.
export const classesOf = spec =>
  spec ? (spec.includes(',') ? spec.split(',') : spec.trim().split(/\s+/)).map(g => g.split(' ').filter(Boolean)) : undefined

export const timeOf = el => parseInt(el.getAttribute(TRANSITION_TIME)) || TRANSITION_MS

// The run and start classes go on at once, the start ones give way to the
// end ones two frames later (so the browser has styled the start), and
// after `time` the run and end classes come off and `done` runs.
export const transition = (el, [run = [], start = [], end = []], time, done) => {
  const list = el.classList
  list.add(...run, ...start)
  requestAnimationFrame(() => requestAnimationFrame(() => (list.remove(...start), list.add(...end))))
  setTimeout(() => {
    list.remove(...run, ...end)
    done?.()
  }, time)
}
