"""ts-on bindings: event types, key filters, .window and .outside,
ts-value-* payloads, forms, debounce and throttle, against the real server."""

from playwright.sync_api import expect

from live_pages import open_view, sent_events, server_log


def names(page):
    return [e[0] for e in server_log(page)]


def wait_for(page, count):
    expect(page.locator("#log li")).to_have_count(count)


def test_click_sends_the_values_of_the_element_with_the_binding(page, app):
    open_view(page, app, "/events")
    page.click("#b1 span")
    wait_for(page, 1)
    assert server_log(page) == [["clicked", {"id": "7", "kind": "x"}]]


def test_key_filters_focus_and_blur(page, app):
    open_view(page, app, "/events")
    page.click("#k")
    wait_for(page, 1)
    page.keyboard.type("ab")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.click("#outside")
    wait_for(page, 9)
    log = server_log(page)
    # Escape also reaches the window binding elsewhere on the page.
    assert names(page) == ["focused", "up", "up", "enter", "up", "escape", "winesc", "up", "blurred"]
    # Key events carry the key and the field's value; unfiltered keyup sees every key.
    assert log[3] == ["enter", {"value": "ab", "key": "Enter"}]
    assert [e[1]["key"] for e in log if e[0] == "up"] == ["a", "b", "Enter", "Escape"]
    assert log[8] == ["blurred", {"value": "ab"}]


def test_window_binding_hears_keys_anywhere(page, app):
    open_view(page, app, "/events")
    page.click("#plain")
    page.keyboard.press("x")
    page.keyboard.press("Escape")
    wait_for(page, 3)
    assert names(page) == ["plain", "plain", "winesc"]
    assert server_log(page)[1] == ["plain", {"value": "x", "key": "Escape"}]


def test_click_outside_fires_only_outside(page, app):
    open_view(page, app, "/events")
    page.click("#open")
    page.click("#inside")
    page.click("#menu")
    wait_for(page, 1)
    assert names(page) == ["open"]
    page.click("#b1")
    wait_for(page, 3)
    assert names(page) == ["open", "clicked", "away"]
    expect(page.locator("#menu")).to_have_count(0)
    page.click("#open")
    expect(page.locator("#menu")).to_have_count(1)
    page.click("body", position={"x": 600, "y": 5})
    wait_for(page, 5)
    assert names(page) == ["open", "clicked", "away", "open", "away"]


def test_submit_sends_the_fields_and_stays_on_the_page(page, app):
    open_view(page, app, "/events")
    page.fill("#sf [name=title]", "Bread")
    page.click("#go")
    wait_for(page, 1)
    assert server_log(page) == [["submitted", {"kind": "todo", "title": "Bread", "tag": ["a", "b"]}]]
    page.click("#link")
    wait_for(page, 2)
    assert page.url == app.url + "/events", "neither the form nor the link left the page"


def test_debounce_sends_once_after_the_pause(page, app):
    open_view(page, app, "/events")
    page.click("#deb")
    page.keyboard.type("hello")
    page.click("#moddeb")
    page.keyboard.type("abc")
    expect(page.locator("#log li")).to_have_count(2)
    page.wait_for_timeout(300)
    assert server_log(page) == [["deb", {"value": "hello"}], ["moddeb", {"value": "abc"}]]


def test_throttle_sends_the_first_at_once_and_the_last_in_the_end(page, app):
    open_view(page, app, "/events")
    page.click("#thr")
    page.keyboard.type("abcdefghij", delay=40)
    expect(page.locator("#log li").last).to_have_text('["thr",{"value":"abcdefghij"}]')
    values = [e[1]["value"] for e in server_log(page)]
    assert values[0] == "a"
    assert 2 <= len(values) < 10, values
    assert values == sorted(values, key=len)


def test_a_held_send_goes_before_a_later_event(page, app):
    open_view(page, app, "/events")
    page.click("#deb")
    page.keyboard.type("xy")
    page.click("#b1")
    wait_for(page, 2)
    # The click did not wait 200 ms behind the debounce, nor overtake it.
    assert names(page) == ["deb", "clicked"]
    assert [m[3] for m in sent_events(page)] == ["deb", "clicked"]
