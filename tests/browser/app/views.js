'use strict'
// Views that exercise every connector directive against the real stack.
// Each keeps a log of the events it received and renders it as JSON in
// <ol id="log">, so a test can check what reached the server.

const path = require('path')
const { LiveView, html, raw } = require(path.join(__dirname, '..', '..', '..', 'node-binding'))

const bucket = require('./bucket')

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// ts-model over the wire is the event "$model" with {field, value}: the
// server sets the field when `static model` declares it with the value's
// type, and views that also list "$model" in `events` hear of it here,
// for the log.
class ModelView extends LiveView {
  handleEvent(event, payload) {
    this.setState({ log: [...this.state.log, [event, payload]] })
    return this.on(event, payload)
  }

  on() {}

  logHtml() {
    return html`<ol id="log">${this.state.log.map(e => html`<li>${JSON.stringify(e)}</li>`)}</ol>`
  }
}

/** Typing while the server re-renders on every keystroke. */
class Typing extends ModelView {
  static events = ['$model']
  static model = { text: 'string', slow: 'string' }
  state = { text: '', slow: '', log: [] }

  render() {
    // The wrapper's tag flips with the length, so every other keystroke the
    // patch replaces the element around the focused input.
    const tag = this.state.text.length % 2 ? 'section' : 'div'
    return html`${raw(`<${tag} id="wrap">`)}<input id="text" name="text" autocomplete="off"
        ts-model="text" value="${this.state.text}">${raw(`</${tag}>`)}
      <p id="echo">${this.state.text}</p>
      <p id="len">${this.state.text.length}</p>
      <input id="slow" ts-model.debounce.200ms="slow" value="${this.state.slow}" autocomplete="off">
      <p id="slow-echo">${this.state.slow}</p>`
  }
}

/** Scrolled containers, one kept and one replaced by each patch. */
class Scroll extends ModelView {
  static events = ['tick']
  static model = {}
  state = { n: 0, log: [] }

  on(event) {
    if (event === 'tick') this.setState({ n: this.state.n + 1 })
  }

  render() {
    const { n } = this.state
    const rows = Array.from({ length: 60 }, (_, i) => html`<div class="row">row ${i} / ${n}</div>`)
    const tag = n % 2 ? 'section' : 'div'
    return html`<button id="tick" ts-on:click="tick">tick</button>
      <div id="kept" style="height: 100px; overflow: auto">${rows}</div>
      ${raw(`<${tag} id="swapped" style="height: 100px; overflow: auto">`)}${rows}${raw(`</${tag}>`)}
      <p id="n">${n}</p>`
  }
}

/** A form with every kind of bound control, a change handler and a slow submit. */
class Form extends ModelView {
  static events = ['$model', 'validate', 'save']
  static model = { name: 'string', bio: 'string', size: 'string', agree: 'boolean', color: 'string', tags: 'string[]' }
  state = { name: '', bio: '', size: 's', agree: false, color: '', tags: [], note: '', saved: '', log: [] }

  async on(event, payload) {
    if (event === 'validate') this.setState({ note: payload.note })
    if (event === 'save') {
      // The 300 ms of a slow backend: loading states must show meanwhile.
      await sleep(300)
      this.setState({ saved: JSON.stringify(payload), name: '' })
    }
  }

  render() {
    const s = this.state
    const option = (v, selected) => html`<option value="${v}" ${selected ? 'selected' : ''}>${v}</option>`
    const radio = v => html`<label><input type="radio" name="color" value="${v}" id="color-${v}"
        ts-model="color" ${s.color === v ? 'checked' : ''}>${v}</label>`
    return html`<form id="f" ts-on:change="validate" ts-on:submit="save">
        <input id="name" name="name" ts-model="name" value="${s.name}" autocomplete="off">
        <textarea id="bio" name="bio" ts-model.lazy="bio">${s.bio}</textarea>
        <select id="size" name="size" ts-model="size">${['s', 'm', 'l'].map(v => option(v, s.size === v))}</select>
        <select id="tags" name="tags" multiple ts-model="tags">${['a', 'b', 'c'].map(v => option(v, s.tags.includes(v)))}</select>
        <input type="checkbox" id="agree" name="agree" ts-model="agree" ${s.agree ? 'checked' : ''}>
        ${['red', 'blue'].map(radio)}
        <input id="note" name="note" autocomplete="off">
        <button id="save" ts-disable-with="Saving…"><b>Save</b></button>
      </form>
      <p id="server">${JSON.stringify({ name: s.name, bio: s.bio, size: s.size, tags: s.tags, agree: s.agree, color: s.color, note: s.note })}</p>
      <p id="saved">${s.saved}</p>
      ${this.logHtml()}`
  }
}

/** Event bindings with their modifiers; the log shows what arrived. */
class Events extends ModelView {
  static events = ['clicked', 'enter', 'escape', 'up', 'focused', 'blurred', 'deb', 'thr', 'moddeb', 'away',
    'winesc', 'submitted', 'link', 'plain', 'open']
  static model = {}
  state = { open: false, log: [] }

  on(event) {
    if (event === 'open') this.setState({ open: true })
    if (event === 'away') this.setState({ open: false })
  }

  render() {
    return html`<button id="b1" ts-on:click="clicked" ts-value-id="7" ts-value-kind="x"><span>Click</span></button>
      <input id="k" ts-on:keydown.enter="enter" ts-on:keydown.escape="escape" ts-on:keyup="up"
        ts-on:focus="focused" ts-on:blur="blurred" autocomplete="off">
      <input id="plain" ts-on:keydown="plain" autocomplete="off">
      <input id="deb" ts-on:input="deb" ts-debounce="200" autocomplete="off">
      <input id="thr" ts-on:input="thr" ts-throttle="200" autocomplete="off">
      <input id="moddeb" ts-on:input.debounce.150ms="moddeb" autocomplete="off">
      <button id="open" ts-on:click="open">open</button>
      ${this.state.open ? html`<div id="menu" ts-on:click.outside="away"><button id="inside">inside</button></div>` : ''}
      <div id="esc" ts-on:keydown.window.escape="winesc"></div>
      <button id="outside">outside</button>
      <form id="sf" ts-on:submit="submitted" ts-value-kind="todo" action="/elsewhere">
        <input name="title" value="Milk"><input type="checkbox" name="tag" value="a" checked>
        <input type="checkbox" name="tag" value="b" checked><button id="go">go</button>
      </form>
      <a id="link" href="/elsewhere" ts-on:click="link">link</a>
      ${this.logHtml()}`
  }
}

/** ts-show and ts-if, decided in the browser from ts-model values. */
class Show extends ModelView {
  static events = ['$model', 'bump']
  static model = { more: 'boolean', plan: 'string', nick: 'string' }
  state = { more: false, plan: 'free', nick: '', n: 0, log: [] }

  async on(event) {
    if (event === 'bump') this.setState({ n: this.state.n + 1 })
    // Slow on purpose: what the browser shows must not wait for this.
    if (event === '$model') await sleep(300)
  }

  render() {
    const s = this.state
    return html`<input type="checkbox" id="more" ts-model="more" ${s.more ? 'checked' : ''}>
      <section id="extra" ts-show="more">Extra</section>
      <select id="plan" ts-model="plan">
        <option value="free" ${s.plan === 'free' ? 'selected' : ''}>free</option>
        <option value="pro" ${s.plan === 'pro' ? 'selected' : ''}>pro</option>
      </select>
      <template ts-if="plan == 'pro' && more"><p id="pro">Seats <input id="seats" name="seats"></p></template>
      <input id="nick" ts-model.lazy="nick" value="${s.nick}" autocomplete="off">
      <p id="hello" ts-show="nick.length > 0 || plan === 'pro'">Hello</p>
      <p id="bad" ts-show="more +">never</p>
      <button id="bump" ts-on:click="bump">bump</button>
      <p id="n">${s.n}</p>`
  }
}

/** Hooks, ts-ignore and keyed lists. */
class Hooks extends ModelView {
  static events = ['bump', 'reverse', 'toggle', 'from_hook']
  static model = {}
  state = { n: 0, items: ['a', 'b', 'c', 'd'], second: true, log: [] }

  on(event) {
    const s = this.state
    if (event === 'bump') this.setState({ n: s.n + 1 })
    if (event === 'reverse') this.setState({ items: [...s.items].reverse() })
    if (event === 'toggle') this.setState({ second: !s.second })
  }

  render() {
    const s = this.state
    return html`<div id="h1" ts-hook="Probe" data-n="${s.n}">n=${s.n}</div>
      <div id="ig" ts-ignore data-n="${s.n}"><p id="ig-server">server ${s.n}</p></div>
      <ul id="list">${s.items.map(i => html`<li ts-key="${i}">${i}</li>`)}</ul>
      <p id="untouched" ts-hook="Probe">static</p>
      ${s.second ? html`<div id="h2" ts-hook="Probe">second</div>` : ''}
      <button id="bump" ts-on:click="bump">bump</button>
      <button id="reverse" ts-on:click="reverse">reverse</button>
      <button id="toggle" ts-on:click="toggle">toggle</button>
      <p id="n">${s.n}</p>
      ${this.logHtml()}`
  }
}

/** ts-model values of each declared type, as the connector sends them. */
class Typed extends ModelView {
  static events = ['$model']
  static model = { qty: 'number', level: 'number', gift: 'boolean', title: 'string' }
  state = { qty: 1, level: 5, gift: false, title: '', log: [] }

  render() {
    const s = this.state
    // toFixed and trim throw on a value of another type: the server must never let one through.
    return html`<input id="qty" type="number" ts-model="qty" value="${s.qty}">
      <input id="level" type="range" min="0" max="10" ts-model="level" value="${s.level}">
      <input id="gift" type="checkbox" ts-model="gift" ${s.gift ? 'checked' : ''}>
      <input id="title" ts-model="title" value="${s.title}" autocomplete="off">
      <p id="total">${(s.qty * 2).toFixed(0)} / ${s.level.toFixed(0)} / ${s.gift ? 'gift' : 'no gift'} / ${s.title.trim()}</p>
      ${this.logHtml()}`
  }
}

// Uploads held until their form is submitted (autoUpload: false), with a
// drop zone, a type filter and small chunks, so one file is many frames.
class Photos extends LiveView {
  static events = ['save']
  static uploads = { photo: { accept: ['.png', 'image/webp'], maxEntries: 2, maxFileSize: 5000, chunkSize: 100 } }
  state = { saved: [] }

  render() {
    return html`<form id="photos" ts-on:submit="save">
        <input type="file" id="photo" multiple ts-upload="photo">
        <div id="drop" ts-drop-target="photo">drop here</div>
        <ul id="entries">${this.uploadEntries('photo').map(e => html`<li><span class="name">${e.name}</span>
          <progress value="${e.progress}" max="100"></progress>${e.errors.map(x => html`<span class="upload-error">${x}</span>`)}</li>`)}</ul>
        <button id="save">Save</button>
      </form>
      <ul id="saved">${this.state.saved.map(s => html`<li>${s}</li>`)}</ul>`
  }

  async handleEvent() {
    const saved = await this.consumeUploads('photo', (entry, file) => `${entry.name} ${require('fs').statSync(file).size}`)
    this.setState({ saved: [...this.state.saved, ...saved] })
  }
}

// External uploads: each file goes by PUT to a presigned URL of the stand-in
// bucket (bucket.js), never over the socket; a name starting with "bad"
// gets a URL whose signature the bucket refuses.
class Bucket extends LiveView {
  static events = ['save']
  static uploads = {
    doc: {
      maxEntries: 2,
      maxFileSize: 2_000_000,
      autoUpload: true,
      external: entry => ({ uploader: 'PUT', url: bucket.presign(entry.name, { tamper: entry.name.startsWith('bad') }) }),
    },
  }
  state = { saved: [] }

  render() {
    return html`<form id="docs" ts-on:submit="save">
        <input type="file" id="doc" multiple ts-upload="doc">
        <ul id="entries">${this.uploadEntries('doc').map(e => html`<li data-done="${e.done}"><span class="name">${e.name}</span>
          <progress value="${e.progress}" max="100"></progress>${e.errors.map(x => html`<span class="upload-error">${x}</span>`)}</li>`)}</ul>
        <button id="save">Save</button>
      </form>
      <ul id="saved">${this.state.saved.map(s => html`<li>${s}</li>`)}</ul>`
  }

  async handleEvent() {
    const saved = await this.consumeUploads('doc', (entry, file) => `${entry.name} ${bucket.stored(entry.name)} ${entry.external.uploader} ${file === ''}`)
    this.setState({ saved: [...this.state.saved, ...saved] })
  }
}

module.exports = { Typing, Scroll, Form, Events, Show, Hooks, Typed, Photos, Bucket, ...require('./js-views') }
