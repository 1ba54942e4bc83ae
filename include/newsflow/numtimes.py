"""Race times written as one figure, "2:14:33" (split out of :mod:`newsflow.numbers`).

The scanner reads "2:14" as a clock time and leaves it out; hours, minutes and seconds together
time a race or an event ("ran a record of 2:14:33 hours", "finish times of 2:04:04 and
2:20:16"), which the real-news sets label as a quantity in seconds. A preposition of time
before it or a zone after it ("at 10:30:15 GMT") keeps it a clock time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

_RACE_TIME = re.compile(r"(?<![\d:.])(?P<h>\d{1,2}):(?P<m>[0-5]\d):(?P<s>[0-5]\d)(?![\d:])(?:\s+(?:hours|hrs)\b)?"
                        r"(?!\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT|UTC|BST|[ECMP][SD]T|CET|local))")
# a race time in hours, minutes and seconds marks: "79h 33' 20\"" (the Tour de France's)
_HMS = re.compile(r"(?<![\d.])(?P<h>\d{1,3})\s?h\s?(?P<m>[0-5]?\d)['’′]\s?(?P<s>[0-5]?\d)(?:[\"”″]|'')")
_CLOCK_BEFORE = re.compile(r"\b(?:at|by|until|till|before|after|from|since)\s+$", re.I)


def race_times(res: list[Any], s: str, make: Callable[..., Any]) -> list[Any]:
    """``res`` with the race times of ``s`` added (``make`` builds an amount), in text order."""
    if ":" not in s and "'" not in s and "’" not in s:
        return res
    added = []
    for m in [*_RACE_TIME.finditer(s), *_HMS.finditer(s)]:
        if m.re is _HMS:
            res = [a for a in res if not (m.start() <= a.start < m.end())]  # "79h 33' 20\"": its parts are no amounts
        elif _CLOCK_BEFORE.search(s, max(0, m.start() - 12), m.start()) or any(
                a.start < m.end() and m.start() < a.end for a in res):
            continue
        value = float(int(m["h"]) * 3600 + int(m["m"]) * 60 + int(m["s"]))
        added.append(make(m.start(), m.end(), m.group(), "quantity", value, None, "second", "=", None, "time"))
    return sorted(res + added, key=lambda a: a.start) if added else res


# one span in two units, the larger first: "11 hours and 55 minutes" is 11.92 hours, "26 miles,
# 385 yards" 26.22 miles (the labels give the larger unit); minutes and seconds, a race time, in
# seconds ("15 minutes, 41.40 seconds" 941.4). Not years and months or days and
# hours: quantulum's labels keep "twenty-one years and six months" as two amounts.
_PARTS = {("hour", "minute"): 60, ("minute", "second"): 60, ("mile", "yard"): 1760, ("foot", "inch"): 12,
          ("pound", "ounce"): 16}
_PART_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)?")


def compound_spans(res: list[Any], s: str) -> list[Any]:
    """Merge an amount in a larger unit with the next one in its smaller part ("11 hours and 55
    minutes") into one span in the larger unit. Not a list of two ("12 months and 6 months") nor
    a part as big as the whole unit ("3 feet 14 inches")."""
    out: list[Any] = []
    for a in res:
        prev = out[-1] if out else None
        ratio = _PARTS.get((prev.unit, a.unit)) if prev else None
        if ratio and prev.value_max is None and a.value_max is None and prev.value == int(prev.value) \
                and a.value < ratio and a.qualifier == "=" and _PART_GAP.fullmatch(s, prev.end, a.start):
            if (prev.unit, a.unit) == ("minute", "second"):  # a race time: in seconds, as "79h 33' 20\"" is
                out[-1] = replace(a, value=prev.value * 60 + a.value, start=prev.start, text=s[prev.start:a.end])
            else:
                out[-1] = replace(prev, value=prev.value + a.value / ratio, end=a.end, text=s[prev.start:a.end])
        else:
            out.append(a)
    return out
