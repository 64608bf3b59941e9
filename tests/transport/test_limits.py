"""The limits that keep one client from hurting the server or other users,
over raw sockets against echo servers configured with small limits."""

import socket
import struct
import time

import pytest

from test_websocket import frame, read_frame
from transport_support import Raw, get, start_echo


def upgrade(port, host="127.0.0.1", origin=None, extra=()):
    client = Raw(port)
    lines = ["GET / HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", *extra]
    if origin:
        lines.append(f"Origin: {origin}")
    client.send(("\r\n".join(lines) + "\r\n\r\n").encode())
    status, headers, _ = client.read_response()
    return client, status, headers


def open_websocket(port):
    client, status, _ = upgrade(port)
    assert status == 101
    return client


def close_code(client):
    opcode, payload = read_frame(client)
    assert opcode == 8, (opcode, payload)
    return struct.unpack("!H", payload[:2])[0], payload[2:]


def keep_alive_get(client, path="/", host="127.0.0.1"):
    client.send(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    return client.read_response()


def refused_at_connect(port):
    """What a connection over a cap hears: the 503 and then the close."""
    client = Raw(port)
    try:
        client.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    except OSError:
        pass  # already closed by the server: the answer is still readable
    answer = client.read_until_close()
    client.close()
    return answer


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0


def wait_for_output(server, text, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in server.output():
            return True
        time.sleep(0.05)
    return False


# -- Connections per address and in all ------------------------------------

@pytest.mark.parametrize("flag,cause", [("--max-connections-per-ip", "connections_per_ip"),
                                        ("--max-connections", "connections")])
def test_connections_over_a_cap_get_503_with_retry_after_and_a_freed_slot_serves_again(flag, cause):
    server = start_echo(flag, "5")
    try:
        time.sleep(0.2)  # the start-up probe's connection is gone
        held = []
        for _ in range(5):
            client = Raw(server.port)
            assert keep_alive_get(client)[0] == 200
            held.append(client)
        answer = refused_at_connect(server.port)
        assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), answer
        head = answer.split(b"\r\n\r\n")[0].lower()
        assert b"\r\nretry-after: 5" in head and b"\r\nconnection: close" in head
        assert wait_for_output(server, f"notice {cause} count=1")
        held.pop().close()
        time.sleep(0.2)
        assert get(server.port, "/")[0] == 200
        for client in held:
            assert keep_alive_get(client)[0] == 200
            client.close()
    finally:
        server.stop()


def test_the_default_connection_cap_leaves_64_descriptors_of_the_limit_free():
    server = start_echo(wrapper=("prlimit", "--nofile=90:90"))
    held = []
    try:
        time.sleep(0.2)
        for _ in range(90 - 64):
            client = Raw(server.port)
            assert keep_alive_get(client)[0] == 200
            held.append(client)
        assert refused_at_connect(server.port).startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert wait_for_output(server, "notice connections count=1")
    finally:
        for client in held:
            client.close()
        server.stop()


def test_a_descriptor_flood_neither_spins_the_listener_nor_leaves_clients_hanging():
    # 40 descriptors and no connection cap of the server's own: accept(2)
    # itself runs out, as it would when the host used up the descriptors.
    server = start_echo("--max-connections", "100000", wrapper=("prlimit", "--nofile=40:40"))
    flood = []
    try:
        for _ in range(60):
            flood.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        time.sleep(0.3)
        before = cpu_seconds(server.process.pid)
        time.sleep(1.0)
        assert cpu_seconds(server.process.pid) - before < 0.3, "the listener spins while out of descriptors"
        started = time.monotonic()
        # The server juggles a spare descriptor to shed what waits, so a
        # client may also land in a moment when one is free and be served:
        # what must not happen is no answer at all. Connection: close makes
        # a served answer end with the connection too.
        client = Raw(server.port)
        try:
            client.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        except OSError:
            pass  # already closed by the server: what it sent is still readable
        answer = client.read_until_close()
        client.close()
        assert time.monotonic() - started < 2.0, "a client over the descriptor limit was left hanging"
        assert answer == b"" or answer.startswith(b"HTTP/1.1 "), answer
        assert server.process.poll() is None
    finally:
        for sock in flood:
            sock.close()
    try:
        time.sleep(0.3)
        assert get(server.port, "/")[0] == 200
    finally:
        server.stop()


# -- X-Forwarded-For from trusted proxies ----------------------------------

FORWARDED_CASES = [
    ([], "127.0.0.1"),
    (["X-Forwarded-For: 203.0.113.9"], "203.0.113.9"),
    (["X-Forwarded-For: 198.51.100.1, 203.0.113.9"], "203.0.113.9"),
    (["X-Forwarded-For: 198.51.100.1", "X-Forwarded-For: 203.0.113.9 , 127.0.0.1"], "203.0.113.9"),
    (["X-Forwarded-For: nonsense, 203.0.113.9"], "203.0.113.9"),
    (["X-Forwarded-For: 203.0.113.9, nonsense"], "127.0.0.1"),
    (["X-Forwarded-For: [2001:db8::7]:4711"], "2001:db8::7"),
]


@pytest.fixture(scope="module")
def behind_proxy():
    server = start_echo("--trusted-proxies", "127.0.0.1", "--max-connections-per-ip", "2")
    yield server
    server.stop()


@pytest.mark.parametrize("headers,client", FORWARDED_CASES)
def test_a_trusted_proxy_names_the_client(behind_proxy, headers, client):
    status, _, body = get(behind_proxy.port, "/address", headers=headers)
    assert (status, body.decode()) == (200, client)


def test_an_untrusted_peer_cannot_name_another_client():
    server = start_echo()
    try:
        status, _, body = get(server.port, "/address", headers=["X-Forwarded-For: 203.0.113.9"])
        assert (status, body) == (200, b"127.0.0.1")
    finally:
        server.stop()


def test_connections_through_a_proxy_count_against_the_client_they_name(behind_proxy):
    forwarded = lambda client: f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: {client}\r\n\r\n".encode()
    held = []
    try:
        for _ in range(2):
            connection = Raw(behind_proxy.port)
            connection.send(forwarded("203.0.113.9"))
            assert connection.read_response()[0] == 200
            held.append(connection)
        third = Raw(behind_proxy.port)
        third.send(forwarded("203.0.113.9"))
        status, headers, _ = third.read_response()
        assert status == 503 and headers.get("retry-after") == "5"
        assert third.is_closed()
        other = Raw(behind_proxy.port)
        other.send(forwarded("203.0.113.10"))
        assert other.read_response()[0] == 200
        held.append(other)
    finally:
        for connection in held:
            connection.close()


# -- WebSocket messages: deadline and partial bytes ------------------------

def test_a_message_trickled_past_its_deadline_is_closed_1008():
    server = start_echo("--message-timeout-ms", "800")
    try:
        client = open_websocket(server.port)
        client.send(frame(1, b"quick"))
        assert read_frame(client) == (1, b"quick")
        # A frame header for 1 MiB - 1, then a byte at a time.
        head = bytes([0x82, 0x80 | 127]) + struct.pack("!Q", (1 << 20) - 1) + b"\x01\x02\x03\x04"
        started = time.monotonic()
        client.send(head)
        client.sock.settimeout(0.25)
        code = None
        while time.monotonic() - started < 5:
            try:
                client.send(b"x")
            except OSError:
                break
            try:
                code, reason = close_code(client)
                break
            except socket.timeout:
                continue
        elapsed = time.monotonic() - started
        assert code == 1008 and reason == b"message took too long", code
        assert 0.75 <= elapsed < 3.0, elapsed
        assert wait_for_output(server, "notice message_timeout count=1")
        client.close()
    finally:
        server.stop()


def test_a_fragmented_message_is_timed_from_its_first_frame():
    server = start_echo("--message-timeout-ms", "800")
    try:
        client = open_websocket(server.port)
        client.send(frame(1, b"a", fin=False))
        client.sock.settimeout(0.25)
        started = time.monotonic()
        code = None
        while time.monotonic() - started < 5:
            client.send(frame(0, b"b", fin=False))
            client.send(frame(9, b"ping"))  # control frames do not restart the clock
            try:
                while True:
                    opcode, payload = read_frame(client)
                    if opcode == 8:
                        code = struct.unpack("!H", payload[:2])[0]
                        break
            except socket.timeout:
                pass
            if code:
                break
        assert code == 1008
        assert time.monotonic() - started < 3.0
    finally:
        server.stop()


def test_partial_messages_over_the_server_limit_close_the_connection_that_passes_it_1013():
    server = start_echo("--max-partial-bytes", "100000")
    try:
        def partial(client, total, sent):
            payload = b"p" * sent
            head = bytes([0x82, 0x80 | 127]) + struct.pack("!Q", total) + b"\x00\x00\x00\x00"
            client.send(head + payload)

        first = open_websocket(server.port)
        partial(first, 120000, 60000)
        time.sleep(0.2)
        second = open_websocket(server.port)
        partial(second, 120000, 60000)
        second.sock.settimeout(3)
        assert close_code(second) == (1013, b"server busy")
        assert wait_for_output(server, "notice partial_bytes count=1")
        # The first finishes its message, which frees what it held.
        first.send(b"p" * 60000)
        first.sock.settimeout(3)
        assert read_frame(first) == (2, b"p" * 120000)
        third = open_websocket(server.port)
        partial(third, 120000, 90000)
        time.sleep(0.2)
        # A connection that leaves mid-message gives its bytes back too.
        third.close()
        time.sleep(0.2)
        fourth = open_websocket(server.port)
        partial(fourth, 120000, 90000)
        fourth.send(b"p" * 30000)
        fourth.sock.settimeout(3)
        assert read_frame(fourth) == (2, b"p" * 120000)
        first.close()
        fourth.close()
    finally:
        server.stop()


# -- Page rate -------------------------------------------------------------

def test_pages_over_the_rate_get_503_and_the_keep_alive_connection_serves_on(tmp_path):
    (tmp_path / "a.txt").write_text("static\n")
    server = start_echo("--page-rate", "2", "--page-burst", "3", "--static", str(tmp_path))
    try:
        client = Raw(server.port)
        for _ in range(3):
            assert keep_alive_get(client)[0] == 200
        status, headers, _ = keep_alive_get(client)
        assert status == 503 and int(headers["retry-after"]) >= 1
        assert headers["connection"] == "keep-alive"
        for _ in range(10):
            assert keep_alive_get(client, "/static/a.txt")[:3:2] == (200, b"static\n")
        upgrade_client, status, _ = upgrade(server.port)
        assert status == 101
        upgrade_client.close()
        time.sleep(0.6)
        assert keep_alive_get(client)[0] == 200
        assert wait_for_output(server, "notice page_rate count=1")
        client.close()
    finally:
        server.stop()


# -- Allowed hosts ---------------------------------------------------------

@pytest.fixture(scope="module")
def hosts_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("hosts")
    (root / "a.txt").write_text("static\n")
    server = start_echo("--static", str(root), "--allowed-hosts", "app.example,[2001:db8::1]")
    yield server
    server.stop()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]", "[::1]:80",
                                  "app.example", "App.Example:443", "[2001:db8::1]:8080"])
@pytest.mark.parametrize("path", ["/", "/static/a.txt"])
def test_known_hosts_are_answered(hosts_server, host, path):
    assert get(hosts_server.port, path, host=host)[0] == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "0.0.0.0", "127.0.0.2", "localhost.evil.example",
                                  "[::2]", "app.example.evil"])
@pytest.mark.parametrize("path", ["/", "/static/a.txt"])
def test_other_hosts_get_400_and_the_connection_closes(hosts_server, host, path):
    client = Raw(hosts_server.port)
    client.send(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    status, headers, _ = client.read_response()
    assert (status, headers["connection"]) == (400, "close")
    assert client.is_closed()
    client.close()


def test_requests_pipelined_behind_a_refused_host_are_not_answered(hosts_server):
    client = Raw(hosts_server.port)
    client.send(b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\nGET /address HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert client.read_response()[0] == 400
    assert client.read_until_close() == b""
    client.close()


def test_an_upgrade_for_another_host_gets_400(hosts_server):
    client, status, _ = upgrade(hosts_server.port, host="evil.example")
    assert status == 400
    assert client.is_closed()
    client.close()
    assert wait_for_output(hosts_server, "notice host_not_allowed")


# -- https Origins on a plain-HTTP server ----------------------------------

def test_an_https_origin_is_refused_unless_tls_ends_at_a_proxy_or_it_is_listed():
    plain = start_echo()
    proxied = start_echo("--https-origins")
    listed = start_echo("--allowed-origins", "https://app.example")
    try:
        host = f"127.0.0.1:{plain.port}"
        _, status, _ = upgrade(plain.port, host=host, origin=f"https://{host}")
        assert status == 403
        _, status, _ = upgrade(plain.port, host=host, origin=f"http://{host}")
        assert status == 101
        assert wait_for_output(plain, "notice origin count=1")
        host = f"127.0.0.1:{proxied.port}"
        _, status, _ = upgrade(proxied.port, host=host, origin=f"https://{host}")
        assert status == 101
        _, status, _ = upgrade(listed.port, origin="https://app.example")
        assert status == 101
        _, status, _ = upgrade(listed.port, origin="https://other.example")
        assert status == 403
    finally:
        plain.stop()
        proxied.stop()
        listed.stop()


# -- Response size ---------------------------------------------------------

def test_a_host_body_over_max_response_bytes_is_refused_and_the_request_answered_again():
    server = start_echo("--max-response-bytes", "100000")
    try:
        client = Raw(server.port)
        assert keep_alive_get(client, "/bytes/100000")[0] == 200
        status, _, body = keep_alive_get(client, "/bytes/100001")
        assert (status, body) == (500, b"too big\n")
        assert keep_alive_get(client)[0] == 200
        assert wait_for_output(server, "notice too_big count=1")
        client.close()
    finally:
        server.stop()
