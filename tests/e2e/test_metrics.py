"""The demo's /metrics through an independent reader (prometheus_client's
text parser): valid Prometheus text whose numbers follow what a browser
does."""

import re
import urllib.error
import urllib.request

from playwright.sync_api import expect
from prometheus_client.parser import text_string_to_metric_families


def scrape(demo):
    with urllib.request.urlopen(demo.url + "/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
        text = response.read().decode()
    return {family.name: family for family in text_string_to_metric_families(text)}


def value(families, name, sample=None, **labels):
    """The value of the sample `sample` (the family's name by default) with `labels`."""
    family = families[name]
    for s in family.samples:
        if s.name == (sample or name) and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    raise AssertionError(f"no sample {sample or name} {labels} in {family.samples}")


def test_metrics_parse_as_prometheus_text_and_count_what_a_tab_does(chromium, demo):
    before = scrape(demo)
    for name, family in before.items():
        assert name.startswith("livets_"), name
        assert family.documentation, f"{name} has HELP text"
    # The parser drops _total from a counter family's name.
    assert before["livets_events"].type == "counter"
    assert before["livets_event_duration_seconds"].type == "histogram"
    assert value(before, "livets_websockets") == 0

    page = chromium.new_page()
    page.goto(demo.url + "/counter")
    expect(page.locator("[data-livets-id]")).to_have_class(re.compile(r"\bts-connected\b"))
    for _ in range(3):
        page.click("#inc")
    expect(page.locator("#count")).to_have_text("3")

    after = scrape(demo)
    assert value(after, "livets_websockets") == 1
    assert value(after, "livets_views", route="/counter") == 1
    assert value(after, "livets_events", "livets_events_total", view="Counter", event="inc") == 3
    # Three events in the histogram: its +Inf bucket, its count, and a positive sum.
    labels = {"view": "Counter", "event": "inc"}
    assert value(after, "livets_event_duration_seconds", "livets_event_duration_seconds_bucket", le="+Inf", **labels) == 3
    assert value(after, "livets_event_duration_seconds", "livets_event_duration_seconds_count", **labels) == 3
    assert value(after, "livets_event_duration_seconds", "livets_event_duration_seconds_sum", **labels) > 0
    assert value(after, "livets_joins", "livets_joins_total", view="Counter", outcome="ok") == 1
    assert value(after, "livets_render_bytes", "livets_render_bytes_count", view="Counter") >= 4
    # The core diffed each click's update and counted its time and patch bytes.
    assert value(after, "livets_diffs", "livets_diffs_total") >= 3
    assert value(after, "livets_diff_seconds", "livets_diff_seconds_total") > 0
    assert value(after, "livets_patch_bytes", "livets_patch_bytes_total") > 0
    assert value(after, "livets_redis_enabled") == 0
    assert value(after, "livets_process_resident_memory_bytes") > 0
    assert "event_rate" in {s.labels["cause"] for s in after["livets_refusals"].samples}
    page.close()


def test_metrics_answers_get_and_head_and_leaves_other_methods_to_the_app(demo):
    request = urllib.request.Request(demo.url + "/metrics", method="HEAD")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    try:
        urllib.request.urlopen(urllib.request.Request(demo.url + "/metrics", data=b"x", method="POST"))
        raise AssertionError("a POST was answered")
    except urllib.error.HTTPError as err:
        # As on a live route, other methods go to the app's handler: the
        # demo's Express app has no POST /metrics.
        assert err.code == 404
        assert b"livets_" not in err.read()
