"""`npm run dev` in an app create-livets-app made, as a new user runs it:
the generator, `npm install --offline`, then `npm run dev` with a page open
in Chromium. Editing the generated view's text shows the new text in that
tab without a manual reload, with the typed step kept and sent back to the
restarted server (the form recovery); a throwing render shows the error
overlay, and the fix clears it."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, free_port, wait_for_port  # noqa: E402

GENERATOR = REPO / "node-binding" / "bin" / "create-livets-app.js"
# A restart is a compile, a process start and a reconnect with backoff, on
# a busy machine: generous, and still "without a manual reload".
SEEN = 30_000
CONNECTED = re.compile(r"\bts-connected\b")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    work = tmp_path_factory.mktemp("generated")
    env = {**os.environ, "NODE_PATH": os.environ.get("NODE_PATH", "/usr/share/nodejs")}
    subprocess.run(["node", str(GENERATOR), "my-app"], cwd=work, env=env, check=True, capture_output=True, timeout=120)
    app = work / "my-app"
    subprocess.run(["npm", "install", "--offline", "--no-audit", "--no-fund"], cwd=app, env=env, check=True,
                   capture_output=True, timeout=180)
    return app


class NpmRunDev:
    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tempfile.TemporaryFile(mode="w+", prefix="lts-npm-dev-")
        env = {**os.environ, "PORT": str(self.port), "NODE_PATH": os.environ.get("NODE_PATH", "/usr/share/nodejs")}
        env.pop("NODE_ENV", None)
        # Its own process group: stopping reaches livets dev and the app under npm.
        self.process = subprocess.Popen(["npm", "run", "dev"], cwd=app, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)
        wait_for_port(self.port, self.process, timeout=120, output=self.output)

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def edit(self, old, new):
        file = self.app / "src" / "counter.ts"
        text = file.read_text()
        assert old in text, f"{old!r} is not in src/counter.ts"
        file.write_text(text.replace(old, new))

    def starts(self):
        return len(re.findall(r"listening on http", self.output()))

    def wait_for_start(self, count):
        """Until the app has started `count` times (the first start is 1)."""
        deadline = time.monotonic() + SEEN / 1000
        while self.starts() < count:
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def dev(generated):
    running = NpmRunDev(generated)
    yield running
    running.stop()


def test_a_view_edit_reaches_the_open_tab_and_the_typed_step_is_kept(dev, chromium):
    from playwright.sync_api import expect

    page = chromium.new_page()
    page.goto(dev.url)
    expect(page.locator("[data-livets-id]")).to_have_class(CONNECTED, timeout=SEEN)
    page.evaluate("window.__sameDocument = true")
    page.fill("#step", "3")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("3")

    dev.edit("<h1>Counter</h1>", "<h1>Counter, edited</h1>")
    expect(page.locator("h1")).to_have_text("Counter, edited", timeout=SEEN)
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    assert page.input_value("#step") == "3"
    # The restarted server starts from 0 and got the typed step back.
    expect(page.locator("#count")).to_have_text("0")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("3")

    # A render that throws shows the overlay; the fix clears it.
    started = dev.starts()
    dev.edit("override render(): Html {", 'override render(): Html {\n    if (this.state.count > 0) throw new Error("count is positive");')
    dev.wait_for_start(started + 1)
    expect(page.locator("#count")).to_have_text("0", timeout=SEEN)
    expect(page.locator("[data-livets-id]")).to_have_class(CONNECTED, timeout=SEEN)
    page.click("#inc")
    overlay = page.locator("#livets-dev-overlay")
    expect(overlay).to_be_visible(timeout=SEEN)
    expect(overlay).to_contain_text("count is positive")
    expect(overlay).to_contain_text("counter.ts")
    dev.edit('    if (this.state.count > 0) throw new Error("count is positive");\n', "")
    expect(overlay).to_be_hidden(timeout=SEEN)
    page.close()
