"""`wsload live` (tools/wsload/live.c), the render benchmark's client:
against the benchmark's own LiveTS app and, when installed, pyview; and
against a server that answers wrong on purpose (live_fake_server.py), where
every kind of wrong answer must show in the report and the exit status."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import REPO, Server, free_port  # noqa: E402

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def wsload(tmp_path_factory):
    binary = tmp_path_factory.mktemp("wsload") / "wsload"
    subprocess.run(["bash", str(REPO / "tools" / "wsload" / "build.sh"), str(binary)], check=True)
    return binary


def run_live(wsload, port, *args, duration="0.4"):
    """The JSON lines a live run prints, and its exit status."""
    argv = [str(wsload), "live", "--port", str(port), "-d", duration, "--warmup", "0.2", "--json", "--quiet", *args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    return lines, done.returncode, done.stderr


def report_of(lines):
    return next(line for line in lines if "phase" not in line)


@pytest.fixture(scope="module")
def render_server():
    port = free_port()
    server = Server(["node", str(REPO / "scripts" / "bench" / "peers" / "render-server.js")], port).start()
    yield server
    server.stop()


def test_counter_on_the_benchmark_app(wsload, render_server):
    lines, status, stderr = run_live(wsload, render_server.port, "--path", "/counter", "-c", "4")
    assert status == 0, stderr
    assert [line.get("phase") for line in lines] == ["measure", "done", None]
    done, report = lines[1], lines[2]
    live = report["live"]
    assert done["events"] > 0 and done["perSecond"] > 0 and done["p50"] > 0 and done["p99"] >= done["p50"]
    assert done["compressed"] is True
    assert done["events"] == live["events"] == live["latency_us"]["count"]
    assert live["sent"] == live["answered"] > done["events"]
    assert report["connections"]["open"] == 4 and report["errors"] == {}


def test_table_with_every_client_message_compressed(wsload, render_server):
    lines, status, stderr = run_live(wsload, render_server.port, "--path", "/table", "--event", "bump", "-c", "2",
                                     "--deflate-threshold", "0")
    assert status == 0, stderr
    # The joins' renders (the whole table) come compressed and must inflate.
    assert report_of(lines)["live"]["received_compressed"] >= 2


def test_without_deflate(wsload, render_server):
    lines, status, stderr = run_live(wsload, render_server.port, "--path", "/counter", "-c", "2", "--no-deflate")
    assert status == 0, stderr
    assert lines[1]["compressed"] is False and lines[1]["events"] > 0


def test_phoenix_protocol_on_pyview(wsload):
    pytest.importorskip("pyview")
    pytest.importorskip("uvicorn")
    port = free_port()
    server = Server([sys.executable, str(REPO / "scripts" / "bench" / "peers" / "pyview-render.py")], port).start()
    try:
        lines, status, stderr = run_live(wsload, port, "--path", "/counter", "--protocol", "phoenix", "-c", "2",
                                         "--deflate-threshold", "0")
    finally:
        server.stop()
    assert status == 0, stderr
    live = report_of(lines)["live"]
    assert lines[1]["events"] > 0 and live["sent"] == live["answered"]
    # pyview keeps its deflate context across messages: every answer inflates through it.
    assert live["received_compressed"] == live["received"] > 0


def fake(mode):
    port = free_port()
    return Server([sys.executable, str(HERE / "live_fake_server.py"), str(port), mode], port).start()


def run_fake(wsload, mode, *args, duration="0.4"):
    server = fake(mode)
    try:
        return run_live(wsload, server.port, "--path", "/page", "-c", "3", *args, duration=duration)
    finally:
        server.stop()


def test_right_answers_from_a_compressing_server(wsload):
    # The fake checks the page's cookie and Origin on the upgrade and every frame byte for byte.
    for args in ([], ["--deflate-threshold", "0"]):
        lines, status, stderr = run_fake(wsload, "ok", *args)
        assert status == 0, stderr
        live = report_of(lines)["live"]
        assert live["events"] > 0 and live["wrong"] == live["refused"] == live["stray"] == 0
        assert live["received_compressed"] == live["received"]


@pytest.mark.parametrize(
    "mode, counter, error",
    [
        ("stray", "stray", "patch (p) for a ref not awaited"),
        ("refuse", "refused", "event refused (x)"),
        ("gap", "wrong", "patch (p) out of sequence"),
        ("empty", "wrong", "patch (p) with no operations"),
        ("garbage", "stray", "not a JSON array in a text message"),
    ],
)
def test_wrong_answers_are_counted_and_fail_the_run(wsload, mode, counter, error):
    lines, status, stderr = run_fake(wsload, mode)
    report = report_of(lines)
    assert status == 1
    assert report["live"][counter] > 0
    assert report["errors"][error] == report["live"][counter] if counter != "stray" else report["errors"][error] > 0
    assert error in stderr  # the first one is shown whole
    if mode in ("refuse", "gap", "empty"):
        # Answered, but not counted as events.
        assert lines[1]["events"] == 0


def test_silence_is_counted_after_the_drain(wsload):
    lines, status, _ = run_fake(wsload, "silent")
    live = report_of(lines)["live"]
    assert status == 1
    assert live["unanswered"] == 3 and live["answered"] == 3 * 5


def test_a_refused_join_fails_the_connections(wsload):
    lines, status, stderr = run_fake(wsload, "join-refuse")
    report = report_of(lines)
    assert status == 1
    assert report["connections"]["open"] == 0 and report["connections"]["failed"] == 3
    assert report["errors"] == {"join refused (x)": 3}


def test_a_page_without_the_view_fails_clearly(wsload):
    port = free_port()
    server = Server(["node", str(REPO / "scripts" / "bench" / "peers" / "render-server.js")], port).start()
    try:
        # /_livets/live.js is served, but is no page with a view.
        lines, status, stderr = run_live(wsload, port, "--path", "/_livets/live.js", "-c", "1")
    finally:
        server.stop()
    assert status == 1
    assert report_of(lines)["errors"] == {"page: no data-livets-id": 1}
