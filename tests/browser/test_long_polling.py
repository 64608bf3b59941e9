"""Long polling in Chromium: behind a proxy that refuses WebSocket
upgrades, the connector falls back to long polling and the counter and
the shared todo list work; once upgrades pass again, the connector
returns to a WebSocket by itself (docs/api.md, "Long polling")."""

import re
import socket
import threading
import time

from playwright.sync_api import expect

from support import free_port


class UpgradeBlockingProxy:
    """A TCP proxy to the demo that answers an upgrade request 403 while
    `blocking` is set, as a proxy that does not carry WebSockets does, and
    passes everything else through byte for byte. It counts the upgrades
    it passed and the long-poll requests it saw."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.port = free_port()
        self.blocking = True
        self.upgrades_passed = 0
        self.upgrades_refused = 0
        self.polls = 0
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self.accept, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client):
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            # The demo has stopped, and with it the test.
            client.close()
            return
        threading.Thread(target=self.pipe, args=(upstream, client, False), daemon=True).start()
        self.pipe(client, upstream, True)

    def pipe(self, source, sink, inspect):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if inspect:
                    head = data.lower()
                    self.polls += head.count(b"/live/poll")
                    if b"upgrade: websocket" in head:
                        if self.blocking:
                            self.upgrades_refused += 1
                            source.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            break
                        self.upgrades_passed += 1
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


def open_live(chromium, url):
    page = chromium.new_page()
    page.scripts = []
    page.on("request", lambda r: r.resource_type == "script" and page.scripts.append(r.url.rsplit("/", 1)[-1]))
    page.goto(url)
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"), timeout=15000)
    return page


def test_counter_and_todos_work_over_long_polling_then_the_websocket_returns(chromium, demo):
    proxy = UpgradeBlockingProxy(demo.port)
    try:
        page = open_live(chromium, proxy.url + "/counter")
        assert proxy.upgrades_refused >= 2 and proxy.upgrades_passed == 0
        assert proxy.polls > 0
        # Long polling is a script of its own, loaded once the WebSocket gives way.
        assert page.scripts[-2:] == ["live.js", "poll.js"]
        for _ in range(3):
            page.click("#inc")
        expect(page.locator("#count")).to_have_text("3")
        page.click("#dec")
        expect(page.locator("#count")).to_have_text("2")

        a = open_live(chromium, proxy.url + "/todo")
        b = open_live(chromium, proxy.url + "/todo")
        a.fill("#new-todo", "over long polling")
        a.click("#todo-form button")
        expect(b.locator("#todos li .title")).to_have_text("over long polling")
        b.locator("#todos li .toggle").check()
        expect(a.locator("#todos li")).to_have_class(re.compile(r"\bdone\b"))
        a.locator("#todos li .destroy").click()
        expect(b.locator("#todos li")).to_have_count(0)
        a.close()
        b.close()
        assert proxy.upgrades_passed == 0

        # Upgrades pass again: within the retry interval (30 s) the counter
        # page opens a WebSocket beside its polling and moves onto it.
        proxy.blocking = False
        deadline = time.time() + 45
        while proxy.upgrades_passed == 0 and time.time() < deadline:
            page.wait_for_timeout(500)
        assert proxy.upgrades_passed == 1
        expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
        page.wait_for_timeout(1000)
        polls = proxy.polls
        before = page.inner_text("#count")
        page.click("#inc")
        expect(page.locator("#count")).to_have_text(str(int(before) + 1))
        page.wait_for_timeout(500)
        assert proxy.polls == polls, "once on the WebSocket, the page polls no more"
        page.close()
    finally:
        proxy.close()


def test_a_page_whose_websocket_works_never_loads_long_polling(chromium, demo):
    page = open_live(chromium, demo.url + "/counter")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("1")
    # Nor what else it does not use: ts-show, live navigation.
    assert "live.js" in page.scripts
    assert not {"poll.js", "show.js", "nav.js"} & set(page.scripts)
    page.close()
