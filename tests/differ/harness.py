"""Runs core patches in Chromium: for each (old, new) pair, lts_diff (the
real library, through ctypes) writes the patch, the real connector bundle
applies it with LiveTS.applyPatch to a root holding `old`, and the result is
compared with what Chromium builds by parsing `new` the way the connector
renders (in a <template>)."""

import ctypes
import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLIENT = REPO / "client"
BUNDLE = CLIENT / "dist" / "livets.js"
LIBRARY = Path(os.environ.get("LIVETS_CORE_LIB", REPO / ".build/release/liblivetscore.so"))


class Core:
    def __init__(self, path=LIBRARY):
        self.lib = ctypes.CDLL(str(path))
        self.lib.lts_diff.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t,
                                      ctypes.POINTER(ctypes.POINTER(ctypes.c_uint8)), ctypes.POINTER(ctypes.c_size_t)]
        self.lib.lts_diff.restype = ctypes.c_int
        self.lib.lts_free.argtypes = [ctypes.c_void_p]

    def diff(self, old: bytes, new: bytes) -> bytes:
        out = ctypes.POINTER(ctypes.c_uint8)()
        length = ctypes.c_size_t()
        rc = self.lib.lts_diff(old, len(old), new, len(new), ctypes.byref(out), ctypes.byref(length))
        if rc != 0:
            raise RuntimeError(f"lts_diff returned {rc}")
        try:
            return ctypes.string_at(out, length.value)
        finally:
            self.lib.lts_free(out)


def bundle_text():
    # The check must exercise the current sources, not a stale build.
    sources = list((CLIENT / "src").glob("*.js"))
    if not BUNDLE.exists() or BUNDLE.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        subprocess.run(["bash", str(CLIENT / "build.sh")], check=True, capture_output=True)
    return BUNDLE.read_text()


def open_page(browser, errors=None):
    page = browser.new_page()
    if errors is not None:
        page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content("<!doctype html><html><head></head><body></body></html>")
    page.add_script_tag(content=bundle_text())
    return page


# A DOM rendering in which two trees are equal exactly when the DOMs are:
# names with namespaces, attributes as a set, text and comment data, and the
# content of <template> elements.
RUN = r"""
pairs => {
  const parse = html => { const t = document.createElement('template'); t.innerHTML = html; return t.content }
  const ns = n => n.namespaceURI == 'http://www.w3.org/1999/xhtml' ? '' : n.namespaceURI.split('/').pop() + ':'
  const desc = n => {
    if (n.nodeType == 3) return JSON.stringify(n.data)
    if (n.nodeType == 8) return '<!--' + JSON.stringify(n.data) + '-->'
    if (n.nodeType == 11) return [...n.childNodes].map(desc).join(' ')
    const attrs = [...n.attributes].map(a => (a.namespaceURI ? a.namespaceURI + ' ' : '') + a.name + '=' +
      JSON.stringify(a.value)).sort().join(' ')
    const kids = [...n.childNodes].map(desc).join(' ')
    const content = n.localName == 'template' && n.content ? ' #content(' + desc(n.content) + ')' : ''
    return ns(n) + n.localName + '[' + attrs + '](' + kids + ')' + content
  }
  const encoder = new TextEncoder()
  return pairs.map(([old, patch, next]) => {
    const root = document.createElement('div')
    document.body.replaceChildren(root)
    root.replaceChildren(parse(old))
    let ok
    try {
      ok = LiveTS.applyPatch(root, encoder.encode(patch))
    } catch (e) {
      return ['threw', String(e)]
    }
    if (!ok) return ['resync']
    const want = document.createElement('div')
    want.replaceChildren(parse(next))
    const got = desc(root)
    const expected = desc(want)
    return got == expected ? ['ok'] : ['mismatch', got, expected]
  })
}
"""


def resends_verbatim(patch, new):
    """Whether the patch is the fallback that re-sends the new markup as is."""
    ops = json.loads(patch)
    return len(ops) == 1 and ops[0][0] == 8 and ops[0][1] == [] and ops[0][3] == new


def check(page, core, pairs, batch=100, stats=None):
    """Returns (results, patch_bytes): one result per pair, as RUN gives
    them, with the pair appended to every failure. `stats`, a dict, counts
    verbatim re-sends."""
    results = []
    total_patch = 0
    for start in range(0, len(pairs), batch):
        chunk = pairs[start:start + batch]
        payload = []
        for old, new in chunk:
            patch = core.diff(old.encode(), new.encode())
            total_patch += len(patch)
            if stats is not None and resends_verbatim(patch, new):
                stats["verbatim"] = stats.get("verbatim", 0) + 1
            payload.append([old, patch.decode("utf-8"), new])
        for (old, new), item, result in zip(chunk, payload, page.evaluate(RUN, payload)):
            if result[0] not in ("ok", "resync"):
                result = result + [old, new, item[1]]
            results.append(result)
    return results, total_patch


def summary(results):
    counts = {}
    for r in results:
        counts[r[0]] = counts.get(r[0], 0) + 1
    return counts
