'use strict'
// An Express app that owns its port, with LiveTS attached to its server:
// the app's own routes and WebSocket path beside the example counter.
// PORT picks the port.

const http = require('http')
const path = require('path')
const repo = path.join(__dirname, '..', '..', '..')
const express = require('/usr/share/nodejs/express')
const WebSocket = require('/usr/share/nodejs/ws')
const { LiveTSServer } = require(path.join(repo, 'node-binding'))
const { Counter } = require(path.join(repo, 'examples', 'app', 'dist', 'counter'))

const app = express()
app.get('/', (_req, res) => res.send('<!doctype html><title>Shop</title><h1>Shop</h1><a id="to-counter" href="/counter">Counter</a>'))
app.get('/api/health', (_req, res) => res.json({ ok: true }))

const server = http.createServer(app)
// The app's own socket: echoes what it gets.
const echo = new WebSocket.Server({ noServer: true })
server.on('upgrade', (req, socket, head) => {
  if (req.url !== '/echo') return socket.destroy()
  echo.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => ws.send(`echo: ${data}`)))
})

const live = new LiveTSServer({ secret: 'livets attach tests: not a secret', title: 'Attached' })
live.route('/counter', Counter)
live.attach(server)

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/`)
})
const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
