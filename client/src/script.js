// Adds <script src> to the page: how the page loads a script it comes to
// need (a feature, long polling, ts-show, live navigation, external
// uploads). A page's CSP `script-src 'self'` allows it where the script
// is served beside the page's own.
export const addScript = (src, onload, onerror) => {
  const s = document.createElement('script')
  s.src = src
  s.onload = onload
  s.onerror = onerror
  document.head.append(s)
}

// Runs `then` with window.LiveTS[name], which script `src` sets as it runs,
// loading the script first if need be; with nothing if it fails to load.
export const withScript = (name, src, then) =>
  LiveTS[name] ? then(LiveTS[name]) : addScript(src, () => then(LiveTS[name]), () => then())
