"""ts-model two-way binding for every kind of control, and the loading
states of an event the server takes 300 ms to answer."""

import json

from playwright.sync_api import expect

from live_pages import LOADING, open_view, sent_events


def server_state(page):
    return json.loads(page.locator("#server").inner_text())


def test_every_control_binds_both_ways(page, app):
    open_view(page, app, "/form")
    page.fill("#name", "Ada")
    page.fill("#bio", "Counts things")
    page.select_option("#size", "l")
    page.select_option("#tags", ["a", "c"])
    page.check("#agree")
    page.check("#color-blue")
    page.click("#note")
    expect(page.locator("#server")).to_contain_text('"color":"blue"')
    assert server_state(page) == {
        "name": "Ada", "bio": "Counts things", "size": "l", "tags": ["a", "c"],
        "agree": True, "color": "blue", "note": "",
    }
    model = {m[4]["field"]: m[4]["value"] for m in sent_events(page, "$model")}
    assert model == {"name": "Ada", "bio": "Counts things", "size": "l", "tags": ["a", "c"], "agree": True,
                     "color": "blue"}
    page.uncheck("#agree")
    expect(page.locator("#server")).to_contain_text('"agree":false')
    assert sent_events(page, "$model")[-1][4] == {"field": "agree", "value": False}


def test_lazy_model_waits_for_change(page, app):
    open_view(page, app, "/form")
    page.click("#bio")
    page.keyboard.type("abc")
    page.wait_for_timeout(100)
    assert [m for m in sent_events(page, "$model") if m[4]["field"] == "bio"] == []
    page.click("#note")
    expect(page.locator("#server")).to_contain_text('"bio":"abc"')
    assert [m[4] for m in sent_events(page, "$model") if m[4]["field"] == "bio"] == [{"field": "bio", "value": "abc"}]


def test_form_change_sends_the_whole_form_and_the_changed_field(page, app):
    open_view(page, app, "/form")
    page.fill("#note", "hi")
    page.click("#name")
    expect(page.locator("#server")).to_contain_text('"note":"hi"')
    change = sent_events(page, "validate")[-1][4]
    assert change["_target"] == "note"
    assert change["note"] == "hi" and change["size"] == "s"


def test_loading_classes_and_disable_with_until_the_answer(page, app):
    open_view(page, app, "/form")
    page.fill("#name", "Ada")
    expect(page.locator("#server")).to_contain_text('"name":"Ada"')
    page.click("#save")
    # The server sleeps 300 ms before answering.
    expect(page.locator("#f")).to_have_class(LOADING)
    expect(page.locator("#save")).to_be_disabled()
    expect(page.locator("#save")).to_have_text("Saving…")
    expect(page.locator("#saved")).not_to_have_text("", timeout=5000)
    expect(page.locator("#f")).not_to_have_class(LOADING)
    expect(page.locator("#save")).to_be_enabled()
    # The button's own nodes are back, so later patches still find them.
    assert page.inner_html("#save") == "<b>Save</b>"
    assert json.loads(page.locator("#saved").inner_text())["name"] == "Ada"
    assert [m for m in page.sent if m[0] == "s"] == []


def test_a_double_submit_is_held_back_while_waiting(page, app):
    open_view(page, app, "/form")
    page.click("#save")
    page.evaluate("document.getElementById('save').click()")
    expect(page.locator("#saved")).not_to_have_text("", timeout=5000)
    assert len(sent_events(page, "save")) == 1


def submit_name_from_the_field(page, app, name):
    """Types `name` into the form's focused field, waits for the server to have it, and submits with Enter."""
    open_view(page, app, "/form")
    page.click("#name")
    page.keyboard.type(name)
    expect(page.locator("#server")).to_contain_text(f'"name":"{name}"')
    page.keyboard.press("Enter")


def test_the_submitted_forms_focused_field_takes_the_servers_value(page, app):
    submit_name_from_the_field(page, app, "Grace")
    expect(page.locator("#saved")).to_contain_text('"name":"Grace"', timeout=5000)
    # The server cleared the field after saving; focus does not protect it.
    expect(page.locator("#name")).to_have_value("")
    assert page.evaluate("document.activeElement.id") == "name"


def test_text_typed_after_a_submit_outlives_the_servers_clearing_reply(page, app):
    submit_name_from_the_field(page, app, "Grace")
    # The save takes 300 ms: the next entry is typed before its reply.
    page.keyboard.press("Control+A")
    page.keyboard.type("Ada")
    expect(page.locator("#saved")).to_contain_text('"name":"Grace"', timeout=5000)
    # The reply cleared the field the submit sent; what came after it is newer.
    expect(page.locator("#name")).to_have_value("Ada")
    expect(page.locator("#server")).to_contain_text('"name":"Ada"')
