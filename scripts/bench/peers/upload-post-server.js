// The upload benchmark's baseline: a plain Node http server that streams a
// POST body into a temporary file (created as LiveTS creates its upload
// files: O_EXCL, mode 0600), answers with the byte count, and removes it.
// Prints "upload server on <port>" when listening.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const port = Number(process.argv[2] || 0);
const server = http.createServer((request, response) => {
  if (request.method !== 'POST') {
    response.writeHead(405).end();
    return;
  }
  const file = path.join(os.tmpdir(), `bench-post-${crypto.randomBytes(12).toString('hex')}`);
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
  let bytes = 0;
  request.on('data', (chunk) => (bytes += chunk.length));
  request.pipe(out);
  out.on('finish', () => {
    fs.rmSync(file, { force: true });
    response.writeHead(200, { 'content-type': 'text/plain' }).end(String(bytes));
  });
  out.on('error', (error) => {
    fs.rmSync(file, { force: true });
    response.writeHead(500).end(error.message);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`upload server on ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
