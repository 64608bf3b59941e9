"""The demo's live dashboard at /_livets in real Chromium: the live
connection count follows tabs as they come and go, its charts are inline
SVG updated by patches, and the connector's files under /_livets/ are
still served."""

import re
import urllib.request

from playwright.sync_api import expect


def connected(page):
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))


def test_the_connection_count_changes_when_a_second_tab_connects(chromium, demo):
    dashboard = chromium.new_page()
    errors = []
    dashboard.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    dashboard.goto(demo.url + "/_livets")
    connected(dashboard)
    dashboard.evaluate("window.__sameDocument = true")
    count = dashboard.locator("#connections")
    # The dashboard's own tab is one live connection.
    expect(count).to_have_text("1")
    points = dashboard.locator("#connections-chart polyline").get_attribute("points")

    tab = chromium.new_page()
    tab.goto(demo.url + "/counter")
    connected(tab)
    expect(count).to_have_text("2", timeout=5000)
    # The chart moved with it, patched in place.
    assert dashboard.locator("#connections-chart polyline").get_attribute("points") != points

    tab.close()
    expect(count).to_have_text("1", timeout=5000)
    assert dashboard.evaluate("window.__sameDocument") is True
    # No CSP violation or script error on the way.
    assert errors == []
    dashboard.close()


def test_the_dashboard_lists_live_views_and_shows_the_process(chromium, demo):
    tab = chromium.new_page()
    tab.goto(demo.url + "/chat")
    connected(tab)
    dashboard = chromium.new_page()
    dashboard.goto(demo.url + "/_livets")
    connected(dashboard)
    expect(dashboard.locator("#views")).to_contain_text("/chat")
    expect(dashboard.locator("#views")).to_contain_text("ChatRoom")
    expect(dashboard.locator("#memory")).to_have_text(re.compile(r"^\d+(\.\d)? (MiB|KiB)$"))
    expect(dashboard.locator("#redis")).to_have_text("not used (single process)")
    tab.close()
    dashboard.close()


def test_the_connector_files_under_the_dashboard_path_are_still_served(demo):
    for path in ("/_livets/livets.js", "/_livets/live.js"):
        with urllib.request.urlopen(demo.url + path) as response:
            assert response.status == 200, path
            assert "javascript" in response.headers["Content-Type"], path
