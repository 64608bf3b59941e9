"""The /counter example through every layer, in real Chromium."""

import re

from playwright.sync_api import expect


def open_counter(chromium, demo):
    page = chromium.new_page()
    page.goto(demo.url + "/counter")
    root = page.locator("[data-livets-id]")
    expect(root).to_have_class(re.compile(r"\bts-connected\b"))
    return page


def test_first_render_comes_from_the_server(demo):
    import urllib.request

    with urllib.request.urlopen(demo.url + "/counter") as response:
        body = response.read().decode()
    assert response.status == 200
    assert re.search(r'<span id="count">0</span>', body)
    assert 'data-livets-token="' in body
    assert '/_livets/live.js' in body


def test_three_clicks_show_three_without_a_reload(chromium, demo):
    page = open_counter(chromium, demo)
    page.evaluate("window.__sameDocument = true")
    for _ in range(3):
        page.click("#inc")
    expect(page.locator("#count")).to_have_text("3")
    page.click("#dec")
    expect(page.locator("#count")).to_have_text("2")
    assert page.evaluate("window.__sameDocument") is True
    page.close()


def test_each_tab_has_its_own_counter(chromium, demo):
    first = open_counter(chromium, demo)
    first.click("#inc")
    expect(first.locator("#count")).to_have_text("1")
    second = open_counter(chromium, demo)
    expect(second.locator("#count")).to_have_text("0")
    second.click("#inc")
    second.click("#inc")
    expect(second.locator("#count")).to_have_text("2")
    expect(first.locator("#count")).to_have_text("1")
    first.close()
    second.close()


def test_reconnects_after_the_server_restarts(chromium, demo):
    page = open_counter(chromium, demo)
    page.evaluate("window.__sameDocument = true")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("1")
    root = page.locator("[data-livets-id]")
    demo.stop()
    expect(root).to_have_class(re.compile(r"\bts-disconnected\b"))
    demo.start()
    expect(root).to_have_class(re.compile(r"\bts-connected\b"), timeout=20000)
    # The new server mounted a fresh view: its render replaced the old state.
    expect(page.locator("#count")).to_have_text("0")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("1")
    assert page.evaluate("window.__sameDocument") is True
    page.close()


def test_index_links_the_examples(chromium, demo):
    page = chromium.new_page()
    page.goto(demo.url + "/")
    page.click("a[href='/counter']")
    expect(page.locator("#count")).to_have_text("0")
    page.close()


def test_unknown_path_is_404(demo):
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(demo.url + "/no-such-page")
        raise AssertionError("expected 404")
    except urllib.error.HTTPError as error:
        assert error.code == 404
