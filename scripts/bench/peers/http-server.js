#!/usr/bin/env node
// One Express 4 app (Debian's node-express) served two ways, for
// scripts/bench/http: `--front livets` passes it to LiveTSServer as its
// handler (the core parses HTTP and the app answers on the same port as
// the live views), `--front node` serves it with Node's own http server.
// Prints "listening on PORT" when ready; SIGTERM stops it.
//
// usage: scripts/bench/peers/http-server.js --front livets|node [--port N]
'use strict';
const http = require('http');
const path = require('path');
const express = require('express');

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : argv[i + 1];
};
const front = option('--front', '');
const port = Number(option('--port', '0'));
if (front !== 'livets' && front !== 'node') {
  console.error('usage: http-server.js --front livets|node [--port N]');
  process.exit(2);
}

// What a JSON API route of a real app does per request: routing, a JSON
// body parsed on POST, a JSON answer.
function makeApp() {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.get('/api/health', (req, res) => res.json({ ok: true }));
  app.post('/api/echo', (req, res) => res.json(req.body));
  return app;
}

async function main() {
  const app = makeApp();
  let close;
  if (front === 'node') {
    const server = http.createServer(app);
    // Node's default keep-alive timeout (5 s) is shorter than a run.
    server.keepAliveTimeout = 60_000;
    await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
    console.log(`listening on ${server.address().port}`);
    close = () => new Promise((resolve) => server.close(resolve));
  } else {
    const { LiveTSServer } = require(path.join(__dirname, '..', '..', '..', 'node-binding'));
    // One load generator connection is one client address; the page rate
    // limit is for browsers, not for this.
    const server = new LiveTSServer({ port, host: '127.0.0.1', secret: 'http bench', handler: app, pageRate: 1_000_000, pageBurst: 1_000_000 });
    console.log(`listening on ${await server.listen()}`);
    close = () => server.close();
  }
  const stop = () => close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
