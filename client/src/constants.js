// The one place the connector names what the server or the page also names:
// wire letters (docs/protocol.md; a sample of each kind is in
// tests/fixtures/wire-frames.json, which the core and the Node layer are
// checked against too), markup attributes, CSS hooks, and the tunables
// worth finding without reading the code.

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
export const TITLE = 't'
export const PUSH_EVENT = 'v'
export const REPLY = 'y'

// Patch operation codes
export const OP_REPLACE = 0
export const OP_TEXT = 1
export const OP_SET_ATTR = 2
export const OP_REMOVE_ATTR = 3
export const OP_APPEND = 4
export const OP_REMOVE = 5
export const OP_INSERT = 6
export const OP_MOVE = 7
export const OP_CHILDREN = 8

export const SOCKET_PATH = '/live?v=1'

// Markup
export const ID_ATTR = 'data-livets-id'
export const TOKEN_ATTR = 'data-livets-token'
export const ON_PREFIX = 'ts-on:'
export const VALUE_PREFIX = 'ts-value-'
export const DOM_EVENTS = ['click', 'submit', 'change', 'input', 'keydown', 'keyup', 'focus', 'blur']
// Binding modifiers that are not key names (`.300ms` after a timing one is not either).
export const OPTIONS = ['window', 'outside', 'debounce', 'throttle', 'lazy']
export const MODEL = 'ts-model'
// The event a ts-model change travels as: ["e", ref, id, "$model", {field, value}].
export const MODEL_EVENT = '$model'
// `ts-debounce` and `ts-throttle` are this prefix plus the modifier's name.
export const ATTR_PREFIX = 'ts-'
export const SHOW = 'ts-show'
export const IF = 'ts-if'
export const HOOK = 'ts-hook'
export const KEY = 'ts-key'
export const IGNORE = 'ts-ignore'
export const DISABLE_WITH = 'ts-disable-with'

// Classes the page can style
export const CONNECTED = 'ts-connected'
export const DISCONNECTED = 'ts-disconnected'
export const ERROR = 'ts-error'
// On a view root whose rejoin after a lost connection mounted a fresh
// server instance (the server keeps no state across connections), with
// the event of the same name dispatched on the root.
export const REMOUNTED = 'ts-remounted'
export const REMOUNTED_EVENT = 'livets:remounted'
// On the element, and its form, whose event still awaits the server's answer.
export const LOADING = 'ts-loading'

// Reconnect delays in ms: full jitter over an exponential ceiling, so a
// restarted server is not hit by every page at the same instant.
export const BACKOFF_BASE = 500
export const BACKOFF_CAP = 15000

// A refusal no reload can cure: the view renders more than the server sends.
export const TOO_LARGE = 'update too large'

// Debounce or throttle in ms when the page names none.
export const DELAY = 300

// What only the LiveTS server's page layer names (layouts, streams,
// uploads) is in page-constants.js.

// Long polling (docs/protocol.md): the WebSocket is given up for it after
// this many tries in a row that never opened or dropped within QUICK_DROP
// ms, and tried again (beside the polling) every POLL_RETRY ms.
export const POLL_AFTER = 2
export const QUICK_DROP = 5000
export const POLL_RETRY = 30000
export const SESSION_HEADER = 'LiveTS-Session'
