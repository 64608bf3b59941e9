"""Signed joins in Chromium: a tampered token or CSRF token is refused and
the browser falls back to a full page load, a bounded number of times."""

import re

from playwright.sync_api import expect

CONNECTED = re.compile(r"\bts-connected\b")
ERROR = re.compile(r"\bts-error\b")
POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'"


def tamper(page, change, times):
    """Changes the first `times` page loads' markup with the JavaScript
    `change`, as the document finishes parsing and before the connector
    reads it. Returns the list of page loads of the document."""
    loads = []
    page.on("request", lambda r: loads.append(r.url) if r.resource_type == "document" else None)
    page.add_init_script(
        "document.addEventListener('readystatechange', () => {"
        "  if (document.readyState != 'interactive') return;"
        "  const n = Number(sessionStorage.getItem('tampered')) || 0;"
        f"  if (n >= {times}) return;"
        "  sessionStorage.setItem('tampered', n + 1);"
        f"  ({change})();"
        "})"
    )
    return loads


FLIP_TOKEN = """() => {
  const root = document.querySelector('[data-livets-token]')
  const t = root.getAttribute('data-livets-token')
  root.setAttribute('data-livets-token', t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A'))
}"""

FORGE_CSRF = "() => { document.querySelector('meta[name=csrf-token]').content = 'forged' }"


def test_pages_carry_the_policy_and_no_inline_script(page, ts_app):
    response = page.goto(ts_app.url + "/counter")
    assert response.headers["content-security-policy"] == POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    assert page.evaluate("[...document.scripts].every(s => s.src && !s.text.trim())") is True
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("1")


def test_a_tampered_join_token_is_refused_and_the_page_reloads(page, ts_app):
    loads = tamper(page, FLIP_TOKEN, times=1)
    page.goto(ts_app.url + "/counter")
    root = page.locator("[data-livets-token]")
    expect(root).to_have_class(CONNECTED)
    assert len(loads) == 2, "refused, then loaded afresh"
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("1")
    assert page.evaluate("sessionStorage.getItem('livets-reloads')") is None


def test_a_forged_csrf_token_is_refused_and_the_page_reloads(page, ts_app):
    loads = tamper(page, FORGE_CSRF, times=1)
    page.goto(ts_app.url + "/counter")
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    assert len(loads) == 2


def test_reloads_stop_after_three_refusals_in_a_row(page, ts_app):
    loads = tamper(page, FLIP_TOKEN, times=100)
    page.goto(ts_app.url + "/counter")
    root = page.locator("[data-livets-token]")
    expect(root).to_have_class(ERROR)
    # Nothing more happens: the page stays as it is.
    page.wait_for_timeout(500)
    expect(root).to_have_class(ERROR)
    assert len(loads) == 4, f"the first load and three reloads, not {len(loads)}"
    assert page.evaluate("sessionStorage.getItem('livets-reloads')") == "3"
    # The page still shows what the server rendered.
    expect(page.locator("#count")).to_have_text("0")
