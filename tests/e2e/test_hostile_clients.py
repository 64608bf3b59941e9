"""One hostile client against the demo: whatever it sends, the server stays
within its limits, answers or refuses every frame, and other users carry on
(docs/security.md)."""

import asyncio
import json
import re
import time
import urllib.error
import urllib.request

import websockets

from support import recv_frame, run_async

MAX_SAFE_REF = 2**53 - 1


def page(url, path):
    """The component id, join token and CSRF token of a fresh page; waits
    out the page-rate limit (503 with Retry-After) like a browser would."""
    while True:
        try:
            body = urllib.request.urlopen(url + path).read().decode()
            break
        except urllib.error.HTTPError as error:
            if error.code != 503:
                raise
            time.sleep(float(error.headers.get("Retry-After", "1")))
    component = re.search(r'data-livets-id="([^"]+)"', body).group(1)
    token = re.search(r'data-livets-token="([^"]+)"', body).group(1)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', body).group(1)
    return component, token, csrf


async def open_socket(url):
    return await websockets.connect(url.replace("http", "ws") + "/live?v=1", max_size=None)


async def join(ws, ref, page_info):
    component, token, csrf = page_info
    await ws.send(json.dumps(["j", ref, component, token, {"_csrf_token": csrf}]))


async def replies(ws, until, timeout=10.0):
    """Messages until `until(message)` is true; the matching one last."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic())))
        seen.append(message)
        if until(message):
            return seen


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def counter_user(url):
    """A joined /counter view and a function that clicks it once."""
    info = page(url, "/counter")
    ws = await open_socket(url)
    await join(ws, 1, info)
    await replies(ws, lambda m: m[0] == "r")
    ref = [1]

    async def click():
        ref[0] += 1
        await ws.send(json.dumps(["e", ref[0], info[0], "inc", {}]))
        answer = await replies(ws, lambda m: m[0] in "px" and m[-2 if m[0] == "x" else 3] == ref[0])
        return answer[-1]

    return ws, click, info


def test_refs_a_javascript_number_cannot_hold_are_refused_and_the_connection_goes_on(demo):
    async def run():
        ws, click, info = await counter_user(demo.url)
        for _ in range(70):
            await ws.send(json.dumps(["e", MAX_SAFE_REF + 2, info[0], "inc", {}]))
            reply = await recv_frame(ws)
            assert reply[0] == "x" and "2^53" in reply[3], reply
        assert (await click())[0] == "p", "the connection still answers after 70 (once 64 wedged it)"
        await ws.close()

    run_async(run())


def test_a_flood_of_huge_frames_cannot_grow_the_server_without_bound(demo):
    """900 KB frames as fast as one socket can send them, first with ref 0
    (once uncounted: 2 GB in 8 s) and then with fresh refs (counted, and
    reading pauses at 4 MiB unanswered): memory stays bounded and another
    user's clicks are answered."""
    pad = "a" * 900_000

    async def run():
        user, click, _ = await counter_user(demo.url)
        info = page(demo.url, "/counter")
        attacker = await open_socket(demo.url)
        await join(attacker, 1, info)
        await replies(attacker, lambda m: m[0] == "r")
        before = rss_kb(demo.process.pid)
        stop = time.monotonic() + 6

        async def drain():
            try:
                async for _ in attacker:
                    pass
            except websockets.ConnectionClosed:
                pass

        reader = asyncio.create_task(drain())
        ref = 1
        peak = before
        while time.monotonic() < stop:
            ref += 1
            frame_ref = 0 if time.monotonic() < stop - 3 else ref
            try:
                await attacker.send(json.dumps(["e", frame_ref, info[0], "$clear-flash", {"pad": pad}]))
            except websockets.ConnectionClosed:
                break
            if ref % 50 == 0:
                peak = max(peak, rss_kb(demo.process.pid))
                assert (await click())[0] == "p"
        peak = max(peak, rss_kb(demo.process.pid))
        await attacker.close()
        reader.cancel()
        assert (await click())[0] == "p"
        await user.close()
        grown_mb = (peak - before) / 1024
        assert grown_mb < 300, f"the server grew by {grown_mb:.0f} MB under the flood"

    run_async(run())


def test_a_socket_cannot_join_more_views_than_the_cap_and_lives_on(demo):
    async def run():
        ws = await open_socket(demo.url)
        pages = [page(demo.url, "/counter") for _ in range(101)]
        for ref, info in enumerate(pages, start=1):
            while True:
                await join(ws, ref, info)
                answer = (await replies(ws, lambda m: m[0] in "rx"))[-1]
                if answer[-1] != "rate limited":
                    break
                await asyncio.sleep(1.0)  # a budget refilled, as a paced client would wait
            if ref <= 100:
                assert answer[0] == "r", (ref, answer)
        assert answer == ["x", pages[100][0], 101, "too many views"], answer
        await ws.send(json.dumps(["e", 500, pages[0][0], "inc", {}]))
        answer = (await replies(ws, lambda m: m[0] in "px"))[-1]
        assert answer[0] == "p" and answer[3] == 500, answer
        await ws.close()

    run_async(run())


def test_an_event_flood_is_rate_limited_then_closed_while_others_carry_on(demo):
    async def run():
        user, click, _ = await counter_user(demo.url)
        info = page(demo.url, "/counter")
        flooder = await open_socket(demo.url)
        await join(flooder, 1, info)
        await replies(flooder, lambda m: m[0] == "r")
        for ref in range(2, 2000):
            try:
                await flooder.send(json.dumps(["e", ref, info[0], "inc", {}]))
            except websockets.ConnectionClosed:
                break
        limited = 0
        try:
            async for raw in flooder:
                message = json.loads(raw)
                if message[0] == "x" and message[3] == "rate limited":
                    limited += 1
        except websockets.ConnectionClosed:
            pass
        assert limited > 0
        assert flooder.close_code == 1008, flooder.close_code
        assert (await click())[0] == "p"
        await user.close()

    run_async(run())


def test_a_burst_of_chat_joins_costs_each_view_a_few_renders_not_one_per_join(demo):
    """Each /chat view tracks its presence and renders who is online. 60
    joins at once used to send every earlier view a diff per later join
    (1,800 renders); batched, each view hears of them a few times."""
    async def run():
        pages = [page(demo.url, "/chat") for _ in range(60)]
        sockets = [await open_socket(demo.url) for _ in range(2)]
        for i, info in enumerate(pages):
            await join(sockets[i % 2], i + 1, info)
        counts = []
        for ws in sockets:
            patches = 0
            try:
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 2.0))
                    if message[0] == "p":
                        patches += 1
            except asyncio.TimeoutError:
                pass
            counts.append(patches)
            await ws.close()
        assert sum(counts) < 60 * 6, f"{sum(counts)} renders for 60 joins"

    run_async(run())
