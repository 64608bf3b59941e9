"""The /upload example in real Chromium: files over the page's socket,
acknowledged chunk by chunk, written by the core to a temporary file, the
page's SHA-256 of what was stored checked against the file sent."""

import hashlib
import os
import re
import time

import pytest
from playwright.sync_api import expect

from support import REPO, Server, free_port

UPLOAD_FILE = re.compile(r"^livets-upload-[0-9a-f]+$")
MAX_BYTES = 20_000_000

# Chunks leave the page a little slower than loopback would take them, so
# an upload is still under way when a test cancels it or drops the socket.
SLOW_CHUNKS = """
const send = WebSocket.prototype.send
let queue = Promise.resolve()
WebSocket.prototype.send = function (data) {
  if (typeof data == 'string') return send.call(this, data)
  queue = queue.then(() => new Promise(r => setTimeout(r, 40))).then(() => { if (this.readyState == 1) send.call(this, data) })
}
"""


@pytest.fixture
def uploads_demo(tmp_path):
    """The demo with its temporary files in a directory of the test's own."""
    spool = tmp_path / "spool"
    spool.mkdir()
    server = Server(["node", str(REPO / "examples/app/dist/server.js")], free_port(), env={"TMPDIR": str(spool)}).start()
    server.spool = spool
    yield server
    server.stop()


def upload_files(spool):
    return sorted(p.name for p in spool.iterdir() if UPLOAD_FILE.match(p.name))


def wait_until(condition, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def open_upload(chromium, demo, slow=False):
    page = chromium.new_page()
    if slow:
        page.add_init_script(SLOW_CHUNKS)
    page.goto(demo.url + "/upload")
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
    return page


def write_file(tmp_path, name, size):
    path = tmp_path / name
    with open(path, "wb") as f:
        left = size
        while left:
            block = os.urandom(min(left, 1 << 20))
            f.write(block)
            left -= len(block)
    return path


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_and_check(page, files, spool):
    """Waits for every entry to finish, saves, and checks what the page says was stored."""
    entries = page.locator("#entries li")
    expect(entries).to_have_count(len(files))
    for i in range(len(files)):
        expect(entries.nth(i)).to_have_attribute("data-done", "true", timeout=60_000)
        expect(entries.nth(i).locator("progress")).to_have_attribute("value", "100")
    page.click("#save")
    stored = page.locator("#uploaded li")
    expect(stored).to_have_count(len(files))
    expect(entries).to_have_count(0)
    for i, path in enumerate(files):
        item = stored.nth(i)
        expect(item.locator(".name")).to_have_text(path.name)
        expect(item.locator(".size")).to_have_text(str(path.stat().st_size))
        expect(item.locator(".sha256")).to_have_text(sha256(path))
    # Consumed files are removed once the view has taken them.
    wait_until(lambda: upload_files(spool) == [], what="the temporary files to be removed")


def test_the_page_has_the_upload_contract(chromium, uploads_demo):
    page = open_upload(chromium, uploads_demo)
    form = page.locator("#upload-form")
    expect(form.locator("input[type=file]#file")).to_have_count(1)
    assert page.locator("#file").get_attribute("accept") is None, "any type"
    assert page.locator("#file").get_attribute("multiple") is not None
    expect(page.locator("#entries li")).to_have_count(0)
    expect(page.locator("#uploaded li")).to_have_count(0)
    page.close()


def test_a_one_byte_file_arrives_whole(chromium, uploads_demo, tmp_path):
    page = open_upload(chromium, uploads_demo)
    one = write_file(tmp_path, "one.bin", 1)
    page.set_input_files("#file", str(one))
    expect(page.locator("#entries li .name")).to_have_text("one.bin")
    save_and_check(page, [one], uploads_demo.spool)
    page.close()


def test_a_20_mb_file_arrives_whole_and_its_hash_matches(chromium, uploads_demo, tmp_path):
    page = open_upload(chromium, uploads_demo)
    big = write_file(tmp_path, "big.bin", MAX_BYTES)
    page.set_input_files("#file", str(big))
    save_and_check(page, [big], uploads_demo.spool)
    page.close()


def test_three_files_at_once(chromium, uploads_demo, tmp_path):
    page = open_upload(chromium, uploads_demo)
    files = [write_file(tmp_path, f"f{i}.dat", size) for i, size in enumerate((1000, 300_000, 2_000_001))]
    page.set_input_files("#file", [str(f) for f in files])
    save_and_check(page, files, uploads_demo.spool)
    page.close()


# Playwright does not report binary frames sent from a Blob: the page counts them.
COUNT_BINARY = """
window.__binaryBytes = 0
const send = WebSocket.prototype.send
WebSocket.prototype.send = function (data) {
  if (typeof data != 'string') window.__binaryBytes += data.size
  return send.call(this, data)
}
"""


def test_a_file_over_the_size_limit_is_refused_before_a_byte_is_sent(chromium, uploads_demo, tmp_path):
    page = chromium.new_page()
    page.add_init_script(COUNT_BINARY)
    page.goto(uploads_demo.url + "/upload")
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
    too_big = write_file(tmp_path, "too-big.bin", MAX_BYTES + 1)
    small = write_file(tmp_path, "small.bin", 10)
    page.set_input_files("#file", [str(too_big), str(small)])
    entries = page.locator("#entries li")
    expect(entries).to_have_count(2)
    expect(entries.nth(0).locator(".upload-error")).to_contain_text("too large")
    expect(entries.nth(1)).to_have_attribute("data-done", "true")
    expect(entries.nth(1).locator(".upload-error")).to_have_count(0)
    assert page.evaluate("window.__binaryBytes") == 1 + 16 + 10, "only the small file's one chunk (a 16-letter ref) went out"
    page.click("#save")
    expect(page.locator("#uploaded li")).to_have_count(1)
    expect(page.locator("#uploaded li .name")).to_have_text("small.bin")
    page.close()


def test_a_fourth_file_is_refused(chromium, uploads_demo, tmp_path):
    page = open_upload(chromium, uploads_demo)
    files = [write_file(tmp_path, f"n{i}.txt", 5) for i in range(4)]
    page.set_input_files("#file", [str(f) for f in files])
    entries = page.locator("#entries li")
    expect(entries).to_have_count(4)
    expect(entries.nth(3).locator(".upload-error")).to_contain_text("too many files")
    expect(page.locator("#entries li .upload-error")).to_have_count(1)
    page.close()


def test_cancel_mid_way_removes_the_entry_and_its_partial_file(chromium, uploads_demo, tmp_path):
    page = open_upload(chromium, uploads_demo, slow=True)
    big = write_file(tmp_path, "cancelled.bin", 5_000_000)
    page.set_input_files("#file", str(big))
    progress = page.locator("#entries li progress")
    expect(progress).not_to_have_attribute("value", "0", timeout=20_000)
    assert page.locator("#entries li").get_attribute("data-done") == "false", "still under way"
    wait_until(lambda: len(upload_files(uploads_demo.spool)) == 1, what="the partial file")
    page.click("#entries li .cancel")
    expect(page.locator("#entries li")).to_have_count(0)
    wait_until(lambda: upload_files(uploads_demo.spool) == [], what="the partial file to be removed")
    page.click("#save")
    page.wait_for_timeout(300)
    expect(page.locator("#uploaded li")).to_have_count(0)
    # The socket is fine: the next file goes through.
    small = write_file(tmp_path, "after.bin", 1234)
    page.set_input_files("#file", str(small))
    save_and_check(page, [small], uploads_demo.spool)
    page.close()


def test_a_disconnect_mid_way_leaves_no_temporary_file(chromium, uploads_demo, tmp_path):
    page = open_upload(chromium, uploads_demo, slow=True)
    big = write_file(tmp_path, "dropped.bin", 5_000_000)
    page.set_input_files("#file", str(big))
    expect(page.locator("#entries li progress")).not_to_have_attribute("value", "0", timeout=20_000)
    wait_until(lambda: len(upload_files(uploads_demo.spool)) == 1, what="the partial file")
    assert page.locator("#entries li").get_attribute("data-done") == "false", "still under way"
    page.close()
    wait_until(lambda: upload_files(uploads_demo.spool) == [], what="the partial file to be removed")
