"""Stateful components in Chromium: each re-renders on its own, keeps its
element and state across its parent's renders, and takes its own events."""

import re

from playwright.sync_api import expect

CONNECTED = re.compile(r"\bts-connected\b")


def open_todos(page, ts_app):
    page.goto(ts_app.url + "/todos")
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    expect(page.locator("#todos li")).to_have_count(2)


def mark(page, selector):
    """Tags an element object: a replaced element loses the tag."""
    page.eval_on_selector(selector, "el => { el.__mark = 1 }")


def marked(page, selector):
    return page.eval_on_selector(selector, "el => el.__mark === 1")


def test_a_component_event_changes_that_component_only(page, ts_app):
    open_todos(page, ts_app)
    first, second = "#todos li:nth-child(1)", "#todos li:nth-child(2)"
    mark(page, first)
    mark(page, f"{second} label")
    page.click(f"{first} .edit")
    expect(page.locator(f"{first} form.todo-edit")).to_be_visible()
    assert marked(page, first), "the component root is the same element"
    assert marked(page, f"{second} label"), "the other component was not touched"
    expect(page.locator("#open")).to_have_text("1 open")


def test_component_state_survives_its_parents_renders(page, ts_app):
    open_todos(page, ts_app)
    first = "#todos li:nth-child(1)"
    page.click(f"{first} .edit")
    expect(page.locator(f"{first} form.todo-edit")).to_be_visible()
    mark(page, first)
    # The list re-renders (a new row, a flash): the row being edited stays in edit mode.
    page.fill("#title", "Buy tea")
    page.click("#add")
    expect(page.locator("#todos li")).to_have_count(3)
    expect(page.locator(".ts-flash-info")).to_have_text("Added “Buy tea”")
    expect(page.locator(f"{first} form.todo-edit")).to_be_visible()
    assert marked(page, first)
    expect(page.locator("#todos li:nth-child(3)")).to_contain_text("Buy tea")


def test_components_report_to_the_view_and_leave_with_their_data(page, ts_app):
    open_todos(page, ts_app)
    page.check("#todos li:nth-child(2) input[type=checkbox]")
    expect(page.locator("#open")).to_have_text("0 open")
    expect(page.locator("#todos li:nth-child(2) label")).to_have_class("done")
    page.click("#todos li:nth-child(1) .remove")
    expect(page.locator("#todos li")).to_have_count(1)
    expect(page.locator("#todos li")).to_contain_text("Write a view")
    expect(page.locator(".ts-flash-info")).to_have_text("Removed “Read the protocol”")
    # Renaming through the component's own form.
    page.click("#todos li .edit")
    page.fill("#todos li input[name=title]", "Write two views")
    page.click("#todos li form button")
    expect(page.locator("#todos li label")).to_contain_text("Write two views")
    # A flash closes, and clears on the server, when clicked.
    page.click(".ts-flash-info")
    expect(page.locator(".ts-flash")).to_have_count(0)


def test_rows_moving_under_a_component_do_not_mix_their_contents(page, ts_app):
    open_todos(page, ts_app)
    page.fill("#title", "Third")
    page.click("#add")
    expect(page.locator("#todos li")).to_have_count(3)
    page.click("#todos li:nth-child(2) .edit")
    # Removing the first row shifts the others up a place.
    page.click("#todos li:nth-child(1) .remove")
    expect(page.locator("#todos li")).to_have_count(2)
    expect(page.locator("#todos li:nth-child(1) form.todo-edit input")).to_have_value("Write a view")
    expect(page.locator("#todos li:nth-child(2) label")).to_contain_text("Third")
