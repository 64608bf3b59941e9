'use strict'
// html``: every interpolation is escaped for where it stands.
const test = require('node:test')
const assert = require('node:assert/strict')
const { html, raw, escapeHtml, Html, isSafeUrl } = require('../test-support/livets').load()

const s = (h) => {
  assert.ok(h instanceof Html, 'html`` returns an Html value')
  return h.toString()
}

// What a browser would make of the markup: the attributes of the first
// element, decoded, and whether anything outside them became markup.
function firstTag(markup) {
  const m = /^<([a-z]+)((?:\s+[^\s"'>/=]+(?:="[^"]*"|='[^']*')?)*)\s*>/.exec(markup)
  assert.ok(m, `not a single well-formed start tag: ${markup}`)
  const attrs = {}
  for (const a of m[2].matchAll(/([^\s"'>/=]+)(?:="([^"]*)"|='([^']*)')?/g)) {
    attrs[a[1]] = (a[2] ?? a[3] ?? '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#96;/g, '`').replace(/&amp;/g, '&')
  }
  return { tag: m[1], attrs, rest: markup.slice(m[0].length) }
}

const SCRIPTS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  '<iframe srcdoc="<script>alert(1)</script>">',
  '</textarea><script>alert(1)</script>',
  '</title><script>alert(1)</script>',
  '<!--<script>alert(1)</script>-->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<a href="javascript:alert(1)">x</a>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
]

const BREAKOUTS = [
  '" onmouseover="alert(1)',
  "' onmouseover='alert(1)",
  '"><script>alert(1)</script>',
  "'><script>alert(1)</script>",
  '` onmouseover=alert(1) `',
  '" autofocus onfocus="alert(1)',
  'x" /><img src=x onerror=alert(1)>',
]

const ENTITY_TRICKS = [
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&#60;script&#62;alert(1)&#60;/script&#62;',
  '&#x3C;img src=x onerror=alert(1)&#x3E;',
  '&quot; onmouseover=&quot;alert(1)',
  '&#34; onmouseover=&#34;alert(1)',
  '&amp;lt;b&amp;gt;',
]

const JS_URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  '\u0000javascript:alert(1)',
  '\x01\x02javascript:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  'java\rscript:alert(1)',
  'javascript\t:alert(1)',
  'vbscript:msgbox(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'livescript:alert(1)',
]

const ALL = [...SCRIPTS, ...BREAKOUTS, ...ENTITY_TRICKS, ...JS_URLS]

test('every special character is escaped', () => {
  assert.equal(escapeHtml(`&<>"'\``), '&amp;&lt;&gt;&quot;&#39;&#96;')
  assert.equal(s(html`${`&<>"'\``}`), '&amp;&lt;&gt;&quot;&#39;&#96;')
})

test('XSS payloads in text positions stay text', () => {
  for (const p of ALL) {
    for (const wrap of [(v) => html`<div>${v}</div>`, (v) => html`<textarea>${v}</textarea>`, (v) => html`<title>${v}</title>`, (v) => html`${v}`]) {
      const out = s(wrap(p))
      const inner = out.replace(/^<(div|textarea|title)>/, '').replace(/<\/(div|textarea|title)>$/, '')
      assert.doesNotMatch(inner, /[<>"'`]/, out)
      // Decoding the entities once gives back exactly the payload: it is shown, not run.
      assert.equal(inner.replace(/&#96;/g, '`').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&'), p)
    }
  }
  assert.equal(s(html`${'&lt;'}`), '&amp;lt;', 'entities are escaped again, not trusted')
})

test('XSS payloads in a comment cannot close it', () => {
  for (const p of ALL) {
    const out = s(html`<!-- ${p} --><p></p>`)
    assert.equal(out.indexOf('-->'), out.length - '--><p></p>'.length, out)
  }
})

test('XSS payloads in quoted attributes cannot leave the value', () => {
  for (const p of ALL) {
    for (const out of [s(html`<a title="${p}">x</a>`), s(html`<a title='${p}'>x</a>`), s(html`<a class="btn ${p} big">x</a>`)]) {
      const { attrs, rest } = firstTag(out)
      assert.deepEqual(Object.keys(attrs), [out.includes('class=') ? 'class' : 'title'], out)
      assert.equal(rest, 'x</a>', out)
    }
  }
})

test('XSS payloads in unquoted attributes are quoted or encoded', () => {
  for (const p of ALL) {
    const start = s(html`<a title=${p}>x</a>`)
    assert.deepEqual(Object.keys(firstTag(start).attrs), ['title'], start)
    assert.equal(firstTag(start).attrs.title, p)
    const middle = s(html`<a title=x${p}y>x</a>`)
    assert.doesNotMatch(middle.slice('<a title=x'.length, middle.indexOf('y>x')), /[\s"'`<>=]/, middle)
    const joined = s(html`<a title=${p}y class=k>x</a>`)
    assert.doesNotMatch(joined.slice('<a title='.length, joined.indexOf('y class')), /[\s"'`<>=]/, joined)
  }
  assert.equal(s(html`<a title=${''} href="/">x</a>`), '<a title="" href="/">x</a>', 'an empty value cannot swallow the next attribute')
})

test('javascript: and other script URLs never reach href, src or action', () => {
  for (const p of JS_URLS) {
    assert.equal(isSafeUrl(p), false, JSON.stringify(p))
    for (const out of [
      s(html`<a href="${p}">x</a>`),
      s(html`<a href='${p}'>x</a>`),
      s(html`<a href=${p}>x</a>`),
      s(html`<a href=" ${p}">x</a>`),
      s(html`<img src="${p}">`),
      s(html`<form action="${p}"></form>`),
      s(html`<button formaction="${p}"></button>`),
      s(html`<iframe src="${p}"></iframe>`),
      s(html`<a xlink:href="${p}">x</a>`),
      s(html`<a ${{ href: p }}>x</a>`),
    ]) {
      const { attrs } = firstTag(out)
      const url = attrs.href ?? attrs.src ?? attrs.action ?? attrs.formaction ?? attrs['xlink:href']
      assert.ok(url.trim().startsWith('about:invalid#'), `${JSON.stringify(p)} -> ${out}`)
    }
  }
  // Built from pieces: the scheme is judged on the whole value.
  assert.match(s(html`<a href="${'java'}${'script:alert(1)'}">x</a>`), /^<a href="about:invalid#[^"]*">x<\/a>$/)
})

test('entity tricks in URLs stay inert text', () => {
  for (const p of ['&#106;avascript:alert(1)', 'javascript&colon;alert(1)', '&#x6A;avascript:alert(1)', 'jav&#x09;ascript:alert(1)']) {
    const { attrs } = firstTag(s(html`<a href="${p}">x</a>`))
    // The browser sees these literally (the & is escaped): a relative path, not a scheme.
    assert.equal(attrs.href, p)
    assert.equal(new URL(attrs.href, 'http://h.example/').protocol, 'http:')
  }
})

test('safe URLs are kept as they are', () => {
  for (const p of ['/users/7?tab=posts', 'https://example.com/a?b=c&d=e', 'http://x', 'mailto:a@b.c', 'tel:+123', '#top', '?page=2', 'relative/path', './a:b', 'a/b:c']) {
    assert.equal(isSafeUrl(p), true, p)
    const { attrs } = firstTag(s(html`<a href="${p}">x</a>`))
    assert.equal(attrs.href, p)
  }
  assert.equal(s(html`<a href="/users/${'7 & 8'}">x</a>`), '<a href="/users/7 &amp; 8">x</a>')
  assert.equal(s(html`<a href="https://example.com/?q=${'javascript:alert(1)'}">x</a>`), '<a href="https://example.com/?q=javascript:alert(1)">x</a>', 'a literal scheme before the data decides')
})

test('event handler and srcdoc attributes take no data', () => {
  assert.throws(() => html`<button onclick="${'alert(1)'}">x</button>`, TypeError)
  assert.throws(() => html`<button onclick=${'alert(1)'}>x</button>`, TypeError)
  assert.throws(() => html`<body onload='go(${1})'>`, TypeError)
  assert.throws(() => html`<iframe srcdoc="${'<b>'}"></iframe>`, TypeError)
  assert.throws(() => html`<a ${{ onclick: 'alert(1)' }}>x</a>`, TypeError)
  assert.throws(() => html`<a ${'onclick'}>x</a>`, TypeError)
  // Trusted script is the developer's own, through raw().
  assert.equal(s(html`<button onclick="${raw('go()')}">x</button>`), '<button onclick="go()">x</button>')
  // ts-on: bindings are names, not code.
  assert.equal(s(html`<button ts-on:click="${'inc'}">x</button>`), '<button ts-on:click="inc">x</button>')
})

test('tag names, end tags, script and style bodies take no data', () => {
  assert.throws(() => html`<${'script'}>`, TypeError)
  assert.throws(() => html`<h${1}>x</h1>`, TypeError)
  assert.throws(() => html`</${'div'}>`, TypeError)
  assert.throws(() => html`<script>var x = ${'1'}</script>`, TypeError)
  assert.throws(() => html`<style>.a { color: ${'red'} }</style>`, TypeError)
  assert.throws(() => html`<a data-${'x'}="1">x</a>`, TypeError)
  assert.equal(s(html`<script>${raw('1')}</script><p>${'<'}</p>`), '<script>1</script><p>&lt;</p>', 'context comes back after </script>')
})

test('between attributes: bare names and attribute maps', () => {
  assert.equal(s(html`<input ${true ? 'checked' : ''}>`), '<input checked>')
  assert.equal(s(html`<input ${false ? 'checked' : ''} disabled>`), '<input  disabled>')
  assert.equal(s(html`<input ${'checked disabled'}>`), '<input checked disabled>')
  assert.equal(s(html`<input ${null}${undefined}${false}>`), '<input >')
  assert.throws(() => html`<input ${'value=x'}>`, TypeError)
  assert.throws(() => html`<input ${'"><script>'}>`, TypeError)
  assert.equal(
    s(html`<input ${{ type: 'text', value: '"><script>', disabled: true, hidden: false, title: null, 'data-n': 3 }}>`),
    '<input type="text" value="&quot;&gt;&lt;script&gt;" disabled data-n="3">',
  )
  assert.throws(() => html`<input ${{ 'a b': 1 }}>`, TypeError)
  assert.throws(() => html`<input ${{ '"x': 1 }}>`, TypeError)
})

test('numbers, zero and true render as text', () => {
  assert.equal(s(html`${0}|${42}|${-1.5}|${true}`), '0|42|-1.5|true')
})

test('null, undefined and false render nothing', () => {
  assert.equal(s(html`[${null}][${undefined}][${false}]`), '[][][]')
  const show = false
  assert.equal(s(html`<p>${show && html`<b>hidden</b>`}</p>`), '<p></p>')
  assert.equal(s(html`<p class="${null}">x</p>`), '<p class="">x</p>')
})

test('arrays render as lists, each item escaped', () => {
  const items = ['a', '<b>', 'c']
  assert.equal(
    s(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`),
    '<ul><li>a</li><li>&lt;b&gt;</li><li>c</li></ul>',
  )
  assert.equal(s(html`${['<i>', ['x', null, ['<y>']], false]}`), '&lt;i&gt;x&lt;y&gt;')
  assert.equal(s(html`${[]}`), '')
  assert.equal(s(html`<p class="${['a', false, null, 'b"c']}">x</p>`), '<p class="a b&quot;c">x</p>', 'attribute lists are space-separated')
})

test('nested Html is not escaped again', () => {
  const inner = html`<b>${'<'}</b>`
  assert.equal(s(html`<p>${inner}</p>`), '<p><b>&lt;</b></p>')
  assert.equal(s(html`${html`${html`&`}`}`), '&')
})

test('raw() is inserted as is, anywhere', () => {
  assert.equal(s(html`<div>${raw('<hr>')}</div>`), '<div><hr></div>')
  assert.equal(s(raw('<x>')), '<x>')
  assert.equal(s(html`<a href="${raw('javascript:void(0)')}">x</a>`), '<a href="javascript:void(0)">x</a>')
  assert.equal(s(html`<${raw('section')}>x</section>`), '<section>x</section>')
})

test('a plain string never passes for Html', () => {
  assert.equal(s(html`${{ toString: () => '<b>' }}`), '&lt;b&gt;')
  assert.throws(() => new Html('<b>'), TypeError)
  assert.throws(() => Reflect.construct(Html, [Symbol('livets.Html'), '<b>']), TypeError)
})

test('the same template renders the same way every time', () => {
  const row = (v) => html`<tr><td title="${v}">${v}</td><td><a href="${v}">l</a></td></tr>`
  const first = s(row('javascript:x'))
  for (let i = 0; i < 3; i++) assert.equal(s(row('javascript:x')), first)
  assert.equal(s(row('/ok')), '<tr><td title="/ok">/ok</td><td><a href="/ok">l</a></td></tr>')
})
