"""WebSocket handshake and framing against the core, over raw sockets and
with Python's websockets as an independent client."""

import asyncio
import base64
import hashlib
import os
import socket
import struct
import time

import pytest
import websockets

from support import run_async



KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def upgrade_request(path="/", headers=None, method="GET", version="13", key=KEY):
    lines = [f"{method} {path} HTTP/1.1", "Host: t", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Version: {version}", f"Sec-WebSocket-Key: {key}"]
    lines += headers or []
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def frame(opcode, payload=b"", fin=True, rsv=0, mask=True):
    head = bytes([(0x80 if fin else 0) | rsv | opcode])
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 65536:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def read_frame(client):
    def need(n):
        while len(client.buffer) < n:
            chunk = client.sock.recv(65536)
            if not chunk:
                raise EOFError
            client.buffer += chunk
    need(2)
    opcode = client.buffer[0] & 0x0F
    n = client.buffer[1] & 0x7F
    offset = 2
    if n == 126:
        need(4)
        n = struct.unpack("!H", client.buffer[2:4])[0]
        offset = 4
    elif n == 127:
        need(10)
        n = struct.unpack("!Q", client.buffer[2:10])[0]
        offset = 10
    need(offset + n)
    payload = client.buffer[offset:offset + n]
    client.buffer = client.buffer[offset + n:]
    return opcode, payload


def open_socket(raw, path="/", headers=None):
    """A raw client with its handshake done (`raw` is the fixture's factory)."""
    client = raw()
    client.send(upgrade_request(path, headers))
    status, response_headers, _ = client.read_response()
    assert status == 101
    return client, response_headers


def close_code(client):
    opcode, payload = read_frame(client)
    assert opcode == 0x8, (opcode, payload)
    return struct.unpack("!H", payload[:2])[0]


def test_handshake_accept_value(raw):
    _, headers = open_socket(raw)
    expected = base64.b64encode(hashlib.sha1((KEY + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
    assert headers["sec-websocket-accept"] == expected


@pytest.mark.parametrize("request_bytes,status,header", [
    (upgrade_request(version="8"), 426, ("sec-websocket-version", "13")),
    (upgrade_request(key="c2hvcnQ="), 400, None),
    (upgrade_request(key="not base64 at all!!!!!!!"), 400, None),
    (upgrade_request(method="POST"), 405, None),
    (b"GET / HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + KEY.encode() + b"\r\n\r\n", 400, None),
    (upgrade_request(headers=["Origin: http://evil.example"]), 403, None),
])
def test_bad_handshakes(raw, request_bytes, status, header):
    client = raw()
    client.send(request_bytes)
    got, headers, _ = client.read_response()
    assert got == status
    if header:
        assert headers[header[0]] == header[1]


@pytest.mark.parametrize("offer", [
    "permessage-deflate; ;client_max_window_bits",
    "permessage-deflate;",
    "permessage-deflate; =15",
    "permessage-deflate; server_max_window_bits=",
])
def test_malformed_compression_offer_upgrades_without_compression(raw, offer):
    """A malformed offer is declined, not fatal: the socket opens uncompressed
    and echoes, and the server goes on accepting others."""
    client, headers = open_socket(raw, headers=[f"Sec-WebSocket-Extensions: {offer}"])
    assert "sec-websocket-extensions" not in headers
    client.send(frame(0x1, b"still here"))
    assert read_frame(client) == (0x1, b"still here")
    _, headers = open_socket(raw, headers=["Sec-WebSocket-Extensions: permessage-deflate"])
    assert headers["sec-websocket-extensions"].startswith("permessage-deflate")


def test_allowed_origin_and_no_origin_pass(raw):
    open_socket(raw, headers=["Origin: http://allowed.example"])
    open_socket(raw)


@pytest.mark.parametrize("frames,code", [
    ([frame(0x1, b"hi", mask=False)], 1002),
    ([frame(0x1, b"hi", rsv=0x20)], 1002),
    ([frame(0x3, b"")], 1002),
    ([frame(0xB, b"")], 1002),
    ([frame(0x0, b"orphan")], 1002),
    ([frame(0x9, b"x", fin=False)], 1002),
    ([frame(0x9, b"x" * 126)], 1002),
    ([frame(0x1, b"a", fin=False), frame(0x1, b"b")], 1002),
    ([frame(0x8, b"\x03")], 1002),
    ([frame(0x8, struct.pack("!H", 1005))], 1002),
    ([frame(0x8, struct.pack("!H", 999))], 1002),
    ([frame(0x1, b"\xc3\x28")], 1007),
    ([frame(0x1, b"\xe2\x82", fin=False), frame(0x0, b"(")], 1007),
    ([frame(0x8, struct.pack("!H", 1000) + b"\xff")], 1007),
    ([frame(0x2, b"x" * 70000)], 1009),
])
def test_protocol_violations_get_their_close_code(raw, frames, code):
    client, _ = open_socket(raw)
    for f in frames:
        client.send(f)
    assert close_code(client) == code
    assert client.is_closed()


def test_close_handshake_echoes_the_code(raw):
    client, _ = open_socket(raw)
    client.send(frame(0x8, struct.pack("!H", 1000) + b"bye"))
    assert close_code(client) == 1000
    assert client.is_closed()


def test_ping_pong_and_fragmented_echo(raw):
    client, _ = open_socket(raw)
    client.send(frame(0x1, b"frag", fin=False) + frame(0x9, b"p") + frame(0x0, b"ment"))
    assert read_frame(client) == (0xA, b"p")
    assert read_frame(client) == (0x1, b"fragment")


def test_replies_to_one_read_keep_their_order_past_the_write_buffer(raw):
    # The replies to one read are gathered and written together; more than
    # the gathering buffer holds (16 KiB) must still arrive whole and in order.
    client, _ = open_socket(raw)
    messages = [f"{i:05d}".encode() * 20 for i in range(400)]
    client.send(b"".join(frame(0x1, m) for m in messages) + frame(0x9, b"last"))
    for m in messages:
        assert read_frame(client) == (0x1, m)
    assert read_frame(client) == (0xA, b"last")


def test_gathered_replies_go_out_before_the_close(raw):
    client, _ = open_socket(raw)
    client.send(frame(0x1, b"one") + frame(0x2, b"two") + frame(0x8, struct.pack("!H", 1000)) + frame(0x1, b"after"))
    assert read_frame(client) == (0x1, b"one")
    assert read_frame(client) == (0x2, b"two")
    assert close_code(client) == 1000
    assert client.is_closed()


def test_echo_client_that_never_reads_is_slowed_down(raw):
    # Its own replies, gathered a read at a time, count as unsent bytes: past
    # the high-water mark the server stops reading it, so its sends stall
    # instead of the server buffering replies without bound.
    client, _ = open_socket(raw)
    batch = frame(0x2, b"e" * 60000)
    client.sock.settimeout(3)
    sent = 0
    with pytest.raises(TimeoutError):
        for _ in range(2000):
            client.sock.sendall(batch)
            sent += 1
    assert sent < 2000


def test_python_websockets_negotiates_compression_and_echoes(echo):
    async def run():
        async with websockets.connect(f"ws://127.0.0.1:{echo.port}/", compression="deflate") as ws:
            assert "permessage-deflate" in ws.response.headers.get("Sec-WebSocket-Extensions", "")
            for message in ["small", "x" * 5000, "ünïcødé " * 300]:
                await ws.send(message)
                assert await ws.recv() == message
            await ws.send(b"\x00\x01" * 3000)
            assert await ws.recv() == b"\x00\x01" * 3000

    run_async(run())


def test_compression_bomb_is_1009(echo):
    async def run():
        async with websockets.connect(f"ws://127.0.0.1:{echo.port}/", compression="deflate", max_size=None) as ws:
            await ws.send("a" * 1_000_000)  # 1 MB of "a" deflates to ~1 KB; the limit is 64 KiB inflated
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 1009

    run_async(run())


def test_slow_consumer_is_closed_not_buffered(echo, raw):
    # A subscriber that never reads, and a publisher that keeps sending:
    # once the kernel buffers are full, the subscriber's unsent bytes grow
    # past the server's limit and the server must drop it, not buffer on.
    reader, _ = open_socket(raw, "/broadcast")
    writer, _ = open_socket(raw, "/broadcast")
    chunk = frame(0x1, b"z" * 60000)
    rounds = 400
    for _ in range(rounds):
        writer.send(chunk)
        # The publisher reads its own copies, so only the silent one falls behind.
        assert read_frame(writer) == (0x1, b"z" * 60000)
    reader.sock.settimeout(10)
    data = reader.read_until_close()
    assert len(data) < rounds * 60000, "the silent subscriber was sent everything"
