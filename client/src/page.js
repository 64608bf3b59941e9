// /_livets/live.js: what a page the LiveTS server renders loads, the page
// layer and the connector in one script (one request, one gzip stream).
// The page layer goes first: the connector reads it as it starts.
import './server-page.js'
import './index.js'
