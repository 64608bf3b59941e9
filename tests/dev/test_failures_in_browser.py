"""Failures a user sees in production, with no app CSS: a crashed view
says so in the page, a view whose connected mount keeps throwing reloads
the page once and then stops and says so, and the console names a refused
event. Also the tab's debug tools (LiveTS.debug, LiveTS.latencySim), and
that nothing of `livets dev` is on a production page."""

import re
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, Server, free_port  # noqa: E402

APP = REPO / "tests" / "dev" / "prod-app.js"
CONNECTED = re.compile(r"\bts-connected\b")


@pytest.fixture
def app():
    server = Server(["node", str(APP)], free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def tab(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.console = []
    page.on("console", lambda m: page.console.append((m.type, m.text)))
    yield page
    context.close()


def test_a_crashed_view_shows_a_notice_without_any_app_css(app, tab):
    from playwright.sync_api import expect

    tab.goto(app.url + "/crashy")
    root = tab.locator("[data-livets-id]")
    expect(root).to_have_class(CONNECTED)
    tab.click("#boom")
    notice = root.locator(".ts-error-notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_text("Something went wrong here; this part of the page is restarting.")
    expect(root).to_have_class(re.compile(r"\bts-error\b"))
    assert notice.evaluate("el => el.getAttribute('role')") == "status"
    # Shown without a style sheet: it has a box, and a colour of its own.
    assert notice.bounding_box()["height"] > 0


def test_the_fresh_view_after_a_crash_takes_the_notice_away(tab):
    from playwright.sync_api import expect

    server = Server(["node", str(APP)], free_port(), env={"REMOUNT_MS": "500"}).start()
    try:
        tab.goto(server.url + "/crashy")
        root = tab.locator("[data-livets-id]")
        expect(root).to_have_class(CONNECTED)
        tab.click("#inc")
        expect(tab.locator("#count")).to_have_text("1")
        tab.click("#boom")
        expect(root.locator(".ts-error-notice")).to_be_visible()
        # The remounted view renders afresh: no notice, no ts-error, working again.
        expect(root.locator(".ts-error-notice")).to_have_count(0, timeout=10_000)
        expect(tab.locator("#count")).to_have_text("0")
        expect(root).not_to_have_class(re.compile(r"\bts-error\b"))
        tab.click("#inc")
        expect(tab.locator("#count")).to_have_text("1")
    finally:
        server.stop()


def test_the_console_names_a_refused_event(app, tab):
    from playwright.sync_api import expect

    tab.goto(app.url + "/crashy")
    expect(tab.locator("[data-livets-id]")).to_have_class(CONNECTED)
    tab.click("#nope")
    deadline = time.monotonic() + 5
    while not any('unknown event "nope"' in text for _, text in tab.console):
        assert time.monotonic() < deadline, tab.console
        tab.wait_for_timeout(50)
    # The view carries on.
    tab.click("#inc")
    expect(tab.locator("#count")).to_have_text("1")


def test_a_view_whose_connected_mount_keeps_throwing_reloads_once_then_says_so(app, tab):
    from playwright.sync_api import expect

    loads = []
    tab.on("load", lambda _: loads.append(time.monotonic()))
    tab.goto(app.url + "/mount-fails")
    root = tab.locator("[data-livets-id]")
    expect(root.locator(".ts-error-notice")).to_have_text("This part of the page could not start. Reload the page to try again.", timeout=10_000)
    # Any further reload would come within the reconnect's reach: none does.
    tab.wait_for_timeout(1500)
    assert len(loads) == 2, loads
    assert any(kind == "error" and "not reloaded again" in text for kind, text in tab.console), tab.console
    expect(tab.locator("#static")).to_have_text("rendered over HTTP")


def test_debug_logs_each_event_with_its_patch(app, tab):
    from playwright.sync_api import expect

    tab.goto(app.url + "/crashy")
    expect(tab.locator("[data-livets-id]")).to_have_class(CONNECTED)
    assert tab.evaluate("LiveTS.debug()") is False
    assert tab.evaluate("LiveTS.debug(true)") is True
    tab.click("#inc")
    expect(tab.locator("#count")).to_have_text("1")
    deadline = time.monotonic() + 5
    pattern = re.compile(r'^LiveTS event "inc" on lv-\S+: answered after [\d.]+ ms, patch \d+ B, 1 op, applied in [\d.]+ ms$')
    while not any(pattern.match(text) for _, text in tab.console):
        assert time.monotonic() < deadline, tab.console
        tab.wait_for_timeout(50)
    # It lasts for the tab: on after a reload, until turned off.
    tab.reload()
    assert tab.evaluate("LiveTS.debug()") is True
    assert tab.evaluate("LiveTS.debug(false)") is False


def test_latency_sim_delays_messages_both_ways(app, tab):
    from playwright.sync_api import expect

    tab.goto(app.url + "/crashy")
    expect(tab.locator("[data-livets-id]")).to_have_class(CONNECTED)
    assert tab.evaluate("LiveTS.latencySim(400)") == 400
    start = time.monotonic()
    tab.click("#inc")
    # The loading state shows for the whole round trip.
    expect(tab.locator("#inc")).to_have_class(re.compile(r"\bts-loading\b"))
    expect(tab.locator("#count")).to_have_text("1", timeout=10_000)
    assert time.monotonic() - start >= 0.8
    assert tab.evaluate("LiveTS.latencySim(null)") is None
    start = time.monotonic()
    tab.click("#inc")
    expect(tab.locator("#count")).to_have_text("2")
    assert time.monotonic() - start < 0.8


def test_production_pages_carry_nothing_of_livets_dev(tmp_path):
    import urllib.request

    for env in ({"LIVETS_DEV_URL": "http://127.0.0.1:9", "NODE_ENV": "production"}, {}):
        server = Server(["node", str(APP)], free_port(), env=env).start()
        try:
            with urllib.request.urlopen(server.url + "/crashy") as response:
                body = response.read().decode()
                csp = response.headers["Content-Security-Policy"]
        finally:
            server.stop()
        assert "dev.js" not in body and "livets-dev" not in body, env
        assert "connect-src" not in csp and "127.0.0.1:9" not in csp, env
