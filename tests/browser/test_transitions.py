"""Transitions (docs/directives.md): an element a patch removes stays for
its ts-transition-leave time with the leave classes, then goes; patches
that arrive meanwhile apply in order around it; added elements run their
ts-transition; JS show and hide use the element's transitions."""

from playwright.sync_api import expect

from live_pages import open_view


def ids(page):
    return page.eval_on_selector_all("#list li", "items => items.map(li => li.id)")


def test_a_removed_item_stays_for_its_transition_and_then_goes(page, app):
    open_view(page, app, "/transitions")
    page.evaluate("""() => {
        window.__seen = []
        new MutationObserver(() => {}).observe(document.getElementById('list'), { childList: true })
        const list = document.getElementById('list')
        const watch = new MutationObserver(records => {
            for (const r of records) for (const n of r.removedNodes)
                if (n.id == 'item-1' && !n.isConnected) __seen.push(['gone', performance.now()])
        })
        watch.observe(list, { childList: true })
        document.getElementById('remove-1').addEventListener('click', () => __seen.push(['click', performance.now()]))
    }""")
    page.click("#remove-1")
    item = page.locator("#item-1")
    expect(item).to_have_class("fade-out fade-out-to")
    assert ids(page) == ["item-1", "item-2", "item-3"]
    page.wait_for_timeout(250)
    expect(item).to_be_attached()
    expect(item).to_have_count(0, timeout=2000)
    assert ids(page) == ["item-2", "item-3"]
    seen = dict(page.evaluate("__seen"))
    # The server's patch arrives a few ms after the click; the item then
    # lingers its 600 ms.
    assert 600 <= seen["gone"] - seen["click"] < 1500, seen
    assert [m for m in page.sent if m[0] == "s"] == [], "no patch failed"


def test_patches_that_arrive_while_an_item_leaves_apply_in_order(page, app):
    open_view(page, app, "/transitions")
    page.click("#remove-1")
    expect(page.locator("#item-1")).to_have_class("fade-out fade-out-to")
    # Each of these is a patch whose paths do not count the leaving item.
    page.click("#remove-2")
    page.click("#add")
    page.click("#bump")
    expect(page.locator("#n")).to_have_text("1")
    expect(page.locator("#item-4")).to_be_attached()
    assert ids(page) == ["item-1", "item-2", "item-3", "item-4"]
    expect(page.locator("#item-1")).to_have_count(0, timeout=2000)
    expect(page.locator("#item-2")).to_have_count(0, timeout=2000)
    assert ids(page) == ["item-3", "item-4"]
    page.click("#remove-3")
    page.click("#add")
    expect(page.locator("#item-5")).to_be_attached()
    expect(page.locator("#item-3")).to_have_count(0, timeout=2000)
    assert ids(page) == ["item-4", "item-5"]
    assert [m for m in page.sent if m[0] == "s"] == [], "no patch failed"


def test_an_added_item_runs_its_enter_transition(page, app):
    open_view(page, app, "/transitions")
    page.evaluate("""() => {
        window.__classes = []
        new MutationObserver(records => {
            for (const r of records) for (const n of r.addedNodes)
                if (n.id == 'item-4') {
                    __classes.push(n.className)
                    setTimeout(() => __classes.push(n.className), 100)
                    setTimeout(() => __classes.push(n.className), 800)
                }
        }).observe(document.getElementById('list'), { childList: true })
    }""")
    page.click("#add")
    # (wait_for_function would evaluate a string, which the page's CSP forbids)
    page.wait_for_timeout(1200)
    assert page.evaluate("__classes") == ["fade-in fade-from", "fade-in fade-to", ""]


def test_show_and_hide_use_the_elements_transitions(page, app):
    open_view(page, app, "/transitions")
    panel = page.locator("#panel")
    before = len(page.sent)
    page.click("#show-panel")
    expect(panel).to_be_visible()
    expect(panel).to_have_class("grow grow-to")
    expect(panel).to_have_class("", timeout=2000)
    page.click("#hide-panel")
    # Still shown while it leaves, then hidden.
    expect(panel).to_have_class("shrink shrink-to")
    expect(panel).to_be_visible()
    expect(panel).to_be_hidden(timeout=2000)
    expect(panel).to_have_class("")
    assert page.sent[before:] == []
