"""The connector runs under a strict Content-Security-Policy: no inline
script, no eval, no inline style attributes of its own making."""

import urllib.request

import pytest
from playwright.sync_api import expect

from live_pages import open_view
from support import CHROMIUM

POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'"


def header(url):
    with urllib.request.urlopen(url) as response:
        return response.headers.get("Content-Security-Policy")


def test_pages_are_served_with_the_strict_policy(app, demo):
    assert header(app.url + "/form") == POLICY
    assert header(demo.url + "/counter") == POLICY


@pytest.fixture
def strict_page(chromium, app):
    """A page whose documents get the policy from the test itself, so the
    connector is checked even where the server's header is missing or
    differs. Chromium treats a document the test fulfilled as a public one
    and would refuse its socket to loopback without the flag."""
    browser = chromium.browser_type.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-features=LocalNetworkAccessChecks"]
    )
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => __violations.push(e.violatedDirective))"
    )

    def strict(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": POLICY})

    page.route(app.url + "/*", strict)
    yield page
    browser.close()
    assert errors == []


def test_every_directive_works_with_no_violation(strict_page, app):
    page = strict_page
    page.add_init_script("window.LiveTS = { hooks: { Probe: { mounted() { window.__mounted = (window.__mounted || 0) + 1 } } } }")
    open_view(page, app, "/show")
    page.check("#more")
    page.select_option("#plan", "pro")
    expect(page.locator("#pro")).to_be_visible()
    page.click("#bump")
    expect(page.locator("#n")).to_have_text("1")
    open_view(page, app, "/form")
    page.fill("#name", "Ada")
    page.click("#save")
    expect(page.locator("#saved")).not_to_have_text("", timeout=5000)
    open_view(page, app, "/hooks")
    page.click("#bump")
    expect(page.locator("#n")).to_have_text("1")
    assert page.evaluate("window.__mounted") == 3
    assert page.evaluate("__violations") == []
    # The policy is in force: an inline script is refused and reported.
    page.evaluate("""() => {
        const s = document.createElement('script')
        s.textContent = 'window.__inline = 1'
        document.body.append(s)
    }""")
    page.wait_for_function("() => __violations.length == 1")
    assert page.evaluate("[window.__inline, __violations[0]]") == [None, "script-src-elem"]
    page.evaluate("__violations.length = 0")
