"""Bad input gets a clear answer and never costs other clients anything."""

import asyncio
import json
import re
import socket
import urllib.request

import websockets

from support import recv_frame, run_async


def raw_http(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def page_token(url):
    body = urllib.request.urlopen(url + "/counter").read().decode()
    component = re.search(r'data-livets-id="([^"]+)"', body).group(1)
    token = re.search(r'data-livets-token="([^"]+)"', body).group(1)
    # A join must echo the page's CSRF token (docs/protocol.md, "Page markup").
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', body).group(1)
    return component, token + " " + csrf


def test_not_http_gets_400_and_the_server_keeps_serving(demo):
    answer = raw_http(demo.port, b"\x16\x03\x01 definitely not http\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 ")
    answer = raw_http(demo.port, b"GET /counter HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ")


def test_smuggling_shape_is_400(demo):
    answer = raw_http(demo.port, b"POST /counter HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n"
                                 b"Transfer-Encoding: chunked\r\n\r\nabc")
    assert answer.startswith(b"HTTP/1.1 400 ")


async def join(url, component, token):
    ws = await websockets.connect(url.replace("http", "ws") + "/live?v=1")
    token, csrf = token.split(" ")
    await ws.send(json.dumps(["j", 1, component, token, {"_csrf_token": csrf}]))
    reply = await recv_frame(ws)
    assert reply[0] == "r", reply
    return ws


def test_invalid_json_is_refused_and_other_connections_carry_on(demo):
    ws_component = {}

    async def run():
        comp_a, tok_a = page_token(demo.url)
        comp_b, tok_b = page_token(demo.url)
        a = await join(demo.url, comp_a, tok_a)
        b = await join(demo.url, comp_b, tok_b)
        ws_component[a] = comp_a
        ws_component[b] = comp_b
        await a.send("{this is not json")
        refused = await recv_frame(a)
        assert refused[0] == "x" and "JSON" in refused[3], refused
        for ws in (a, b):
            await ws.send(json.dumps(["e", 2, ws_component[ws], "inc", {}]))
            reply = await recv_frame(ws)
            assert reply[0] == "p" and reply[3] == 2, reply
        await a.close()
        await b.close()

    run_async(run())


def test_undeclared_event_names_never_reach_a_method(demo):
    async def run():
        component, token = page_token(demo.url)
        ws = await join(demo.url, component, token)
        for name in ["constructor", "__proto__", "setState", "render", "toString", "handleEvent", "mount"]:
            await ws.send(json.dumps(["e", 5, component, name, {}]))
            reply = await recv_frame(ws)
            assert reply[0] == "x" and reply[2] == 5, (name, reply)
        await ws.send(json.dumps(["e", 6, component, "inc", {}]))
        reply = await recv_frame(ws)
        assert reply[0] == "p" and reply[3] == 6, reply
        assert "1" in json.dumps(reply[4])
        await ws.close()

    run_async(run())


def test_forged_join_token_is_refused(demo):
    async def run():
        component, token = page_token(demo.url)
        ws = await websockets.connect(demo.url.replace("http", "ws") + "/live?v=1")
        token, csrf = token.split(" ")
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        await ws.send(json.dumps(["j", 1, component, forged, {"_csrf_token": csrf}]))
        reply = await recv_frame(ws)
        assert reply[0] == "x", reply
        await ws.close()

    run_async(run())
