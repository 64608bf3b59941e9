import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { sender } from '../src/upload.js'
import { sendExternal } from '../src/upload-external.js'
import { UPLOAD_WINDOW } from '../src/page-constants.js'

// The browser half of an upload's flow control: chunks wait for acks.
// A stand-in for the server acks what it got, when the test says so.
const server = (ref, file) => {
  const frames = []
  let received = 0
  let maxInFlight = 0
  const state = { frames, get received() { return received }, get maxInFlight() { return maxInFlight } }
  state.send = blob => {
    frames.push(blob)
    maxInFlight = Math.max(maxInFlight, frames.length)
  }
  // Takes the oldest frame in flight, checks its header, and acks it.
  state.ackOne = async () => {
    const blob = frames.shift()
    const bytes = new Uint8Array(await blob.arrayBuffer())
    assert.equal(bytes[0], ref.length)
    assert.equal(Buffer.from(bytes.subarray(1, 1 + ref.length)).toString(), ref)
    const data = bytes.subarray(1 + ref.length)
    assert.deepEqual(Buffer.from(data), file.subarray(received, received + data.length), 'chunks arrive in order')
    received += data.length
    return { data, received }
  }
  return state
}

test('never more than the window of chunks is in flight, whatever the file size', async () => {
  const file = randomBytes(1_000_003)
  const s = server('e1', file)
  const up = sender('e1', new Blob([file]), s.send)
  assert.equal(s.frames.length, 0, 'nothing is sent before the server allows it')
  up.start_(64_000)
  assert.equal(s.frames.length, UPLOAD_WINDOW)
  let done = false
  let acks = 0
  while (!done) {
    const { data, received } = await s.ackOne()
    assert.ok(data.length <= 64_000 && data.length > 0)
    done = up.ack_(received)
    acks++
    assert.ok(s.frames.length <= UPLOAD_WINDOW, `in flight after ack ${acks}: ${s.frames.length}`)
  }
  assert.equal(s.received, file.length)
  assert.equal(s.frames.length, 0, 'nothing after the last byte')
  assert.equal(acks, Math.ceil(file.length / 64_000))
  assert.equal(s.maxInFlight, UPLOAD_WINDOW)
})

test('without acks the sender stops at the window: a slow server is never flooded', () => {
  const s = server('big', Buffer.alloc(0))
  // A "1 GB" file: slices are lazy, nothing is read or copied until sent.
  const huge = { size: 1 << 30, slice: (a, b) => new Blob([new Uint8Array(b - a)]) }
  const up = sender('big', huge, s.send, 3)
  up.start_(64_000)
  assert.equal(s.frames.length, 3)
})

test('a stopped sender (cancelled, failed) sends nothing more, acks or not', async () => {
  const file = randomBytes(300_000)
  const s = server('c', file)
  const up = sender('c', new Blob([file]), s.send)
  up.start_(50_000)
  const { received } = await s.ackOne()
  up.stop_()
  up.ack_(received)
  assert.equal(s.frames.length, UPLOAD_WINDOW - 1, 'only what was already in flight')
})

test('a file smaller than one chunk is one frame; an empty one sends none', async () => {
  const one = server('a', Buffer.from('x'))
  const up = sender('a', new Blob(['x']), one.send)
  up.start_(64_000)
  assert.equal(one.frames.length, 1)
  const { received } = await one.ackOne()
  assert.equal(up.ack_(received), true)
  const none = server('b', Buffer.alloc(0))
  sender('b', new Blob([]), none.send).start_(64_000)
  assert.equal(none.frames.length, 0)
})

test('an external upload runs the uploader the server named and reports tenths, then 100', async () => {
  const reports = []
  const seen = []
  const uploaders = {
    S3: async (file, meta, progress) => {
      seen.push([file.size, meta.url])
      for (const f of [0.05, 0.15, 0.18, 0.5, 0.99, 1]) progress(f)
    },
  }
  await sendExternal(new Blob(['abc']), { uploader: 'S3', url: 'https://bucket/x' }, r => reports.push(r), uploaders)
  assert.deepEqual(seen, [[3, 'https://bucket/x']])
  assert.deepEqual(reports, [{ progress: 10 }, { progress: 50 }, { progress: 90 }, { progress: 100 }])
})

test('an uploader that fails, or one the page does not have, is reported as an error', async () => {
  const reports = []
  await sendExternal(new Blob(['a']), { uploader: 'S3' }, r => reports.push(r), { S3: async () => { throw new Error('403 from bucket') } })
  await sendExternal(new Blob(['a']), { uploader: 'GCS' }, r => reports.push(r), {})
  assert.deepEqual(reports, [{ error: '403 from bucket' }, { error: 'no uploader GCS' }])
})
