'use strict'
// A view's uploads in the Node layer: what is checked before a byte is
// sent (count, size, type), what the view sees of its entries, and the
// files it takes with consumeUploads, removed after unless moved.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { LiveView, html } = require('../test-support/livets').load()
const { mountView, EventRefused } = require('../test-support/livets').load('testing')
const { accepts, checkUploadOptions } = require('../dist/uploads.js')

// Where the next consumed file is moved to, when set.
let moveTo = null

class Avatar extends LiveView {
  static events = ['save']
  static uploads = { avatar: { accept: ['.png', 'image/webp'], maxEntries: 2, maxFileSize: 10 } }
  state = { saved: [] }
  render() {
    return html`<ul>${this.uploadEntries('avatar').map(
      (e) => html`<li>${e.name} ${e.size} ${e.progress}% ${e.done ? 'done' : 'waiting'}${e.errors.map((x) => html` [${x}]`)}</li>`,
    )}</ul><p>${this.state.saved.join(',')}</p>`
  }
  async handleEvent() {
    const saved = await this.consumeUploads('avatar', (entry, file) => {
      const content = fs.readFileSync(file, 'utf8')
      if (moveTo) fs.renameSync(file, moveTo)
      return `${entry.name}=${content}@${file}`
    })
    this.setState({ saved })
  }
}

const savedPaths = (view) => view.html().match(/<p>(.*)<\/p>/)[1].split(',').map((s) => s.split('@')[1])

test('each file is checked before a byte is sent: type, size, then count', async () => {
  const view = await mountView(Avatar, { url: '/a' })
  const out = await view.upload('avatar', [
    { name: 'me.PNG', content: '12345' },
    { name: 'notes.txt', content: 'x', type: 'text/plain' },
    { name: 'big.webp', content: '12345678901', type: 'image/webp' },
    { name: 'cat.webp', content: 'meow', type: 'image/webp' },
    { name: 'third.png', content: '3' },
  ])
  assert.equal(out, '<ul><li>me.PNG 5 100% done</li><li>notes.txt 1 0% waiting [file type not accepted]</li>' +
    '<li>big.webp 11 0% waiting [too large (over 10 bytes)]</li><li>cat.webp 4 100% done</li>' +
    '<li>third.png 1 0% waiting [too many files (at most 2)]</li></ul><p></p>')
  // The browser is told not to send the refused ones, and to hold the
  // others until their form is submitted (autoUpload is false by default).
  const told = view.messages.filter((m) => m[0] === 'k').map((m) => [m[2], m[3], m[4]])
  assert.deepEqual(told, [['t2x0', 0, 0], ['t2x1', 0, 'file type not accepted'], ['t2x2', 0, 'too large (over 10 bytes)'],
    ['t2x3', 0, 0], ['t2x4', 0, 'too many files (at most 2)']])
})

test('consumeUploads hands each finished file over, then removes it and its entry', async () => {
  const view = await mountView(Avatar, { url: '/a' })
  await view.upload('avatar', [{ name: 'a.png', content: 'AAA' }, { name: 'b.webp', content: 'BB', type: 'image/webp' }])
  const out = await view.submit('save')
  assert.match(out, /^<ul><\/ul><p>a\.png=AAA@.*,b\.webp=BB@.*<\/p>$/)
  for (const file of savedPaths(view)) assert.equal(fs.existsSync(file), false, `${file} was removed`)
  // Taken entries no longer count against maxEntries.
  assert.match(await view.upload('avatar', [{ name: 'c.png', content: 'C' }, { name: 'd.png', content: 'D' }]), /c\.png 1 100% done.*d\.png 1 100% done/)
})

test('a file the callback moved stays where it was moved', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lts-kept-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const view = await mountView(Avatar, { url: '/a' })
  await view.upload('avatar', [{ name: 'keep.png', content: 'KEEP' }])
  moveTo = path.join(dir, 'kept.png')
  try {
    await view.submit('save')
  } finally {
    moveTo = null
  }
  assert.equal(fs.readFileSync(path.join(dir, 'kept.png'), 'utf8'), 'KEEP')
})

test('a malformed announcement, or one for a view without uploads, is refused', async () => {
  const view = await mountView(Avatar, { url: '/a' })
  await assert.rejects(view.event('$upload', { upload: 'avatar', entries: [{ ref: 'bad ref', name: 'x', size: 1, type: '' }] }),
    (e) => e instanceof EventRefused && e.reason === 'an upload entry is {ref, name, size, type}')
  await assert.rejects(view.event('$upload', { upload: 'other', entries: [] }), (e) => e.reason === 'no such upload')
  await assert.rejects(view.event('$upload', [1]), (e) => e.reason === 'an upload announcement is {upload, entries}')
  class Plain extends LiveView {
    state = {}
    render() { return html`<p></p>` }
  }
  const plain = await mountView(Plain, { url: '/p' })
  await assert.rejects(plain.event('$upload', { upload: 'avatar', entries: [] }), (e) => e.reason === 'no uploads on this view')
})

test('a cancelled entry leaves the list and its file goes', async () => {
  const view = await mountView(Avatar, { url: '/a' })
  await view.upload('avatar', [{ name: 'gone.png', content: 'G' }])
  const ref = 't2x0'
  assert.match(view.html(), /gone\.png/)
  assert.equal(await view.event('$upload-cancel', { ref }), '<ul></ul><p></p>')
  const out = await view.submit('save')
  assert.equal(out, '<ul></ul><p></p>', 'nothing left to consume')
})

test('held entries are allowed only when their form is submitted; with autoUpload they go at once', async () => {
  const view = await mountView(Avatar, { url: '/a' })
  await view.event('$upload', { upload: 'avatar', entries: [{ ref: 'h1', name: 'h.png', size: 3, type: '' }] })
  assert.match(view.html(), /h\.png 3 0% waiting/)
  await assert.rejects(view.event('$upload-start', { refs: 'h1' }), (e) => e.reason === 'an upload start is {refs}')
  class Instant extends LiveView {
    static uploads = { files: { autoUpload: true, chunkSize: 1000 } }
    state = {}
    render() { return html`<p>${this.uploadEntries('files').length}</p>` }
  }
  const instant = await mountView(Instant, { url: '/i' })
  await instant.event('$upload', { upload: 'files', entries: [{ ref: 'i1', name: 'i', size: 5, type: '' }] })
  assert.equal(instant.messages.some((m) => m[0] === 'k'), false, 'no hold: the core starts it')
})

test('the connector names the upload events as the server does', async () => {
  const { UPLOAD_EVENTS, UPLOAD_ACK } = await import('../../client/src/page-constants.js')
  const uploads = require('../dist/uploads.js')
  assert.deepEqual(UPLOAD_EVENTS, { announce: uploads.UPLOAD_EVENT, cancel: uploads.UPLOAD_CANCEL_EVENT, start: uploads.UPLOAD_START_EVENT, external: uploads.UPLOAD_EXTERNAL_EVENT })
  assert.equal(UPLOAD_ACK, require('../dist/protocol.js').Kind.uploadAck)
})

test('accept takes extensions, exact MIME types and type/*, case-insensitively', () => {
  assert.equal(accepts([], 'anything', ''), true)
  assert.equal(accepts(['.png'], 'A.PNG', ''), true)
  assert.equal(accepts(['.png'], 'a.png.exe', ''), false)
  assert.equal(accepts(['image/*'], 'x', 'image/jpeg'), true)
  assert.equal(accepts(['image/*'], 'x', 'text/plain'), false)
  assert.equal(accepts(['image/webp'], 'x', 'Image/WebP'), true)
})

test('static uploads are checked, with the mistake named', () => {
  assert.throws(() => checkUploadOptions('V', { a: { maxEntries: 0 } }), /V: uploads\.a\.maxEntries must be an integer of at least 1, not 0/)
  assert.throws(() => checkUploadOptions('V', { a: { accept: 'png' } }), /uploads\.a\.accept must be an array/)
  assert.throws(() => checkUploadOptions('V', { a: { chunkSize: 1.5 } }), /uploads\.a\.chunkSize/)
  assert.deepEqual(checkUploadOptions('V', { a: {} }).get('a'), { accept: [], maxEntries: 1, maxFileSize: 8_000_000, chunkSize: 64_000, autoUpload: false, external: null })
  assert.throws(() => checkUploadOptions('V', { a: { external: 'https://bucket' } }), /uploads\.a\.external must be a function/)
})
