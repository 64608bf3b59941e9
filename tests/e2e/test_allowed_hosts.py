"""The demo answers the names listed in LIVETS_ALLOWED_HOSTS, besides
localhost and 127.0.0.1, and refuses other Host headers (DNS rebinding)."""

import http.client

from support import REPO, Server, free_port


def status_for(port, host):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/counter", headers={"Host": host})
        return conn.getresponse().status
    finally:
        conn.close()


def test_the_demo_serves_the_names_in_livets_allowed_hosts():
    port = free_port()
    server = Server(["node", str(REPO / "examples/app/dist/server.js")], port,
                    env={"LIVETS_ALLOWED_HOSTS": "demo.example.com, www.demo.example.com"}).start()
    try:
        assert status_for(port, f"demo.example.com:{port}") == 200
        assert status_for(port, "www.demo.example.com") == 200
        assert status_for(port, f"127.0.0.1:{port}") == 200
        assert status_for(port, "rebound.example") == 400
    finally:
        server.stop()
