"""The echo server's --redis flag: two servers on one Redis are one topic."""

import asyncio
import os
import subprocess

import pytest
import websockets

from support import REPO, Redis, Server, free_port, run_async

ECHO_SERVER = os.environ.get("LIVETS_ECHO_SERVER", str(REPO / ".build/examples/echo-server"))


@pytest.fixture
def two_nodes():
    redis = Redis().start()
    nodes = []
    try:
        for _ in range(2):
            port = free_port()
            nodes.append(Server([ECHO_SERVER, "--port", str(port), "--broadcast-path", "/broadcast",
                                 "--redis", redis.url], port).start())
        redis.wait_for_nodes(2)
        yield nodes
    finally:
        for node in nodes:
            node.stop()
        redis.stop()


async def exchange(first, second):
    async with websockets.connect(f"ws://127.0.0.1:{first.port}/broadcast") as a, \
            websockets.connect(f"ws://127.0.0.1:{second.port}/broadcast") as b:
        await a.send("from the first")
        assert await asyncio.wait_for(a.recv(), 5) == "from the first"
        assert await asyncio.wait_for(b.recv(), 5) == "from the first"
        await b.send("from the second")
        assert await asyncio.wait_for(b.recv(), 5) == "from the second"
        assert await asyncio.wait_for(a.recv(), 5) == "from the second"
        # Each node delivers once: its own publish coming back from Redis is dropped.
        for ws in (a, b):
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.3)


def test_a_publish_on_one_echo_server_reaches_the_other_through_redis(two_nodes):
    run_async(exchange(*two_nodes))


def test_usage_names_the_redis_flag():
    shown = subprocess.run([ECHO_SERVER, "--bogus"], capture_output=True, text=True)
    assert shown.returncode == 2
    assert "--redis redis://HOST:PORT" in shown.stderr
