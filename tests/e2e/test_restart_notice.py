"""A server restart in the middle of a session: the tab rejoins, the
server mounts its view afresh (it keeps no state across connections), and
the page says so instead of silently losing the user's count."""

import re

from playwright.sync_api import expect

REMOUNTED = re.compile(r"\bts-remounted\b")


def test_a_restart_marks_the_view_remounted_and_the_demo_says_so(chromium, demo):
    page = chromium.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(demo.url + "/counter")
    root = page.locator("[data-livets-token]")
    expect(root).to_have_class(re.compile(r"\bts-connected\b"))
    page.evaluate("window.__remounts = []; document.addEventListener('livets:remounted', e => __remounts.push(e.detail))")
    for _ in range(3):
        page.click("#inc")
    expect(page.locator("#count")).to_have_text("3")
    assert "ts-remounted" not in root.get_attribute("class")
    expect(page.locator("#remount-notice")).to_have_count(0)

    demo.stop()
    expect(root).to_have_class(re.compile(r"\bts-disconnected\b"))
    demo.start()

    expect(root).to_have_class(REMOUNTED, timeout=20000)
    expect(root).to_have_class(re.compile(r"\bts-connected\b"))
    expect(page.locator("#count")).to_have_text("0")
    notice = page.locator("#remount-notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_text(re.compile(r"reloaded with fresh state"))
    assert page.evaluate("__remounts") == [{"id": root.get_attribute("data-livets-id"), "recovered": []}]
    # The view works on, and the notice stays until dismissed.
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("1")
    expect(notice).to_be_visible()
    notice.click()
    expect(notice).to_have_count(0)
    assert errors == []
    page.close()


def test_a_first_join_and_a_live_navigation_are_not_remounts(chromium, demo):
    page = chromium.new_page()
    page.goto(demo.url + "/search")
    root = page.locator("[data-livets-token]")
    expect(root).to_have_class(re.compile(r"\bts-connected\b"))
    page.evaluate("window.__remounts = 0; document.addEventListener('livets:remounted', () => __remounts++)")
    page.locator("#results a").first.click()
    expect(page.locator("#element")).to_be_visible()
    expect(root).to_have_class(re.compile(r"\bts-connected\b"))
    assert "ts-remounted" not in root.get_attribute("class")
    assert page.evaluate("__remounts") == 0
    expect(page.locator("#remount-notice")).to_have_count(0)
    page.close()
