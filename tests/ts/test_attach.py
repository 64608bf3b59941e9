"""LiveTS attached to an Express app's own http.Server, in Chromium: the
page, the connector and the live socket all come through the app's port,
beside the app's own routes and WebSocket."""

import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, Server, free_port  # noqa: E402

APP = REPO / "tests" / "ts" / "app" / "express.js"
CONNECTED = re.compile(r"\bts-connected\b")


@pytest.fixture(scope="module")
def express_app():
    # Debian's express finds its own dependencies through NODE_PATH.
    server = Server(["node", str(APP)], free_port(), env={"NODE_PATH": "/usr/share/nodejs"}).start()
    yield server
    server.stop()


def test_a_counter_from_an_attached_express_app_counts_clicks(page, express_app):
    page.goto(express_app.url + "/")
    expect(page.locator("h1")).to_have_text("Shop")
    page.click("#to-counter")
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    page.evaluate("window.__sameDocument = true")
    for _ in range(3):
        page.click("#inc")
    expect(page.locator("#count")).to_have_text("3")
    page.click("#dec")
    expect(page.locator("#count")).to_have_text("2")
    assert page.evaluate("window.__sameDocument") is True, "the clicks were patches, not reloads"
    sockets = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert any(name.endswith("/_livets/live.js") for name in sockets), sockets
    assert all(name.startswith(express_app.url) for name in sockets), "everything came through the app's port"


def test_the_apps_own_routes_and_socket_still_answer(page, express_app):
    page.goto(express_app.url + "/api/health")
    assert page.evaluate("document.body.innerText").strip() == '{"ok":true}'
    reply = page.evaluate(
        """url => new Promise((resolve, reject) => {
             const ws = new WebSocket(url)
             ws.onopen = () => ws.send('hi')
             ws.onmessage = (e) => { resolve(e.data); ws.close() }
             ws.onerror = () => reject(new Error('echo socket failed'))
           })""",
        express_app.url.replace("http://", "ws://") + "/echo",
    )
    assert reply == "echo: hi"
