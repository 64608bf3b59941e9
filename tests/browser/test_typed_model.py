"""ts-model values arrive typed as `static model` declares them: the
connector sends numbers for number and range inputs, booleans for
checkboxes, and leaves out a number input that holds no number, so a real
page never trips the server's "bad model value" refusal."""

from playwright.sync_api import expect

from live_pages import open_view, sent_events, server_log


def test_number_range_checkbox_and_text_inputs_send_their_declared_types(page, app):
    open_view(page, app, "/typed")
    page.fill("#qty", "3")
    expect(page.locator("#total")).to_have_text("6 / 5 / no gift /")
    page.locator("#level").fill("8")
    page.check("#gift")
    page.fill("#title", "  Socks ")
    expect(page.locator("#total")).to_have_text("6 / 8 / gift / Socks")
    values = {m[4]["field"]: m[4]["value"] for m in sent_events(page, "$model")}
    assert values == {"qty": 3, "level": 8, "gift": True, "title": "  Socks "}
    assert ["$model", {"field": "qty", "value": 3}] in server_log(page)


def test_an_empty_number_input_sends_nothing_and_nothing_is_refused(page, app):
    open_view(page, app, "/typed")
    page.fill("#qty", "4")
    expect(page.locator("#total")).to_have_text("8 / 5 / no gift /")
    before = len(sent_events(page, "$model"))
    page.fill("#qty", "")
    page.locator("#title").fill("x")
    expect(page.locator("#total")).to_have_text("8 / 5 / no gift / x")
    assert [m[4]["field"] for m in sent_events(page, "$model")[before:]] == ["title"]
    assert "bad model value" not in app.output()
