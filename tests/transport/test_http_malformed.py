"""Raw-socket HTTP cases against the core: each gets its exact status, and
(the `raw` fixture checks) the server still serves the next client."""

import gzip
import time

import pytest

BAD_REQUESTS = [
    ("not http", b"hello there\r\n\r\n", 400),
    ("tls client hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40, 400),
    ("empty request line", b"\r\n\r\n", 400),
    ("http/0.9", b"GET /\r\n\r\n", 400),
    ("double space", b"GET  / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    ("control char in target", b"GET /a\x01b HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    ("relative target", b"GET index.html HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    ("bad version", b"GET / HTTP/1.x\r\nHost: t\r\n\r\n", 400),
    ("missing host", b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
    ("space before colon", b"GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400),
    ("invalid header name", b"GET / HTTP/1.1\r\nHost: t\r\nBad@Name: x\r\n\r\n", 400),
    ("empty header name", b"GET / HTTP/1.1\r\nHost: t\r\n: x\r\n\r\n", 400),
    ("nul in header value", b"GET / HTTP/1.1\r\nHost: t\r\nX: a\x00b\r\n\r\n", 400),
    ("obsolete line folding", b"GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n  b\r\n\r\n", 400),
    ("bare cr", b"GET / HTTP/1.1\r\nHost: t\rX: y\r\n\r\n", 400),
    ("bare lf", b"GET / HTTP/1.1\nHost: t\n\n", 400),
    ("content-length and transfer-encoding", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\nabcd", 400),
    ("transfer-encoding and content-length", b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\nabcd", 400),
    ("duplicate content-length", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd", 400),
    ("conflicting content-length", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", 400),
    ("content-length list", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4, 4\r\n\r\nabcd", 400),
    ("negative content-length", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -4\r\n\r\n", 400),
    ("hex content-length", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0x10\r\n\r\n", 400),
    ("plus content-length", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +4\r\n\r\nabcd", 400),
    ("chunked body", b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n", 501),
    ("unknown method", b"BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n", 501),
    ("lowercase method", b"get / HTTP/1.1\r\nHost: t\r\n\r\n", 501),
    ("http/2 version", b"GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
    ("http/3 version", b"GET / HTTP/3.0\r\nHost: t\r\n\r\n", 505),
    ("request line too long", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 431),
    ("headers too large", b"GET / HTTP/1.1\r\nHost: t\r\nX: " + b"b" * 17000 + b"\r\n\r\n", 431),
    ("too many headers", b"GET / HTTP/1.1\r\nHost: t\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(120)) + b"\r\n", 431),
    ("body too large", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000000\r\n\r\n", 413),
]


@pytest.mark.parametrize("name,request_bytes,status", BAD_REQUESTS, ids=[c[0] for c in BAD_REQUESTS])
def test_bad_request_gets_its_status_and_the_connection_closes(raw, name, request_bytes, status):
    client = raw()
    client.send(request_bytes)
    answer = client.read_until_close()
    assert answer.startswith(b"HTTP/1.1 %d " % status), (name, answer[:200])
    assert b"\r\nConnection: close\r\n" in answer


TRAVERSALS = [
    "/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/%2E%2E/secret.txt", "/static/js/..%2f..%2fsecret.txt",
    "/static/js/%2e%2e%2f%2e%2e%2fsecret.txt", "/static/js\\..\\..\\secret.txt", "/static/js%5c..%5c..%5csecret.txt",
    "/static/js/app.js%00.txt", "/static/escape.txt", "/static//etc/passwd", "/static/%252e%252e/secret.txt",
    "/static/.%2e/secret.txt", "/static/", "/static/js", "/static/js/", "/static/%zz",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_nothing_outside_the_static_root(raw, path):
    client = raw()
    client.send(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    status, _, body = client.read_response()
    assert status == 404, path
    assert b"secret" not in body


def test_static_file_type_etag_and_304(raw):
    client = raw()
    client.send(b"GET /static/js/app.js HTTP/1.1\r\nHost: t\r\n\r\n")
    status, headers, body = client.read_response()
    assert status == 200
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"
    assert "cache-control" in headers
    assert body == b"console.log('live');\n" * 50
    etag = headers["etag"]
    client.send(f"GET /static/js/app.js HTTP/1.1\r\nHost: t\r\nIf-None-Match: W/\"x\", {etag}\r\n\r\n".encode())
    status, headers, body = client.read_response()
    assert status == 304 and body == b"" and headers["etag"] == etag


def test_static_gzip_only_when_accepted(raw):
    client = raw()
    client.send(b"GET /static/js/app.js HTTP/1.1\r\nHost: t\r\nAccept-Encoding: br, gzip\r\n\r\n")
    status, headers, body = client.read_response()
    assert status == 200 and headers["content-encoding"] == "gzip" and "accept-encoding" in headers["vary"].lower()
    assert gzip.decompress(body) == b"console.log('live');\n" * 50
    client.send(b"GET /static/js/app.js HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip;q=0\r\n\r\n")
    status, headers, body = client.read_response()
    assert "content-encoding" not in headers and body == b"console.log('live');\n" * 50


def test_wrong_method_on_a_static_route_is_405(raw):
    client = raw()
    client.send(b"POST /static/style.css HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
    status, headers, _ = client.read_response()
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_head_has_length_and_no_body(raw):
    client = raw()
    client.send(b"HEAD /static/style.css HTTP/1.1\r\nHost: t\r\n\r\nGET /static/style.css HTTP/1.1\r\nHost: t\r\n\r\n")
    status, headers, body = client.read_response(head_request=True)
    assert status == 200 and headers["content-length"] == "20" and body == b""
    # The next response starts right after the HEAD's empty body.
    status, _, body = client.read_response()
    assert status == 200 and body == b"body { color: red }\n"


def test_pipelined_requests_are_answered_in_order(raw):
    client = raw()
    client.send(b"GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /static/style.css HTTP/1.1\r\nHost: t\r\n\r\n"
                b"GET /static/nope HTTP/1.1\r\nHost: t\r\n\r\n")
    statuses = [client.read_response()[0] for _ in range(3)]
    assert statuses == [200, 200, 404]


def test_keep_alive_date_and_connection_close(raw):
    client = raw()
    client.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    status, headers, _ = client.read_response()
    assert status == 200 and headers["connection"] == "keep-alive" and headers["date"].endswith(" GMT")
    client.send(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    status, headers, _ = client.read_response()
    assert headers["connection"] == "close"
    assert client.is_closed()


def test_http10_closes_by_default(raw):
    client = raw()
    client.send(b"GET / HTTP/1.0\r\n\r\n")
    status, headers, _ = client.read_response()
    assert status == 200 and headers["connection"] == "close" and client.is_closed()


def test_absolute_form_target(raw):
    client = raw()
    client.send(b"GET http://t/static/style.css HTTP/1.1\r\nHost: t\r\n\r\n")
    status, _, body = client.read_response()
    assert status == 200 and body == b"body { color: red }\n"


def test_body_is_read_and_the_next_request_follows(raw):
    client = raw()
    client.send(b"POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert client.read_response()[0] == 200
    assert client.read_response()[0] == 200


def test_slowloris_is_cut_off(raw):
    client = raw(timeout=10)
    started = time.monotonic()
    client.send(b"GET / HTTP/1.1\r\n")
    answer = b""
    for byte in b"Host: t\r\nX-Slow: " + b"a" * 40:
        try:
            client.send(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            break
        time.sleep(0.1)
        if time.monotonic() - started > 4:
            break
    answer = client.read_until_close()
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:100]
    assert time.monotonic() - started < 4


def test_slow_body_is_cut_off(raw):
    client = raw(timeout=10)
    client.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
    assert client.read_until_close().startswith(b"HTTP/1.1 408 ")


def test_idle_keep_alive_connection_closes(raw):
    client = raw(timeout=10)
    client.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert client.read_response()[0] == 200
    assert client.is_closed(wait=5)
