"""Shared helpers for the end-to-end tests: free ports, starting servers,
waiting for them, a redis-server of the tests' own, and a Chromium
launched from Debian's package."""

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process=None, timeout=20.0, output=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {output()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port}")


class Server:
    """A server process on a loopback port, restartable on the same port."""

    def __init__(self, argv, port, env=None):
        self.argv = argv
        self.port = port
        self.env = {**os.environ, **(env or {}), "PORT": str(port)}
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        # Output goes to a file, not a pipe: nobody reads a pipe while the
        # tests run, and a server that logs past the pipe's 64 KB would block
        # in its write and stop serving.
        self.log = tempfile.TemporaryFile(mode="w+", prefix="lts-server-")
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=REPO, stdout=self.log,
                                        stderr=subprocess.STDOUT, text=True)
        wait_for_port(self.port, self.process, output=self.output)
        return self

    def output(self):
        """Everything the server has printed so far (stdout and stderr)."""
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


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

    def wait_for_nodes(self, nodes, timeout=10.0):
        """Waits until `nodes` LiveTS servers hold their two connections each
        (one publishing, one with a PSUBSCRIBE): a publish before that would
        not reach every node."""
        deadline = time.monotonic() + timeout
        while True:
            listed = subprocess.run([str(Path(REDIS).with_name("redis-cli")), "-p", str(self.port), "CLIENT", "LIST"],
                                    capture_output=True, text=True, check=True)
            clients = [line for line in listed.stdout.splitlines() if line.startswith("id=")]
            subscribed = sum(1 for line in clients if " psub=1" in line)
            if subscribed >= nodes and len(clients) - 1 >= 2 * nodes:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{nodes} nodes did not link to Redis within {timeout} s ({subscribed} subscribed)")
            time.sleep(0.05)


def run_async(coroutine):
    """Runs a coroutine to completion on a fresh event loop in its own thread:
    Playwright's sync API keeps a loop running on the main thread, where
    asyncio.run() refuses to start."""
    import asyncio
    import threading

    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised on the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def demo_server():
    port = free_port()
    return Server(["node", str(REPO / "examples/app/dist/server.js")], port)


async def recv_frame(ws):
    """The next LiveTS frame on `ws`, parsed, passing over page-title frames
    ("t"): the demo's counter retitles the page with every count, which is
    beside the point of a test about what a frame gets back."""
    while True:
        frame = json.loads(await ws.recv())
        if frame[0] != "t":
            return frame
