#!/usr/bin/env node
// The transport benchmarks' baseline: a WebSocket echo server on Node and
// the ws package, written the way a Node developer would, with the same
// behaviour as examples/echo-server. With --broadcast-path P, connections
// opened on P join one set, and a text message from any of them is sent to
// every member by a loop calling ws.send. With --redis URL it is one node of
// several, as examples/echo-server is with the same flag: the loop runs here,
// then the message goes once to Redis (scripts/bench/peers/redis-bridge.js), and
// every other node runs its own loop when Redis brings it.
//
// usage: node scripts/bench/peers/ws-echo.js --port N [--host ADDR] [--broadcast-path P] [--redis URL]
'use strict';

const http = require('http');

let ws;
try {
  ws = require('ws');
} catch {
  ws = require('/usr/share/nodejs/ws'); // Debian's node-ws, when NODE_PATH is not set
}
const { WebSocketServer, WebSocket } = ws;
const { connectBridge } = require('./redis-bridge');

const TOPIC = 'broadcast';
const options = { host: '127.0.0.1', port: 9001, broadcastPath: null, redis: null };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const value = args[i + 1];
  if (args[i] === '--port' && value !== undefined) options.port = Number(args[++i]);
  else if (args[i] === '--host' && value !== undefined) options.host = args[++i];
  else if (args[i] === '--broadcast-path' && value !== undefined) options.broadcastPath = args[++i];
  else if (args[i] === '--redis' && value !== undefined) options.redis = args[++i];
  else {
    console.error('usage: ws-echo.js --port N [--host ADDR] [--broadcast-path P] [--redis URL]');
    process.exit(2);
  }
}

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('ws echo server: open a WebSocket on any path\n');
});

// The echo server has no compression and a 64 MiB message limit: the same here.
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
const subscribers = new Set();
let bridge = null;

function deliver(data) {
  for (const client of subscribers) {
    if (client.readyState === WebSocket.OPEN) client.send(data, { binary: false });
  }
}

wss.on('connection', (socket, req) => {
  const path = req.url.split('?')[0];
  const member = options.broadcastPath !== null && path === options.broadcastPath;
  if (member) {
    subscribers.add(socket);
    socket.on('close', () => subscribers.delete(socket));
  }
  socket.on('message', (data, isBinary) => {
    if (member && !isBinary) {
      // Local delivery first, then Redis: the order of the core's lts_publish.
      deliver(data);
      if (bridge) bridge.publish(TOPIC, data);
      return;
    }
    socket.send(data, { binary: isBinary });
  });
  // A peer that resets is not the server's failure; without a listener it would crash the process.
  socket.on('error', () => {});
});

async function start() {
  if (options.redis) {
    bridge = await connectBridge(options.redis, (topic, data) => {
      if (topic === TOPIC) deliver(data);
    });
  }
  server.listen(options.port, options.host, () => {
    console.log(`ws echo server on ws://${options.host}:${server.address().port}/`);
  });
}

start().catch((error) => {
  console.error(`ws-echo: ${error.message}`);
  process.exit(1);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
