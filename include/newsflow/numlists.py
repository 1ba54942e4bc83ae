"""Tallies listed after names: "Internacional 10 points, Emelec 7, Chiapas 6, Jorge Wilstermann 0",
results lines ("In Miami, Florida: Miami Heat 120, Boston Celtics 107.", "Cronulla 40 def. Melbourne 16")
and cricket innings ("Zimbabwe 298/9 (50 overs)").

Split out of :mod:`newsflow.numbers` because the scanner rightly drops a number after a
capitalised word ("Boeing 737", "Section 4"): in a standings or results line, though, the first
entry names its unit ("10 points") and the entries after it leave it out. This reads those
entries, each a name and a bare number, comma-separated, right after a named tally, and a
results line's two scores (a name and a number, a comma or "def.", a name and a number, then the
sentence or its clause ends); nothing else.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from newsflow.numchecks import sport_unit

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


_TEAM = r"[A-Z][\w'’.&-]*(?:\s+(?:[A-Z0-9][\w'’.&-]*|of|de|la))*?"
# "Miami Heat 120, Boston Celtics 107.": a line that is the result; its start is the sentence's,
# a colon's ("In Miami, Florida: ...") or a dash's, and its end the sentence's or a clause's.
_RESULT = re.compile(rf"(?:^|:\s+|[–—-]\s+)(?P<a>{_TEAM})\s+(?P<x>\d{{1,3}})(?:,|\s+def\.|\s+defeated)\s+"
                     rf"(?P<b>{_TEAM})\s+(?P<y>\d{{1,3}})(?=\s*(?:$|[.;,]|\(|\s(?:in|at|after|on)\s))")


def results_lines(res: list[Any], s: str, make: Any) -> list[Any]:
    """Add the two scores of a results line the scanner left out as names' numbers, counted in the
    sport's unit (:func:`newsflow.numchecks.sport_unit`). ``make`` builds an amount."""
    added = []
    for m in _RESULT.finditer(s):
        if any(a.start < m.end("y") and m.start("x") < a.end for a in res):
            continue
        unit = sport_unit(s, float(m["x"]), float(m["y"]), series=False)
        added += [make(m.start(g), m.end(g), m[g], "count", float(m[g]), None, unit, "=", None) for g in ("x", "y")]
    return sorted(res + added, key=lambda b: b.start) if added else res


# A cricket innings as the scorecard writes it, before its overs: "Zimbabwe 298/9 (50 overs)" is
# 298 runs for 9 wickets, "Canada 123 (42.1 overs)" 123 runs all out.
_INNINGS = re.compile(r"(?<![\w/.])(?P<r>\d{1,3})(?:/(?P<w>\d{1,2}))?(?=\s*\(\s*\d{1,2}(?:\.\d)?\s+overs?\b)")


def cricket_innings(res: list[Any], s: str, make: Any) -> list[Any]:
    """Add the runs (and wickets) of each innings written before its overs; ``make`` builds an amount."""
    added, res = [], list(res)
    for m in _INNINGS.finditer(s):
        same = next((i for i, a in enumerate(res) if (a.start, a.end) == m.span("r") and a.kind in ("count", "cardinal")), None)
        if same is not None and m["w"] is None:
            res[same] = replace(res[same], kind="count", unit="run")  # "212 (42.4 overs)" read as overs
            continue
        if any(a.start < m.end() and m.start() < a.end for a in res):
            continue
        added.append(make(m.start("r"), m.end("r"), m["r"], "count", float(m["r"]), None, "run", "=", None))
        if m["w"]:
            added.append(make(m.start("w"), m.end("w"), m["w"], "count", float(m["w"]), None, "wicket", "=", None))
    return sorted(res + added, key=lambda b: b.start) if added else res


# A county or Test scorecard in brackets after a team: "Hampshire (385 & 388 for 7)", "Sri Lanka
# (193)": runs, and the wickets after "for". Only in a sentence that says it is cricket.
_CRICKET = re.compile(r"\b(?:runs?|wickets?|overs?|innings|Tests?|ODIs?|T20s?|cricket)\b")
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
            res = [a for a in res if not (a.start < end and start < a.end)]
            res.append(make(start, end, n["n"], "count", float(n["n"]), None, unit, "=", None))
    return sorted(res, key=lambda b: b.start)

