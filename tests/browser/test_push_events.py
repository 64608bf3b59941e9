"""Server → hook events and replies in Chromium: a hook's pushEvent
resolves with the view's reply after the patch, pushed events reach the
view's hooks and LiveTS.on listeners after it, and a refused or crashed
event, or a lost socket, rejects the promise."""

import re

from playwright.sync_api import expect

CONNECTED = re.compile(r"\bts-connected\b")

# Each Recorder hook notes the push events it hears, with #n's text at that
# moment, and is reachable as __hooks[its id, or its view's id].
RECORDER = """
window.__rec = []
window.__hooks = {}
window.LiveTS = { hooks: { Recorder: {
  mounted() {
    const key = this.el.id || this.el.closest('[data-livets-id]').getAttribute('data-livets-id')
    __hooks[key] = this
    for (const name of ['after', 'highlight'])
      this.handleEvent(name, p => __rec.push(['hook', key, name, p, document.getElementById('n').textContent]))
  },
} } }
"""

# Not awaited: evaluate returns at once, and the outcome lands in __rec.
PUSH = """([hook, name, payload]) => { __hooks[hook].pushEvent(name, payload).then(
  reply => __rec.push(['reply', hook, reply === undefined ? 'none' : reply, document.getElementById('n').textContent]),
  error => __rec.push(['error', hook, error.message])) }"""


def open_pushes(page, server):
    page.add_init_script(RECORDER)
    page.goto(server.url + "/pushes")
    expect(page.locator("[data-livets-token]")).to_have_class(CONNECTED)
    expect(page.locator('[data-livets-id="lv-n-inner"]')).to_have_class(CONNECTED)
    page.evaluate("() => { LiveTS.on('after', p => __rec.push(['on', 'after', p])) }")
    return page


def records(page, count):
    page.wait_for_function(f"() => __rec.length >= {count}")
    return page.evaluate("__rec")


def test_the_reply_resolves_after_the_patch_and_pushed_events_follow(page, app):
    open_pushes(page, app)
    page.evaluate(PUSH, ["hk1", "ping", {}])
    assert records(page, 4) == [
        # The patch that the event caused is on the page when the promise resolves.
        ["reply", "hk1", {"pong": 1}, "1"],
        # Every hook of the view, in page order, then the page's listeners;
        # the nested view's hook is not the view's and hears nothing.
        ["hook", "hk1", "after", {"n": 1}, "1"],
        ["hook", "hk2", "after", {"n": 1}, "1"],
        ["on", "after", {"n": 1}],
    ]
    page.wait_for_timeout(100)
    assert len(page.evaluate("__rec")) == 4
    assert [m[3:] for m in page.sent if m[0] == "e"] == [["ping", {}]]


def test_each_promise_gets_its_own_reply(page, app):
    open_pushes(page, app)
    page.evaluate(PUSH, ["hk1", "slow", {"ms": 300, "k": "a"}])
    page.evaluate(PUSH, ["hk2", "slow", {"ms": 0, "k": "b"}])
    page.evaluate(PUSH, ["lv-n-inner", "inc", {}])
    # The view handles its events one at a time: a's reply comes first, and
    # an event without a reply resolves with undefined.
    got = records(page, 3)
    assert sorted(got, key=str) == sorted([
        ["reply", "hk1", {"k": "a"}, "0"],
        ["reply", "hk2", {"k": "b"}, "0"],
        ["reply", "lv-n-inner", "none", "0"],
    ], key=str)
    assert got.index(["reply", "hk1", {"k": "a"}, "0"]) < got.index(["reply", "hk2", {"k": "b"}, "0"])


def test_a_refused_or_crashed_event_rejects_with_the_reason(page, app):
    open_pushes(page, app)
    page.evaluate(PUSH, ["hk1", "nope", {}])
    assert records(page, 1) == [["error", "hk1", "unknown event"]]
    page.evaluate(PUSH, ["hk2", "boom", {}])
    assert records(page, 2)[1] == ["error", "hk2", "crashed"]
    root = page.locator("[data-livets-token]")
    expect(root).to_have_class(re.compile(r"\bts-error\b"))
    # The remounted view replies afresh, to the same hooks.
    expect(root).not_to_have_class(re.compile(r"\bts-error\b"), timeout=10000)
    page.evaluate(PUSH, ["hk1", "ping", {}])
    assert records(page, 3)[2] == ["reply", "hk1", {"pong": 1}, "1"]


def test_a_view_push_reaches_its_hooks_and_the_page_listeners(page, app):
    open_pushes(page, app)
    page.evaluate("() => { LiveTS.on('highlight', p => __rec.push(['on', 'highlight', p])) }")
    page.click("#push")
    assert records(page, 3) == [
        ["hook", "hk1", "highlight", {"id": "n"}, "0"],
        ["hook", "hk2", "highlight", {"id": "n"}, "0"],
        ["on", "highlight", {"id": "n"}],
    ]


def test_a_lost_socket_rejects_the_events_awaiting_an_answer(page, own_app):
    open_pushes(page, own_app)
    page.evaluate(PUSH, ["hk1", "slow", {"ms": 3000, "k": "late"}])
    page.wait_for_timeout(200)
    # Killed, not stopped: a server that stops answers what it is handling first.
    own_app.process.kill()
    own_app.process.wait()
    assert records(page, 1) == [["error", "hk1", "disconnected"]]
