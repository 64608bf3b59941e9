"""/todo and /chat in one process with no Redis: every tab sees every
change, and #online counts the open tabs."""

import re

from playwright.sync_api import expect


def open_live(chromium, url):
    page = chromium.new_page()
    page.goto(url)
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
    return page


def test_todo_is_shared_by_every_tab(chromium, demo):
    a = open_live(chromium, demo.url + "/todo")
    b = open_live(chromium, demo.url + "/todo")
    a.fill("#new-todo", "one")
    a.click("#todo-form button")
    expect(b.locator("#todos li")).to_have_count(1)
    b.locator("#todos li .toggle").check()
    expect(a.locator("#todos li .toggle")).to_be_checked()
    expect(a.locator("#todos li")).to_have_class(re.compile(r"\bdone\b"))
    b.locator("#todos li .toggle").uncheck()
    expect(a.locator("#todos li .toggle")).not_to_be_checked()
    a.locator("#todos li .destroy").click()
    expect(b.locator("#todos li")).to_have_count(0)
    # An empty title adds nothing; a title is escaped, not markup.
    a.fill("#new-todo", "   ")
    a.press("#new-todo", "Enter")
    a.fill("#new-todo", "<b>bold</b>")
    a.press("#new-todo", "Enter")
    expect(b.locator("#todos li .title")).to_have_text("<b>bold</b>")
    expect(b.locator("#todos li")).to_have_count(1)
    a.close()
    b.close()


def test_chat_messages_arrive_newest_last_and_online_counts_tabs(chromium, demo):
    a = open_live(chromium, demo.url + "/chat")
    expect(a.locator("#online")).to_have_text("1")
    b = open_live(chromium, demo.url + "/chat")
    expect(a.locator("#online")).to_have_text("2")
    expect(b.locator("#online")).to_have_text("2")
    # Each tab is someone, listed by name on every tab.
    me_a, me_b = a.inner_text("#me"), b.inner_text("#me")
    assert me_a != me_b
    expect(b.locator("#people li")).to_have_text(sorted([me_a, me_b]))
    for i in range(3):
        a.fill("#message", f"message {i}")
        a.press("#message", "Enter")
        expect(b.locator("#messages .message").last).to_contain_text(f"message {i}")
    expect(b.locator("#messages .message")).to_have_count(3)
    expect(a.locator("#message")).to_have_value("")
    b.close()
    expect(a.locator("#online")).to_have_text("1")
    a.close()
