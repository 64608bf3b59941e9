"""Fixtures for the connector's end-to-end tests: the test app of
tests/browser/app on the real stack, and pages that record what the
connector sends, every page error and every CSP violation."""

import json
import sys
from pathlib import Path

import pytest
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, Server, free_port  # noqa: E402

APP = REPO / "tests" / "browser" / "app" / "server.js"


def app_server():
    return Server(["node", str(APP)], free_port())


@pytest.fixture(scope="session")
def app():
    """One app server for the tests that do not stop it."""
    server = app_server().start()
    yield server
    server.stop()


@pytest.fixture
def own_app():
    """An app server of the test's own, free to stop and restart."""
    server = app_server().start()
    yield server
    server.stop()


@pytest.fixture
def page(chromium):
    """A page that records the frames the connector sends (`page.sent`),
    and fails the test on a page error or a CSP violation."""
    context = chromium.new_context()
    p = context.new_page()
    errors = []
    p.sent = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.on("websocket", lambda ws: ws.on("framesent", lambda data: p.sent.append(json.loads(data))))
    p.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => __violations.push(e.violatedDirective))"
    )
    yield p
    violations = p.evaluate("window.__violations")
    context.close()
    assert errors == []
    assert violations == []
