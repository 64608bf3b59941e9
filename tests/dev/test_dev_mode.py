"""`livets dev` in Chromium: the fixture app of tests/dev/app, copied to a
temporary folder and run with runDev, is edited while a page shows it.
A view edit reaches the open tab without a manual reload and keeps what was
typed; a stylesheet edit is swapped in place; a throwing render shows the
error overlay (the view, the error, a stack with .ts lines, the state) and
the overlay goes once the view renders again."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, free_port, wait_for_port  # noqa: E402

FIXTURE = REPO / "tests" / "dev" / "app"
RUN_DEV = REPO / "tests" / "dev" / "run-dev.js"
# A restart is a compile, a process start and a reconnect with backoff, on
# a busy machine: generous, and still "without a manual reload".
SEEN = 20_000
OVERLAY = "#livets-dev-overlay"
CONNECTED = re.compile(r"\bts-connected\b")


class DevApp:
    """The fixture app under runDev, in a folder of its own."""

    def __init__(self, root):
        self.dir = root / "app"
        shutil.copytree(FIXTURE, self.dir)
        (self.dir / "node_modules").mkdir()
        (self.dir / "node_modules" / "livets").symlink_to(REPO / "node-binding")
        (self.dir / "tsconfig.json").write_text(json.dumps({
            "compilerOptions": {
                "target": "ES2020", "module": "commonjs", "strict": True, "skipLibCheck": True,
                "noImplicitOverride": True, "rootDir": "src", "outDir": "dist",
                "typeRoots": [str(REPO / ".cache" / "types")], "types": ["node"],
            },
            "include": ["src/**/*.ts"],
        }))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tempfile.TemporaryFile(mode="w+", prefix="lts-dev-")
        env = {**os.environ, "PORT": str(self.port), "NODE_PATH": os.environ.get("NODE_PATH", "/usr/share/nodejs")}
        env.pop("NODE_ENV", None)
        self.process = subprocess.Popen(["node", str(RUN_DEV)], cwd=self.dir, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, text=True)
        wait_for_port(self.port, self.process, timeout=90, output=self.output)

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def edit(self, path, old, new):
        file = self.dir / path
        text = file.read_text()
        assert old in text, f"{old!r} is not in {path}"
        file.write_text(text.replace(old, new))

    def wait_for_start(self, count):
        """Until the app has started `count` times (the first start is 1)."""
        deadline = time.monotonic() + SEEN / 1000
        while self.output().count("fixture listening on") < count:
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def dev_app(tmp_path):
    app = DevApp(tmp_path)
    yield app
    app.stop()
    # runDev stops the app with it: the port is free again.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            wait_for_port(app.port, timeout=0.2)
        except TimeoutError:
            break
    else:
        pytest.fail(f"the app still listens after runDev stopped:\n{app.output()}")


@pytest.fixture
def tab(chromium):
    context = chromium.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => __violations.push(e.violatedDirective))"
    )
    page.errors = errors
    yield page
    violations = page.evaluate("window.__violations")
    context.close()
    assert violations == []


def open_live(page, app):
    from playwright.sync_api import expect

    page.goto(app.url)
    expect(page.locator("[data-livets-id]")).to_have_class(CONNECTED)
    # Kept on window: it survives everything but a page load.
    page.evaluate("window.__sameDocument = true")


def test_a_view_edit_shows_in_the_open_tab_and_keeps_what_was_typed(dev_app, tab):
    from playwright.sync_api import expect

    open_live(tab, dev_app)
    tab.fill("#name", "Ada Lovelace")
    expect(tab.locator("#echo")).to_have_text("Ada Lovelace")
    tab.locator("#click").focus()

    dev_app.edit("src/greeting.ts", "Hello from the first build", "Hello after an edit")

    expect(tab.locator("#greeting")).to_have_text("Hello after an edit", timeout=SEEN)
    assert tab.evaluate("window.__sameDocument") is True, "the page was reloaded"
    assert tab.input_value("#name") == "Ada Lovelace"
    # The fresh server instance has the value too: the connector sent it again.
    expect(tab.locator("#echo")).to_have_text("Ada Lovelace")
    expect(tab.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-remounted\b"))
    assert "restarting the app" in dev_app.output()
    assert tab.errors == []


def test_a_stylesheet_edit_is_swapped_without_a_reload(dev_app, tab):
    from playwright.sync_api import expect

    open_live(tab, dev_app)
    tab.fill("#name", "kept")
    color = "getComputedStyle(document.getElementById('greeting')).color"
    assert tab.evaluate(f"() => {color}") == "rgb(0, 0, 128)"

    dev_app.edit("public/app.css", "rgb(0, 0, 128)", "rgb(0, 128, 0)")

    tab.wait_for_function(f"() => {color} == 'rgb(0, 128, 0)'", timeout=SEEN)
    assert tab.evaluate("window.__sameDocument") is True
    assert tab.input_value("#name") == "kept"
    # The stylesheet was swapped, not added to: one link, with a fresh URL.
    hrefs = tab.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)")
    assert len(hrefs) == 1 and "livets-dev=" in hrefs[0]
    # A server restart was not needed for it.
    assert "restarting the app" not in dev_app.output()


def test_with_debug_on_the_page_logs_the_servers_timings_of_each_event(dev_app, tab):
    from playwright.sync_api import expect

    lines = []
    tab.on("console", lambda m: lines.append(m.text))
    open_live(tab, dev_app)
    tab.evaluate("LiveTS.debug(true)")
    tab.click("#click")
    expect(tab.locator("#click")).to_have_text("clicked 1")
    server = re.compile(r'^\[livets\] debug Greeting \(/\) handleEvent\("click"\): handler [\d.]+ ms; '
                        r'Greeting: render [\d.]+ ms, diff [\d.]+ ms, patch \d+ B, 1 op$')
    deadline = time.monotonic() + 10
    while not any(server.match(line) for line in lines):
        assert time.monotonic() < deadline, lines
        tab.wait_for_timeout(50)
    assert any(line.startswith('LiveTS event "click" on lv-') and "answered after" in line for line in lines), lines
    # Off again: no more lines of either kind.
    tab.evaluate("LiveTS.debug(false)")
    count = len(lines)
    tab.click("#click")
    expect(tab.locator("#click")).to_have_text("clicked 2")
    tab.wait_for_timeout(300)
    assert lines[count:] == []


def test_a_throwing_render_shows_the_overlay_until_the_view_renders_again(dev_app, tab):
    from playwright.sync_api import expect

    dev_app.edit(
        "src/greeting.ts",
        "override render(): Html {",
        'override render(): Html {\n    if (this.state.clicks > 0) throw new Error("render broke on purpose");',
    )
    # Open once the edited build runs: its first render works (clicks is 0).
    dev_app.wait_for_start(2)
    open_live(tab, dev_app)
    tab.fill("#name", "Grace")
    expect(tab.locator("#echo")).to_have_text("Grace")

    tab.click("#click")

    overlay = tab.locator(OVERLAY)
    expect(overlay).to_be_visible(timeout=SEEN)
    expect(overlay).to_contain_text("Greeting (/)")
    expect(overlay).to_contain_text('render after handleEvent("click") threw')
    expect(overlay).to_contain_text("Error: render broke on purpose")
    # The stack is source-mapped: it names the TypeScript file and line.
    expect(overlay).to_contain_text("src/greeting.ts:")
    # The state that caused it.
    expect(overlay).to_contain_text('"clicks": 1')
    expect(overlay).to_contain_text('"name": "Grace"')
    # Built from text nodes: the error's markup-looking text is never parsed.
    assert tab.evaluate(f"document.querySelector('{OVERLAY}').querySelectorAll('script, img').length") == 0

    dev_app.edit("src/greeting.ts", '    if (this.state.clicks > 0) throw new Error("render broke on purpose");\n', "")
    dev_app.edit("src/greeting.ts", "Hello from the first build", "Hello after the fix")

    expect(tab.locator("#greeting")).to_have_text("Hello after the fix", timeout=SEEN)
    expect(overlay).to_have_count(0)
    assert tab.evaluate("window.__sameDocument") is True
    tab.click("#click")
    expect(tab.locator("#click")).to_have_text("clicked 1")
    expect(overlay).to_have_count(0)


def test_a_page_whose_render_throws_shows_the_overlay_and_reloads_once_fixed(dev_app, tab):
    from playwright.sync_api import expect

    dev_app.edit("src/greeting.ts", "override render(): Html {",
                 'override render(): Html {\n    if (this.state.name === "") throw new Error("no page today");')
    dev_app.wait_for_start(2)
    response = tab.goto(dev_app.url)
    assert response.status == 500

    overlay = tab.locator(OVERLAY)
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("Error: no page today")
    expect(overlay).to_contain_text("src/greeting.ts:")

    dev_app.edit("src/greeting.ts", '    if (this.state.name === "") throw new Error("no page today");\n', "")

    # The error page reloads itself once the fixed app is up.
    expect(tab.locator("[data-livets-id]")).to_have_class(CONNECTED, timeout=SEEN)
    expect(overlay).to_have_count(0)
