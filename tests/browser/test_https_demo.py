"""The demo over HTTPS and WSS from the core (LIVETS_TLS_CERT/KEY), in
real Chromium: the page loads over TLS, the connector opens wss:// on the
same origin, and events go both ways. Chromium trusts the throwaway
certificate by its key's hash alone (--ignore-certificate-errors-spki-list),
so nothing is installed in any trust store."""

import http.client
import re
import signal
import time

import pytest
from playwright.sync_api import expect

from support import CHROMIUM, REPO, Server, free_port
from tls_support import CertificateAuthority, common_name, spki_hash


@pytest.fixture
def https_demo(tmp_path):
    ca = CertificateAuthority(tmp_path / "ca")
    cert, key = ca.issue("demo", tmp_path / "demo.crt", tmp_path / "demo.key")
    port = free_port()
    server = Server(["node", str(REPO / "examples/app/dist/server.js")], port,
                    env={"LIVETS_TLS_CERT": str(cert), "LIVETS_TLS_KEY": str(key)}).start()
    server.ca, server.cert, server.key = ca, cert, key
    yield server
    server.stop()


def test_the_demo_goes_live_over_https_and_wss(chromium, https_demo):
    url = f"https://127.0.0.1:{https_demo.port}"
    # A browser of its own, from the session's Playwright: only this one trusts the key.
    browser = chromium.browser_type.launch(executable_path=CHROMIUM, headless=True,
                                           args=["--no-sandbox", f"--ignore-certificate-errors-spki-list={spki_hash(https_demo.cert)}"])
    try:
        page = browser.new_page()
        sockets = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.goto(url + "/counter")
        expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
        for _ in range(3):
            page.click("#inc")
        expect(page.locator("#count")).to_have_text("3")
        assert sockets and all(s.startswith(f"wss://127.0.0.1:{https_demo.port}/") for s in sockets), sockets
        # The connector's bundle and the app's assets come from the core's static files, over TLS.
        assert page.evaluate("document.querySelector('script[src=\"/assets/app.js\"]') !== null")
        assert page.evaluate("location.protocol") == "https:"
    finally:
        browser.close()


def test_sighup_reloads_the_demos_certificate(https_demo):
    def served_name():
        connection = http.client.HTTPSConnection("127.0.0.1", https_demo.port, context=https_demo.ca.client_context(), timeout=10)
        try:
            connection.request("GET", "/counter")
            assert connection.getresponse().status == 200
            return common_name(connection.sock.getpeercert())
        finally:
            connection.close()

    assert served_name() == "demo"
    https_demo.ca.issue("renewed", https_demo.cert, https_demo.key)
    https_demo.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while "SIGHUP: TLS certificate reloaded" not in https_demo.output():
        assert time.monotonic() < deadline, https_demo.output()
        time.sleep(0.05)
    assert served_name() == "renewed"

    https_demo.key.write_text("not a key\n")
    https_demo.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while "not reloaded" not in https_demo.output():
        assert time.monotonic() < deadline, https_demo.output()
        time.sleep(0.05)
    assert "keeping the current one" in https_demo.output()
    assert served_name() == "renewed"
