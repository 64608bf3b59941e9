"""A LiveTS-protocol server that answers `wsload live` on purpose right or
wrong, for tests/tools/test_wsload_live.py. It serves a page with a view's
tokens and a session cookie, requires the upgrade to carry the cookie, the
page's Origin and Chromium's permessage-deflate offer, checks every frame
the client sends byte for byte (a wrong one closes the socket with 1008),
and answers each event as MODE says:

  ok          a patch with the event's ref and the next seq
  stray       first a patch for another ref, then the right one
  refuse      ["x", id, ref, reason]
  gap         a patch whose seq skips one
  empty       a patch with no operations
  garbage     a message that is not JSON, then the right patch
  silent      answers the first five events, then nothing
  join-refuse refuses the join

usage: python3 live_fake_server.py PORT MODE"""

import asyncio
import json
import sys

from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.http11 import Response

PORT = int(sys.argv[1])
MODE = sys.argv[2]
VIEW = "lv-7\\q"  # a backslash: the client must escape it as JSON.stringify does
TOKEN = "tok.en-1_2"
CSRF = "c5rf"
COOKIE = "sid=s3cret"
PAGE = (
    f'<!doctype html><html><head><meta name="csrf-token" content="{CSRF}"></head>'
    f'<body><div data-livets-id="{VIEW}" data-livets-token="{TOKEN}"><p>0</p></div></body></html>'
)


def process_request(connection, request):
    if request.path == "/page":
        body = PAGE.encode()
        headers = Headers([("Content-Type", "text/html"), ("Content-Length", str(len(body))),
                           ("Set-Cookie", f"{COOKIE}; Path=/; HttpOnly")])
        return Response(200, "OK", headers, body)
    h = request.headers
    if h.get("Cookie") != COOKIE:
        return connection.respond(403, "no session cookie\n")
    if h.get("Origin") != f"http://127.0.0.1:{PORT}":
        return connection.respond(403, "wrong origin\n")
    if h.get("Sec-WebSocket-Extensions") != "permessage-deflate; client_max_window_bits":
        return connection.respond(400, "not Chromium's offer\n")
    if request.path != "/live?v=1":
        return connection.respond(404, "not the socket path\n")
    return None


async def handler(ws):
    view = VIEW
    join = json.dumps(["j", 1, view, TOKEN, {"_csrf_token": CSRF, "_url": "/page"}], separators=(",", ":"))
    if await ws.recv() != join:
        await ws.close(1008, "join frame differs")
        return
    if MODE == "join-refuse":
        await ws.send(json.dumps(["x", view, 1, "invalid token (signature)"]))
        return
    await ws.send(json.dumps(["r", view, 1, 1, "<p>0</p>"]))
    seq, ref = 1, 1
    async for frame in ws:
        ref += 1
        expected = json.dumps(["e", ref, view, "inc", {"id": str(ref % 300)}], separators=(",", ":"))
        if frame != expected:
            await ws.close(1008, "event frame differs")
            return
        seq += 1
        # Long enough text that compression is worth it: the client must inflate.
        patch = ["p", view, seq, ref, [[1, [0, 0], "#text", f"{seq} " + "x" * 200]]]
        if MODE == "stray":
            await ws.send(json.dumps(["p", view, seq, ref + 1000, []]))
        elif MODE == "refuse":
            seq -= 1
            patch = ["x", view, ref, "rate limited"]
        elif MODE == "gap":
            seq += 1
            patch[2] = seq
        elif MODE == "empty":
            patch[4] = []
        elif MODE == "garbage":
            await ws.send("not json")
        elif MODE == "silent" and ref > 6:
            continue
        await ws.send(json.dumps(patch))


async def main():
    async with serve(handler, "127.0.0.1", PORT, process_request=process_request):
        print(f"listening on {PORT}", flush=True)
        await asyncio.get_running_loop().create_future()


asyncio.run(main())
