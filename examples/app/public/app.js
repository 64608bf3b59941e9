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
