"""HTTPS and WSS from the core (lts_config.tls_cert_file/tls_key_file), on
the C echo server with --cert/--key: real clients (Python's ssl, the
websockets package) trusting a CA made for the test, reloads through
SIGHUP (lts_server_reload_tls), and the clients TLS must turn away."""

import hashlib
import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time

import pytest
import websockets

from support import free_port, run_async
from tls_support import CertificateAuthority, common_name
from transport_support import ECHO_SERVER, start_echo


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return CertificateAuthority(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def files(ca, tmp_path_factory):
    """Static files, and the server certificate at the paths the server is
    given (a reload test writes others over them)."""
    root = tmp_path_factory.mktemp("tls-static")
    (root / "style.css").write_text("body { color: red }\n")
    # Bigger than the streaming threshold: it goes out chunk by chunk.
    (root / "big.bin").write_bytes(os.urandom(3 << 20))
    cert, key = ca.issue("first")
    return root, cert, key


@pytest.fixture(scope="module")
def server(files):
    root, cert, key = files
    server = start_echo("--cert", str(cert), "--key", str(key), "--static", str(root),
                        "--header-timeout-ms", "2000", "--broadcast-path", "/broadcast")
    yield server
    server.stop()


def https(server, ca, path, **kw):
    connection = http.client.HTTPSConnection("127.0.0.1", server.port, context=ca.client_context(), timeout=10, **kw)
    connection.request("GET", path)
    response = connection.getresponse()
    return connection, response


def test_https_serves_pages_and_static_files_on_one_connection(server, ca, files):
    root, _, _ = files
    connection, response = https(server, ca, "/")
    assert response.status == 200
    assert response.read() == b"LiveTS echo server: open a WebSocket on any path\n"
    assert connection.sock.version() == "TLSv1.3"
    for path, expected in [("/static/style.css", b"body { color: red }\n"),
                           ("/static/big.bin", (root / "big.bin").read_bytes()),
                           ("/bytes/1000000", bytes(ord("a") + i % 26 for i in range(1_000_000)))]:
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 200, path
        body = response.read()
        assert hashlib.sha256(body).hexdigest() == hashlib.sha256(expected).hexdigest(), path
    connection.close()


def test_alpn_agrees_on_http11_and_tls12_is_served(server, ca):
    context = ca.client_context()
    context.set_alpn_protocols(["h2", "http/1.1"])
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.selected_alpn_protocol() == "http/1.1"
            assert tls.version() == "TLSv1.2"
            assert common_name(tls.getpeercert()) == "first"
            tls.sendall(b"GET /static/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := tls.recv(65536):
                reply += chunk
    assert reply.startswith(b"HTTP/1.1 200 ") and reply.endswith(b"body { color: red }\n")


def test_a_large_file_reaches_a_slow_reader_whole(server, ca, files):
    root, _, _ = files
    connection, response = https(server, ca, "/static/big.bin")
    body = b""
    while chunk := response.read(8192):
        body += chunk
        if len(body) < 256 * 1024:
            time.sleep(0.002)
    assert body == (root / "big.bin").read_bytes()


def test_wss_echoes_text_and_binary(server, ca):
    async def run():
        async with websockets.connect(f"wss://127.0.0.1:{server.port}/echo", ssl=ca.client_context(),
                                      max_size=8 << 20) as ws:
            await ws.send("hello over TLS")
            assert await ws.recv() == "hello over TLS"
            blob = os.urandom(1 << 20)
            await ws.send(blob)
            assert await ws.recv() == blob
            # Many small messages in one TLS record and one read.
            for i in range(200):
                await ws.send(f"m{i}")
            assert [await ws.recv() for _ in range(200)] == [f"m{i}" for i in range(200)]

    run_async(run())


def open_wss(server, ca, path, receive_buffer=None):
    """A raw WebSocket over TLS, upgraded: exact frames out, nothing read."""
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    if receive_buffer is not None:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    tls = ca.client_context().wrap_socket(raw, server_hostname="127.0.0.1")
    tls.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n".encode()
                + b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        head += tls.recv(1)
    assert head.startswith(b"HTTP/1.1 101")
    return tls


def masked_frame(opcode, payload):
    mask = b"\x01\x02\x03\x04"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode, 0xFF]) + len(payload).to_bytes(8, "big") + mask + masked


def test_reads_pause_while_a_wss_client_does_not_read_its_echoes(server, ca):
    """What TLS has queued for the socket counts as unsent: past the
    high-water mark the server stops reading, so the client's writes
    stall instead of the server buffering every echo."""
    tls = open_wss(server, ca, "/echo", receive_buffer=4096)
    tls.settimeout(2)
    frame = masked_frame(0x2, os.urandom(65536))
    sent = 0
    with pytest.raises((socket.timeout, BrokenPipeError, ConnectionResetError, ssl.SSLError)):
        for _ in range(400):  # 25 MiB of echoes that are never read
            tls.sendall(frame)
            sent += 1
    tls.close()
    # 4 MiB of outbound limit, its 1 MiB high-water mark and the kernel's buffers.
    assert sent < 200
    assert https(server, ca, "/static/style.css")[1].status == 200


def test_a_wss_subscriber_that_does_not_read_is_closed_as_a_slow_consumer(server, ca):
    reader = open_wss(server, ca, "/broadcast")

    async def publish():
        async with websockets.connect(f"wss://127.0.0.1:{server.port}/broadcast", ssl=ca.client_context(),
                                      compression=None) as ws:
            for _ in range(400):
                await ws.send("z" * 60000)
                # The publisher reads its own copies: only the silent one falls behind.
                assert await ws.recv() == "z" * 60000

    run_async(publish())
    reader.settimeout(10)
    received = 0
    try:
        while chunk := reader.recv(65536):
            received += len(chunk)
    except (ConnectionResetError, ssl.SSLError):
        pass
    reader.close()
    assert received < 400 * 60000, "the silent subscriber was sent everything"
    assert "notice slow_consumer" in server.output()


@pytest.fixture
def own_server(files):
    """A server of the test's own, for refusals that must be the first of
    their cause and address (later ones are folded into one notice per 10 s)."""
    _, cert, key = files
    server = start_echo("--cert", str(cert), "--key", str(key))
    yield server
    server.stop()


def test_plain_http_on_the_tls_port_gets_400_and_a_close(own_server, ca):
    server = own_server
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        reply = b""
        while chunk := raw.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert reply.endswith(b"This port serves HTTPS: use an https:// URL.\n")
    assert_refused(server, "plain-HTTP request on the HTTPS port")
    assert https(server, ca, "/static/style.css")[1].status == 200


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1")
def test_a_tls11_client_is_refused(own_server, ca):
    server = own_server
    context = ca.client_context()
    context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        with pytest.raises(ssl.SSLError) as refused:
            context.wrap_socket(raw, server_hostname="127.0.0.1")
    assert "PROTOCOL_VERSION" in str(refused.value) or "protocol version" in str(refused.value).lower()
    assert_refused(server, "the handshake failed (OpenSSL: unsupported protocol)")
    assert https(server, ca, "/static/style.css")[1].status == 200


def test_a_client_that_stops_mid_handshake_is_closed_at_the_request_deadline(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"\x16\x03\x01\x00\xa0\x01")  # the start of a ClientHello, then nothing
        started = time.monotonic()
        raw.settimeout(6)
        assert raw.recv(1) == b""
        # --header-timeout-ms 2000, checked by a sweep every 500 ms.
        assert 1.5 < time.monotonic() - started < 4


def assert_refused(server, detail, timeout=5):
    deadline = time.monotonic() + timeout
    while detail not in server.output():
        if time.monotonic() > deadline:
            raise AssertionError(f"no refusal saying {detail!r}: {server.output()[-2000:]}")
        time.sleep(0.05)
    line = next(line for line in server.output().splitlines() if detail in line)
    assert line.startswith("notice tls ")


def test_sighup_reloads_the_certificate_for_new_connections(ca, tmp_path):
    cert, key = tmp_path / "live.crt", tmp_path / "live.key"
    ca.issue("before", cert, key)
    server = start_echo("--cert", str(cert), "--key", str(key))
    try:
        context = ca.client_context()
        old = http.client.HTTPSConnection("127.0.0.1", server.port, context=context, timeout=5)
        old.request("GET", "/")
        assert old.getresponse().read()
        assert common_name(old.sock.getpeercert()) == "before"

        ca.issue("after", cert, key)
        server.process.send_signal(signal.SIGHUP)
        wait_for_line(server, "tls reloaded")
        fresh, response = https(server, ca, "/")
        assert response.status == 200
        assert common_name(fresh.sock.getpeercert()) == "after"
        # An open connection keeps the certificate it was accepted with.
        old.request("GET", "/static/none")
        assert old.getresponse().status == 200
        assert common_name(old.sock.getpeercert()) == "before"

        # A bad renewal is refused and the server keeps what it had.
        shutil.copy(ca.cert, key)
        server.process.send_signal(signal.SIGHUP)
        line = wait_for_line(server, "tls reload failed")
        assert f'is not an unencrypted PEM private key' in line and "(LTS_ETLS)" in line
        assert "keeps its current certificate" in line
        again, response = https(server, ca, "/")
        assert response.status == 200
        assert common_name(again.sock.getpeercert()) == "after"
    finally:
        server.stop()


def wait_for_line(server, text, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in server.output().splitlines():
            if text in line:
                return line
        time.sleep(0.05)
    raise AssertionError(f"no line with {text!r}: {server.output()}")


@pytest.mark.parametrize("case", ["missing", "not pem", "only cert"])
def test_bad_certificate_files_fail_the_start_with_the_reason(case, ca, tmp_path):
    cert, key = ca.issue("good")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    flags, expected = {
        "missing": (["--cert", str(tmp_path / "none.crt"), "--key", str(key)],
                    f'lts_config.tls_cert_file "{tmp_path / "none.crt"}" cannot be read: No such file or directory (LTS_ETLS)'),
        "not pem": (["--cert", str(garbage), "--key", str(key)],
                    f'lts_config.tls_cert_file "{garbage}" is not a PEM certificate chain (OpenSSL: '),
        "only cert": (["--cert", str(cert)], "tls_key_file is NULL (set both for TLS, or neither) (LTS_EINVAL)"),
    }[case]
    done = subprocess.run([ECHO_SERVER, "--port", str(free_port()), *flags], capture_output=True, text=True, timeout=10)
    assert done.returncode == 1
    assert expected in done.stderr, done.stderr
