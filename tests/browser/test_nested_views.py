"""Nested live views in Chromium: each child is a view of its own (state,
events, renders), a crash in one remounts only it, and a sticky child
survives live navigation of its parent, running."""

import re

from playwright.sync_api import expect

CONNECTED = re.compile(r"\bts-connected\b")
ERROR = re.compile(r"\bts-error\b")


def kid(page, name):
    return page.locator(f'[data-livets-id="lv-n-{name}"]')


def open_nested(page, server):
    page.goto(server.url + "/nested")
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    for name in ("a", "b", "s"):
        expect(kid(page, name)).to_have_class(CONNECTED)
    return page


def click_times(page, name, times):
    for _ in range(times):
        kid(page, name).locator(".kid-inc").click()
    expect(kid(page, name).locator(".kid-n")).to_have_text(str(times))


def test_each_child_has_its_own_state_and_its_clicks_leave_the_parent_alone(page, app):
    open_nested(page, app)
    click_times(page, "a", 2)
    click_times(page, "b", 1)
    expect(kid(page, "s").locator(".kid-n")).to_have_text("0")
    expect(page.locator("#renders")).to_have_text("1")
    events = [m for m in page.sent if m[0] == "e"]
    assert [m[2] for m in events] == ["lv-n-a", "lv-n-a", "lv-n-b"]
    # The parent's patches keep each child's element and count.
    page.click("#bump")
    expect(page.locator("#pn")).to_have_text("1")
    expect(page.locator("#renders")).to_have_text("2")
    expect(kid(page, "a").locator(".kid-n")).to_have_text("2")
    kid(page, "a").locator(".kid-inc").click()
    expect(kid(page, "a").locator(".kid-n")).to_have_text("3")
    assert [m for m in page.sent if m[0] in ("j", "s") and m[2].startswith("lv-n-")] == [], "children are never joined nor resynced"


def test_a_child_crash_remounts_only_that_child(page, app):
    open_nested(page, app)
    click_times(page, "a", 2)
    click_times(page, "b", 3)
    page.click("#bump")
    expect(page.locator("#pn")).to_have_text("1")
    kid(page, "a").locator(".kid-boom").click()
    expect(kid(page, "a")).to_have_class(ERROR)
    root = page.locator("[data-livets-token]")
    expect(root).not_to_have_class(ERROR)
    # The parent and the other children carry on meanwhile.
    page.click("#bump")
    expect(page.locator("#pn")).to_have_text("2")
    kid(page, "b").locator(".kid-inc").click()
    expect(kid(page, "b").locator(".kid-n")).to_have_text("4")
    # The remount (after the server's delay) is a fresh child, live again.
    expect(kid(page, "a")).not_to_have_class(ERROR, timeout=10000)
    expect(kid(page, "a").locator(".kid-n")).to_have_text("0")
    click_times(page, "a", 1)
    expect(page.locator("#renders")).to_have_text("3")


def test_a_sticky_child_survives_live_navigation_running(page, app):
    open_nested(page, app)
    click_times(page, "s", 3)
    click_times(page, "a", 2)
    page.evaluate("() => { document.querySelector('[data-livets-id=\"lv-n-s\"]').__same = true }")
    page.evaluate("() => { window.__sameDocument = true }")
    page.click("#go")
    expect(page.locator("#next")).to_be_visible()
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    # The very element, in the next page's place for it, with its count.
    assert page.evaluate("() => document.querySelector('#s2 > [data-livets-id=\"lv-n-s\"]').__same") is True
    expect(kid(page, "s").locator(".kid-n")).to_have_text("3")
    # A child that is not sticky starts over in the next page.
    expect(kid(page, "a")).to_have_class(CONNECTED)
    expect(kid(page, "a").locator(".kid-n")).to_have_text("0")
    kid(page, "a").locator(".kid-inc").click()
    expect(kid(page, "a").locator(".kid-n")).to_have_text("1")
    kid(page, "s").locator(".kid-inc").click()
    expect(kid(page, "s").locator(".kid-n")).to_have_text("4")
    # And back again: still the same running child.
    page.click("#back")
    expect(page.locator("#renders")).to_be_visible()
    expect(kid(page, "b")).to_have_class(CONNECTED)
    expect(kid(page, "s").locator(".kid-n")).to_have_text("4")
    kid(page, "s").locator(".kid-inc").click()
    expect(kid(page, "s").locator(".kid-n")).to_have_text("5")
    assert page.evaluate("window.__sameDocument") is True
    assert [m for m in page.sent if m[0] == "s"] == [], "no resync was needed"
