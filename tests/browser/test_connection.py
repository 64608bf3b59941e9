"""Disconnects and restarts: status classes, rejoin, form recovery, and
resync when a patch does not apply."""

import json

from playwright.sync_api import expect

from live_pages import CONNECTED, DISCONNECTED, open_view, sent_events


def server_state(page):
    return json.loads(page.locator("#server").inner_text())


def test_a_restart_in_the_middle_of_a_form_loses_nothing(page, own_app):
    open_view(page, own_app, "/form")
    root = page.locator("[data-livets-id]")
    page.fill("#name", "Ada")
    page.select_option("#size", "m")
    page.check("#agree")
    page.click("#note")
    expect(page.locator("#server")).to_contain_text('"agree":true')

    own_app.stop()
    expect(root).to_have_class(DISCONNECTED)
    # The user goes on filling the form while the server is away.
    page.fill("#bio", "Wrote the first program")
    page.select_option("#tags", ["b", "c"])
    page.check("#color-red")
    page.fill("#note", "typed offline")
    page.click("#name")
    page.keyboard.press("End")
    page.keyboard.type(" Lovelace")

    own_app.start()
    expect(root).to_have_class(CONNECTED, timeout=20000)
    expected = {
        "name": "Ada Lovelace", "bio": "Wrote the first program", "size": "m", "tags": ["b", "c"],
        "agree": True, "color": "red", "note": "typed offline",
    }
    # The fresh server instance learnt every value from the replayed events.
    expect(page.locator("#server")).to_have_text(json.dumps(expected, separators=(",", ":")), timeout=5000)
    assert page.input_value("#name") == "Ada Lovelace"
    assert page.input_value("#bio") == "Wrote the first program"
    assert page.input_value("#note") == "typed offline"
    assert page.evaluate("[...document.getElementById('tags').selectedOptions].map(o => o.value)") == ["b", "c"]
    assert page.is_checked("#agree") and page.is_checked("#color-red")
    assert page.evaluate("[document.activeElement.id, document.activeElement.selectionStart]") == ["name", 12]
    replayed = sent_events(page)[-8:]
    assert {m[3] for m in replayed} >= {"$model", "validate"}


def test_status_classes_follow_the_connection(page, own_app):
    open_view(page, own_app, "/typing")
    root = page.locator("[data-livets-id]")
    own_app.stop()
    expect(root).to_have_class(DISCONNECTED)
    assert "ts-connected" not in root.get_attribute("class")
    # Nothing is queued while down: the rejoin replays the state instead.
    page.fill("#text", "offline")
    assert sent_events(page, "$model") == []
    own_app.start()
    expect(root).to_have_class(CONNECTED, timeout=20000)
    assert "ts-disconnected" not in root.get_attribute("class")
    expect(page.locator("#echo")).to_have_text("offline")
    assert page.input_value("#text") == "offline"


def test_a_patch_that_does_not_apply_is_replaced_by_a_full_render(page, app):
    open_view(page, app, "/typing")
    page.fill("#text", "abc")
    expect(page.locator("#echo")).to_have_text("abc")
    # The page drifts from what the server believes it holds.
    page.evaluate("document.getElementById('echo').replaceWith(document.createElement('div'))")
    page.fill("#text", "abcd")
    expect(page.locator("#echo")).to_have_text("abcd")
    assert [m[0] for m in page.sent if m[0] == "s"] == ["s"]
    assert page.locator("#len").inner_text() == "4"
    assert page.locator("[data-livets-id] > div:not(#wrap)").count() == 0, "the stray element is gone"
