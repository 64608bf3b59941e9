// Just enough DOM for the connector's tree logic (patch operations and the
// morph of full renders) to run under node --test: nodes, attributes,
// child lists, a <template> that parses well-formed markup, a document, and
// the selectors the connector queries by (`tag[attr]`, `tag[attr=value]`,
// `tag[attr^='prefix']`).
// Browser behaviour beyond that is tested in Chromium (tests/browser).

const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'col', 'area', 'base', 'wbr', 'source'])
// What setAttribute accepts; the browser refuses names such as `@click`.
const NAME = /^[A-Za-z_:][\w.:-]*$/

class Node {
  constructor(nodeType, nodeName) {
    this.nodeType = nodeType
    this.nodeName = nodeName
    this.parentNode = null
    this.childNodes = []
  }
  get firstChild() {
    return this.childNodes[0] || null
  }
  get children() {
    return this.childNodes.filter(c => c.nodeType == 1)
  }
  get firstElementChild() {
    return this.children[0] || null
  }
  get nextSibling() {
    const s = this.parentNode && this.parentNode.childNodes
    return (s && s[s.indexOf(this) + 1]) || null
  }
  get isConnected() {
    let n = this
    while (n.parentNode) n = n.parentNode
    return n === document
  }
  contains(other) {
    for (let n = other; n; n = n.parentNode) if (n === this) return true
    return false
  }
  querySelectorAll(selector) {
    // `:scope>` looks at the children alone (a failed view's notice).
    if (selector.startsWith(':scope>')) return this.children.filter(matcher(selector.slice(7)))
    // A list of selectors matches what any of them matches.
    const tests = selector.split(',').map(matcher)
    const test = el => tests.some(t => t(el))
    const found = []
    const walk = n => n.childNodes.forEach(c => (c.nodeType == 1 && test(c) && found.push(c), walk(c)))
    walk(this)
    return found
  }
  querySelector(selector) {
    return this.querySelectorAll(selector)[0] || null
  }
  get textContent() {
    return this.nodeType == 3 || this.nodeType == 8 ? this.data : this.childNodes.map(c => c.textContent).join('')
  }
  set textContent(text) {
    this.replaceChildren(new Text(text))
  }
  // Fragments give up their children, as in the DOM.
  static flat(nodes) {
    return nodes.flatMap(n => (n.nodeType == 11 ? n.childNodes.slice() : [n]))
  }
  insertBefore(node, ref) {
    const nodes = Node.flat([node])
    for (const n of nodes) n.remove()
    const at = ref ? this.childNodes.indexOf(ref) : this.childNodes.length
    if (at < 0) throw new Error('NotFoundError')
    this.childNodes.splice(at, 0, ...nodes)
    for (const n of nodes) n.parentNode = this
    return node
  }
  append(...nodes) {
    for (const n of Node.flat(nodes)) this.insertBefore(n, null)
  }
  replaceChildren(...nodes) {
    for (const c of this.childNodes.slice()) c.remove()
    this.append(...nodes)
  }
  remove() {
    if (!this.parentNode) return
    const s = this.parentNode.childNodes
    s.splice(s.indexOf(this), 1)
    this.parentNode = null
  }
  replaceWith(...nodes) {
    const parent = this.parentNode
    const next = this.nextSibling
    this.remove()
    for (const n of Node.flat(nodes)) parent.insertBefore(n, next)
  }
}

class CharacterData extends Node {
  constructor(type, name, data) {
    super(type, name)
    this.data = data
  }
}
export class Text extends CharacterData {
  constructor(data) {
    super(3, '#text', data)
  }
}
export class Comment extends CharacterData {
  constructor(data) {
    super(8, '#comment', data)
  }
}
export class Fragment extends Node {
  constructor() {
    super(11, '#document-fragment')
  }
}

// Each of a comma-separated list: `tag`, `*`, `[attr]`, `tag[attr]`, `tag[attr=value]` or `.class`: what the connector asks for.
const matcher = selector => {
  if (/^\.[\w-]+$/.test(selector)) return el => el.classList.contains(selector.slice(1))
  const m = /^([a-z]*|\*)(?:\[([\w:-]+)(?:(\^?)=(?:'([^']*)'|([\w-]+)))?\])?$/.exec(selector)
  if (!m) throw new Error(`fake-dom: unsupported selector ${selector}`)
  const [, tag, attr, prefix, quoted, bare] = m
  const value = quoted ?? bare
  const is = v => (prefix ? v != null && v.startsWith(value) : v == value)
  return el => (!tag || tag == '*' || el.localName == tag) && (!attr || (value == null ? el.hasAttribute(attr) : is(el.getAttribute(attr))))
}

const escape = (s, attr) => s.replace(attr ? /[&"]/g : /[&<>]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c])
const unescape = s => s.replace(/&(amp|lt|gt|quot);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"' })[e])

export class Element extends Node {
  constructor(tag) {
    super(1, tag.toUpperCase())
    this.localName = tag
    this.attributes = []
    if (tag == 'template') this.content = new Fragment()
  }
  get id() {
    return this.getAttribute('id') || ''
  }
  closest(selector) {
    const test = matcher(selector)
    for (let n = this; n && n.nodeType == 1; n = n.parentNode) if (test(n)) return n
    return null
  }
  // Over the class attribute, as in the DOM.
  get classList() {
    const names = () => (this.getAttribute('class') || '').split(' ').filter(Boolean)
    const set = list => this.setAttribute('class', list.join(' '))
    return {
      add: (...cs) => set([...names(), ...cs.filter(c => !names().includes(c))]),
      remove: (...cs) => set(names().filter(c => !cs.includes(c))),
      contains: c => names().includes(c),
    }
  }
  getAttribute(name) {
    const a = this.attributes.find(a => a.name == name)
    return a ? a.value : null
  }
  hasAttribute(name) {
    return this.getAttribute(name) != null
  }
  setAttribute(name, value) {
    if (!NAME.test(name)) throw new Error('InvalidCharacterError')
    const a = this.attributes.find(a => a.name == name)
    if (a) a.value = String(value)
    else this.attributes.push({ name, value: String(value), namespaceURI: null })
  }
  setAttributeNS(ns, name, value) {
    this.setAttribute(name, value)
  }
  removeAttribute(name) {
    this.attributes = this.attributes.filter(a => a.name != name)
  }
  get innerHTML() {
    return serialize(this.content || this)
  }
  set innerHTML(html) {
    ;(this.content || this).replaceChildren(...parse(html))
  }
  get outerHTML() {
    const attrs = this.attributes.map(a => ` ${a.name}="${escape(a.value, true)}"`).join('')
    return `<${this.localName}${attrs}>` + (VOID.has(this.localName) ? '' : `${this.innerHTML}</${this.localName}>`)
  }
}

const serialize = node =>
  node.childNodes
    .map(c => (c.nodeType == 3 ? escape(c.data) : c.nodeType == 8 ? `<!--${c.data}-->` : c.outerHTML))
    .join('')

// Well-formed markup only: tags, quoted attributes, text and comments.
const parse = html => {
  const top = new Fragment()
  const stack = [top]
  const re = /<!--([\s\S]*?)-->|<\/([a-z][\w-]*)\s*>|<([a-z][\w-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*>|([^<]+)/gi
  for (let m; (m = re.exec(html)); ) {
    const parent = stack.at(-1)
    if (m[1] != null) parent.append(new Comment(m[1]))
    else if (m[2]) stack.pop()
    else if (m[3]) {
      const el = new Element(m[3].toLowerCase())
      for (const [, name, value] of m[4].matchAll(/\s+([^\s=>]+)(?:="([^"]*)")?/g))
        el.attributes.push({ name: name.toLowerCase(), value: unescape(value || ''), namespaceURI: null })
      ;(parent.content || parent).append(el)
      if (!VOID.has(el.localName)) stack.push(el)
    } else (parent.content || parent).append(new Text(unescape(m[5])))
  }
  return top.childNodes.slice()
}

export const document = new Node(9, '#document')
document.activeElement = null
document.createElement = tag => new Element(tag)
document.createComment = data => new Comment(data)
document.getElementById = id => {
  const find = n => (n.nodeType == 1 && n.id == id ? n : n.childNodes.map(find).find(Boolean))
  return find(document) || null
}

// A detached element holding `html`, or one in the document when `connected`.
export const root = (html, connected) => {
  const el = new Element('div')
  el.innerHTML = html
  if (connected) document.replaceChildren(el)
  return el
}

export const install = () => {
  globalThis.document = document
}
