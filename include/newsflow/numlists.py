"""Tallies listed after names: "Internacional 10 points, Emelec 7, Chiapas 6, Jorge Wilstermann 0",
results lines ("In Miami, Florida: Miami Heat 120, Boston Celtics 107.", "Cronulla 40 def. Melbourne 16")
and cricket innings ("Zimbabwe 298/9 (50 overs)").

Split out of :mod:`newsflow.numbers` because the scanner rightly drops a number after a
capitalised word ("Boeing 737", "Section 4"): in a standings or results line, though, the first
entry names its unit ("10 points") and the entries after it leave it out. This reads those
entries, each a name and a bare number, comma-separated, right after a named tally; nothing else.
Results lines and cricket scorecards are :mod:`newsflow.numsport`'s.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
# ", Emelec 7", ", Paraguay, Colombia 1": a name (or a list of names) then a bare number
_ENTRY = re.compile(rf",\s+(?:{_NAME},\s+)*{_NAME}\s+(?P<n>\d{{1,3}})(?![\d.,]\d|\s*[%\w])")


def listed_tallies(res: list[Any], s: str) -> list[Any]:
    """Add the bare entries that follow a named tally ("10 points") in a comma list, in its unit."""
    added = []
    for a in res:
        if a.kind != "count" or a.unit not in ("point", "goal", "seat", "vote", "medal", "win"):
            continue
        pos = a.end
        while (m := _ENTRY.match(s, pos)) and not any(b.start <= m.start("n") < b.end for b in res):
            added.append(replace(a, start=m.start("n"), end=m.end("n"), text=m["n"], value=float(m["n"]),
                                 value_max=None, qualifier="=", object=None))
            pos = m.end()
    return sorted(res + added, key=lambda b: b.start) if added else res

