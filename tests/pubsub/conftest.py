import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, Redis, Server, free_port  # noqa: E402


def app_node(redis_url, secret):
    """The demo app as one node behind `redis_url`."""
    return Server(["node", str(REPO / "examples/app/dist/server.js")], free_port(),
                  env={"LIVETS_REDIS_URL": redis_url, "LIVETS_SECRET": secret})


@pytest.fixture
def redis():
    server = Redis().start()
    yield server
    server.stop()


@pytest.fixture
def nodes(redis):
    """Two demo processes on different ports sharing one Redis."""
    started = [app_node(redis.url, "cross-node-test-secret").start() for _ in range(2)]
    yield started
    for node in started:
        node.stop()
