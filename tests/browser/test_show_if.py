"""ts-show and ts-if decide in the browser, from the view's ts-model
values, with no round trip; the server's patches keep applying around them."""

from playwright.sync_api import expect

from live_pages import open_view


def test_a_checkbox_reveals_a_section_before_the_server_answers(page, app):
    open_view(page, app, "/show")
    expect(page.locator("#extra")).to_be_hidden()
    # Clicked and checked in one task: no server message can arrive between.
    shown = page.evaluate("""() => {
        document.getElementById('more').click()
        return getComputedStyle(document.getElementById('extra')).display
    }""")
    assert shown == "block"
    page.uncheck("#more")
    expect(page.locator("#extra")).to_be_hidden()


def test_ts_if_adds_and_removes_its_content(page, app):
    open_view(page, app, "/show")
    expect(page.locator("#pro")).to_have_count(0)
    page.select_option("#plan", "pro")
    expect(page.locator("#pro")).to_have_count(0)
    page.check("#more")
    expect(page.locator("#pro")).to_be_visible()
    page.fill("#seats", "12")
    page.select_option("#plan", "free")
    expect(page.locator("#pro")).to_have_count(0)
    page.select_option("#plan", "pro")
    # A fresh copy of the template: what was typed went with the old one.
    expect(page.locator("#seats")).to_have_value("")


def test_server_patches_still_apply_around_client_side_content(page, app):
    open_view(page, app, "/show")
    page.check("#more")
    page.select_option("#plan", "pro")
    expect(page.locator("#pro")).to_be_visible()
    for n in (1, 2, 3):
        page.click("#bump")
        expect(page.locator("#n")).to_have_text(str(n))
    # The server's own re-renders (after the slow $model events) kept both.
    page.wait_for_timeout(700)
    expect(page.locator("#pro")).to_be_visible()
    expect(page.locator("#extra")).to_be_visible()
    assert [m for m in page.sent if m[0] == "s"] == [], "no patch failed"


def test_expressions_read_strings_and_lengths(page, app):
    open_view(page, app, "/show")
    expect(page.locator("#hello")).to_be_hidden()
    page.fill("#nick", "x")
    page.press("#nick", "Tab")
    expect(page.locator("#hello")).to_be_visible()
    page.fill("#nick", "")
    page.press("#nick", "Tab")
    expect(page.locator("#hello")).to_be_hidden()
    page.select_option("#plan", "pro")
    expect(page.locator("#hello")).to_be_visible()


def test_an_expression_it_cannot_read_hides_and_warns(page, app):
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    open_view(page, app, "/show")
    page.check("#more")
    expect(page.locator("#bad")).to_be_hidden()
    assert any("ts-show" in w and "more +" in w for w in warnings)


def test_only_a_page_that_uses_them_loads_them(page, app):
    scripts = []
    page.on("request", lambda r: r.resource_type == "script" and scripts.append(r.url.rsplit("/", 1)[-1]))
    open_view(page, app, "/form")
    page.wait_for_timeout(300)
    assert "show.js" not in scripts
    open_view(page, app, "/show")
    expect(page.locator("#extra")).to_be_hidden()
    assert scripts.count("show.js") == 1
