'use strict'
// Views shared by the integration tests.
const { LiveView, html } = require('./livets').load()

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
    if (event === 'inc') this.setState({ count: this.state.count + ((payload && payload.by) || 1) })
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

module.exports = { Counter, Chat }
