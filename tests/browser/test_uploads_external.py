"""External uploads in Chromium: the view presigns a URL for each accepted
file, the page's built-in PUT uploader sends the file there (a stand-in
bucket that checks the signature), never over the socket, and reports
progress and the outcome to the view."""

import re

from playwright.sync_api import expect

COUNT_BINARY = """
window.__binary = 0
const send = WebSocket.prototype.send
WebSocket.prototype.send = function (data) {
  if (typeof data != 'string') window.__binary++
  return send.call(this, data)
}
"""


def open_bucket(chromium, app):
    page = chromium.new_page()
    page.add_init_script(COUNT_BINARY)
    page.goto(app.url + "/bucket")
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
    return page


def test_a_file_goes_to_its_presigned_url_and_the_view_takes_the_entry(chromium, app, tmp_path):
    page = open_bucket(chromium, app)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF" + bytes(700_000))
    puts = []
    page.on("request", lambda r: r.method == "PUT" and puts.append(r.url))
    page.set_input_files("#doc", str(report))
    entry = page.locator("#entries li")
    expect(entry).to_have_attribute("data-done", "true")
    expect(entry.locator("progress")).to_have_attribute("value", "100")
    assert len(puts) == 1 and re.search(r"/bucket/report\.pdf\?expires=\d+&sig=[0-9a-f]{64}$", puts[0]), puts
    assert page.evaluate("window.__binary") == 0, "nothing went over the socket"
    page.click("#save")
    expect(page.locator("#saved li")).to_have_text(["report.pdf 700004 PUT true"])
    page.close()


def test_a_url_the_bucket_refuses_is_an_error_on_the_entry(chromium, app, tmp_path):
    page = open_bucket(chromium, app)
    bad = tmp_path / "bad.txt"
    bad.write_text("x" * 10)
    page.set_input_files("#doc", str(bad))
    expect(page.locator("#entries li .upload-error")).to_have_text("upload answered 403")
    page.click("#save")
    page.wait_for_timeout(200)
    expect(page.locator("#saved li")).to_have_count(0)
    page.close()
