"""What an elided or bare amount refers back to (split out of :mod:`newsflow.numcontext`).

The scanner fills a left-out noun with people ("two others", "another five wounded") and leaves
a bare number after a rate unitless ("98.4 per million population"). When the sentence counted
the same kind of thing just before, news means that thing: "Two soldiers are killed and two
others are injured" counts soldiers twice, and "131,441 measles cases (98.4 per million
population)" gives the rate its noun. Amounts in, amounts out: nothing here finds numbers.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from newsflow import counted
from newsflow.numwords import CASUALTY_WORDS, singular
from newsflow.units import TIME_NAMES, rate_after

_HARM = r"kill(?:s|ed|ing)?|wound(?:s|ed|ing)?|injur(?:es|ed|ing|e)|hurt|dead|died|missing|" + "|".join(CASUALTY_WORDS)
# the counted thing was harmed: "killing 24 soldiers", "Two soldiers are killed", "four passengers died"
_HARM_BEFORE = re.compile(rf"\b(?:{_HARM})\s+(?:\S+\s+){{0,2}}$", re.I)
_HARM_AFTER = re.compile(rf"\s+(?:(?!and\b|or\b)\S+\s+){{0,3}}?(?:{_HARM})\b", re.I)
# an elided count of people: "two others", "another five (wounded)", "an additional three"
# Words only a sentence about cricket has (numsport.py adds the scorecard's own: runs, overs, stumps).
CRICKET_WORDS = (r"cricket\w*|Tests?|innings|wickets?|batsm[ae]n|batters?|bowl(?:ed|er|ers|ing)|"
                 r"top-scor\w+|ODIs?|T20s?")
_CRICKET = re.compile(rf"\b(?:{CRICKET_WORDS})\b")
_RUN_AFTER = re.compile(r"[\s-]run(?=\s+(?:mark|barrier|milestone|partnership|stand|record|lead|target)\b)")
_AVERAGED = re.compile(r"\baverag(?:ed|ing|es)\s+$", re.I)
_INNINGS_AFTER = re.compile(r"\s+(?:over|in|from|across)\s+(?:\S+\s+)?innings\b", re.I)
_SCORED = re.compile(r"\b(?:scor(?:ed|ing|es)|top-scored(?:\s+[^.;,]{0,30}?)?\s+with|scorer\s+[^.;,]{0,30}?\s+with|"
                     r"made|making)\s+$", re.I)
_OPEN = re.compile(r"\s*\(\s*")
_PER_BEFORE = re.compile(r"\bper\s+$")
_NAMED_RATE = re.compile(r"\b(?!(?:weekly|daily|monthly|annual|yearly|the|a|an|its|their|overall|average|growth|interest|"
                         r"exchange|tax|birth|fertility|hourly|base|policy|discount|jobless|unemployment)\b)"
                         r"(?P<noun>[a-z]+)\s+rates?\b", re.I)
_CLOSE = re.compile(r"\s*\)")
_SCALE_WORDS = ("a ", "one ", "hundred", "thousand", "million")
_OTHERS = re.compile(r"\bothers$", re.I)
_BARE = re.compile(r"[\d,.]+|[a-z]+(?:-[a-z]+)?", re.I)  # a number alone: its noun was left out
_ANOTHER_BEFORE = re.compile(r"\b(?:another|an\s+additional|a\s+further|an\s+extra)\s+$", re.I)


# "two bomb blasts in Pakistan, one in a Shiite suburb", "five penalties – four by Montgomery and
# one by Steyn", "three people in the Dominican Republic and one in Puerto Rico": a "one" after a
# list's comma or "and", before where or by whom, is one of the things counted just before.
_ONE_BEFORE = re.compile(r"(?:[,–—]|\band|\bplus)\s+$", re.I)
_ONE_AFTER = re.compile(r"\s+(?!by\s+one\b|on\s+one\b|at\s+a\s+time\b|in\s+particular\b|after\s+another\b)"
                        r"(?:in|by|at|on|from|near|off|each\s+(?=in\b|at\b|on\b|from\b)|of\s+(?:non|natural))\b", re.I)  # not "one by one"


def distributed_one(s: str, start: int, end: int) -> bool:
    """Whether a bare "one" at ``start``..``end`` shares out a count before it (see above)."""
    return bool(_ONE_BEFORE.search(s, max(0, start - 8), start) and _ONE_AFTER.match(s, end))


def distributed_ones(res: list[Any], s: str) -> list[Any]:
    """Give each shared-out "one" the noun of the nearest count before it in its clause, or drop it."""
    out: list[Any] = []
    for a in res:
        if a.kind == "cardinal" and a.unit is None and a.text.lower() == "one" and distributed_one(s, a.start, a.end):
            prev = next((b for b in reversed(out) if b.kind == "count" and b.unit  # the nearest count, past
                         and not (b.text.lower() == "one" and distributed_one(s, b.start, b.end))), None)  # other shares
            parallel = prev is not None and prev.value == 1 and prev.text.lower().startswith("one") \
                and prev.unit not in TIME_NAMES  # "One death was
            # caused by lightning, one by a tornado"
            if prev is None or (prev.value <= 1 and not parallel) or " per " in prev.unit or ";" in s[prev.end:a.start]:
                continue
            a = replace(a, kind="count", unit=prev.unit, dimension=prev.dimension)
        out.append(a)
    return out


_IN_EVERY = re.compile(r"\s+in\s+(?:every\s+)?", re.I)


def group_shares(res: list[Any], s: str) -> list[Any]:
    """"one NBA player in five", "3 in 10 people": a count of a group out of a bigger number is a
    share, as the real-news labels have it (20 percent), not two counts."""
    out: list[Any] = []
    skip = -1
    for i, a in enumerate(res):
        if i == skip:
            continue
        b = res[i + 1] if i + 1 < len(res) else None
        if b is not None and a.kind == "count" and a.value_max is None and a.value == int(a.value) and 1 <= a.value <= 10 \
                and b.value_max is None and b.value == int(b.value) and a.value < b.value <= 1000 \
                and " " in a.text.strip() and _BARE.fullmatch(b.text) and _IN_EVERY.fullmatch(s, a.end, b.start):
            out.append(replace(a, kind="percent", unit="percent", dimension="ratio", value=round(a.value / b.value * 100, 4),
                               end=b.end, text=s[a.start:b.end]))
            skip = i + 1
            continue
        out.append(a)
    return out


def _harmed(a: Any, s: str) -> bool:
    return bool(_HARM_BEFORE.search(s, max(0, a.start - 40), a.start) or _HARM_AFTER.match(s, a.end))


_NOT_PEOPLE = frozenset("death fatality casualty case infection injury".split())  # "the death toll hits 30 as 100
# remain missing": the missing are people, not deaths


def elided_antecedents(res: list[Any], s: str) -> list[Any]:
    """"Two British Army soldiers are killed and two others are injured", "four passengers are
    killed and another five wounded": the people left out are the ones the clause counted just
    before as the subject of a harm. After an object ("killed one bodyguard and injured two
    others") the others stay people, as the real-news sets label them."""
    for i, a in enumerate(res):
        if a.kind != "count" or a.unit != "person" or not _harmed(a, s):
            continue
        if not (_OTHERS.search(a.text) or _ANOTHER_BEFORE.search(s, max(0, a.start - 20), a.start)
                or _BARE.fullmatch(a.text)):  # "21 workers are injured, 13 are still missing"
            continue
        prev = next((b for b in reversed(res[:i]) if b.kind == "count" and b.unit), None)
        if prev and prev.unit not in TIME_NAMES and prev.unit not in _NOT_PEOPLE and " per " not in prev.unit \
                and _HARM_AFTER.match(s, prev.end) \
                and not _HARM_BEFORE.search(s, max(0, prev.start - 40), prev.start) and ";" not in s[prev.end:a.start]:
            res[i] = replace(a, unit=prev.unit)
    return res


def counted_rates(res: list[Any], s: str) -> list[Any]:
    """"131,441 confirmed measles cases (98.4 per million population)", "11,015 cases (86.1 per
    million population)": a bare number before a population base is a rate of what the sentence
    counted just before it."""
    for i, a in enumerate(res):
        if a.kind != "cardinal" or a.unit is not None:
            continue
        rate = rate_after(s, a.end)
        prev = next((b for b in reversed(res[:i]) if b.kind == "count" and b.unit), None)
        if rate and prev and (rate[0][0].isdigit() or rate[0].startswith(_SCALE_WORDS)) \
                and " per " not in prev.unit and prev.unit not in TIME_NAMES:
            end = rate[2]
            res[i] = replace(a, kind="count", unit=f"{prev.unit} per {rate[0]}", end=end, text=s[a.start:end])
    return res


def population_rates(res: list[Any], s: str) -> list[Any]:
    """"Case rates were highest ..., with a weekly rate of 583.2 per 100,000 population": a bare
    number before a population base is a rate of what the sentence's "<noun> rate" names, else
    of the thing it counted; "case rates per 100,000 population were highest ... at 557.8": a
    bare decimal in a sentence that names such a rate and gives no other is one. The base itself
    ("per 100,000") is part of the unit, not an amount."""
    if " per " not in s:
        return res
    out, named = [], None
    for a in res:
        if a.kind in ("cardinal", "count") and _PER_BEFORE.search(s, max(0, a.start - 5), a.start):
            continue  # the base of a rate
        rate = rate_after(s, a.end) if a.kind in ("cardinal", "count") and a.value_max is None else None
        if rate and rate[0][0].isdigit() and (noun := _rate_noun(res, s)):
            a = replace(a, kind="count", unit=f"{noun} per {rate[0]}", end=rate[2], text=s[a.start:rate[2]])
        out.append(a)
    if not any(" per " in (a.unit or "") for a in out) and (named := _NAMED_RATE.search(s)) \
            and (rate := rate_after(s, named.end())) and rate[0][0].isdigit():
        unit = f"{singular(named['noun'].lower())} per {rate[0]}"
        out = [replace(a, kind="count", unit=unit) if a.kind == "cardinal" and a.unit is None and a.value != int(a.value)
               and not (named.start() <= a.start < rate[2]) else a for a in out]
    return out


def _rate_noun(res: list[Any], s: str) -> str | None:
    """What a population rate counts: the "<noun> rate" the sentence names, else its counted noun."""
    if (m := _NAMED_RATE.search(s)):
        return singular(m["noun"].lower())
    return next((b.unit for b in res if b.kind == "count" and b.unit and " per " not in b.unit
                 and b.unit not in TIME_NAMES), None)


def bracketed_counts(res: list[Any], s: str) -> list[Any]:
    """"Almost a quarter of a million (249,600) births": the exact figure in brackets stands
    between the rounded one and the noun both count."""
    for i in range(len(res) - 1):
        a, b = res[i], res[i + 1]
        if a.kind != "cardinal" or b.kind != "cardinal" or a.unit or b.unit or not _OPEN.fullmatch(s[a.end:b.start]):
            continue
        close = _CLOSE.match(s, b.end)
        cn = counted.count_noun(s, close.end(), b.value, None) if close else None
        if cn and cn[0] not in TIME_NAMES:
            res[i], res[i + 1] = replace(a, kind="count", unit=cn[0]), replace(b, kind="count", unit=cn[0])
    return res


def cricket_runs(res: list[Any], s: str) -> list[Any]:
    """"scoring 234 in the second Test", "top-scored for the hosts with 63", "averaged 63.05
    over 19 innings": in a sentence about cricket a bare score is in runs, an average in runs per
    innings; "the 10,000 run mark" counts runs too."""
    if not any(a.kind == "cardinal" and a.unit is None for a in res) or not _CRICKET.search(s):
        return res
    for i, a in enumerate(res):
        if a.kind != "cardinal" or a.unit is not None or a.value_max is not None:
            continue
        before = s[max(0, a.start - 48):a.start]
        if (rm := _RUN_AFTER.match(s, a.end)) and a.value == int(a.value):
            res[i] = replace(a, kind="count", unit="run", end=rm.end(), text=s[a.start:rm.end()])
        elif _AVERAGED.search(before) and _INNINGS_AFTER.match(s, a.end):
            res[i] = replace(a, kind="count", unit="run per innings")
        elif _SCORED.search(before) and a.value == int(a.value):
            res[i] = replace(a, kind="count", unit="run")
    return res
