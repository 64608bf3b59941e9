"""Pages and static files go out gzipped to clients that accept it, through
the real stack: same bytes once inflated, HEAD and 304 agree with GET, small
bodies and refusing clients get identity, and caches are told it varies."""

import gzip
import http.client
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, Server, free_port  # noqa: E402

APP = REPO / "tests" / "compression" / "server.js"


def start(env=None):
    return Server(["node", str(APP)], free_port(), env=env).start()


@pytest.fixture(scope="module")
def app():
    server = start()
    yield server
    server.stop()


def fetch(server, path, method="GET", **headers):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def without_secrets(page):
    """A page less what differs per request (its CSRF and join tokens)."""
    return re.sub(rb'(content|data-livets-token|data-livets-id)="[^"]*"', rb'\1=""', page)


def test_large_page_is_gzipped_and_inflates_to_the_identity_page(app):
    plain, plain_body = fetch(app, "/big")
    zipped, zipped_body = fetch(app, "/big", **{"Accept-Encoding": "gzip, deflate, br"})
    assert plain.getheader("Content-Encoding") is None
    assert zipped.getheader("Content-Encoding") == "gzip"
    assert int(zipped.getheader("Content-Length")) == len(zipped_body)
    assert len(zipped_body) * 4 < len(plain_body)
    assert without_secrets(gzip.decompress(zipped_body)) == without_secrets(plain_body)
    assert plain.getheader("Vary") == "Accept-Encoding"
    assert zipped.getheader("Vary") == "Accept-Encoding"


def test_head_has_the_gzip_length_and_no_body(app):
    _, body = fetch(app, "/big", **{"Accept-Encoding": "gzip"})
    head, head_body = fetch(app, "/big", "HEAD", **{"Accept-Encoding": "gzip"})
    assert head_body == b""
    assert head.getheader("Content-Encoding") == "gzip"
    # The tokens in the page differ per request; their length does not.
    assert abs(int(head.getheader("Content-Length")) - len(body)) < 16


@pytest.mark.parametrize("accept", ["gzip;q=0", "br, deflate", "identity", "*;q=0", "gzip;q=0.000, *"])
def test_a_client_that_refuses_gzip_gets_identity(app, accept):
    response, body = fetch(app, "/big", **{"Accept-Encoding": accept})
    assert response.getheader("Content-Encoding") is None
    assert body.startswith(b"<!")
    assert response.getheader("Vary") == "Accept-Encoding"


def test_small_page_is_never_compressed(app):
    response, body = fetch(app, "/small", **{"Accept-Encoding": "gzip"})
    assert len(body) < 1024
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Vary") is None


def test_static_gzip_variant_has_a_weak_etag_that_revalidates(app):
    plain, plain_body = fetch(app, "/assets/notes.txt")
    zipped, zipped_body = fetch(app, "/assets/notes.txt", **{"Accept-Encoding": "gzip"})
    assert zipped.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(zipped_body) == plain_body
    strong = plain.getheader("ETag")
    assert strong.startswith('"')
    assert zipped.getheader("ETag") == "W/" + strong
    for tag in (strong, "W/" + strong):
        again, body = fetch(app, "/assets/notes.txt", **{"Accept-Encoding": "gzip", "If-None-Match": tag})
        assert again.status == 304 and body == b""
        assert again.getheader("ETag") == "W/" + strong
    head, head_body = fetch(app, "/assets/notes.txt", "HEAD", **{"Accept-Encoding": "gzip"})
    assert head_body == b"" and int(head.getheader("Content-Length")) == len(zipped_body)


def test_threshold_and_switch_are_configurable():
    low = start({"COMPRESS_MIN_BYTES": "64"})
    off = start({"NO_PAGE_COMPRESSION": "1"})
    try:
        response, body = fetch(low, "/small", **{"Accept-Encoding": "gzip"})
        assert response.getheader("Content-Encoding") == "gzip"
        assert b"<p>small" in gzip.decompress(body)
        response, body = fetch(off, "/big", **{"Accept-Encoding": "gzip"})
        assert response.getheader("Content-Encoding") is None
        assert response.getheader("Vary") is None
        assert body.startswith(b"<!")
    finally:
        low.stop()
        off.stop()
