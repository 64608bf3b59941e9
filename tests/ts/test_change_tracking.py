"""Change tracking in Chromium: a view whose events change its state at
random goes through splices and the core's differ; after every update the
browser's DOM must equal what the browser builds from a full render of the
same state."""

import re

import pytest
from playwright.sync_api import expect

from support import REPO, Server, free_port

CONNECTED = re.compile(r"\bts-connected\b")
APP = REPO / "tests" / "ts" / "app" / "tracking-server.js"


@pytest.fixture(scope="module")
def tracking_app():
    # The test mode of both layers: every tracked render and every spliced
    # tree is also checked against a full render and a full parse.
    server = Server(["node", str(APP)], free_port(), env={"LIVETS_CHECK_SPLICES": "1"}).start()
    yield server
    server.stop()


SAME_DOM = """async ([n, seed]) => {
    const expected = await (await fetch(`/expected?seed=${seed}&n=${n}`)).text()
    const template = document.createElement('template')
    template.innerHTML = expected
    const root = document.querySelector('[data-livets-token]')
    // The button is the connector's to mark while its event is in flight.
    const compared = (nodes) => [...nodes].filter((node) => node.id !== 'step')
    const live = compared(root.childNodes)
    const want = compared(template.content.childNodes)
    if (live.length !== want.length) return `${live.length} children, a full render has ${want.length}`
    for (let i = 0; i < live.length; i++) {
        if (!live[i].isEqualNode(want[i])) {
            return `child ${i} differs:\\n${live[i].outerHTML ?? live[i].textContent}\\n---\\n${want[i].outerHTML ?? want[i].textContent}`
        }
    }
    return null
}"""


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_the_dom_after_tracked_updates_equals_a_full_render(page, tracking_app, seed):
    page.goto(f"{tracking_app.url}/tracked?seed={seed}")
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))
    for n in range(1, 31):
        page.click("#step")
        expect(page.locator("#n")).to_have_text(str(n))
        assert page.evaluate(SAME_DOM, [n, seed]) is None, f"after event {n}"
    output = tracking_app.output()
    assert "resync" not in output
    assert "differs from the full parse" not in output
    assert "change tracking" not in output
