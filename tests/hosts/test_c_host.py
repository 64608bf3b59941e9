"""The C host example: a live counter through livetscore.h alone."""

import re

from playwright.sync_api import expect

from support import REPO, Server, free_port


def test_c_host_serves_a_live_counter(chromium):
    port = free_port()
    binary = REPO / ".build/examples/c-counter"
    server = Server([str(binary), str(port), str(REPO / "client/dist")], port).start()
    try:
        page = chromium.new_page()
        page.goto(server.url + "/")
        expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
        for _ in range(3):
            page.click("#inc")
        expect(page.locator("#count")).to_have_text("3")
        page.close()
    finally:
        server.stop()
    assert server.process is None


def test_c_host_uses_only_the_header_and_library():
    source = (REPO / "examples/c-counter/main.c").read_text()
    includes = re.findall(r"#include [<\"]([^>\"]+)[>\"]", source)
    assert "livetscore.h" in includes
    assert all(name == "livetscore.h" or "/" not in name and name.endswith(".h") for name in includes)
    assert not any("swift" in name.lower() or "node" in name.lower() or "uv" in name for name in includes)
