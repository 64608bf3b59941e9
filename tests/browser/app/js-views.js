'use strict'
// Views for JS commands and transitions (test_js_commands.py,
// test_transitions.py). Each logs the events it received in <ol id="log">.

const path = require('path')
const { LiveView, html, JS } = require(path.join(__dirname, '..', '..', '..', 'node-binding'))

class Logged extends LiveView {
  handleEvent(event, payload) {
    this.setState({ log: [...this.state.log, [event, payload]] })
    return this.on(event, payload)
  }

  on() {}

  logHtml() {
    return html`<ol id="log">${this.state.log.map(e => html`<li>${JSON.stringify(e)}</li>`)}</ol>`
  }
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Every command. #bump re-renders the attributes the commands touch
 * (#modal's style and class, #box's class and title), so what survives
 * it survived a patch.
 */
class Commands extends Logged {
  static events = ['save', 'bump', 'slow', '$model']
  static model = { note: 'string' }
  state = { n: 0, tab: '', note: '', log: [] }

  handleParams(params) {
    this.setState({ tab: params.tab || '' })
  }

  async on(event) {
    if (event === 'bump') this.setState({ n: this.state.n + 1 })
    if (event === 'slow') await sleep(400)
  }

  render() {
    const { n, tab } = this.state
    return html`<div id="modal" class="modal n${n}" style="display: none; order: ${n}">
        <p id="modal-n">${n}</p><span>not focusable</span><input id="first" autocomplete="off"><input id="second" autocomplete="off">
      </div>
      <button id="open-modal" ts-on:click=${JS.show('#modal')}>open</button>
      <button id="close-modal" ts-on:click=${JS.hide('#modal')}>close</button>
      <button id="toggle-modal" ts-on:click=${JS.toggle('#modal', { display: 'flex' })}>toggle</button>
      <div id="box" class="start n${n}" title="box ${n}">box</div>
      <button id="add-class" ts-on:click=${JS.addClass('big wide', '#box')}>add</button>
      <button id="remove-class" ts-on:click=${JS.removeClass('start', '#box')}>remove</button>
      <button id="toggle-class" ts-on:click=${JS.toggleClass('on', '#box')}>toggle class</button>
      <button id="set-attr" ts-on:click=${JS.setAttribute('aria-expanded', 'true', '#box')}>set</button>
      <button id="remove-attr" ts-on:click=${JS.removeAttribute('title', '#box')}>unset</button>
      <button id="transition" ts-on:click=${JS.transition('flash flash-from flash-to', '#box', { time: 300 })}>flash</button>
      <button id="dispatch" ts-on:click=${JS.dispatch('box:ping', '#box', { detail: { n: 7 } })}>dispatch</button>
      <button id="focus" ts-on:click=${JS.focus('#second')}>focus</button>
      <button id="focus-first" ts-on:click=${JS.focusFirst('#modal')}>focus first</button>
      <button id="self" class="plain" ts-on:click=${JS.addClass('pressed')}>self</button>
      <button id="save" ts-value-id="9" ts-on:click=${JS.push('save', { value: { from: 'js' } }).hide('#modal')}>save</button>
      <button id="slow" ts-on:click=${JS.push('slow', { loading: '#box' })}>slow</button>
      <button id="bump" ts-on:click="bump">bump</button>
      <button id="navigate" ts-on:click=${JS.navigate('/transitions')}>navigate</button>
      <button id="patch" ts-on:click=${JS.patch('/commands?tab=two')}>patch</button>
      <button id="bad" ts-on:click='[["show",{"to":"#modal"}],["nonsense",{}],["addClass",{"to":"#box","names":["after-bad"]}]]'>bad</button>
      <input id="note" ts-model.debounce.1000ms="note" autocomplete="off">
      <p id="tab">${tab}</p>
      ${this.logHtml()}`
  }
}

/**
 * List items that enter and leave with transitions (600 ms); #bump and
 * #add patch the view while an item is still leaving.
 */
class Transitions extends Logged {
  static events = ['add', 'remove', 'bump']
  state = { items: [1, 2, 3], next: 4, n: 0, log: [] }

  on(event, payload) {
    const s = this.state
    if (event === 'add') this.setState({ items: [...s.items, s.next], next: s.next + 1 })
    if (event === 'remove') this.setState({ items: s.items.filter(i => i !== Number(payload.id)) })
    if (event === 'bump') this.setState({ n: s.n + 1 })
  }

  render() {
    const { items, n } = this.state
    return html`<ul id="list">${items.map(i => html`<li id="item-${i}" ts-transition="fade-in fade-from fade-to"
          ts-transition-leave="fade-out fade-out-from fade-out-to" ts-transition-time="600">${i}</li>`)}</ul>
      <p id="n">${n}</p>
      <div id="panel" style="display: none" ts-transition="grow grow-from grow-to" ts-transition-leave="shrink shrink-from shrink-to" ts-transition-time="500">panel</div>
      <button id="show-panel" ts-on:click=${JS.show('#panel')}>show</button>
      <button id="hide-panel" ts-on:click=${JS.hide('#panel')}>hide</button>
      ${[1, 2, 3, 4, 5].map(i => html`<button id="remove-${i}" ts-on:click="remove" ts-value-id="${i}">remove ${i}</button>`)}
      <button id="add" ts-on:click="add">add</button>
      <button id="bump" ts-on:click="bump">bump</button>`
  }
}

/** No JS command in the first render: one arrives with a patch. */
class Later extends Logged {
  static events = ['reveal']
  state = { shown: false, log: [] }

  on(event) {
    if (event === 'reveal') this.setState({ shown: true })
  }

  render() {
    return html`<button id="reveal" ts-on:click="reveal">reveal</button>
      <a id="to-commands" ts-link href="/commands">commands</a>
      <div id="later" style="display: none">later</div>
      ${this.state.shown ? html`<button id="show-later" ts-on:click=${JS.show('#later')}>show</button>` : ''}`
  }
}

module.exports = { Commands, Transitions, Later }
