"""Numbers of sports pages the scanner rightly drops elsewhere: results lines and cricket scorecards.

Split out of :mod:`newsflow.numbers` because a results line ("Kansas City Royals 9, Detroit
Tigers 6: ...", "(2) LSU 45, Mississippi State 0") and a scorecard ("Zimbabwe 298/9 (50 overs)",
"Hampshire (385 & 388 for 7)", "Muralitharan's 6/131") put numbers right after names or in
slashes, which the scanner reads as names ("Boeing 737") or fractions everywhere else. Each reader
here adds the counts of one such layout, in the sport's unit, and removes what the scanner made of
the same digits (a bracketed ranking is a place, not a count).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from newsflow.numchecks import sport_unit
from newsflow.numrefer import CRICKET_WORDS

_RANK = r"(?:\((?P<{0}>\d{{1,2}})\)\s+)?"  # "(2) LSU": an AP ranking or a seed before the team
_TEAM = r"[A-Z][\w'’.&-]*(?:\s+(?:[A-Z0-9][\w'’.&-]*|of|de|la))*?"
# "Miami Heat 120, Boston Celtics 107.": a line that is the result; its start is the sentence's,
# a colon's ("In Miami, Florida: ...") or a dash's, and its end the sentence's or a clause's.
_RESULT = re.compile(rf"(?:^|:\s+|[–—-]\s+){_RANK.format('ra')}(?P<a>{_TEAM})\s+(?P<x>\d{{1,3}})(?:,|\s+def\.|\s+defeated)\s+"
                     rf"{_RANK.format('rb')}(?P<b>{_TEAM})\s+(?P<y>\d{{1,3}})(?=\s*(?:$|[.;,:]|\(|\s[–—-]\s|\s(?:in|at|after|on)\s))")


def _without(res: list[Any], start: int, end: int) -> list[Any]:
    return [a for a in res if not (a.start < end and start < a.end)]


def results_lines(res: list[Any], s: str, make: Any) -> list[Any]:
    """Add the two scores of a results line the scanner left out as names' numbers, counted in the
    sport's unit (:func:`newsflow.numchecks.sport_unit`); rankings before the teams are no counts.
    ``make`` builds an amount."""
    added = []
    for m in _RESULT.finditer(s):
        if any(a.start < m.end("y") and m.start("x") < a.end and a.unit is not None for a in res):
            continue
        for rank in ("ra", "rb"):
            if m[rank]:
                res = _without(res, m.start(rank), m.end(rank))
        res = _without(res, m.start("x"), m.end("y"))
        unit = sport_unit(s, float(m["x"]), float(m["y"]), series=False)
        added += [make(m.start(g), m.end(g), m[g], "count", float(m[g]), None, unit, "=", None) for g in ("x", "y")]
    return sorted(res + added, key=lambda b: b.start) if added else res


_OVERS = r"\s*\(\s*\d{1,2}(?:\.\d)?\s*(?:overs?\b|ov\b\.?)"
# A cricket innings as the scorecard writes it, before its overs: "Zimbabwe 298/9 (50 overs)" is
# 298 runs for 9 wickets, "Canada 123 (42.1 overs)" 123 runs all out, "332–8 (50 overs)" too.
_INNINGS = re.compile(rf"(?<![\w/.])(?P<r>\d{{1,3}})(?:[/–-](?P<w>\d{{1,2}}))?(?={_OVERS})")
_OVERS_COUNT = re.compile(r"(?<=\()\s*(?P<n>\d{1,2}(?:\.\d)?)\s*ov\b\.?")
_CRICKET = re.compile(rf"\b(?:{CRICKET_WORDS}|runs?|overs?|stumps|declared?)\b")  # a scorecard's sentence
# In a sentence about cricket: a total "at 145/6", "closed at 756/5" (runs for wickets), and
# bowling figures "figures of 0/221", "Muralitharan's 6/131" (wickets for runs).
_TOTAL_AT = re.compile(r"\b(?:at|on|to|for|reached)\s+(?P<r>\d{1,3})/(?P<w>\d{1,2})\b(?!/)")
_FIGURES = re.compile(r"(?:\bfigures\s+of|['’]s)\s+(?P<w>\d{1,2})/(?P<r>\d{1,3})\b(?!/)")


def cricket_innings(res: list[Any], s: str, make: Any) -> list[Any]:
    """Add the runs (and wickets) of each innings written before its overs, a total "at 145/6"
    and bowling figures; ``make`` builds an amount."""
    res = list(res)
    for m in _INNINGS.finditer(s):
        same = next((i for i, a in enumerate(res) if (a.start, a.end) == m.span("r") and a.kind in ("count", "cardinal")), None)
        if same is not None and m["w"] is None:
            res[same] = replace(res[same], kind="count", unit="run")  # "212 (42.4 overs)" read as overs
            continue
        res = _without(res, m.start(), m.end())
        res.append(make(m.start("r"), m.end("r"), m["r"], "count", float(m["r"]), None, "run", "=", None))
        if m["w"]:
            res.append(make(m.start("w"), m.end("w"), m["w"], "count", float(m["w"]), None, "wicket", "=", None))
    for m in _OVERS_COUNT.finditer(s):  # "(14.5 ov.)": overs bowled, written short
        res = _without(res, m.start(), m.end())
        res.append(make(m.start(), m.end(), m.group(), "count", float(m["n"]), None, "over", "=", None))
    if _CRICKET.search(s):
        for m in [*_TOTAL_AT.finditer(s), *_FIGURES.finditer(s)]:
            res = _without(res, m.start("r"), m.end("r"))
            res = _without(res, m.start("w"), m.end("w"))
            res += [make(m.start(g), m.end(g), m[g], "count", float(m[g]), None, u, "=", None)
                    for g, u in (("r", "run"), ("w", "wicket"))]
    return sorted(res, key=lambda b: b.start)


# A county or Test scorecard in brackets after a team: "Hampshire (385 & 388 for 7)", "Sri Lanka
# (193)": runs, and the wickets after "for". Only in a sentence that says it is cricket.
_SCORECARD = re.compile(r"(?<=[A-Za-z]\s)\((?P<body>\d{1,3}(?:\s+for\s+\d{1,2})?(?:\s*&\s*\d{1,3}(?:\s+for\s+\d{1,2})?)?)\)")


def cricket_scorecards(res: list[Any], s: str, make: Any) -> list[Any]:
    """Set or add the runs and wickets of bracketed scorecards; ``make`` builds an amount."""
    if not _CRICKET.search(s):
        return res
    res = list(res)
    for card in _SCORECARD.finditer(s):
        for n in re.finditer(r"(?P<for>for\s+)?(?P<n>\d+)", card["body"]):
            start, end = card.start("body") + n.start("n"), card.start("body") + n.end("n")
            unit = "wicket" if n["for"] else "run"
            res = _without(res, start, end)
            res.append(make(start, end, n["n"], "count", float(n["n"]), None, unit, "=", None))
    return sorted(res, key=lambda b: b.start)
