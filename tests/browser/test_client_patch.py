"""The browser connector (client/dist/livets.js) in headless Chromium.

Patch application is driven through the public LiveTS.applyPatch with the
bytes the core writes; the connector's protocol handling runs against a
stand-in WebSocket on a page served under the CSP the core uses.
"""

import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLIENT = REPO / "client"
BUNDLE = CLIENT / "dist" / "livets.js"
ORIGIN = "http://livets.test"


def bundle_text():
    # Tests must exercise the current sources, not a stale build.
    sources = list((CLIENT / "src").glob("*.js"))
    if not BUNDLE.exists() or BUNDLE.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        subprocess.run(["bash", str(CLIENT / "build.sh")], check=True, capture_output=True)
    return BUNDLE.read_text()


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture(scope="module")
def js():
    return bundle_text()


@pytest.fixture
def blank(browser, js):
    """A blank page with the bundle loaded and no live root on it."""
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content("<!doctype html><html><body></body></html>")
    page.evaluate(FAKE_SOCKET)
    page.add_script_tag(content=js)
    yield page
    page.close()
    assert errors == []


def patch(page, html, ops, raw=None):
    """Applies `ops` (or raw byte values) to a fresh root holding `html`;
    returns (result, root.innerHTML afterwards)."""
    return page.evaluate(
        """([html, ops, raw]) => {
            const root = document.createElement('div')
            root.innerHTML = html
            document.body.replaceChildren(root)
            const bytes = raw ? new Uint8Array(raw) : new TextEncoder().encode(JSON.stringify(ops))
            return [LiveTS.applyPatch(root, bytes), root.innerHTML]
        }""",
        [html, ops, raw],
    )


# --- patch operations ----------------------------------------------------


def test_counter_text_change(blank):
    html = '<h1>Count</h1><span id="count">3</span>'
    assert patch(blank, html, [[1, [1, 0], "#text", "4"]]) == [True, '<h1>Count</h1><span id="count">4</span>']


def test_text_is_data_not_markup(blank):
    ok, out = patch(blank, "<p>x</p>", [[1, [0, 0], "#text", "<b>&amp;</b>"]])
    assert ok
    assert out == "<p>&lt;b&gt;&amp;amp;&lt;/b&gt;</p>"


def test_comment_text(blank):
    assert patch(blank, "<!--a--><p></p>", [[1, [0], "#comment", "b"]]) == [True, "<!--b--><p></p>"]


def test_utf8_text(blank):
    ok, out = patch(blank, "<p>x</p>", [[1, [0, 0], "#text", "Grüße ✓ 🎉"]])
    assert ok and out == "<p>Grüße ✓ 🎉</p>"


def test_set_and_remove_attributes(blank):
    html = '<a href="/a" class="x" hidden="">go</a>'
    ops = [
        [2, [0], "a", "class", "y"],
        [2, [0], "a", "title", 'say "hi"'],
        [3, [0], "a", "hidden"],
    ]
    assert patch(blank, html, ops) == [True, '<a href="/a" class="y" title="say &quot;hi&quot;">go</a>']


def test_attribute_on_root(blank):
    assert patch(blank, "<p></p>", [[2, [], "", "data-x", "1"]])[0] is True
    assert blank.evaluate("document.body.firstChild.getAttribute('data-x')") == "1"


def test_append_several_nodes(blank):
    ops = [[4, [0], "ul", "<li>b</li><li>c</li> tail<!--k-->"]]
    assert patch(blank, "<ul><li>a</li></ul>", ops) == [True, "<ul><li>a</li><li>b</li><li>c</li> tail<!--k--></ul>"]


def test_append_to_root(blank):
    assert patch(blank, "<p>1</p>", [[4, [], "", "<p>2</p><p>3</p>"]]) == [True, "<p>1</p><p>2</p><p>3</p>"]


def test_remove(blank):
    html = "<ul><li>a</li><li>b</li><li>c</li></ul>"
    assert patch(blank, html, [[5, [0, 1], "li"]]) == [True, "<ul><li>a</li><li>c</li></ul>"]


def test_remove_text_node(blank):
    assert patch(blank, "<p>a<b>b</b></p>", [[5, [0, 0], "#text"]]) == [True, "<p><b>b</b></p>"]


def test_replace_element(blank):
    html = "<p>x</p><div>old</div><p>y</p>"
    ops = [[0, [1], "div", '<section class="n">new</section>']]
    assert patch(blank, html, ops) == [True, '<p>x</p><section class="n">new</section><p>y</p>']


def test_replace_with_several_nodes_and_text(blank):
    assert patch(blank, "<i>a</i>", [[0, [0], "i", "one <b>two</b>"]]) == [True, "one <b>two</b>"]


def test_replace_table_row_in_tbody(blank):
    html = "<table><tbody><tr><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></tbody></table>"
    ops = [[0, [0, 0, 1], "tr", '<tr class="hot"><td>two</td><td>2</td></tr>']]
    ok, out = patch(blank, html, ops)
    assert ok
    assert out == (
        '<table><tbody><tr><td>1</td></tr><tr class="hot"><td>two</td><td>2</td></tr>'
        "<tr><td>3</td></tr></tbody></table>"
    )


def test_append_table_rows_and_cells(blank):
    html = "<table><tbody><tr><td>1</td></tr></tbody></table>"
    ops = [[4, [0, 0], "tbody", "<tr><td>2</td></tr><tr><td>3</td></tr>"], [4, [0, 0, 0], "tr", "<td>1b</td>"]]
    ok, out = patch(blank, html, ops)
    assert ok
    assert out == "<table><tbody><tr><td>1</td><td>1b</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></tbody></table>"


def test_paths_are_evaluated_after_earlier_operations(blank):
    html = "<p>a</p><p>b</p><p>c</p>"
    ops = [[5, [0], "p"], [1, [0, 0], "#text", "B"], [2, [1], "p", "id", "c"]]
    assert patch(blank, html, ops) == [True, '<p>B</p><p id="c">c</p>']


def test_empty_patch(blank):
    assert patch(blank, "<p>a</p>", []) == [True, "<p>a</p>"]


def test_mismatched_name_changes_nothing(blank):
    html = '<h1>Count</h1><span id="count">3</span>'
    for ops in (
        [[1, [1, 0], "#comment", "4"]],
        [[1, [1], "div", "4"]],
        [[2, [0], "h2", "class", "x"]],
        [[0, [1], "#text", "<b>x</b>"]],
        [[5, [0], "span"]],
        [[4, [1], "h1", "<i>x</i>"]],
    ):
        assert patch(blank, html, ops) == [False, html], ops


def test_missing_node_changes_nothing(blank):
    html = '<h1>Count</h1><span id="count">3</span>'
    for ops in (
        [[1, [2, 0], "#text", "4"]],
        [[1, [1, 0, 0], "#text", "4"]],
        [[5, [7], "p"]],
        [[4, [0, 1], "b", "<i>x</i>"]],
    ):
        assert patch(blank, html, ops) == [False, html], ops


def test_failure_stops_the_rest_of_the_patch(blank):
    html = "<p>a</p><p>b</p>"
    ops = [[1, [0, 0], "#text", "A"], [1, [1, 0], "#comment", "B"], [1, [1, 0], "#text", "never"]]
    assert patch(blank, html, ops) == [False, "<p>A</p><p>b</p>"]


def test_operation_on_the_wrong_kind_of_node(blank):
    html = "<p>a</p>"
    # Unchecked name, yet text on an element or an attribute on text cannot apply.
    assert patch(blank, html, [[1, [0], "", "x"]]) == [False, html]
    assert patch(blank, html, [[2, [0, 0], "", "id", "x"]]) == [False, html]
    # The view's root stays in the page.
    assert patch(blank, html, [[5, [], ""]]) == [False, html]
    assert patch(blank, html, [[0, [], "", "<p>x</p>"]]) == [False, html]


def test_malformed_input_is_refused(blank):
    html = "<p>a</p>"
    for ops in ({"op": 1}, [[9, [0], "p"]], [[1, "0", "#text", "x"]], [7], [[2, [0], "p", "bad name", "x"]]):
        assert patch(blank, html, ops) == [False, html], ops
    assert patch(blank, html, None, raw=list(b"not json")) == [False, html]
    assert patch(blank, html, None, raw=list(b'[[1,[0,0],"#text","\xff"]]')) == [False, html]


def test_no_script_runs_from_patch_html(blank):
    ops = [
        [4, [], "", "<script>window.ran = 1</script>"],
        [0, [0], "p", '<div><script>window.ran = 2</script></div>'],
    ]
    ok, out = patch(blank, "<p>a</p>", ops)
    assert ok and "<script>" in out
    blank.wait_for_timeout(50)
    assert blank.evaluate("window.ran") is None


def test_value_attribute_updates_an_untouched_input(blank):
    blank.evaluate("""() => {
        document.body.innerHTML = '<div id="r"><input name="q" value="a"><input name="f" value="x"></div>'
        document.querySelector('[name=q]').value = 'typed'
        document.querySelector('[name=f]').value = 'typing'
        document.querySelector('[name=f]').focus()
    }""")
    ops = [[2, [0], "input", "value", "b"], [2, [1], "input", "value", "y"]]
    ok = blank.evaluate(
        "ops => LiveTS.applyPatch(document.getElementById('r'), new TextEncoder().encode(JSON.stringify(ops)))", ops
    )
    assert ok is True
    assert blank.evaluate("[...document.querySelectorAll('input')].map(i => [i.value, i.getAttribute('value')])") == [
        ["b", "b"],
        ["typing", "y"],
    ]


def test_checked_attribute_updates_the_property(blank):
    blank.evaluate("""() => {
        document.body.innerHTML = '<div id="r"><input type="checkbox"><input type="checkbox" checked></div>'
        // The user has clicked both, so attributes alone would no longer show.
        for (const c of document.querySelectorAll('input')) c.click()
    }""")
    ops = [[2, [0], "input", "checked", ""], [3, [1], "input", "checked"]]
    assert blank.evaluate(
        "ops => LiveTS.applyPatch(document.getElementById('r'), new TextEncoder().encode(JSON.stringify(ops)))", ops
    )
    assert blank.evaluate("[...document.querySelectorAll('input')].map(i => i.checked)") == [True, False]


def test_no_root_no_socket(blank):
    assert blank.evaluate("window.__sockets.length") == 0
    assert blank.evaluate("typeof LiveTS.connect") == "function"
    assert blank.evaluate("LiveTS.connect()") is False
    assert blank.evaluate("window.__sockets.length") == 0


# --- the connector against a stand-in socket -----------------------------

# Records what the connector sends; the test plays the server.
FAKE_SOCKET = """
window.__sockets = []
window.WebSocket = class {
  constructor(url) { this.url = url; this.readyState = 0; this.sent = []; window.__sockets.push(this) }
  send(data) { this.sent.push(JSON.parse(data)) }
  close() {}
}
window.__open = () => { const s = __sockets.at(-1); s.readyState = 1; s.onopen() }
window.__recv = msg => __sockets.at(-1).onmessage({ data: JSON.stringify(msg) })
window.__drop = () => { const s = __sockets.at(-1); s.readyState = 3; s.onclose() }
window.__sent = () => __sockets.flatMap(s => s.sent)
"""

PAGE = """<!doctype html>
<html><head><script src="/_livets/livets.js"></script></head>
<body>
<div id="a" data-livets-id="c1" data-livets-token="tok1"><h1>Count</h1><span id="count">3</span></div>
<div id="b" data-livets-id="c2" data-livets-token="tok2"><p>two</p></div>
</body></html>"""


@pytest.fixture
def live(browser, js):
    """The two-root page, served with the core's CSP, socket opened."""
    page = browser.new_page()
    errors, warnings = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.add_init_script(FAKE_SOCKET)
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => __violations.push(e.violatedDirective))"
    )

    def serve(route):
        path = route.request.url[len(ORIGIN) :]
        if path == "/_livets/livets.js":
            route.fulfill(body=js, content_type="text/javascript")
        elif path == "/":
            route.fulfill(
                body=PAGE,
                content_type="text/html",
                headers={"Content-Security-Policy": "script-src 'self'"},
            )
        else:
            route.fulfill(status=404)

    page.route(ORIGIN + "/**", serve)
    page.goto(ORIGIN + "/")
    page.warnings = warnings
    yield page
    assert page.evaluate("__violations") == []
    page.close()
    assert errors == []


def sent(page):
    return page.evaluate("__sent()")


def recv(page, msg):
    page.evaluate("m => __recv(m)", msg)


def html(page, sel):
    return page.evaluate("s => document.querySelector(s).innerHTML", sel)


def classes(page, sel):
    return page.evaluate("s => document.querySelector(s).className", sel)


def test_one_socket_and_join_per_root(live):
    assert live.evaluate("__sockets.map(s => s.url)") == ["ws://livets.test/live?v=1"]
    assert sent(live) == [], "nothing is sent before the socket opens"
    live.evaluate("__open()")
    assert sent(live) == [["j", 1, "c1", "tok1", {}], ["j", 2, "c2", "tok2", {}]]
    assert live.evaluate("LiveTS.connect()") is False, "a page connects once"


def test_render_then_patches_in_sequence(live):
    live.evaluate("__open()")
    recv(live, ["r", "c1", 1, 1, '<h1>Count</h1><span id="count">3</span><script>window.ran = 1</script>'])
    assert "ts-connected" in classes(live, "#a")
    assert "ts-connected" not in classes(live, "#b")
    recv(live, ["p", "c1", 2, 0, [[1, [1, 0], "#text", "4"]]])
    recv(live, ["p", "c1", 3, 0, []])
    recv(live, ["p", "c1", 4, 0, [[1, [1, 0], "#text", "5"]]])
    assert html(live, "#a").startswith('<h1>Count</h1><span id="count">5</span>')
    assert live.evaluate("window.ran") is None
    assert [m for m in sent(live) if m[0] == "s"] == []


def test_seq_gap_asks_for_resync_once(live):
    live.evaluate("__open()")
    recv(live, ["r", "c1", 1, 1, "<b>1</b>"])
    recv(live, ["p", "c1", 3, 0, [[1, [0, 0], "#text", "3"]]])
    recv(live, ["p", "c1", 4, 0, [[1, [0, 0], "#text", "4"]]])
    assert html(live, "#a") == "<b>1</b>", "patches past a gap are not applied"
    assert [m for m in sent(live) if m[0] == "s"] == [["s", 3, "c1"]]
    recv(live, ["r", "c1", 5, 3, "<b>5</b>"])
    recv(live, ["p", "c1", 6, 0, [[1, [0, 0], "#text", "6"]]])
    assert html(live, "#a") == "<b>6</b>"


def test_failed_patch_asks_for_resync(live):
    live.evaluate("__open()")
    recv(live, ["r", "c2", 1, 2, "<p>two</p>"])
    recv(live, ["p", "c2", 2, 0, [[1, [0, 0], "#comment", "x"]]])
    assert html(live, "#b") == "<p>two</p>"
    assert sent(live)[-1] == ["s", 3, "c2"]


def test_refusal_warns_and_marks_a_refused_join(live):
    live.evaluate("__open()")
    recv(live, ["x", "c2", 2, "bad token"])
    recv(live, ["r", "c1", 1, 1, "<p>ok</p>"])
    recv(live, ["x", "c1", 9, "no such event"])
    assert "ts-error" in classes(live, "#b")
    assert "ts-error" not in classes(live, "#a")
    assert any("bad token" in w for w in live.warnings)
    assert any("no such event" in w for w in live.warnings)


def test_click_sends_event_with_values_and_tracks_loading(live):
    live.evaluate("__open()")
    recv(live, ["r", "c1", 1, 1, '<button ts-on:click="inc" ts-value-by="2" ts-value-n="x"><i>+</i></button>'])
    live.click("#a button i")
    assert sent(live)[-1] == ["e", 3, "c1", "inc", {"by": "2", "n": "x"}]
    assert "ts-loading" in classes(live, "#a button")
    recv(live, ["p", "c1", 2, 3, []])
    assert "ts-loading" not in classes(live, "#a button")


def test_click_outside_any_directive_sends_nothing(live):
    live.evaluate("__open()")
    recv(live, ["r", "c1", 1, 1, "<button>plain</button>"])
    live.click("#a button")
    live.click("#b p")
    assert len(sent(live)) == 2


def test_submit_sends_fields_and_stays_on_page(live):
    live.evaluate("__open()")
    recv(
        live,
        [
            "r", "c2", 1, 2,
            '<form ts-on:submit="save" ts-value-kind="todo" action="/elsewhere">'
            '<input name="title" value="Milk"><input type="checkbox" name="tag" value="a" checked>'
            '<input type="checkbox" name="tag" value="b" checked><button>Save</button></form>',
        ],
    )
    live.click("#b button")
    assert sent(live)[-1] == ["e", 3, "c2", "save", {"kind": "todo", "title": "Milk", "tag": ["a", "b"]}]
    assert live.url == ORIGIN + "/"


def test_input_and_change_events(live):
    live.evaluate("__open()")
    recv(
        live,
        [
            "r", "c1", 1, 1,
            '<input name="q" ts-on:input="search" ts-value-scope="all">'
            '<form ts-on:change="validate"><select name="size"><option>S</option><option>L</option></select>'
            '<input type="checkbox" name="ok"></form>',
        ],
    )
    live.fill("#a input[name=q]", "hi")
    assert sent(live)[-1] == ["e", 3, "c1", "search", {"scope": "all", "value": "hi", "name": "q"}]
    # A form listening for its fields' changes gets the whole form and the
    # name of the field that changed.
    live.select_option("#a select", "L")
    assert sent(live)[-1] == ["e", 4, "c1", "validate", {"size": "L", "_target": "size"}]
    live.check("#a input[name=ok]")
    assert sent(live)[-1] == ["e", 5, "c1", "validate", {"size": "L", "ok": "on", "_target": "ok"}]


def test_disconnect_drops_events_and_reconnect_rejoins(live):
    live.evaluate("__open()")
    recv(live, ["r", "c1", 1, 1, '<button ts-on:click="inc">+</button>'])
    live.click("#a button")
    assert "ts-loading" in classes(live, "#a button")
    live.evaluate("__drop()")
    assert "ts-disconnected" in classes(live, "#a") and "ts-connected" not in classes(live, "#a")
    assert "ts-disconnected" in classes(live, "#b")
    assert "ts-loading" not in classes(live, "#a button"), "no answer will come on a closed socket"
    before = len(sent(live))
    live.click("#a button")
    assert len(sent(live)) == before, "nothing is queued while disconnected"
    live.wait_for_function("() => __sockets.length == 2", timeout=5000)
    live.evaluate("__open()")
    assert live.evaluate("__sockets[1].sent") == [["j", 4, "c1", "tok1", {}], ["j", 5, "c2", "tok2", {}]]
    recv(live, ["r", "c1", 1, 4, "<p>back</p>"])
    # The rejoin's render applies once recover.js, asked for as the socket reopened, has run.
    live.wait_for_function("() => document.querySelector('#a').classList.contains('ts-connected')", timeout=5000)
    assert "ts-connected" in classes(live, "#a") and "ts-disconnected" not in classes(live, "#a")
    # A render on the new socket resets the sequence.
    recv(live, ["p", "c1", 2, 0, [[1, [0, 0], "#text", "again"]]])
    assert html(live, "#a") == "<p>again</p>"


def test_messages_for_unknown_components_are_ignored(live):
    live.evaluate("__open()")
    recv(live, ["r", "nope", 1, 1, "<p>x</p>"])
    recv(live, ["r", "__proto__", 1, 1, "<p>x</p>"])
    live.evaluate("__sockets[0].onmessage({ data: 'not json' })")
    assert html(live, "#a") == '<h1>Count</h1><span id="count">3</span>'


def test_ops_wire_form_matches_protocol_example(blank):
    # The exact bytes of the protocol's example, not re-encoded by the test.
    raw = list(b'[[1,[1,0],"#text","4"]]')
    assert patch(blank, '<h1>Count</h1><span id="count">3</span>', None, raw=raw) == [
        True,
        '<h1>Count</h1><span id="count">4</span>',
    ]
    assert json.loads(bytes(raw)) == [[1, [1, 0], "#text", "4"]]
