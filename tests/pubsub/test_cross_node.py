"""The /todo and /chat examples across two processes behind one real
redis-server, driven from Chromium: every change reaches every tab on both
nodes, presence counts people on both, and delivery survives Redis outages
and dead nodes."""

import re
import signal
import time

from playwright.sync_api import expect

LIVE_TIMEOUT = 10_000  # ms: a node links to Redis and answers within this


def open_live(browser, url):
    page = browser.new_page()
    page.goto(url)
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"), timeout=LIVE_TIMEOUT)
    return page


def post(page, text):
    page.fill("#message", text)
    page.press("#message", "Enter")


def add_todo(page, title):
    page.fill("#new-todo", title)
    page.press("#new-todo", "Enter")


def test_todo_changes_reach_every_tab_on_both_nodes(chromium, nodes):
    one, two = nodes
    a = open_live(chromium, one.url + "/todo")
    a2 = open_live(chromium, one.url + "/todo")
    b = open_live(chromium, two.url + "/todo")

    add_todo(a, "buy milk")
    for page in (a, a2, b):
        expect(page.locator("#todos li")).to_have_count(1, timeout=LIVE_TIMEOUT)
        expect(page.locator("#todos li")).to_contain_text("buy milk")
    expect(a.locator("#new-todo")).to_have_value("")

    add_todo(b, "walk the dog")
    for page in (a, a2, b):
        expect(page.locator("#todos li")).to_have_count(2, timeout=LIVE_TIMEOUT)
        expect(page.locator("#todos li").nth(1)).to_contain_text("walk the dog")

    b.locator("#todos li").nth(0).locator(".toggle").check()
    for page in (a, a2):
        expect(page.locator("#todos li").nth(0).locator(".toggle")).to_be_checked(timeout=LIVE_TIMEOUT)

    a.locator("#todos li").nth(1).locator(".destroy").click()
    for page in (a, a2, b):
        expect(page.locator("#todos li")).to_have_count(1, timeout=LIVE_TIMEOUT)
        expect(page.locator("#todos li")).to_contain_text("buy milk")

    # A tab opened later, on either node, starts from the same list.
    late = chromium.new_page()
    late.goto(two.url + "/todo")
    expect(late.locator("#todos li")).to_have_count(1)
    expect(late.locator("#todos li .toggle")).to_be_checked()
    for page in (a, a2, b, late):
        page.close()


def test_chat_crosses_nodes_and_online_counts_people_on_both(chromium, nodes):
    one, two = nodes
    a = open_live(chromium, one.url + "/chat")
    b = open_live(chromium, two.url + "/chat")
    for page in (a, b):
        expect(page.locator("#online")).to_have_text("2", timeout=LIVE_TIMEOUT)

    post(a, "hello from one")
    post(b, "hello from two")
    for page in (a, b):
        expect(page.locator("#messages .message")).to_have_count(2, timeout=LIVE_TIMEOUT)
        expect(page.locator("#messages .message").last).to_contain_text("hello from two")
    expect(a.locator("#message")).to_have_value("")

    c = open_live(chromium, two.url + "/chat")
    expect(c.locator("#messages .message")).to_have_count(2)
    for page in (a, b, c):
        expect(page.locator("#online")).to_have_text("3", timeout=LIVE_TIMEOUT)
    c.close()
    for page in (a, b):
        expect(page.locator("#online")).to_have_text("2", timeout=LIVE_TIMEOUT)
    a.close()
    b.close()


def test_local_delivery_survives_a_redis_outage_and_cross_node_delivery_resumes(chromium, nodes, redis):
    one, two = nodes
    a = open_live(chromium, one.url + "/chat")
    a2 = open_live(chromium, one.url + "/chat")
    b = open_live(chromium, two.url + "/chat")
    post(a, "before")
    expect(b.locator("#messages .message")).to_have_count(1, timeout=LIVE_TIMEOUT)

    expect(a.locator("#link-status")).to_have_count(0)
    redis.stop()
    # The core tells each node its link is down; the chat says so.
    for page in (a, b):
        expect(page.locator("#link-status")).to_be_visible(timeout=LIVE_TIMEOUT)
    post(a, "during the outage")
    opened_during = open_live(chromium, two.url + "/chat")
    expect(opened_during.locator("#link-status")).to_be_visible()
    opened_during.close()
    expect(a2.locator("#messages .message").last).to_contain_text("during the outage", timeout=LIVE_TIMEOUT)
    time.sleep(1)
    expect(b.locator("#messages .message")).to_have_count(1)

    redis.start()
    # Each node reconnects with backoff, then asks the others for what it missed.
    expect(b.locator("#messages .message")).to_have_count(2, timeout=20_000)
    expect(b.locator("#messages .message").last).to_contain_text("during the outage")
    for page in (a, a2, b):
        expect(page.locator("#link-status")).to_have_count(0, timeout=LIVE_TIMEOUT)
    late = open_live(chromium, one.url + "/chat")
    expect(late.locator("#link-status")).to_have_count(0)
    late.close()
    post(a, "after")
    expect(b.locator("#messages .message").last).to_contain_text("after", timeout=LIVE_TIMEOUT)
    post(b, "and back")
    expect(a.locator("#messages .message").last).to_contain_text("and back", timeout=LIVE_TIMEOUT)
    for page in (a, a2, b):
        page.close()


def test_a_dead_nodes_people_leave_presence(chromium, nodes):
    one, two = nodes
    a = open_live(chromium, one.url + "/chat")
    b = open_live(chromium, two.url + "/chat")
    expect(a.locator("#online")).to_have_text("2", timeout=LIVE_TIMEOUT)
    # SIGKILL: the node cannot say goodbye; the others notice its silence.
    two.process.send_signal(signal.SIGKILL)
    two.process.wait()
    started = time.monotonic()
    expect(a.locator("#online")).to_have_text("1", timeout=15_000)
    assert time.monotonic() - started < 10
    a.close()
    b.close()
