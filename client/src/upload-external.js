// /_livets/upload-external.js: uploads to a storage service rather than
// the server (docs/uploads.md, "External uploads"), which the uploads
// (upload.js) load the first time the server hands an entry to an
// uploader, so no other page carries them. Sets window.LiveTS.sendExternal.

// The built-in external uploader: the file as the body of a PUT to
// meta.url with meta.headers (a storage service's presigned URL).
// Resolves on a 2xx answer; progress(fraction) as the body goes.
export const put = (file, meta, progress) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('PUT', meta.url)
    for (const [name, value] of Object.entries(meta.headers || {})) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = e => e.lengthComputable && progress(e.loaded / e.total)
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`upload answered ${xhr.status}`)))
    xhr.onerror = () => reject(new Error('upload failed'))
    xhr.send(file)
  })

// An external upload: the uploader the server named (window.LiveTS.uploaders,
// or the built-in PUT), reporting progress in whole tenths, then 100, or
// the error. `report(payload)` sends one report to the view.
export const sendExternal = (file, meta, report, uploaders = {}) => {
  const uploader = uploaders[meta.uploader] || (meta.uploader == 'PUT' && put)
  if (!uploader) return Promise.resolve(report({ error: `no uploader ${meta.uploader}` }))
  let tenth = 0
  const progress = fraction => {
    const now = Math.floor(fraction * 10)
    if (now > tenth && now < 10) report({ progress: (tenth = now) * 10 })
  }
  return Promise.resolve()
    .then(() => uploader(file, meta, progress))
    .then(() => report({ progress: 100 }), e => report({ error: String((e && e.message) || e) }))
}

// Not when a test imports this.
if (globalThis.window) window.LiveTS.sendExternal = sendExternal
