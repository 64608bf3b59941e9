// The server keeps no view state across connections: when a tab rejoins
// after losing its socket (a restart, a network drop), the view is mounted
// afresh, and a count the user was building is back to its start. The
// connector marks the root ts-remounted and dispatches livets:remounted;
// this says so in words, once, outside the view so no render removes it.
document.addEventListener('livets:remounted', () => {
  if (document.getElementById('remount-notice')) return
  const notice = document.createElement('p')
  notice.id = 'remount-notice'
  notice.className = 'remount-notice'
  notice.setAttribute('role', 'status')
  notice.title = 'Click to dismiss'
  notice.textContent = 'The server restarted or the connection dropped; this page was reloaded with fresh state.'
  notice.addEventListener('click', () => notice.remove())
  document.body.prepend(notice)
})

// The /widgets hooks. This script runs before the connector (it is in the
// page's head), so it defines them on window.LiveTS for the connector to take.
window.LiveTS = window.LiveTS || {}
window.LiveTS.hooks = Object.assign(window.LiveTS.hooks || {}, {
  // Pushes "ping" on click and writes the view's reply ({"pong": N}) into #pong.
  Ping: {
    mounted() {
      this.el.addEventListener('click', () =>
        this.pushEvent('ping').then(
          reply => { document.getElementById('pong').textContent = JSON.stringify(reply) },
          error => { document.getElementById('pong').textContent = 'failed: ' + error.message },
        ))
    },
  },
  // Marks the element the view names in a "highlight" push event.
  Highlight: {
    mounted() {
      this.handleEvent('highlight', ({ id }) => {
        const el = document.getElementById(id)
        if (el) el.classList.add('highlighted')
      })
    },
  },
})
