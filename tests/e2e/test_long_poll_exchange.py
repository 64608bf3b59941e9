"""The long-poll exchange against the demo, over plain HTTP: a session is
opened with a POST, the counter joins and clicks through POSTs, renders and
patches come back on a held GET, and bad requests get their status and a
refusal line (docs/protocol.md, "Long polling")."""

import http.client
import json
import re
import threading
import time
import urllib.request

from support import demo_server

POLL = "/live/poll?v=1"


def counter_page(url):
    body = urllib.request.urlopen(url + "/counter").read().decode()
    component = re.search(r'data-livets-id="([^"]+)"', body).group(1)
    token = re.search(r'data-livets-token="([^"]+)"', body).group(1)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', body).group(1)
    return component, token, csrf


def request(port, method, session=None, body=b"", headers=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    all_headers = {"Origin": f"http://127.0.0.1:{port}", **(headers or {})}
    if session is not None:
        all_headers["LiveTS-Session"] = session
    connection.request(method, POLL, body=body, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data, response


def frames(*messages):
    out = b""
    for message in messages:
        data = json.dumps(message).encode() if not isinstance(message, bytes) else message
        out += str(len(data)).encode() + b"\n" + data
    return out


def unframe(body):
    out, at = [], 0
    while at < len(body):
        newline = body.index(b"\n", at)
        length = int(body[at:newline])
        out.append(json.loads(body[newline + 1:newline + 1 + length]))
        at = newline + 1 + length
    return out


def open_session(port):
    status, body, response = request(port, "POST")
    assert status == 200
    assert response.getheader("Cache-Control") == "no-store"
    assert re.fullmatch(rb"\d+\.[0-9a-f]{32}", body), body
    return body.decode()


def poll_until(port, session, wanted, deadline=10.0):
    """GETs until a frame of kind `wanted` (not "t", the title) comes."""
    end = time.time() + deadline
    while time.time() < end:
        status, body, _ = request(port, "GET", session)
        assert status in (200, 204), status
        for frame in unframe(body) if status == 200 else []:
            if frame[0] == wanted:
                return frame
    raise AssertionError(f"no {wanted!r} frame within {deadline} s")


def test_the_counter_joins_and_counts_over_long_polling(demo):
    port = demo.port
    session = open_session(port)
    component, token, csrf = counter_page(demo.url)
    status, body, _ = request(port, "POST", session, frames(["j", 1, component, token, {"_csrf_token": csrf}]))
    assert (status, body) == (204, b"")
    render = poll_until(port, session, "r")
    assert render[1] == component and '<span id="count">0</span>' in render[4]
    # Two events in one POST are two messages, each handed over in order.
    status, _, _ = request(port, "POST", session, frames(["e", 2, component, "inc", {}], ["e", 3, component, "inc", {}]))
    assert status == 204
    texts = ""
    end = time.time() + 10
    while '"2"' not in texts and time.time() < end:
        status, body, _ = request(port, "GET", session)
        texts += body.decode()
    assert '"2"' in texts, texts


def test_a_held_get_is_answered_as_soon_as_a_message_comes(demo):
    port = demo.port
    session = open_session(port)
    answer = {}

    def held():
        answer["value"] = request(port, "GET", session)
        answer["at"] = time.time()

    thread = threading.Thread(target=held)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive(), "a GET with nothing to deliver is held"
    sent_at = time.time()
    # A frame of the wrong shape is answered ["x", ...] on the session.
    assert request(port, "POST", session, frames(b"[1]"))[0] == 204
    thread.join(10)
    status, body, _ = answer["value"]
    assert status == 200
    assert unframe(body)[0][0] == "x"
    assert answer["at"] - sent_at < 2


def test_a_newer_get_replaces_the_held_one(demo):
    port = demo.port
    session = open_session(port)
    first = {}
    thread = threading.Thread(target=lambda: first.update(value=request(port, "GET", session)))
    thread.start()
    time.sleep(0.5)
    second = {}
    newer = threading.Thread(target=lambda: second.update(value=request(port, "GET", session)))
    newer.start()
    thread.join(10)
    assert first["value"][0] == 409
    request(port, "POST", session, frames(b"[1]"))
    newer.join(10)
    assert second["value"][0] == 200


def test_bad_requests_get_their_status_and_a_refusal_line(demo):
    port = demo.port
    session = open_session(port)
    session_id, token = session.split(".")
    other = "0" * 32 if token != "0" * 32 else "1" * 32
    assert request(port, "GET", f"{session_id}.{other}")[0] == 403
    assert request(port, "GET", f"{int(session_id) + 1000}.{token}")[0] == 410
    assert request(port, "GET", "not-a-session")[0] == 400
    assert request(port, "GET")[0] == 400
    assert request(port, "PUT", session)[0] == 405
    assert request(port, "POST", session, b"5\nab")[0] == 400
    assert request(port, "POST", session, b"3\n\xff\xfe\xfd")[0] == 400
    big = b"x" * ((1 << 20) + 1)
    assert request(port, "POST", session, str(len(big)).encode() + b"\n" + big)[0] == 413
    # Another site's page may not open a session, as it may not open a socket.
    assert request(port, "POST", headers={"Origin": "http://evil.example"})[0] == 403
    # DELETE ends the session: it is gone after.
    assert request(port, "DELETE", session)[0] == 204
    assert request(port, "GET", session)[0] == 410
    time.sleep(0.3)
    log = demo.output()
    for cause in ("long_poll", "bad_message", "too_big", "origin"):
        assert f"refused ({cause})" in log, (cause, log)
    assert "is not its own" in log


def test_with_long_polling_off_the_endpoint_is_404():
    server = demo_server()
    server.env["LIVETS_LONG_POLLING"] = "off"
    server.start()
    try:
        assert request(server.port, "POST")[0] == 404
        assert request(server.port, "GET", "1." + "0" * 32)[0] == 404
    finally:
        server.stop()
