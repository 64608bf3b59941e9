import { ID_ATTR } from './constants.js'
import { DEV_META, DEV_ERROR_META, DEV_OVERLAY, DEBUG_KEY } from './page-constants.js'

// /_livets/dev.js: loaded only by pages of an app running under `livets
// dev` (the server adds it then, and never in production). It listens to
// the dev channel: a changed stylesheet is swapped in place, another
// browser file reloads the page, and a view that failed to render or
// mount shows an overlay until a render of it succeeds. After a restart
// the connector rejoins each view by itself, sending back what was typed;
// a page that has no view (an error page) reloads instead.
// The overlay is built with DOM calls and textContent only, styled through
// element.style, so it needs no inline script or style under the page's CSP.

const meta = name => document.querySelector(`meta[name="${name}"]`)
const root = id => [...document.querySelectorAll(`[${ID_ATTR}]`)].find(el => el.getAttribute(ID_ATTR) == id)
// What the overlay shows now: {id, where, ...}, or null.
let shown = null

const make = (tag, css, text) => {
  const el = document.createElement(tag)
  Object.assign(el.style, css)
  if (text != null) el.textContent = text
  return el
}
const MONO = { font: '13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace', whiteSpace: 'pre-wrap', margin: '0 0 16px', overflowWrap: 'anywhere' }

export const hideOverlay = () => {
  const el = document.getElementById(DEV_OVERLAY)
  if (el) el.remove()
  shown = null
}

// error: {view, where, message, stack, state} as the server sent it.
export const showOverlay = error => {
  hideOverlay()
  shown = error
  const overlay = make('div', {
    position: 'fixed', inset: '0', zIndex: '2147483647', background: 'rgba(20, 20, 24, 0.92)',
    color: '#eee', overflow: 'auto', padding: '32px', boxSizing: 'border-box', textAlign: 'left',
  })
  overlay.id = DEV_OVERLAY
  overlay.setAttribute('role', 'alert')
  const panel = make('div', { maxWidth: '960px', margin: '0 auto', font: '14px/1.4 system-ui, sans-serif' })
  const close = make('button', { float: 'right', font: 'inherit', cursor: 'pointer' }, 'Close')
  close.type = 'button'
  close.addEventListener('click', hideOverlay)
  panel.append(
    close,
    make('div', { color: '#ff8a80', fontWeight: 'bold', fontSize: '18px', marginBottom: '8px' }, error.where ? `${error.view}: ${error.where} threw` : error.view),
    make('pre', { ...MONO, color: '#ffcdd2', fontSize: '15px' }, error.message),
  )
  for (const [title, text] of [['Stack', error.stack], ['State', error.state]]) {
    if (text) panel.append(make('div', { fontWeight: 'bold', margin: '8px 0 4px' }, title), make('pre', MONO, text))
  }
  panel.append(make('div', { opacity: '0.7' }, 'livets dev: this goes away when the view renders again. Not shown in production.'))
  overlay.append(panel)
  document.body.append(overlay)
}

// A changed stylesheet comes back under a new URL; the old one goes once
// the new one has loaded, so the page is never unstyled in between.
const swapStyles = files => {
  const links = [...document.querySelectorAll('link[rel~="stylesheet"]')].filter(l => new URL(l.href).origin == location.origin)
  const named = links.filter(l => files.some(f => new URL(l.href).pathname.endsWith('/' + f.split('/').pop())))
  for (const link of named.length ? named : links) {
    const url = new URL(link.href)
    url.searchParams.set('livets-dev', Date.now())
    const next = link.cloneNode()
    next.href = url.href
    next.addEventListener('load', () => link.remove())
    next.addEventListener('error', () => next.remove())
    link.after(next)
  }
}

const on = (source, name, f) => source.addEventListener(name, e => f(JSON.parse(e.data)))

const start = () => {
  const channel = meta(DEV_META)
  if (!channel) return
  const failed = meta(DEV_ERROR_META)
  if (failed) showOverlay(JSON.parse(failed.content))
  const source = new EventSource(channel.content + '/events')
  on(source, 'css', ({ files }) => swapStyles(files))
  on(source, 'reload', () => location.reload())
  on(source, 'restarted', () => {
    if (!document.querySelector(`[${ID_ATTR}]`)) location.reload()
  })
  on(source, 'view-error', error => root(error.id) && showOverlay(error))
  on(source, 'view-ok', ({ id }) => shown && shown.id == id && hideOverlay())
  on(source, 'build-error', showOverlay)
  on(source, 'build-ok', () => shown && shown.where == 'compile' && hideOverlay())
  // The server's side of each event (handler, render, diff, patch), beside
  // what the page layer logs of it, while LiveTS.debug() is on.
  on(source, 'debug', ({ id, line }) => sessionStorage.getItem(DEBUG_KEY) == '1' && root(id) && console.debug(line))
}

if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', start)
else start()
