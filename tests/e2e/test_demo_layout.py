"""The demo's layout and root files in real Chromium: a nav bar around
every page that says who is signed in, live navigation between the
examples it links, and favicon.ico at "/"."""

import re
import urllib.request

from playwright.sync_api import expect

CONNECTED = re.compile(r"\bts-connected\b")


def test_favicon_and_robots_are_served_at_the_root(demo):
    with urllib.request.urlopen(demo.url + "/favicon.ico") as response:
        icon = response.read()
        assert response.headers["Content-Type"] == "image/x-icon"
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.headers["ETag"]
    assert icon[:4] == b"\x00\x00\x01\x00", "an ICO header"
    with urllib.request.urlopen(demo.url + "/robots.txt") as response:
        assert response.read() == b"User-agent: *\nDisallow:\n"


def test_the_nav_bar_links_the_examples_live_and_follows_the_sign_in(chromium, demo):
    page = chromium.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(demo.url + "/counter")
    expect(page.locator("[data-livets-id]")).to_have_class(CONNECTED)
    expect(page.locator("#nav-login")).to_have_text("Sign in")
    page.evaluate("window.__sameDocument = true")

    # Every example has the same nav: moving between them swaps the view only.
    page.click("#site-nav >> a[href='/search']")
    expect(page.locator("#page")).to_have_text("1")
    expect(page.locator("[data-livets-id]")).to_have_class(CONNECTED)
    assert page.url == demo.url + "/search"
    assert page.evaluate("window.__sameDocument") is True

    page.click("#nav-login")
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#site-nav")).to_be_visible()
    page.fill("#username", "Ada")
    page.click("#login-form button")
    expect(page.locator("#user")).to_have_text("Ada")
    expect(page.locator("#nav-account")).to_have_text("Account")
    expect(page.locator("#nav-login")).to_have_count(0)
    assert errors == []
    page.close()
