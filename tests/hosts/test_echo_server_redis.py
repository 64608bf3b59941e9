"""The echo server's --redis flag: two servers on one Redis are one topic."""

import asyncio
import os
import shutil
import subprocess
import time

import pytest
import websockets

from support import REPO, Server, free_port, run_async

ECHO_SERVER = os.environ.get("LIVETS_ECHO_SERVER", str(REPO / ".build/examples/echo-server"))

needs_redis = pytest.mark.skipif(shutil.which("redis-server") is None or shutil.which("redis-cli") is None,
                                 reason="needs redis-server and redis-cli")


def nodes_ready(port, nodes):
    """Whether `nodes` servers hold their two Redis connections each (one
    publishing, one with a PSUBSCRIBE), besides the one asking."""
    listed = subprocess.run(["redis-cli", "-p", str(port), "CLIENT", "LIST"], capture_output=True, text=True, check=True)
    clients = [line for line in listed.stdout.splitlines() if line.startswith("id=")]
    subscribed = sum(1 for line in clients if " psub=1" in line)
    return subscribed >= nodes and len(clients) - 1 >= 2 * nodes


@pytest.fixture
def two_nodes():
    redis_port = free_port()
    redis = Server(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no"], redis_port).start()
    nodes = []
    try:
        for _ in range(2):
            port = free_port()
            nodes.append(Server([ECHO_SERVER, "--port", str(port), "--broadcast-path", "/broadcast",
                                 "--redis", f"redis://127.0.0.1:{redis_port}"], port).start())
        # A publish before both nodes subscribed would not reach the other one.
        deadline = time.monotonic() + 10
        while not nodes_ready(redis_port, 2):
            assert time.monotonic() < deadline, "the echo servers did not subscribe to Redis"
            time.sleep(0.05)
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


@needs_redis
def test_a_publish_on_one_echo_server_reaches_the_other_through_redis(two_nodes):
    run_async(exchange(*two_nodes))


def test_usage_names_the_redis_flag():
    shown = subprocess.run([ECHO_SERVER, "--bogus"], capture_output=True, text=True)
    assert shown.returncode == 2
    assert "--redis redis://HOST:PORT" in shown.stderr
