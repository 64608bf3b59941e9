"""ts-hook callbacks and pushEvent, ts-ignore subtrees, and ts-key identity."""

import subprocess

import pytest
from playwright.sync_api import expect

from live_pages import open_view, server_log
from support import REPO

# Defined before the connector loads, as a page's own script would.
PROBE = """
window.__hooks = []
window.LiveTS = { hooks: { Probe: {
  mounted() {
    __hooks.push(['mounted', this.el.id])
    // Resolved (with no reply: the view's handler returns nothing) once answered.
    if (this.el.id == 'h1') this.pushEvent('from_hook', { id: this.el.id }).then(reply => __hooks.push(['acked', reply === undefined]))
  },
  updated() { __hooks.push(['updated', this.el.id]) },
  destroyed() { __hooks.push(['destroyed', this.el.id]) },
  disconnected() { __hooks.push(['disconnected', this.el.id]) },
  reconnected() { __hooks.push(['reconnected', this.el.id]) },
} } }
"""


def hooks(page):
    return [tuple(h) for h in page.evaluate("__hooks")]


def test_hook_lifecycle_and_push_event(page, app):
    page.add_init_script(PROBE)
    open_view(page, app, "/hooks")
    expect(page.locator("#log li")).to_have_count(1)
    assert server_log(page) == [["from_hook", {"id": "h1"}]]
    page.wait_for_function("() => __hooks.some(h => h[0] == 'acked')")
    assert sorted(hooks(page)) == sorted([("mounted", "h1"), ("mounted", "untouched"), ("mounted", "h2"), ("acked", True)])
    page.evaluate("__hooks.length = 0")
    page.click("#bump")
    expect(page.locator("#n")).to_have_text("1")
    # Only the hook whose element the server changed hears of it.
    assert hooks(page) == [("updated", "h1")]
    page.click("#toggle")
    expect(page.locator("#h2")).to_have_count(0)
    assert hooks(page) == [("updated", "h1"), ("destroyed", "h2")]
    page.click("#toggle")
    expect(page.locator("#h2")).to_have_count(1)
    assert hooks(page)[-1] == ("mounted", "h2")


def test_hooks_hear_of_disconnects_and_reconnects(page, own_app):
    page.add_init_script(PROBE)
    open_view(page, own_app, "/hooks")
    # h1's event is answered asynchronously: let it land before the log is cleared.
    page.wait_for_function("() => __hooks.some(h => h[0] == 'acked')")
    page.evaluate("__hooks.length = 0")
    own_app.stop()
    page.wait_for_function("() => __hooks.filter(h => h[0] == 'disconnected').length >= 3")
    # Each failed reconnect attempt tells them again; every hook must have heard it.
    assert sorted(set(hooks(page))) == [("disconnected", "h1"), ("disconnected", "h2"), ("disconnected", "untouched")]
    own_app.start()
    page.wait_for_function("() => __hooks.filter(h => h[0] == 'reconnected').length == 3", timeout=20000)
    assert ("mounted", "h1") not in hooks(page), "the same elements, so the same hooks"


def test_ignored_subtrees_keep_what_the_page_put_there(page, app):
    open_view(page, app, "/hooks")
    page.evaluate("""() => {
        const ig = document.getElementById('ig')
        ig.querySelector('p').remove()
        ig.insertAdjacentHTML('beforeend', '<canvas id="chart"></canvas><span>drawn by the page</span>')
    }""")
    for n in (1, 2):
        page.click("#bump")
        expect(page.locator("#n")).to_have_text(str(n))
    assert page.inner_html("#ig") == '<canvas id="chart"></canvas><span>drawn by the page</span>'
    # The element itself still follows the server.
    assert page.get_attribute("#ig", "data-n") == "2"
    assert [m for m in page.sent if m[0] == "s"] == [], "ignored operations are not failures"


def mark_items(page):
    page.evaluate("document.querySelectorAll('#list li').forEach(li => li.__mark = li.textContent)")


def marks(page):
    return page.evaluate("[...document.querySelectorAll('#list li')].map(li => [li.textContent, li.__mark])")


def test_keyed_items_keep_their_identity_through_a_full_render(page, app):
    open_view(page, app, "/hooks")
    page.click("#reverse")
    expect(page.locator("#list li").first).to_have_text("d")
    mark_items(page)
    # Shift every path under the next patch, so its first operation fails:
    # the connector must resync, and the render morphs by key.
    page.evaluate("document.querySelector('[data-livets-id]').prepend(document.createComment('stray'))")
    page.click("#reverse")
    expect(page.locator("#list li").first).to_have_text("a")
    expect(page.locator("#n")).to_have_text("0")
    assert [m[0] for m in page.sent if m[0] == "s"] == ["s"]
    assert marks(page) == [["a", "a"], ["b", "b"], ["c", "c"], ["d", "d"]]


def differ_moves_keyed_nodes():
    script = (
        "const { diff } = require('./node-binding');"
        "const ops = JSON.parse(diff('<li ts-key=\"a\">a</li><li ts-key=\"b\">b</li>',"
        " '<li ts-key=\"b\">b</li><li ts-key=\"a\">a</li>'));"
        "process.stdout.write(String(ops.some(op => op[0] > 5)))"
    )
    out = subprocess.run(["node", "-e", script], cwd=REPO, capture_output=True, text=True)
    return out.stdout == "true"


@pytest.mark.skipif(not differ_moves_keyed_nodes(), reason="the differ has no keyed move operation yet")
def test_keyed_items_keep_their_identity_through_a_patch(page, app):
    open_view(page, app, "/hooks")
    mark_items(page)
    page.click("#reverse")
    expect(page.locator("#list li").first).to_have_text("d")
    assert marks(page) == [["d", "d"], ["c", "c"], ["b", "b"], ["a", "a"]]
