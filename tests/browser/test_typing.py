"""Patches never clobber the user: what is typed, where the caret is, and
how far a container is scrolled all survive the server's re-renders."""

import random
import string

from playwright.sync_api import expect

from live_pages import open_view, sent_events


def test_typing_fast_while_the_server_renders_each_keystroke_loses_nothing(page, app):
    open_view(page, app, "/typing")
    text = "".join(random.Random(7).choice(string.ascii_letters + " ,.") for _ in range(200))
    page.click("#text")
    page.keyboard.type(text)
    expect(page.locator("#echo")).to_have_text(text.strip(), timeout=15000)
    assert page.input_value("#text") == text
    assert page.locator("#len").inner_text() == str(len(text))
    # Every other keystroke replaced the input's parent: focus came back each time.
    assert page.evaluate("document.activeElement.id") == "text"
    assert page.evaluate("document.activeElement.selectionStart") == len(text)
    assert len(sent_events(page, "$model")) == len(text)
    assert [m for m in page.sent if m[0] == "s"] == [], "no patch needed a resync"


def test_a_debounced_model_sends_once_the_typing_pauses(page, app):
    open_view(page, app, "/typing")
    page.click("#slow")
    page.keyboard.type("abcdef")
    expect(page.locator("#slow-echo")).to_have_text("abcdef")
    assert [m[4] for m in sent_events(page, "$model")] == [{"field": "slow", "value": "abcdef"}]


def test_caret_and_selection_stay_where_the_user_put_them(page, app):
    open_view(page, app, "/typing")
    page.click("#text")
    page.keyboard.type("hello world")
    expect(page.locator("#echo")).to_have_text("hello world")
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    page.keyboard.type("big ")
    expect(page.locator("#echo")).to_have_text("hello big world")
    # The caret is still after what was typed, not at the end.
    assert page.evaluate("[document.activeElement.id, document.activeElement.selectionStart]") == ["text", 10]
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.type("X")
    expect(page.locator("#echo")).to_have_text("hello biXworld")
    assert page.evaluate("document.activeElement.selectionStart") == 9


def test_a_selection_survives_a_patch_that_replaces_the_inputs_parent(page, app):
    open_view(page, app, "/typing")
    page.click("#text")
    page.keyboard.type("abcdef")
    expect(page.locator("#echo")).to_have_text("abcdef")
    page.evaluate("document.activeElement.setSelectionRange(1, 4, 'backward')")
    # A server-side change the user did not type: the wrapper flips, so the
    # input element is replaced under the selection.
    page.evaluate("""() => {
        const el = document.getElementById('text')
        el.value = 'abcdefg'
        el.setSelectionRange(1, 4, 'backward')
        el.dispatchEvent(new Event('input', { bubbles: true }))
    }""")
    expect(page.locator("#echo")).to_have_text("abcdefg")
    assert page.evaluate("""() => {
        const a = document.activeElement
        return [a.id, a.value, a.selectionStart, a.selectionEnd, a.selectionDirection, a.parentNode.localName]
    }""") == ["text", "abcdefg", 1, 4, "backward", "section"]


def test_scroll_positions_survive_patches(page, app):
    open_view(page, app, "/scroll")
    page.evaluate("""() => {
        document.getElementById('kept').scrollTop = 400
        document.getElementById('swapped').scrollTop = 300
    }""")
    page.wait_for_function("() => document.getElementById('swapped').scrollTop == 300")
    for n in (1, 2, 3):
        page.click("#tick")
        expect(page.locator("#n")).to_have_text(str(n))
        assert page.evaluate("document.getElementById('kept').scrollTop") == 400
        # Replaced by the patch (its tag flips), and scrolled back to where it was.
        assert page.evaluate("[document.getElementById('swapped').localName, document.getElementById('swapped').scrollTop]") == [
            "section" if n % 2 else "div",
            300,
        ]
        assert page.locator("#kept .row").first.inner_text() == f"row 0 / {n}"
