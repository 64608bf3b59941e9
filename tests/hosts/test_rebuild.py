"""Rebuilding while a server runs must not kill it.

A Node server has node-binding/build/liblivetscore.so mapped. The old build
copied the new library over that file in place: the copy truncates it, and
a server that runs any of the library's code before the bytes are back
dies of SIGBUS. The build now writes a new file and renames it over the
name (scripts/lib/install-file.sh), so the server keeps its old copy.

The test runs the real node-binding/build.sh in a copy of the parts of the
tree it uses, so the repository's own build outputs are left alone, with a
core library that differs from the installed one by bytes appended past its
end (the loader ignores them; a fresh server proves it), so the install
really happens. The server answers static files and events all through
it: whatever it maps is in use when the file is replaced."""

import contextlib
import http.client
import json
import os
import re
import shutil
import subprocess
import threading
import time

from websockets.sync.client import connect

from support import REPO, Server, free_port

BUILD_SH = REPO / "node-binding/build.sh"


def make_tree(root, build_sh):
    """What build.sh reads and writes, and the demo app that loads the result."""
    shutil.copytree(REPO / "include", root / "include")
    (root / "scripts/lib").mkdir(parents=True)
    shutil.copy2(REPO / "scripts/lib/install-file.sh", root / "scripts/lib")
    shutil.copytree(REPO / "client/dist", root / "client/dist")
    binding = root / "node-binding"
    for part in ("native", "dist", "build", "client"):
        shutil.copytree(REPO / "node-binding" / part, binding / part)
    for name in ("package.json", "tsconfig.json", "build-esm.js"):
        shutil.copy2(REPO / "node-binding" / name, binding)
    shutil.copy2(build_sh, binding / "build.sh")
    app = root / "examples/app"
    for part in ("dist", "public", "public-root"):
        shutil.copytree(REPO / "examples/app" / part, app / part)
    (app / "node_modules").mkdir()
    (app / "node_modules/livets").symlink_to("../../../node-binding")
    # The new core: the installed bytes and some more, so it is another file.
    release = root / ".build/release"
    release.mkdir(parents=True)
    with open(REPO / "node-binding/build/liblivetscore.so", "rb") as src:
        data = src.read()
    (release / "liblivetscore.so").write_bytes(data + b"\0rebuilt\0" * 512)
    os.chmod(release / "liblivetscore.so", 0o755)
    # The TypeScript output is copied above and is read once at start-up,
    # never mapped: compiling it again would only cost time.
    (root / "bin").mkdir()
    (root / "bin/tsc").write_text("#!/bin/sh\nexit 0\n")
    os.chmod(root / "bin/tsc", 0o755)


def demo_in(root):
    return Server(["node", str(root / "examples/app/dist/server.js")], free_port(),
                  env={"LIVETS_SECRET": "rebuild-test-secret"})


def get(port, path="/counter"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def next_frame(ws):
    """The next frame, passing over page-title frames ("t"): the counter
    retitles the page with each count."""
    while True:
        frame = json.loads(ws.recv(timeout=5))
        if frame[0] != "t":
            return frame


@contextlib.contextmanager
def counter_view(port):
    """A joined /counter view: its socket and its component id."""
    status, page = get(port)
    assert status == 200
    component = re.search(r'data-livets-id="([^"]+)"', page).group(1)
    token = re.search(r'data-livets-token="([^"]+)"', page).group(1)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    with connect(f"ws://127.0.0.1:{port}/live?v=1", open_timeout=5) as ws:
        ws.send(json.dumps(["j", 1, component, token, {"_csrf_token": csrf, "_url": "/counter"}]))
        reply = next_frame(ws)
        assert reply[0] == "r", reply
        yield ws, component


def increment(ws, component, ref):
    ws.send(json.dumps(["e", ref, component, "inc", {}]))
    reply = next_frame(ws)
    assert reply[0] == "p" and reply[3] == ref, reply


class Traffic:
    """Requests the core answers by itself (the connector script, a static
    file: no rate limit applies and no JavaScript runs) on keep-alive
    connections, so the server is running the library's code at the moment
    the file is replaced; and events on a view, paced under the event rate,
    so the live path is in use too."""

    def __init__(self, port):
        self.port = port
        self.stop = threading.Event()
        self.failures = []
        self.static_answers = 0
        self.threads = [threading.Thread(target=self.statics) for _ in range(3)]
        self.threads.append(threading.Thread(target=self.events))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()

    def statics(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            while not self.stop.is_set():
                conn.request("GET", "/_livets/livets.js")
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    self.failures.append(f"/_livets/livets.js answered {response.status}")
                    return
                self.static_answers += 1
        except (OSError, http.client.HTTPException) as error:
            self.failures.append(repr(error))
        finally:
            conn.close()

    def events(self):
        try:
            with counter_view(self.port) as (ws, component):
                ref = 2
                while not self.stop.is_set():
                    increment(ws, component, ref)
                    ref += 1
                    time.sleep(0.02)
        except Exception as error:  # a dead server ends the loop; the test says why
            self.failures.append(repr(error))


def test_rebuild_leaves_a_running_server_serving(tmp_path):
    make_tree(tmp_path, BUILD_SH)
    installed = tmp_path / "node-binding/build/liblivetscore.so"
    new_core = tmp_path / ".build/release/liblivetscore.so"
    server = demo_in(tmp_path).start()
    try:
        assert get(server.port)[0] == 200
        with counter_view(server.port) as (ws, component):
            increment(ws, component, 2)
            old_inode = installed.stat().st_ino

            with Traffic(server.port) as traffic:
                time.sleep(0.5)
                env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
                subprocess.run(["bash", str(tmp_path / "node-binding/build.sh")], env=env, check=True,
                               capture_output=True, timeout=120)
                time.sleep(0.5)

            assert server.process.poll() is None, f"the server died ({server.process.returncode}): {server.output()[-2000:]}"
            assert traffic.failures == []
            assert traffic.static_answers > 0
            # The build did replace the library, or the test proves nothing.
            assert installed.read_bytes() == new_core.read_bytes()
            assert installed.stat().st_ino != old_inode, "installed in place, not by rename"
            assert get(server.port)[0] == 200
            # The socket opened before the rebuild still works.
            increment(ws, component, 3)
    finally:
        server.stop()

    # The library with bytes appended loads and serves.
    fresh = demo_in(tmp_path).start()
    try:
        with counter_view(fresh.port) as (ws, component):
            increment(ws, component, 2)
    finally:
        fresh.stop()
