'use strict'
// Views shared by the integration tests.
const { LiveView, LiveComponent, html } = require('./livets').load()

class Counter extends LiveView {
  static events = ['inc', 'dec', 'boom']
  state = { count: 0 }
  mount(params) {
    if (params.start) this.setState({ count: Number(params.start) })
  }
  render() {
    return html`<h1>Count</h1><span id="count">${this.state.count}</span>`
  }
  handleEvent(event, payload) {
    if (event === 'inc') this.setState({ count: this.state.count + (Number(payload.by) || 1) })
    else if (event === 'dec') this.setState({ count: this.state.count - 1 })
    else if (event === 'boom') throw new Error('handler exploded')
  }
}

class Chat extends LiveView {
  static events = ['say']
  state = { last: '' }
  mount(_params, session) {
    if (session.connected) this.subscribe('chat')
  }
  render() {
    return html`<p>${this.state.last}</p>`
  }
  handleEvent(_event, payload) {
    this.broadcast('chat', payload.text)
  }
  handleInfo(_topic, text) {
    this.setState({ last: text })
  }
}

/** /items/:list?page=N: live patches and navigation. */
class Paged extends LiveView {
  static events = ['next', 'away']
  state = { list: '', page: 1 }
  handleParams(params) {
    this.setState({ list: params.list, page: Number(params.page || 1) })
  }
  render() {
    return html`<p>${this.state.list}</p><p id="page">${this.state.page}</p>`
  }
  handleEvent(event) {
    if (event === 'next') this.pushPatch(`/items/${this.state.list}?page=${this.state.page + 1}`)
    if (event === 'away') {
      this.putFlash('info', 'moved')
      this.pushNavigate('/counter?start=9')
    }
  }
}

class Item extends LiveComponent {
  static events = ['toggle']
  static tag = 'li'
  state = { on: false }
  render() {
    return html`<button ts-on:click="toggle">${this.props.label} ${this.state.on ? 'on' : 'off'}</button>`
  }
  handleEvent(event) {
    if (event === 'toggle') this.setState({ on: !this.state.on })
  }
}

/** A list of stateful components. */
class Board extends LiveView {
  static events = ['drop']
  state = { items: ['a', 'b'] }
  render() {
    return html`<ul>${this.state.items.map((label) => this.component(Item, label, { label }))}</ul><p>${this.state.items.length}</p>`
  }
  handleEvent(event, payload) {
    if (event === 'drop') this.setState({ items: this.state.items.filter((i) => i !== payload.id) })
  }
}

module.exports = { Counter, Chat, Paged, Board, Item }
