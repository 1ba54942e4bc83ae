"""BENCHMARKS.md's sections: each bench replaces its own, between ``<!-- name:start -->`` and
``<!-- name:end -->``, and leaves the others as they are."""

from __future__ import annotations

import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"


def write_section(name: str, title: str, text: str) -> None:
    """Replace the section ``name`` (added under ``## title`` the first time)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    old = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n\nWritten by `make bench`.\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    new = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, old, flags=re.S) if start in old \
        else old.rstrip("\n") + f"\n\n## {title}\n\n{block}\n"
    BENCHMARKS.write_text(new)
