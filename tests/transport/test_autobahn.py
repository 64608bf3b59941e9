"""A fast subset of Autobahn|Testsuite against the echo server: framing,
pings, reserved bits, opcodes, fragmentation, UTF-8, close handling and
compression. scripts/autobahn runs every case."""

import os
import subprocess
import sys

import pytest

from pathlib import Path

from transport_support import ECHO_SERVER
from support import REPO, Server, free_port

PYTHON2 = os.environ.get("LIVETS_PYTHON2", "/root/.pyenv/versions/2.7.18/bin/python")
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
PACKAGES = Path(os.environ.get("LIVETS_AUTOBAHN_DIR", CACHE / "livets" / "autobahn")) / "autobahntestsuite"

FAST_CASES = ["1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*", "12.1.1", "12.1.2", "12.1.3", "12.1.4",
              "12.1.5", "13.1.1", "13.1.2", "13.2.1", "13.3.1", "13.5.1", "13.7.1"]


@pytest.mark.skipif(not (os.path.exists(PYTHON2) and PACKAGES.exists()),
                    reason="Autobahn|Testsuite needs Python 2.7 and scripts/bootstrap's install of it")
def test_autobahn_fast_subset(tmp_path):
    port = free_port()
    server = Server([ECHO_SERVER, "--port", str(port), "--max-message", str(64 << 20)], port).start()
    try:
        result = subprocess.run([sys.executable, str(REPO / "scripts/lib/autobahn.py"), "--url", f"ws://127.0.0.1:{port}",
                                 "--out", str(tmp_path), "--cases", *FAST_CASES], capture_output=True, text=True, timeout=600)
    finally:
        server.stop()
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAILED" not in result.stdout


TLS_CASES = ["1.*", "2.*", "5.*", "7.1.*", "9.1.1", "9.1.2", "12.1.1", "13.1.1"]


@pytest.mark.skipif(not (os.path.exists(PYTHON2) and PACKAGES.exists()),
                    reason="Autobahn|Testsuite needs Python 2.7 and scripts/bootstrap's install of it")
def test_autobahn_subset_over_wss(tmp_path):
    """The same framing, fragmentation, close and compression cases when
    the core's own TLS carries them (scripts/autobahn --tls runs them all)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    port = free_port()
    server = Server([ECHO_SERVER, "--port", str(port), "--max-message", str(64 << 20),
                     "--cert", str(cert), "--key", str(key)], port).start()
    try:
        result = subprocess.run([sys.executable, str(REPO / "scripts/lib/autobahn.py"), "--url", f"wss://127.0.0.1:{port}",
                                 "--out", str(tmp_path / "report"), "--cases", *TLS_CASES],
                                capture_output=True, text=True, timeout=600)
    finally:
        server.stop()
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAILED" not in result.stdout
