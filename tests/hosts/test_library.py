"""The shipped shared library: its exported surface and its dependencies."""

import subprocess

from support import REPO

LIBRARY = REPO / ".build/release/liblivetscore.so"


def test_exports_only_lts_symbols():
    out = subprocess.run(["nm", "-D", "--defined-only", str(LIBRARY)], check=True, capture_output=True, text=True).stdout
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    assert names, "no exported symbols at all"
    assert [n for n in names if not n.startswith("lts_")] == []
    header = (REPO / "include/livetscore.h").read_text()
    for name in names:
        assert name + "(" in header, f"{name} is exported but not declared in livetscore.h"


def test_swift_runtime_is_linked_in():
    out = subprocess.run(["ldd", str(LIBRARY)], check=True, capture_output=True, text=True).stdout
    assert "libswiftCore" not in out
    assert "libFoundation" not in out
    assert "libuv" in out
