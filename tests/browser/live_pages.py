"""Helpers for tests that drive the test app's pages."""

import json
import re

from playwright.sync_api import expect

CONNECTED = re.compile(r"\bts-connected\b")
DISCONNECTED = re.compile(r"\bts-disconnected\b")
LOADING = re.compile(r"\bts-loading\b")


def open_view(page, server, path):
    page.goto(server.url + path)
    expect(page.locator("[data-livets-id]")).to_have_class(CONNECTED)
    return page


def server_log(page):
    """The events the view received, as its <ol id="log"> shows them."""
    return [json.loads(t) for t in page.locator("#log li").all_text_contents()]


def sent_events(page, name=None):
    return [m for m in page.sent if m[0] == "e" and (name is None or m[3] == name)]
