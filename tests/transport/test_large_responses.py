"""Large responses on one keep-alive connection: static files streamed from
disk and host bodies from lts_respond, with the default outbound limit
(4 MiB), where a response over 1 MiB used to leave the connection unread."""

import hashlib
import os
import time

import pytest

from transport_support import Raw, start_echo

SIZES = [1000, (1 << 20) + 1, 2_000_000, 100_000_000]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("large")
    digests = {}
    for size in SIZES:
        data = os.urandom(min(size, 1 << 20))
        digest = hashlib.sha256()
        with open(root / f"{size}.bin", "wb") as f:
            written = 0
            while written < size:
                part = data[: size - written]
                f.write(part)
                digest.update(part)
                written += len(part)
        digests[size] = digest.hexdigest()
    return root, digests


@pytest.fixture(scope="module")
def server(files):
    root, _ = files
    server = start_echo("--static", str(root))
    yield server
    server.stop()


def read_head(client):
    while b"\r\n\r\n" not in client.buffer:
        chunk = client.sock.recv(65536)
        if not chunk:
            raise EOFError(f"closed before a response: {client.buffer!r}")
        client.buffer += chunk
    head, _, client.buffer = client.buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split(" ")[1]), headers


def read_body_digest(client, length, pause_every=0, pause=0.0):
    """Reads `length` body bytes into a SHA-256, never holding them all."""
    digest = hashlib.sha256()
    got = min(length, len(client.buffer))
    digest.update(client.buffer[:got])
    client.buffer = client.buffer[got:]
    since_pause = 0
    while got < length:
        chunk = client.sock.recv(min(1 << 20, length - got))
        if not chunk:
            raise EOFError(f"closed after {got} of {length} body bytes")
        digest.update(chunk)
        got += len(chunk)
        since_pause += len(chunk)
        if pause_every and since_pause >= pause_every:
            since_pause = 0
            time.sleep(pause)
    return digest.hexdigest()


def request(client, path, method="GET", headers=()):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers]
    client.send(("\r\n".join(lines) + "\r\n\r\n").encode())


def letters(n):
    return hashlib.sha256((b"abcdefghijklmnopqrstuvwxyz" * (n // 26 + 1))[:n]).hexdigest()


def peak_rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_static_files_of_every_size_on_one_keep_alive_connection(server, files):
    _, digests = files
    client = Raw(server.port, timeout=30)
    for size in SIZES + SIZES[::-1]:
        request(client, f"/static/{size}.bin")
        status, headers = read_head(client)
        assert (status, int(headers["content-length"])) == (200, size)
        assert read_body_digest(client, size) == digests[size], size
    request(client, "/")
    status, _ = read_head(client)
    assert status == 200
    client.close()
    # Streamed, not read whole: the process never held the 100 MB file.
    assert peak_rss_bytes(server.process.pid) < 80_000_000


def test_pipelined_large_files_come_back_whole_and_in_order(server, files):
    _, digests = files
    client = Raw(server.port, timeout=30)
    client.send(b"".join(f"GET /static/{size}.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
                         for size in [2_000_000, 1000, (1 << 20) + 1, 2_000_000]))
    for size in [2_000_000, 1000, (1 << 20) + 1, 2_000_000]:
        status, headers = read_head(client)
        assert (status, int(headers["content-length"])) == (200, size)
        assert read_body_digest(client, size) == digests[size]
    client.close()


def test_head_and_if_none_match_on_a_large_file(server):
    client = Raw(server.port)
    request(client, "/static/2000000.bin", method="HEAD")
    status, headers = read_head(client)
    assert (status, headers["content-length"]) == (200, "2000000")
    etag = headers["etag"]
    request(client, "/static/2000000.bin", headers=[f"If-None-Match: {etag}"])
    status, headers = read_head(client)
    assert (status, headers["etag"]) == (304, etag)
    assert headers.get("content-length", "0") == "0"
    request(client, "/static/1000.bin", headers=["Accept-Encoding: gzip"])
    status, headers = read_head(client)
    assert status == 200 and "content-encoding" not in headers
    read_body_digest(client, 1000)
    request(client, "/static/2000000.bin", headers=["Accept-Encoding: gzip"])
    status, headers = read_head(client)
    assert (status, int(headers["content-length"])) == (200, 2_000_000) and "content-encoding" not in headers
    read_body_digest(client, 2_000_000)
    client.close()


def test_a_slow_reader_of_a_large_file_is_not_a_slow_consumer(server, files):
    _, digests = files
    client = Raw(server.port, timeout=30)
    request(client, "/static/2000000.bin")
    read_head(client)
    assert read_body_digest(client, 2_000_000, pause_every=256 * 1024, pause=0.1) == digests[2_000_000]
    request(client, "/static/1000.bin")
    assert read_head(client)[0] == 200
    client.close()


@pytest.mark.parametrize("sizes", [[1_100_000, 10_000_000], [957_379, 1_089_379, 16 << 20]])
def test_host_responses_larger_than_the_outbound_limit_then_another_request(server, sizes):
    client = Raw(server.port, timeout=30)
    for size in sizes:
        request(client, f"/bytes/{size}")
        status, headers = read_head(client)
        assert (status, int(headers["content-length"])) == (200, size)
        assert read_body_digest(client, size) == letters(size)
    request(client, "/")
    assert read_head(client)[0] == 200
    client.close()


def test_pipelined_host_responses_stay_in_order(server):
    client = Raw(server.port, timeout=30)
    sizes = [2_000_000, 10, 300_000, 5_000_000, 262_144]
    client.send(b"".join(f"GET /bytes/{n} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode() for n in sizes))
    for size in sizes:
        status, headers = read_head(client)
        assert (status, int(headers["content-length"])) == (200, size)
        assert read_body_digest(client, size) == letters(size)
    client.close()


def test_a_client_that_leaves_mid_body_frees_the_connection(server):
    for _ in range(5):
        client = Raw(server.port)
        request(client, "/static/100000000.bin")
        read_head(client)
        client.sock.recv(65536)
        client.close()
    time.sleep(0.3)
    client = Raw(server.port)
    request(client, "/static/1000.bin")
    assert read_head(client)[0] == 200
    client.close()
