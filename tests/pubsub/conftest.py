import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, Server, free_port, wait_for_port  # noqa: E402

REDIS = next((p for p in ("/usr/bin/redis-server", "/usr/local/bin/redis-server") if os.access(p, os.X_OK)), None)


class Redis:
    """A redis-server of the tests' own on a free loopback port; it can be
    stopped and started again on the same port, as an outage would."""

    def __init__(self):
        if REDIS is None:
            raise RuntimeError("redis-server is missing: scripts/bootstrap installs it")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process)
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


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
