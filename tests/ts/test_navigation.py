"""Live navigation in Chromium: patch links, back and forward, another
view over the same socket, and navigation the server asks for."""

import json
import re

from playwright.sync_api import expect

CONNECTED = re.compile(r"\bts-connected\b")


def open_search(page, ts_app, path="/search"):
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(ts_app.url + path)
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    # Set on this document only: a full page load would lose it.
    page.evaluate("window.__sameDocument = true")
    return sockets


def same_document(page):
    return page.evaluate("window.__sameDocument === true")


def test_patch_links_change_the_url_and_the_view_without_a_reload(page, ts_app):
    sockets = open_search(page, ts_app)
    page.click("#page-next")
    expect(page.locator("#page")).to_have_text("2")
    assert page.url == ts_app.url + "/search?page=2"
    expect(page.locator("#results li").first).to_contain_text("Fluorine")
    page.click("#page-next")
    expect(page.locator("#page")).to_have_text("3")
    assert page.url == ts_app.url + "/search?page=3"
    assert same_document(page)
    assert len(sockets) == 1


def test_back_and_forward_restore_the_right_params(page, ts_app):
    open_search(page, ts_app)
    page.click("#page-next")
    expect(page.locator("#page")).to_have_text("2")
    page.click("#page-next")
    expect(page.locator("#page")).to_have_text("3")
    page.go_back()
    expect(page.locator("#page")).to_have_text("2")
    assert page.url.endswith("/search?page=2")
    expect(page.locator("#results li").first).to_contain_text("Fluorine")
    page.go_back()
    expect(page.locator("#page")).to_have_text("1")
    assert page.url.endswith("/search")
    expect(page.locator("#results li").first).to_contain_text("Hydrogen")
    page.go_forward()
    expect(page.locator("#page")).to_have_text("2")
    page.go_forward()
    expect(page.locator("#page")).to_have_text("3")
    assert page.url.endswith("/search?page=3")
    assert same_document(page)


def test_a_search_patches_the_query_into_the_url(page, ts_app):
    open_search(page, ts_app, "/search?page=2")
    page.fill("#q", "iu")
    expect(page.locator("#results li")).to_have_count(8)
    expect(page.locator("#results")).to_contain_text("Helium")
    assert page.url.endswith("/search?q=iu")
    page.click("#page-next")
    expect(page.locator("#page")).to_have_text("2")
    assert page.url.endswith("/search?q=iu&page=2")
    page.go_back()
    expect(page.locator("#page")).to_have_text("1")
    expect(page.locator("#q")).to_have_value("iu")
    page.go_forward()
    expect(page.locator("#page")).to_have_text("2")
    expect(page.locator("#results")).to_contain_text("Titanium")
    # Typing replaced the history entry it started from rather than piling up one per keystroke.
    assert page.evaluate("history.length") == 3


def test_navigate_links_mount_another_view_over_the_same_socket(page, ts_app):
    sockets = open_search(page, ts_app)
    frames = []
    sockets[0].on("framesent", lambda data: frames.append(data))
    page.click("#page-next")
    expect(page.locator("#page")).to_have_text("2")
    page.click("#results a >> text=Sodium")
    expect(page.locator("#element")).to_have_text("Sodium")
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    assert page.url == ts_app.url + "/elements/Na"
    assert same_document(page)
    assert len(sockets) == 1
    # The page patched, then left its view and joined the next one.
    assert [json.loads(f)[0] for f in frames] == ["u", "l", "j"], frames
    # Back to the search view, at the page it was on.
    page.go_back()
    expect(page.locator("#page")).to_have_text("2")
    assert page.url.endswith("/search?page=2")
    page.go_forward()
    expect(page.locator("#element")).to_have_text("Sodium")
    assert same_document(page)
    assert len(sockets) == 1


def test_the_server_navigates_with_pushNavigate_and_flash_comes_along(page, ts_app):
    sockets = open_search(page, ts_app, "/elements/He")
    expect(page.locator("#element")).to_have_text("Helium")
    page.click("#random")
    flash = page.locator(".ts-flash-info")
    expect(flash).to_contain_text("Jumped to")
    # The flash names the element the new view shows.
    expect(page.locator("#element")).to_have_text(flash.inner_text().removeprefix("Jumped to "))
    assert re.search(r"/elements/[A-Z][a-z]?$", page.url)
    assert same_document(page)
    assert len(sockets) == 1


def test_a_patched_page_reloads_at_its_patched_url(page, ts_app):
    open_search(page, ts_app)
    page.click("#page-next")
    expect(page.locator("#page")).to_have_text("2")
    page.reload()
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    expect(page.locator("#page")).to_have_text("2")


def test_navigation_between_pages_with_the_same_layout_swaps_the_root_and_to_another_layout_loads_in_full(page, ts_app):
    sockets = open_search(page, ts_app, "/framed/one")
    expect(page.locator("#hop")).to_have_text("one")
    page.click("#to-framed")
    expect(page.locator("#hop")).to_have_text("two")
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    assert page.url == ts_app.url + "/framed/two"
    assert same_document(page), "the same layout: only the root was swapped"
    assert len(sockets) == 1
    expect(page.locator("#frame")).to_have_count(1)

    page.click("#to-boxed")
    expect(page.locator("#box")).to_have_text("boxed")
    expect(page.locator("#hop")).to_have_text("three")
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    assert page.url == ts_app.url + "/boxed/three"
    expect(page.locator("#frame")).to_have_count(0)
    assert page.locator('meta[name="layout"]').count() == 0, "the framed layout's head went with it"
    assert not same_document(page), "another layout: the page was loaded in full"
    assert len(sockets) == 2

    # Back to the framed page, whatever document the browser brings back.
    page.go_back()
    expect(page.locator("#hop")).to_have_text("two")
    expect(page.locator("#frame")).to_have_count(1)
    expect(page.locator("#box")).to_have_count(0)
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    assert page.url == ts_app.url + "/framed/two"
