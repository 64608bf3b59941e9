"""A join whose render is the HTML the page already shows is answered with
null in its place, and the page goes live on the DOM it has; when the view
renders otherwise at the join, the HTML comes and replaces the page's."""

import json
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, Server, free_port  # noqa: E402

APP = REPO / "tests" / "compression" / "server.js"

# Runs before the connector: notes the elements the page was parsed into.
NOTE_ELEMENTS = """
document.addEventListener('DOMContentLoaded', () => {
  window.__row = document.getElementById('row-7')
  window.__note = document.getElementById('note')
  window.__root = document.querySelector('[data-livets-id]')
  window.__fp = window.__root && window.__root.getAttribute('data-livets-fp')
  window.__mount = document.getElementById('mount') && document.getElementById('mount').textContent
})
"""


@pytest.fixture(scope="module")
def app():
    server = Server(["node", str(APP)], free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    p = context.new_page()
    p.received = []
    p.sent = []
    p.on("websocket", lambda ws: (ws.on("framereceived", lambda data: p.received.append(json.loads(data))),
                                  ws.on("framesent", lambda data: p.sent.append(json.loads(data)))))
    p.add_init_script(NOTE_ELEMENTS)
    errors = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    context.close()
    assert errors == []


def renders(page):
    return [m for m in page.received if m[0] == "r"]


def test_unchanged_view_goes_live_on_the_page_dom(page, app):
    page.goto(app.url + "/big")
    page.wait_for_selector("[data-livets-id].ts-connected")
    join = next(m for m in page.sent if m[0] == "j")
    view_id = join[2]
    assert join[4]["_fp"] == {view_id: page.evaluate("window.__fp")}
    assert len(page.evaluate("window.__fp")) == 16
    assert renders(page) == [["r", view_id, 1, join[1], None]]
    # The very elements the page was parsed into, all of them, and the
    # fingerprint is gone: a later rejoin must not claim the first render.
    assert page.evaluate("document.getElementById('row-7') === window.__row")
    assert page.evaluate("document.querySelector('[data-livets-id]') === window.__root")
    assert page.locator("li").count() == 200
    assert page.get_attribute("[data-livets-id]", "data-livets-fp") is None
    # Patches apply to that DOM; focus and typed text stay.
    page.fill("#note", "typed")
    page.click("#bump")
    # expect, not wait_for_function: the page's CSP refuses the eval that polling a string predicate needs.
    expect(page.locator("#bumps")).to_have_text("1")
    assert page.evaluate("document.getElementById('note') === window.__note")
    assert page.input_value("#note") == "typed"


def test_a_view_that_renders_otherwise_at_join_sends_its_html(page, app):
    page.goto(app.url + "/changing")
    page.wait_for_selector("[data-livets-id].ts-connected")
    join = next(m for m in page.sent if m[0] == "j")
    assert join[4]["_fp"] == {join[2]: page.evaluate("window.__fp")}
    [render] = renders(page)
    assert isinstance(render[4], str) and "mount" in render[4]
    assert page.text_content("#mount") != page.evaluate("window.__mount")
    assert page.text_content("#mount") in render[4]
