import { longPoll } from './longpoll.js'

// /_livets/poll.js (dist/poll.js): long polling, which the connector loads
// from beside its own script the first time the WebSocket gives way to it
// (transport.js), so a page whose WebSockets work never loads it.
window.LiveTS.poll = longPoll
