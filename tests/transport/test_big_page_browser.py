"""A page over 1 MiB in Chromium: the page, the connector's files on the
same keep-alive connection, and the join all complete, where the
connection used to stop being read after the page."""

import re
from pathlib import Path

import pytest

from support import Server, free_port
from transport_support import get

APP = Path(__file__).resolve().parent / "big_page_app.js"


@pytest.fixture
def big_page_app():
    server = Server(["node", str(APP)], free_port()).start()
    yield server
    server.stop()


def test_a_20000_row_page_goes_live_within_a_bounded_wait(chromium, big_page_app):
    from playwright.sync_api import expect

    status, _, body = get(big_page_app.port, "/big")
    assert status == 200 and len(body) > 1 << 20
    context = chromium.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(big_page_app.url + "/big", timeout=15000)
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"), timeout=15000)
    assert page.locator("#big tr").count() == 20000
    context.close()
    assert errors == []
