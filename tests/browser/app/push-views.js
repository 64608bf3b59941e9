'use strict'
// Views for push events, replies and nested live views (test_push_events.py,
// test_nested_views.py).

const path = require('path')
const { LiveView, html, liveRender } = require(path.join(__dirname, '..', '..', '..', 'node-binding'))

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

/** Replies to its hooks' events and pushes events to them. */
class Pushes extends LiveView {
  static events = ['ping', 'slow', 'boom', 'push', 'quiet']
  state = { n: 0 }

  render() {
    return html`<p id="n">${this.state.n}</p>
      <div id="hk1" ts-hook="Recorder"></div>
      <div id="hk2" ts-hook="Recorder"></div>
      <button id="push" ts-on:click="push">push</button>
      ${liveRender(Kid, { id: 'inner' })}`
  }

  async handleEvent(event, payload) {
    if (event === 'ping') {
      this.setState({ n: this.state.n + 1 })
      this.pushEvent('after', { n: this.state.n })
      return { pong: this.state.n }
    }
    if (event === 'slow') {
      await sleep(payload.ms)
      return { k: payload.k }
    }
    if (event === 'boom') throw new Error('boom, on purpose')
    if (event === 'push') this.pushEvent('highlight', { id: 'n' })
  }
}

/** A counter of its own, placed by the views below with liveRender. */
class Kid extends LiveView {
  static events = ['inc', 'boom']
  state = { n: 0 }

  render() {
    return html`<span class="kid-n">${this.state.n}</span>
      <button class="kid-inc" ts-on:click="inc">+</button>
      <button class="kid-boom" ts-on:click="boom">boom</button>
      <i class="kid-hook" ts-hook="Recorder"></i>`
  }

  handleEvent(event) {
    if (event === 'inc') this.setState({ n: this.state.n + 1 })
    if (event === 'boom') throw new Error('kid boom, on purpose')
  }
}

/** Two children and a sticky one; counts its own renders. */
class Nested extends LiveView {
  static events = ['bump']
  state = { n: 0 }
  renders = 0

  render() {
    this.renders++
    return html`<p id="renders">${this.renders}</p>
      <p id="pn">${this.state.n}</p>
      <button id="bump" ts-on:click="bump">bump</button>
      <div id="a">${liveRender(Kid, { id: 'a' })}</div>
      <div id="b">${liveRender(Kid, { id: 'b' })}</div>
      <div id="s">${liveRender(Kid, { id: 's', sticky: true })}</div>
      <a id="go" ts-link="navigate" href="/nestednext">next</a>`
  }

  handleEvent() {
    this.setState({ n: this.state.n + 1 })
  }
}

/** Where /nested navigates: the sticky child again, and another "a". */
class NestedNext extends LiveView {
  render() {
    return html`<h1 id="next">next</h1>
      <section id="s2">${liveRender(Kid, { id: 's', sticky: true })}</section>
      <div id="a2">${liveRender(Kid, { id: 'a' })}</div>
      <a id="back" ts-link="navigate" href="/nested">back</a>`
  }
}

module.exports = { Pushes, Nested, NestedNext }
