"""Race times written as one figure, "2:14:33" (split out of :mod:`newsflow.numbers`).

The scanner reads "2:14" as a clock time and leaves it out; hours, minutes and seconds together
time a race or an event ("ran a record of 2:14:33 hours", "finish times of 2:04:04 and
2:20:16"), which the real-news sets label as a quantity in seconds. A preposition of time
before it or a zone after it ("at 10:30:15 GMT") keeps it a clock time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_RACE_TIME = re.compile(r"(?<![\d:.])(?P<h>\d{1,2}):(?P<m>[0-5]\d):(?P<s>[0-5]\d)(?![\d:])(?:\s+(?:hours|hrs)\b)?"
                        r"(?!\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT|UTC|BST|[ECMP][SD]T|CET|local))")
_CLOCK_BEFORE = re.compile(r"\b(?:at|by|until|till|before|after|from|since)\s+$", re.I)


def race_times(res: list[Any], s: str, make: Callable[..., Any]) -> list[Any]:
    """``res`` with the race times of ``s`` added (``make`` builds an amount), in text order."""
    if ":" not in s:
        return res
    added = []
    for m in _RACE_TIME.finditer(s):
        if _CLOCK_BEFORE.search(s, max(0, m.start() - 12), m.start()) or any(
                a.start < m.end() and m.start() < a.end for a in res):
            continue
        value = float(int(m["h"]) * 3600 + int(m["m"]) * 60 + int(m["s"]))
        added.append(make(m.start(), m.end(), m.group(), "quantity", value, None, "second", "=", None, "time"))
    return sorted(res + added, key=lambda a: a.start) if added else res
