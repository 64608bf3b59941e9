// The LiveTS server's page layer and its features only (live.js,
// stream.js, upload.js, js-commands.js, transition.js). Kept out of
// constants.js's own body so the standalone connector's bundle, whose size
// is budgeted, is not renamed by names it never uses.

// Stream patch operations (stream.js applies them after the connector's).
export const OP_STREAM_INSERT = 9
export const OP_STREAM_DELETE = 10

// On <body>: a digest of the page's layout. Live navigation swaps the root
// only, so a page with another layout is loaded in full.
export const LAYOUT_ATTR = 'data-livets-layout'

// On a live root: the fingerprint of the view's HTML as the page has it.
// Sent in the first join (`_fp: {id: fingerprint}`), so a view whose join
// render is that very HTML is answered with null instead of the HTML again.
export const FP_ATTR = 'data-livets-fp'

// On a nested live view's root (liveRender with sticky: true): live
// navigation moves it, running, into the next page's root.
export const STICKY_ATTR = 'data-livets-sticky'

// Uploads (the page layer's upload.js). An entry's chunks travel as binary
// frames: a byte giving the entry ref's length, the ref, the bytes.
export const UPLOAD_ACK = 'k'
export const UPLOAD = 'ts-upload'
export const DROP_TARGET = 'ts-drop-target'
// On a button or link: drops the entry with this ref.
export const UPLOAD_CANCEL = 'ts-upload-cancel'
// The events the server answers itself: files announced, an entry dropped,
// held entries (autoUpload: false) released as their form is submitted.
// An external uploader's reports: {ref, progress} or {ref, error}.
export const UPLOAD_EVENTS = { announce: '$upload', cancel: '$upload-cancel', start: '$upload-start', external: '$upload-external' }
// Chunks of one entry sent and not yet acknowledged: the next waits for an
// ack, so neither side ever holds more of a file than this many chunks.
export const UPLOAD_WINDOW = 2

// Where the server serves the page's scripts: live.js or live-<features>.js,
// and each feature alone (js.js: JS commands and transitions; upload.js).
export const CLIENT_PREFIX = '/_livets/'

// Transitions (transition.js): on an element, the classes it enters and
// leaves with, "run start end" (or comma-separated groups of classes),
// and how long they last in ms; TRANSITION_MS when it says none.
export const TRANSITION = 'ts-transition'
export const TRANSITION_LEAVE = 'ts-transition-leave'
export const TRANSITION_TIME = 'ts-transition-time'
export const TRANSITION_MS = 200

// Under `livets dev` only (dev.js): the page's meta tags naming the dev
// channel and, on an error page, the error; the overlay's element id.
export const DEV_META = 'livets-dev'
export const DEV_ERROR_META = 'livets-dev-error'
export const DEV_OVERLAY = 'livets-dev-overlay'

// Refusal reasons the page layer acts on: a join whose mount threw (one
// reload may cure a stale page; more would only spin), and a view that
// threw and is being mounted again.
export const MOUNT_FAILED = 'join failed'
export const CRASHED = 'crashed'
// A short notice in a failed view's root, which the ts-error class alone
// shows only with the app's CSS; an app restyles or hides it by this class.
export const NOTICE = 'ts-error-notice'

// LiveTS.debug(true) and LiveTS.latencySim(ms) persist for the tab
// (sessionStorage), so they apply from the page's first message on reload.
export const DEBUG_KEY = 'livets-debug'
export const LATENCY_KEY = 'livets-latency-sim'
