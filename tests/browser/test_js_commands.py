"""JS commands (docs/directives.md): each runs in the page with no frame
sent to the server unless it is a push, and what they did to an element
survives the server's later patches of it."""

import re

from playwright.sync_api import expect

from live_pages import open_view, server_log, LOADING


def frames_after(page, action):
    """The frames the connector sent while `action` ran and the page settled."""
    before = len(page.sent)
    action()
    page.wait_for_timeout(150)
    return page.sent[before:]


def classes(page, selector):
    return page.eval_on_selector(selector, "el => [...el.classList]")


def test_the_page_loads_the_commands_only_where_a_view_uses_them(page, app):
    scripts = "s => s.map(e => e.getAttribute('src'))"
    open_view(page, app, "/commands")
    assert page.eval_on_selector_all("script[src]", scripts) == ["/_livets/live-js-hook-transition.js"]
    open_view(page, app, "/typing")
    assert page.eval_on_selector_all("script[src]", scripts) == ["/_livets/live.js"]
    open_view(page, app, "/photos")
    assert page.eval_on_selector_all("script[src]", scripts) == ["/_livets/live-upload.js"]


def test_show_and_hide_send_nothing(page, app):
    open_view(page, app, "/commands")
    expect(page.locator("#modal")).to_be_hidden()
    assert frames_after(page, lambda: page.click("#open-modal")) == []
    expect(page.locator("#modal")).to_be_visible()
    assert page.eval_on_selector("#modal", "el => el.style.display") == "block"
    assert frames_after(page, lambda: page.click("#close-modal")) == []
    expect(page.locator("#modal")).to_be_hidden()
    assert frames_after(page, lambda: page.click("#toggle-modal")) == []
    assert page.eval_on_selector("#modal", "el => getComputedStyle(el).display") == "flex"
    assert frames_after(page, lambda: page.click("#toggle-modal")) == []
    expect(page.locator("#modal")).to_be_hidden()


def test_class_and_attribute_commands_send_nothing(page, app):
    open_view(page, app, "/commands")
    sent = []
    for button in ("#add-class", "#remove-class", "#toggle-class", "#set-attr", "#remove-attr", "#self"):
        sent += frames_after(page, lambda: page.click(button))
    assert sent == []
    assert set(classes(page, "#box")) == {"n0", "big", "wide", "on"}
    assert page.get_attribute("#box", "aria-expanded") == "true"
    assert page.get_attribute("#box", "title") is None
    # Without a target a command acts on the element whose binding fired.
    assert "pressed" in classes(page, "#self")
    page.click("#toggle-class")
    assert "on" not in classes(page, "#box")


def test_transition_runs_its_classes_and_leaves_the_element_as_it_was(page, app):
    open_view(page, app, "/commands")
    seen = page.evaluate("""() => new Promise(resolve => {
        const box = document.getElementById('box')
        const at = []
        document.getElementById('transition').click()
        at.push([...box.classList].join(' '))
        setTimeout(() => at.push([...box.classList].join(' ')), 100)
        setTimeout(() => resolve([...at, [...box.classList].join(' ')]), 450)
    })""")
    assert seen[0].split() == ["start", "n0", "flash", "flash-from"]
    assert seen[1].split() == ["start", "n0", "flash", "flash-to"]
    assert seen[2].split() == ["start", "n0"]
    assert [m for m in page.sent if m[0] == "e"] == []


def test_dispatch_fires_a_dom_custom_event(page, app):
    open_view(page, app, "/commands")
    page.evaluate("""() => {
        window.__pings = []
        document.addEventListener('box:ping', e => __pings.push([e.target.id, e.detail, e.bubbles]))
    }""")
    assert frames_after(page, lambda: page.click("#dispatch")) == []
    assert page.evaluate("window.__pings") == [["box", {"n": 7}, True]]


def test_focus_and_focus_first(page, app):
    open_view(page, app, "/commands")
    page.click("#open-modal")
    assert frames_after(page, lambda: page.click("#focus")) == []
    expect(page.locator("#second")).to_be_focused()
    assert frames_after(page, lambda: page.click("#focus-first")) == []
    expect(page.locator("#first")).to_be_focused()


def test_push_sends_one_event_with_the_binding_values_and_the_rest_runs_in_the_page(page, app):
    open_view(page, app, "/commands")
    page.click("#open-modal")
    sent = frames_after(page, lambda: page.click("#save"))
    events = [m for m in sent if m[0] == "e"]
    assert len(events) == 1 and len(sent) == 1
    assert events[0][3:] == ["save", {"id": "9", "from": "js"}]
    expect(page.locator("#modal")).to_be_hidden()
    expect(page.locator("#log li")).to_have_count(1)
    assert server_log(page) == [["save", {"id": "9", "from": "js"}]]


def test_push_goes_after_the_sends_held_back_before_it(page, app):
    open_view(page, app, "/commands")
    page.fill("#note", "typed")
    page.click("#save")
    expect(page.locator("#log li")).to_have_count(2)
    names = [m[3] for m in page.sent if m[0] == "e"]
    assert names == ["$model", "save"], "the debounced value went first, not a second later"


def test_push_marks_its_loading_elements_until_the_server_answers(page, app):
    open_view(page, app, "/commands")
    page.click("#slow")
    expect(page.locator("#box")).to_have_class(LOADING)
    expect(page.locator("#slow")).to_have_class(LOADING)
    expect(page.locator("#log li")).to_have_count(1)
    expect(page.locator("#box")).not_to_have_class(LOADING)
    expect(page.locator("#slow")).not_to_have_class(LOADING)


def test_what_commands_did_survives_the_servers_patches(page, app):
    open_view(page, app, "/commands")
    for button in ("#open-modal", "#add-class", "#remove-class", "#set-attr", "#remove-attr"):
        page.click(button)
    for n in (1, 2):
        page.click("#bump")
        expect(page.locator("#modal-n")).to_have_text(str(n))
        # The patch rewrote #modal's style and class and #box's class and
        # title: the server's parts changed, the commands' stayed.
        assert page.eval_on_selector("#modal", "el => el.getAttribute('class')") == f"modal n{n}"
        assert page.eval_on_selector("#modal", "el => el.style.order") == str(n)
        expect(page.locator("#modal")).to_be_visible()
        assert set(classes(page, "#box")) == {f"n{n}", "big", "wide"}
        assert page.get_attribute("#box", "aria-expanded") == "true"
        assert page.get_attribute("#box", "title") is None
    # A hide after the patches sticks as the show did.
    page.click("#close-modal")
    page.click("#bump")
    expect(page.locator("#modal-n")).to_have_text("3")
    expect(page.locator("#modal")).to_be_hidden()
    assert [m for m in page.sent if m[0] == "s"] == [], "no patch failed"


def test_patch_changes_the_url_and_tells_the_view(page, app):
    open_view(page, app, "/commands")
    page.evaluate("window.__sameDocument = true")
    page.click("#patch")
    expect(page.locator("#tab")).to_have_text("two")
    assert page.url.endswith("/commands?tab=two")
    assert page.evaluate("window.__sameDocument") is True
    assert [m[0] for m in page.sent if m[0] in "uj"] == ["j", "u"]


def test_navigate_goes_live_to_another_view(page, app):
    open_view(page, app, "/commands")
    page.evaluate("window.__sameDocument = true")
    page.click("#navigate")
    expect(page.locator("#list")).to_be_visible()
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
    assert page.url.endswith("/transitions")
    assert page.evaluate("window.__sameDocument") is True
    assert [m[0] for m in page.sent if m[0] in "lj"] == ["j", "l", "j"]


def test_a_bad_command_is_skipped_with_a_warning_and_the_rest_run(page, app):
    warnings = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    open_view(page, app, "/commands")
    assert frames_after(page, lambda: page.click("#bad")) == []
    expect(page.locator("#modal")).to_be_visible()
    assert "after-bad" in classes(page, "#box")
    assert any("nonsense" in w for w in warnings), warnings


def test_a_command_that_arrives_with_a_patch_loads_the_script_on_first_use(page, app):
    open_view(page, app, "/later")
    assert page.locator("script[src='/_livets/js.js']").count() == 0
    page.click("#reveal")
    before = len(page.sent)
    page.click("#show-later")
    expect(page.locator("#later")).to_be_visible()
    assert page.locator("script[src='/_livets/js.js']").count() == 1
    assert page.sent[before:] == []


def test_live_navigation_to_a_page_with_commands_loads_their_script(page, app):
    open_view(page, app, "/later")
    page.evaluate("window.__sameDocument = true")
    page.click("#to-commands")
    expect(page.locator("#open-modal")).to_be_visible()
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator("script[src='/_livets/js.js']")).to_have_count(1)
    page.wait_for_timeout(300)
    before = len(page.sent)
    page.click("#open-modal")
    expect(page.locator("#modal")).to_be_visible()
    assert page.sent[before:] == []


def test_commands_run_under_the_strict_policy(page, app):
    # The page fixture fails the test on any CSP violation; this asserts the policy is the strict one.
    response = page.goto(app.url + "/commands")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
    page.click("#open-modal")
    page.click("#save")
    expect(page.locator("#log li")).to_have_count(1)
