"""A handler that throws, in Chromium: the view is marked failed, then
mounted again; the server and other tabs carry on."""

import re

from playwright.sync_api import expect

CONNECTED = re.compile(r"\bts-connected\b")
ERROR = re.compile(r"\bts-error\b")


def open_fragile(page, ts_app, path="/fragile?start=5"):
    page.goto(ts_app.url + path)
    root = page.locator("[data-livets-token]")
    expect(root).to_have_class(CONNECTED)
    page.evaluate("window.__sameDocument = true")
    return root


def test_a_throwing_handler_marks_the_view_failed_and_remounts_it(page, ts_app):
    root = open_fragile(page, ts_app)
    page.click("#inc")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("7")
    page.click("#boom")
    expect(root).to_have_class(ERROR)
    # Mounted again from the page's params: the count starts over.
    expect(root).not_to_have_class(ERROR)
    expect(page.locator("#count")).to_have_text("5")
    expect(root).to_have_class(CONNECTED)
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("6")
    assert page.evaluate("window.__sameDocument") is True


def test_other_tabs_and_the_server_carry_on(page, chromium, ts_app):
    other = chromium.new_page()
    try:
        other.goto(ts_app.url + "/fragile?start=1")
        expect(other.locator("[data-livets-token]")).to_have_class(CONNECTED)
        other.click("#inc")
        expect(other.locator("#count")).to_have_text("2")
        root = open_fragile(page, ts_app)
        page.click("#boom")
        expect(root).to_have_class(ERROR)
        other.click("#inc")
        expect(other.locator("#count")).to_have_text("3")
        expect(other.locator("[data-livets-token]")).not_to_have_class(ERROR)
        expect(root).to_have_class(CONNECTED)
        expect(page.locator("#count")).to_have_text("5")
    finally:
        other.close()
