import pytest

from support import Server, free_port
from transport_support import ECHO_SERVER, Raw


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    public = root / "public"
    (public / "js").mkdir(parents=True)
    (public / "js" / "app.js").write_text("console.log('live');\n" * 50)
    (public / "style.css").write_text("body { color: red }\n")
    (root / "secret.txt").write_text("top secret")
    (public / "escape.txt").symlink_to(root / "secret.txt")
    return public


@pytest.fixture(scope="module")
def echo(static_root):
    port = free_port()
    server = Server([ECHO_SERVER, "--port", str(port), "--static", str(static_root),
                     "--header-timeout-ms", "1000", "--idle-timeout-ms", "1500", "--ping-interval-ms", "60000",
                     "--allowed-origins", "http://allowed.example", "--max-message", "65536",
                     "--max-outbound", "262144", "--broadcast-path", "/broadcast",
                     # The cases speak for host "t", as a test name; the Host check has tests of its own.
                     "--allowed-hosts", "t"], port).start()
    yield server
    server.stop()


def still_serves(port):
    raw = Raw(port)
    raw.send(b"GET /static/style.css HTTP/1.1\r\nHost: t\r\n\r\n")
    status, _, body = raw.read_response()
    raw.close()
    assert (status, body) == (200, b"body { color: red }\n")
    return True


@pytest.fixture
def raw(echo):
    clients = []

    def make(timeout=5):
        client = Raw(echo.port, timeout)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    assert still_serves(echo.port), "the server stopped serving after this case: " + (echo.output() if echo.process.poll() is not None else "still running")
