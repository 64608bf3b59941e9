"""/widgets in real Chromium: a hook's pushEvent and the view's reply, a
view pushing an event to its hooks, and a nested live view whose clicks
leave its parent alone."""

import json
import re
import urllib.request

from playwright.sync_api import expect

CONNECTED = re.compile(r"\bts-connected\b")
CHILD = '[data-livets-id="lv-n-child-counter"]'


def open_widgets(chromium, demo):
    page = chromium.new_page()
    page.sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda data: page.sent.append(json.loads(data))))
    page.goto(demo.url + "/widgets")
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    expect(page.locator(CHILD)).to_have_class(CONNECTED)
    return page


def test_the_page_holds_the_child_rendered_in_place(demo):
    with urllib.request.urlopen(demo.url + "/widgets") as response:
        body = response.read().decode()
    assert re.search(r'<div id="child"><div data-livets-id="lv-n-child-counter"><p>Child count: <span id="child-count">0</span>', body)
    assert '<span id="parent-renders">1</span>' in body


def test_ping_writes_each_reply_into_pong(chromium, demo):
    page = open_widgets(chromium, demo)
    page.click("#ping")
    expect(page.locator("#pong")).to_have_text('{"pong":1}')
    page.click("#ping")
    expect(page.locator("#pong")).to_have_text('{"pong":2}')
    assert [m[3] for m in page.sent if m[0] == "e"] == ["ping", "ping"]
    page.close()


def test_server_push_highlights_the_element_it_names(chromium, demo):
    page = open_widgets(chromium, demo)
    expect(page.locator("#server-push")).not_to_have_class(re.compile(r"\bhighlighted\b"))
    page.click("#server-push")
    expect(page.locator("#server-push")).to_have_class(re.compile(r"\bhighlighted\b"))
    page.close()


def test_child_clicks_render_only_the_child(chromium, demo):
    page = open_widgets(chromium, demo)
    expect(page.locator("#parent-renders")).to_have_text("1")
    for n in (1, 2, 3):
        page.click("#child-inc")
        expect(page.locator("#child-count")).to_have_text(str(n))
    expect(page.locator("#parent-renders")).to_have_text("1")
    # Events inside the child's root go to the child's own id.
    assert {m[2] for m in page.sent if m[0] == "e"} == {"lv-n-child-counter"}
    # A parent render leaves the child's element and count alone.
    page.click("#ping")
    expect(page.locator("#parent-renders")).to_have_text("2")
    expect(page.locator("#child-count")).to_have_text("3")
    page.close()


def test_modal_opens_and_closes_in_the_browser_alone(chromium, demo):
    page = open_widgets(chromium, demo)
    expect(page.locator("#modal")).to_be_hidden()
    page.click("#open-modal")
    expect(page.locator("#modal")).to_be_visible()
    # A parent patch (the ping's render) keeps what the command showed.
    page.click("#ping")
    expect(page.locator("#pong")).to_have_text('{"pong":1}')
    expect(page.locator("#modal")).to_be_visible()
    page.click("#close-modal")
    expect(page.locator("#modal")).to_be_hidden()
    # Only the ping reached the server: the commands sent nothing.
    assert [m[3] for m in page.sent if m[0] == "e"] == ["ping"]
    page.close()
