"""Uploads held until their form is submitted (autoUpload: false), and
files dropped on a ts-drop-target, in Chromium: nothing is sent before the
submit, the submit waits for the files, and a refused type never travels."""

import json
import re

from playwright.sync_api import expect


# Playwright does not report binary frames sent from a Blob: the page notes
# each message it sends, in order, text as it is and binary by its bytes.
RECORD_SENDS = """
window.__sent = []
const send = WebSocket.prototype.send
WebSocket.prototype.send = function (data) {
  if (typeof data == 'string') window.__sent.push(data)
  else window.__sent.push(data.arrayBuffer().then(b => Array.from(new Uint8Array(b))))
  return send.call(this, data)
}
"""


def sent(page):
    """What the page sent so far: str for text, list of ints for binary."""
    return page.evaluate("() => Promise.all(window.__sent)")


def open_photos(chromium, app):
    page = chromium.new_page()
    page.add_init_script(RECORD_SENDS)
    page.goto(app.url + "/photos")
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
    return page


def binary(page):
    return [f for f in sent(page) if isinstance(f, list)]


def events(page):
    return [json.loads(f) for f in sent(page) if isinstance(f, str)]


def test_held_files_go_when_the_form_is_submitted_and_the_submit_waits_for_them(chromium, app, tmp_path):
    page = open_photos(chromium, app)
    png = tmp_path / "a.png"
    png.write_bytes(bytes(range(256)) * 4)
    txt = tmp_path / "b.txt"
    txt.write_text("not a picture")
    page.set_input_files("#photo", [str(png), str(txt)])
    entries = page.locator("#entries li")
    expect(entries).to_have_count(2)
    expect(entries.nth(1).locator(".upload-error")).to_have_text("file type not accepted")
    page.wait_for_timeout(300)
    assert binary(page) == [], "nothing is sent before the form is submitted"
    page.click("#save")
    expect(page.locator("#saved li")).to_have_text(["a.png 1024"])
    chunks = binary(page)
    assert len(chunks) == 11, "1024 bytes in chunks of at most 100"
    assert bytes(b for c in chunks for b in c[1 + c[0]:]) == png.read_bytes()
    assert all(len(c) - 1 - c[0] <= 100 for c in chunks)
    names = [e[3] for e in events(page) if e[0] == "e"]
    assert names == ["$upload", "$upload-start", "save"], "the save goes after the files"
    frames = sent(page)
    last_chunk = max(i for i, f in enumerate(frames) if isinstance(f, list))
    save = next(i for i, f in enumerate(frames) if isinstance(f, str) and '"save"' in f)
    assert save > last_chunk
    # The refused entry stays, with its error; the stored one left the list.
    expect(entries).to_have_count(1)
    page.close()


def test_a_file_dropped_on_the_drop_target_is_an_entry(chromium, app):
    page = open_photos(chromium, app)
    page.evaluate("""() => {
      const data = new DataTransfer()
      data.items.add(new File([new Uint8Array(300)], 'dropped.webp', { type: 'image/webp' }))
      document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
    }""")
    expect(page.locator("#entries li .name")).to_have_text("dropped.webp")
    page.click("#save")
    expect(page.locator("#saved li")).to_have_text(["dropped.webp 300"])
    page.close()
