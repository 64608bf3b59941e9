// The one place the connector names what the server or the page also names:
// wire letters (docs/protocol.md; the server's twin is
// Sources/LiveTSEngine/Protocol.swift), markup attributes, CSS hooks, and
// the tunables worth finding without reading the code.

// Browser -> server
export const JOIN = 'j'
export const EVENT = 'e'
export const LEAVE = 'l'
export const RESYNC = 's'
export const URL_CHANGE = 'u'

// Server -> browser
export const RENDER = 'r'
export const PATCH = 'p'
export const REFUSED = 'x'
export const HISTORY = 'h'
export const NAVIGATE = 'n'
export const REDIRECT = 'g'
export const FLASH = 'f'

// Patch operation codes
export const OP_REPLACE = 0
export const OP_TEXT = 1
export const OP_SET_ATTR = 2
export const OP_REMOVE_ATTR = 3
export const OP_APPEND = 4
export const OP_REMOVE = 5

export const SOCKET_PATH = '/live?v=1'

// Markup
export const ID_ATTR = 'data-livets-id'
export const TOKEN_ATTR = 'data-livets-token'
export const ON_PREFIX = 'ts-on:'
export const VALUE_PREFIX = 'ts-value-'
export const DOM_EVENTS = ['click', 'submit', 'change', 'input']

// Classes the page can style
export const CONNECTED = 'ts-connected'
export const DISCONNECTED = 'ts-disconnected'
export const ERROR = 'ts-error'
// On the element whose event is still waiting for the server's answer.
export const LOADING = 'ts-loading'

// Reconnect delays in ms: full jitter over an exponential ceiling, so a
// restarted server is not hit by every page at the same instant.
export const BACKOFF_BASE = 500
export const BACKOFF_CAP = 15000
