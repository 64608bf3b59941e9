// Adds <script src> to the page: how the page loads a script it comes to
// need (a feature, long polling). A page's CSP `script-src 'self'`
// allows it where the script is served beside the page's own.
export const addScript = (src, onload, onerror) => {
  const s = document.createElement('script')
  s.src = src
  s.onload = onload
  s.onerror = onerror
  document.head.append(s)
}
