"""Runs Autobahn|Testsuite's fuzzingclient against a WebSocket server and
summarises the report. Autobahn needs Python 2.7 with its packages in a
folder of their own (scripts/bootstrap --autobahn puts them there).

usage: python3 scripts/lib/autobahn.py --url ws://127.0.0.1:PORT --cases '1.*' '2.*' ... [--out DIR]
Prints one line per behaviour count, the non-OK cases, and exits 1 if any
case FAILED (or was UNIMPLEMENTED, i.e. compression was not negotiated).
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON2 = os.environ.get("LIVETS_PYTHON2", "/root/.pyenv/versions/2.7.18/bin/python")
PACKAGES = os.environ.get("LIVETS_AUTOBAHN_DIR", os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "livets", "autobahn"))


def run(url, cases, exclude, out):
    spec = {"outdir": out, "servers": [{"agent": "LiveTS", "url": url}], "cases": cases,
            "exclude-cases": exclude, "exclude-agent-cases": {}}
    spec_path = os.path.join(out, "spec.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f)
    launcher = ("import site, sys; site.addsitedir(%r); sys.argv = ['wstest', '-m', 'fuzzingclient', '-s', %r]; "
                "from autobahntestsuite.wstest import run; run()") % (PACKAGES, spec_path)
    log_path = os.path.join(out, "wstest.log")
    with open(log_path, "w") as log:
        code = subprocess.call([PYTHON2, "-c", launcher], stdout=log, stderr=subprocess.STDOUT, cwd=out)
    if code != 0:
        sys.stderr.write(open(log_path).read()[-4000:])
        raise SystemExit("wstest exited with %d" % code)
    with open(os.path.join(out, "index.json")) as f:
        return json.load(f)["LiveTS"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--cases", nargs="+", default=["*"])
    parser.add_argument("--exclude", nargs="*", default=[])
    parser.add_argument("--out")
    args = parser.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="autobahn-")
    os.makedirs(out, exist_ok=True)
    results = run(args.url, args.cases, args.exclude, out)
    counts = collections.Counter(r["behavior"] for r in results.values())
    closes = collections.Counter(r["behaviorClose"] for r in results.values())
    print("autobahn: %d cases: %s" % (len(results), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    print("autobahn: close behaviour: %s" % ", ".join("%s %d" % kv for kv in sorted(closes.items())))
    bad = []
    for case, result in sorted(results.items(), key=lambda kv: [int(p) for p in kv[0].split(".")]):
        if result["behavior"] not in ("OK", "INFORMATIONAL") or result["behaviorClose"] not in ("OK", "INFORMATIONAL"):
            print("  %s %s (close %s)" % (case, result["behavior"], result["behaviorClose"]))
            if result["behavior"] in ("FAILED", "UNIMPLEMENTED") or result["behaviorClose"] in ("FAILED", "UNIMPLEMENTED"):
                bad.append(case)
    print("autobahn: report in %s/index.html" % out)
    if bad:
        print("autobahn: FAILED cases: %s" % " ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
