// A file sent to a live view's upload as the page layer sends it
// (client/src/upload.js): announced with a `$upload` event, then binary
// chunks of 64,000 bytes, at most two unacknowledged, each waiting for the
// core's `k` ack. Used by scripts/bench/upload and scripts/bench/upload-soak.
'use strict';
const crypto = require('crypto');
const { performance } = require('perf_hooks');
const { fetchPage, LiveSocket } = require('./live-client');

const CHUNK = 64_000;
const WINDOW = 2;

// Joins the view at `pagePath`, announces one entry of `size` bytes for
// its upload `name`, and sends it; `read(offset, buffer)` fills each chunk.
// Resolves with the seconds from the first chunk to the last ack;
// `onAck(received)` hears every ack on the way.
async function uploadOverSocket(port, pagePath, name, size, run, read, onAck = () => {}) {
  const page = await fetchPage(port, pagePath);
  if (!page.token) throw new Error(`${pagePath} answered ${page.status} without a live view`);
  const socket = await new LiveSocket(port).open();
  const joined = await socket.join(page, pagePath);
  if (joined.kind !== 'r') throw new Error(`join answered ${joined.kind} ${joined.reason || ''}`);
  const ref = `bench${run}${crypto.randomBytes(4).toString('hex')}`;
  const header = Buffer.concat([Buffer.from([ref.length]), Buffer.from(ref)]);
  let sent = 0;
  let inFlight = 0;
  let started = 0;
  const done = new Promise((resolve, reject) => {
    const pump = () => {
      if (started === 0) started = performance.now();
      while (inFlight < WINDOW && sent < size) {
        const data = Buffer.allocUnsafe(Math.min(CHUNK, size - sent));
        read(sent, data);
        socket.ws.send(Buffer.concat([header, data]));
        sent += data.length;
        inFlight++;
      }
    };
    socket.tap = (m) => {
      if (m[0] !== 'k' || m[2] !== ref) return;
      if (typeof m[4] === 'string') return reject(new Error(`upload refused: ${m[4]}`));
      if (m[3] === 0 && m[4] === CHUNK) return pump();
      inFlight--;
      onAck(m[3]);
      if (m[3] === size) return resolve((performance.now() - started) / 1000);
      pump();
    };
    socket.onClose = (code) => reject(new Error(`socket closed ${code}`));
  });
  await socket.event(page.id, '$upload', { upload: name, entries: [{ ref, name: 'bench.bin', size, type: '' }] });
  try {
    return await done;
  } finally {
    socket.close();
  }
}

module.exports = { uploadOverSocket, CHUNK, WINDOW };
