"""Race times written as one figure, "2:14:33" (split out of :mod:`newsflow.numbers`).

The scanner reads "2:14" as a clock time and leaves it out; hours, minutes and seconds together
time a race or an event ("ran a record of 2:14:33 hours", "finish times of 2:04:04 and
2:20:16"), which the real-news sets label as a quantity in seconds. A preposition of time
before it or a zone after it ("at 10:30:15 GMT") keeps it a clock time.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

_RACE_TIME = re.compile(r"(?<![\d:.])(?P<h>\d{1,2}):(?P<m>[0-5]\d):(?P<s>[0-5]\d(?:\.\d{1,3})?)(?![\d:]|\.\d)(?:\s+(?:hours|hrs)\b)?"
                        r"(?!\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT|UTC|BST|[ECMP][SD]T|CET|local))")
# a race time in hours, minutes and seconds marks: "79h 33' 20\"" (the Tour de France's)
_HMS = re.compile(r"(?<![\d.])(?P<h>\d{1,3})\s?h\s?(?P<m>[0-5]?\d)['’′]\s?(?P<s>[0-5]?\d)(?:[\"”″]|'')")
# the same in letters, "3h 33m 04s", "+2m 46s" (a gap behind the leader), and minutes and seconds
# to a tenth or hundredth, "46:03.3", "2:57.12": no clock has fractions of a second
_HMS_LETTERS = re.compile(r"(?<![\w.])(?:(?P<h>\d{1,3})h\s?)?(?P<m>[0-5]?\d)m\s?(?P<s>[0-5]?\d)s\b")
_MS_FRACTION = re.compile(r"(?<![\d:.])(?P<m>\d{1,2}):(?P<s>[0-5]\d\.\d{1,3})(?![\d:]|\.\d)")  # "a time of 2:08.94."
# "clocked in at 4:03.84", "finished at 2:08.94": a race's time after "at", not a clock's
_RACE_AT = re.compile(r"\b(?:clock(?:ed|s)?(?:\s+in)?|finish(?:ed|es)?|touch(?:ed|es)?\s+the\s+wall|time[ds]?)\s+at\s+$", re.I)
_RATIO_BEFORE = re.compile(r"\b(?:ratios?|scales?|odds|leverage|proportion)\b[^.;]*$", re.I)
_CLOCK_BEFORE = re.compile(r"\b(?:at|by|until|till|before|after|from|since)\s+$", re.I)


def race_times(res: list[Any], s: str, make: Callable[..., Any]) -> list[Any]:
    """``res`` with the race times of ``s`` added (``make`` builds an amount), in text order."""
    if ":" not in s and "'" not in s and "’" not in s and not _HMS_LETTERS.search(s):
        return res
    added, spans = [], []
    for m in [*_RACE_TIME.finditer(s), *_HMS.finditer(s), *_HMS_LETTERS.finditer(s), *_MS_FRACTION.finditer(s)]:
        if m.re is _MS_FRACTION and ((_CLOCK_BEFORE.search(s, max(0, m.start() - 12), m.start())
                                      and not _RACE_AT.search(s, max(0, m.start() - 30), m.start()))
                                     or _RATIO_BEFORE.search(s, max(0, m.start() - 30), m.start())):
            continue  # "departs at 10:45.5", "a debt-to-equity ratio of 1:12.5"
        if m.re is not _RACE_TIME:
            spans.append(m.span())  # "79h 33' 20\"": its parts are no amounts
        elif _CLOCK_BEFORE.search(s, max(0, m.start() - 12), m.start()) or any(
                a.start < m.end() and m.start() < a.end for a in res):
            continue
        value = round(int(m.groupdict().get("h") or 0) * 3600 + int(m["m"]) * 60 + float(m["s"]), 3)
        added.append(make(m.start(), m.end(), m.group(), "quantity", value, None, "second", "=", None, "time"))
    if spans:
        spans.sort()
        starts = [start for start, _ in spans]

        def inside(pos: int) -> bool:
            i = bisect.bisect_right(starts, pos) - 1
            return i >= 0 and pos < spans[i][1]

        res = [a for a in res if not inside(a.start)]
    return sorted(res + added, key=lambda a: a.start) if added else res


# Spans of time written in words: "a week and a half" (1.5 weeks, not "a half" as 50%), "the last
# year and a half", and "a weeklong tour", "a month-long strike" (one week, one month), as the
# real-news labellers read them.
_AND_A_HALF = re.compile(r"\b(?:(?P<n>an?|one|\d{1,3})\s+)?(?P<u>year|month|week|day|hour|minute)s?\s+and\s+a\s+half\b", re.I)
_BEFORE_BARE = re.compile(r"\b(?:last|past|next|first|previous|another)\s+$", re.I)
_FEET_INCHES = re.compile(r"(?<![\w.])(?P<f>\d{1,3})\s?(?:ft|feet|foot)\.?\s+(?P<i>(?:1[01]|\d)(?:\.\d+)?)\s?"
                          r"(?:inches|inch|in\b(?!\s+(?:\d|(?:the|a|an|places?|parts?|some|many|most)\b)))")
_LONG = re.compile(r"(?<![\w-])(?P<u>day|week|month|year|decade)-?long\b", re.I)
_ARTICLE_BEFORE = re.compile(r"\b(?:an?|the|its|his|her|their|our|this|that)\s+(?:[\w’']+\s+)?$", re.I)


def spans_in_words(res: list[Any], s: str, make: Callable[..., Any]) -> list[Any]:
    """``res`` with the spans of time above, and heights in feet and inches, added in place of
    what the scanner read in them."""
    if "half" not in s and "long" not in s and "ft" not in s and "feet" not in s:
        return res
    added = []
    for m in _FEET_INCHES.finditer(s):  # "1.5 m (4 ft 11 in)": one height in feet, the inch symbol read with it
        lead = next((a for a in res if a.start <= m.start("f") < a.end), None)  # keep "about", "more than"
        start, qualifier = (lead.start, lead.qualifier) if lead else (m.start(), "=")
        added.append(make(start, m.end(), s[start:m.end()], "quantity", round(int(m["f"]) + float(m["i"]) / 12, 6),
                          None, "foot", qualifier, None, "length"))
    for m in _AND_A_HALF.finditer(s):
        n = m["n"]
        if n is None and not _BEFORE_BARE.search(s, max(0, m.start() - 12), m.start()):
            continue
        value = (1.0 if n is None or not n[0].isdigit() else float(n)) + 0.5
        added.append(make(m.start(), m.end(), m.group(), "count", value, None, m["u"].lower(), "=", None, "time"))
    for m in _LONG.finditer(s):
        if _ARTICLE_BEFORE.search(s, max(0, m.start() - 24), m.start()):
            added.append(make(m.start(), m.end(), m.group(), "count", 1.0, None, m["u"].lower(), "=", None, "time"))
    for b in added:
        res = [a for a in res if not (a.start < b.end and b.start < a.end)]
    return sorted(res + added, key=lambda a: a.start) if added else res


# One span in two or more units, the larger first: "11 hours and 55 minutes" is 11.92 hours,
# "26 miles, 385 yards" 26.22 miles (the labels give the larger unit); minutes and seconds, a
# race time, in seconds ("15 minutes, 41.40 seconds" 941.4). Years and months too ("jailed for
# two years and six months" is 2.5 years, "three years and one day" 3.00274, "3 years, 2 months,
# 14 days, and 16 hours" one span), as the real-news conventions say (README_real.md, "Compound
# amounts"); quantulum's own labels keep them apart, and lose. Sizes in each family's smallest unit.
_SIZES = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2628000, "year": 31536000,
          "inch": 1, "foot": 12, "yard": 36, "mile": 63360, "ounce": 1, "pound": 16}
_FAMILY = {**dict.fromkeys(("second", "minute", "hour", "day", "week", "month", "year"), "time"),
           **dict.fromkeys(("inch", "foot", "yard", "mile"), "length"), "ounce": "mass", "pound": "mass"}
_PART_GAP = re.compile(r"\s*(?:,\s*|and\s+)?")  # not ", and": "30 years, and 6 months of payments are deferred"
_CHAIN_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)?")  # "3 years, 2 months, 14 days, and 16 hours"
_NOT_PART_AFTER = re.compile(r"\s+(?:of|respectively|each|apiece|later|earlier|ago)\b", re.I)
_SPAN_INTRO = re.compile(r"\b(?:over|within|during|in\s+the\s+(?:past|last|next|first))\s+(?:the\s+)?(?:past\s+|last\s+|next\s+)?$", re.I)


def compound_spans(res: list[Any], s: str) -> list[Any]:
    """Merge an amount in a larger unit with the next ones in its smaller parts ("11 hours and 55
    minutes") into one span in the larger unit. Not a list of two ("12 months and 6 months") nor
    a part as big as the unit before it ("3 feet 14 inches")."""
    out: list[Any] = []
    last_part: list[str] = []  # the smallest unit merged into each amount of ``out`` so far
    for a in res:
        prev = out[-1] if out else None
        gap = _PART_GAP if not prev or last_part[-1] == prev.unit else _CHAIN_GAP  # ", and" ends a chain only
        if prev and _is_part(prev, last_part[-1], a) and gap.fullmatch(s, prev.end, a.start) \
                and not _NOT_PART_AFTER.match(s, a.end) and not _lists_on(s, a) \
                and not (last_part[-1] == prev.unit and _SPAN_INTRO.search(s, max(0, prev.start - 30), prev.start)):
            if (prev.unit, a.unit) == ("minute", "second"):  # a race time: in seconds, as "79h 33' 20\"" is
                out[-1] = replace(a, value=prev.value * 60 + a.value, start=prev.start, text=s[prev.start:a.end])
            else:
                value = prev.value + a.value * _SIZES[a.unit] / _SIZES[prev.unit]
                out[-1] = replace(prev, value=value, end=a.end, text=s[prev.start:a.end])
            last_part[-1] = a.unit
        else:
            out.append(a)
            last_part.append(a.unit or "")
    return out


def _lists_on(s: str, a: Any) -> bool:
    """Whether more amounts in the same units follow, as a list does: "10 years, 6 months and 30
    days respectively" (a compound ends at its smallest part)."""
    return bool(re.match(r"[^.;]{0,40}\brespectively\b", s[a.end:]))


def _is_part(prev: Any, part: str, a: Any) -> bool:
    """Whether ``a`` continues ``prev`` (whose smallest part so far is ``part``) in a smaller unit."""
    family = _FAMILY.get(a.unit or "")
    if not family or _FAMILY.get(prev.unit or "") != family or _FAMILY.get(part) != family:
        return False
    if prev.value_max is not None or a.value_max is not None or a.qualifier != "=" or (
            part == prev.unit and (prev.value != int(prev.value) or prev.qualifier != "=")):  # "2.5 hours and 30
        # minutes", "Over 12 months, 3 weeks were lost" are two
        return False
    return _SIZES[a.unit] < _SIZES[part] and a.value * _SIZES[a.unit] < _SIZES[part]
