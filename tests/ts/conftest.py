"""Fixtures for the TypeScript API's end-to-end tests: the app of
tests/ts/app on the real stack, and pages that fail the test on a page
error or a Content-Security-Policy violation."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, Server, free_port  # noqa: E402

APP = REPO / "tests" / "ts" / "app" / "server.js"


@pytest.fixture(scope="session")
def ts_app():
    server = Server(["node", str(APP)], free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    p = context.new_page()
    errors = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => __violations.push(e.violatedDirective))"
    )
    yield p
    violations = p.evaluate("window.__violations") if not p.is_closed() else []
    context.close()
    assert errors == []
    assert violations == []
