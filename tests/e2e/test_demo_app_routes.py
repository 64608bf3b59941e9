"""The demo's own HTTP routes (an Express app on the live views' port),
its sign-in, the /account page behind an on-mount hook, the join's tie to
the session cookie, and live page titles: over plain HTTP, a raw
WebSocket, and in real Chromium."""

import asyncio
import http.client
import json
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlencode

import websockets
from playwright.sync_api import expect

from support import run_async

CONNECTED = re.compile(r"\bts-connected\b")


def request(demo, method, path, body=None, headers=None):
    """One request, redirects not followed; waits out the page-rate limit
    (503 with Retry-After) as a browser would. Returns (status, headers, body)."""
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if response.status != 503:
            return response.status, response.headers, data
        time.sleep(float(response.headers.get("Retry-After", "1")))


def sign_in(demo, username):
    """Posts the sign-in form; returns the Cookie header that carries the session."""
    status, headers, _ = request(demo, "POST", "/login", urlencode({"username": username}),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302
    assert headers["Location"] == "/account"
    (line,) = headers.get_all("Set-Cookie")
    assert re.fullmatch(r"livets_session=e1\.[A-Za-z0-9_-]+; Path=/; Max-Age=1209600; HttpOnly; SameSite=Lax", line), line
    return line.split(";")[0]


class Elements(HTMLParser):
    """Every start tag's attributes, by tag, in order."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_health_answers_json(demo):
    status, headers, body = request(demo, "GET", "/api/health")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == {"ok": True}


def test_echo_returns_the_json_it_was_sent_whole_or_chunked(demo):
    sent = {"text": "héllo <world>", "list": [1, 2.5, None, True], "nested": {"a": {"b": "c" * 5000}}}
    encoded = json.dumps(sent).encode()
    status, headers, body = request(demo, "POST", "/api/echo", encoded, {"Content-Type": "application/json"})
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == sent

    # The same body in 1000-byte chunks, with no Content-Length.
    conn = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=10)
    chunks = (encoded[i:i + 1000] for i in range(0, len(encoded), 1000))
    conn.request("POST", "/api/echo", body=chunks, headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                 encode_chunked=True)
    response = conn.getresponse()
    assert response.status == 200
    assert json.loads(response.read()) == sent
    conn.close()


def test_a_body_over_one_megabyte_is_refused_with_413(demo):
    big = json.dumps({"blob": "x" * (1024 * 1024)}).encode()
    status, _, _ = request(demo, "POST", "/api/echo", big, {"Content-Type": "application/json"})
    assert status == 413
    # The server goes on.
    assert request(demo, "GET", "/api/health")[0] == 200


def test_login_page_has_the_form(demo):
    status, headers, body = request(demo, "GET", "/login")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    parser = Elements()
    parser.feed(body.decode())
    forms = [attrs for tag, attrs in parser.tags if tag == "form" and attrs.get("id") == "login-form"]
    assert forms == [{"id": "login-form", "method": "post", "action": "/login"}]
    username = [attrs for tag, attrs in parser.tags if attrs.get("id") == "username"]
    assert len(username) == 1 and username[0]["name"] == "username"
    assert ("button", {"type": "submit"}) in parser.tags


def test_account_without_a_session_redirects_to_login(demo):
    status, headers, body = request(demo, "GET", "/account")
    assert status == 302
    assert headers["Location"] == "/login"
    assert b"data-livets-token" not in body
    # A session cookie that does not verify is no session.
    status, headers, _ = request(demo, "GET", "/account", headers={"Cookie": "livets_session=e1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    assert status == 302
    assert headers["Location"] == "/login"


def test_sign_in_and_out_in_chromium(chromium, demo):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(demo.url + "/login")
    page.fill("#username", "Ada Lovelace")
    page.click("#login-form button[type=submit]")
    expect(page).to_have_url(demo.url + "/account")
    expect(page.locator("#user")).to_have_text("Ada Lovelace")
    expect(page.locator("[data-livets-id]")).to_have_class(CONNECTED)
    expect(page).to_have_title("Account · LiveTS")
    (cookie,) = [c for c in context.cookies() if c["name"] == "livets_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["value"].startswith("e1.")
    assert "Ada" not in cookie["value"]

    page.click("#logout button[type=submit]")
    expect(page).to_have_url(demo.url + "/login")
    assert [c for c in context.cookies() if c["name"] == "livets_session"] == []
    page.goto(demo.url + "/account")
    expect(page).to_have_url(demo.url + "/login")
    expect(page.locator("#login-form")).to_be_visible()
    context.close()


def live_root(body):
    text = body.decode()
    component = re.search(r'data-livets-id="([^"]+)"', text).group(1)
    token = re.search(r'data-livets-token="([^"]+)"', text).group(1)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', text).group(1)
    return component, token, csrf


async def join(demo, root, cookie=None):
    """Joins `root` on a new socket, with `cookie` on its upgrade request or none; returns the first frame."""
    component, token, csrf = root
    headers = {"Cookie": cookie} if cookie is not None else {}
    async with websockets.connect(demo.url.replace("http", "ws") + "/live?v=1", additional_headers=headers) as ws:
        await ws.send(json.dumps(["j", 1, component, token, {"_csrf_token": csrf, "_url": "/account"}]))
        return json.loads(await asyncio.wait_for(ws.recv(), 10))


def test_an_account_page_joins_only_with_its_session_cookie(demo):
    cookie = sign_in(demo, "ada")
    status, _, body = request(demo, "GET", "/account", headers={"Cookie": cookie})
    assert status == 200
    assert re.search(r'<strong id="user">ada</strong>', body.decode())
    root = live_root(body)

    without = run_async(join(demo, root))
    assert without == ["x", root[0], 1, "session changed"]
    other = run_async(join(demo, root, sign_in(demo, "bob")))
    assert other == ["x", root[0], 1, "session changed"]
    with_cookie = run_async(join(demo, root, cookie))
    assert with_cookie[:4] == ["r", root[0], 1, 1]
    assert '<strong id="user">ada</strong>' in with_cookie[4]


def test_counter_title_follows_the_count_in_chromium(chromium, demo):
    page = chromium.new_page()
    page.goto(demo.url + "/counter")
    expect(page.locator("[data-livets-id]")).to_have_class(CONNECTED)
    expect(page).to_have_title("Counter · LiveTS")
    page.click("#inc")
    expect(page).to_have_title("Counter (1) · LiveTS")
    page.click("#inc")
    expect(page).to_have_title("Counter (2) · LiveTS")
    page.click("#dec")
    expect(page).to_have_title("Counter (1) · LiveTS")
    page.click("#dec")
    expect(page.locator("#count")).to_have_text("0")
    expect(page).to_have_title("Counter · LiveTS")
    page.close()
