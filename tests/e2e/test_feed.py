"""The /feed example (a stream) in real Chromium: the DOM after every update
holds the items inserted and not deleted or limited away, in order."""

import re

from playwright.sync_api import expect


def open_feed(chromium, demo):
    page = chromium.new_page()
    page.goto(demo.url + "/feed")
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
    return page


def item_ids(page):
    return page.evaluate("[...document.querySelectorAll('#feed > .item')].map(e => e.id)")


def expect_posts(page, first, last):
    """The feed shows posts first..last, in order, each once with its text."""
    expect(page.locator("#feed > .item")).to_have_count(last - first + 1)
    ids = item_ids(page)
    assert ids == [f"post-{n}" for n in range(first, last + 1)]
    texts = page.evaluate("[...document.querySelectorAll('#feed > .item')].map(e => e.textContent)")
    assert texts == [f"Post {n}" for n in range(first, last + 1)]


def test_adding_one_and_a_thousand_keeps_the_last_500_in_order(chromium, demo):
    page = open_feed(chromium, demo)
    expect_posts(page, 1, 3)
    page.click("#feed-add")
    expect(page.locator("#feed-sent")).to_have_text("4")
    expect_posts(page, 1, 4)
    page.click("#feed-add-1000")
    expect(page.locator("#feed-sent")).to_have_text("1004")
    expect_posts(page, 505, 1004)
    page.click("#feed-add")
    expect(page.locator("#feed-sent")).to_have_text("1005")
    expect_posts(page, 506, 1005)
    # Ids are unique on the page.
    assert page.evaluate("new Set([...document.querySelectorAll('[id]')].map(e => e.id)).size") == page.evaluate(
        "document.querySelectorAll('[id]').length"
    )
    page.close()


def test_clear_empties_the_feed_and_new_posts_follow(chromium, demo):
    page = open_feed(chromium, demo)
    page.click("#feed-add")
    expect_posts(page, 1, 4)
    page.click("#feed-clear")
    expect(page.locator("#feed > *")).to_have_count(0)
    page.click("#feed-add")
    expect(page.locator("#feed-sent")).to_have_text("5")
    expect_posts(page, 5, 5)
    page.close()


def test_items_survive_updates_that_do_not_touch_them(chromium, demo):
    """An item the page changed itself stays as it is: the server never
    resends or re-renders stream items it has sent."""
    page = open_feed(chromium, demo)
    page.evaluate("document.getElementById('post-2').dataset.mark = 'kept'")
    page.click("#feed-add")
    expect(page.locator("#feed-sent")).to_have_text("4")
    expect_posts(page, 1, 4)
    assert page.evaluate("document.getElementById('post-2').dataset.mark") == "kept"
    page.close()


def test_a_reconnect_shows_what_the_new_view_streams(chromium, demo):
    page = open_feed(chromium, demo)
    page.click("#feed-add")
    expect_posts(page, 1, 4)
    root = page.locator("[data-livets-id]")
    demo.stop()
    expect(root).to_have_class(re.compile(r"\bts-disconnected\b"))
    demo.start()
    expect(root).to_have_class(re.compile(r"\bts-connected\b"), timeout=20000)
    expect(page.locator("#feed-sent")).to_have_text("3")
    expect_posts(page, 1, 3)
    page.close()


def test_typing_keeps_focus_and_text_while_posts_stream_in(chromium, demo):
    page = open_feed(chromium, demo)
    page.click("#feed-text")
    page.keyboard.type("half a thought")
    # A click that does not move focus, as a post from elsewhere would arrive.
    page.evaluate("document.getElementById('feed-add-1000').click()")
    expect(page.locator("#feed-sent")).to_have_text("1003")
    expect_posts(page, 504, 1003)
    assert page.evaluate("document.activeElement.id") == "feed-text"
    assert page.input_value("#feed-text") == "half a thought"
    page.keyboard.type(", finished")
    page.keyboard.press("Enter")
    expect(page.locator("#feed-sent")).to_have_text("1004")
    assert page.evaluate("document.querySelector('#feed > .item:last-child').textContent") == "half a thought, finished"
    expect(page.locator("#feed > .item")).to_have_count(500)
    page.close()
