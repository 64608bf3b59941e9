"""What a page must refuse, in Chromium: being framed by another site
(clickjacking), and markup a view built as a plain string."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import expect

from support import free_port

CONNECTED = re.compile(r"\bts-connected\b")
ERROR = re.compile(r"\bts-error\b")


def framing_page(url):
    return (f'<!doctype html><title>framer</title><p>Win a prize: click the button!</p>'
            f'<iframe id="victim" src="{url}" width="600" height="400"></iframe>').encode()


class OtherSite:
    """A page on another origin (another port) that frames the app."""

    def __init__(self, target):
        body = framing_page(target)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return f"http://localhost:{self.port}/"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_another_site_cannot_frame_a_page_and_a_click_there_does_nothing(chromium, ts_app):
    context = chromium.new_context()
    page = context.new_page()
    with OtherSite(ts_app.url + "/counter") as attacker:
        # goto waits for the frame's load too.
        page.goto(attacker)
        [victim_frame] = [f for f in page.frames if f != page.main_frame]
        # Chromium refuses to show the app in the frame: its document is an error page, not the app's.
        assert not victim_frame.url.startswith(ts_app.url), victim_frame.url
        box = page.locator("#victim").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 40)
        assert not victim_frame.url.startswith(ts_app.url)
        expect(page.frame_locator("#victim").locator("#inc")).to_have_count(0)
    context.close()


def test_the_app_may_still_frame_its_own_pages(chromium, ts_app):
    context = chromium.new_context()
    page = context.new_page()
    # A page on the app's own origin, as an app's own admin screen might be.
    own = ts_app.url + "/framer.html"
    page.route(own, lambda route: route.fulfill(status=200, content_type="text/html", body=framing_page(ts_app.url + "/counter")))
    page.goto(own)
    victim = page.frame_locator("#victim")
    expect(victim.locator("[data-livets-token]")).to_have_class(CONNECTED)
    victim.locator("#inc").click()
    expect(victim.locator("#count")).to_have_text("1")
    context.close()


def test_a_string_render_never_puts_typed_markup_on_the_page(page, ts_app):
    page.add_init_script(
        "window.__injected = false;"
        "new MutationObserver(() => { if (document.getElementById('inj')) window.__injected = true })"
        ".observe(document, { subtree: true, childList: true })"
    )
    page.goto(ts_app.url + "/string-echo")
    root = page.locator("[data-livets-token]")
    expect(root).to_have_class(CONNECTED)
    page.fill("#text", '<b id="inj">bold</b>')
    # The render is refused as a crash: the view is marked failed, then mounted again empty.
    expect(root).to_have_class(ERROR)
    expect(root).not_to_have_class(ERROR, timeout=10000)
    expect(root).to_have_class(CONNECTED)
    assert page.evaluate("window.__injected") is False
    expect(page.locator("#inj")).to_have_count(0)
    expect(page.locator("#echo")).to_have_count(0)
    assert "render() of StringEcho returned a string; build markup with html`` (or raw() for trusted markup)" in ts_app.output()
