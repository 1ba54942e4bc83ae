"""Scores and sports pages: when a pair of numbers is a game's score and what it counts, and the
numbers of results lines and cricket scorecards the scanner rightly drops elsewhere.

Split out of :mod:`newsflow.numbers` and :mod:`newsflow.numchecks` because sport has its own
layouts and vocabulary: a pair "3-1" is two counts only where the sentence says it is a score
(a result verb, a score word, a results line), in the unit of its sport (goals, points, runs,
games of a tennis set, wins and losses of a record, votes of a tally); a results line ("Kansas
City Royals 9, Detroit Tigers 6: ...", "(2) LSU 45, Mississippi State 0") and a scorecard
("Zimbabwe 298/9 (50 overs)", "Hampshire (385 & 388 for 7)", "figures of 0/221") put numbers
right after names or in slashes, which the scanner reads as names ("Boeing 737") or fractions
everywhere else. Each reader adds the counts of one layout and removes what the scanner made of
the same digits (a bracketed ranking is a place, not a count).
"""

from __future__ import annotations

import calendar
import functools
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsflow.numchecks import SCORE_BEFORE
from newsflow.numrefer import CRICKET_WORDS

_GAME_TIME = r"at\s+half-?time|in\s+overtime|overtime|after\s+extra\s+time"  # words only a game's score has after it
_SCORE_AFTER = re.compile(r"\s+(?:(?:semi-?final|final|quarter-?final|home|away|opening|league|cup)\s+)?"
                          r"(?:[a-z]+-[a-z]+\s+)?(?:half-?time\s+)?(?:win|victory|victories|draw|defeat|loss|lead|triumph|thrashing|rout|"
                          r"scoreline|thriller|deficit|run|"
                          rf"series|aggregate|result|{_GAME_TIME})\b", re.I)
_SPORT = re.compile(r"\b(?:match(?:es)?|games?|league|cup|season|tournament|championship|final|derby|goals?|scored|"
                    r"striker|team|club|FC|innings|points|coach|stadium|fixture|series|Tests?|fouls?|free\s+throws?|"
                    r"three-pointers?|touchdowns?|wickets?|half-?time)\b", re.I)
_NOT_SPORT = re.compile(r"\b(?:votes?|voted|voting|voters?|polls?|court|justices|judges|ruling|approval|backing|senate|"
                        r"council|jury|board|committee|referendum|survey|decision|majority|parliament|amendments?|"
                        r"motions?|bills?|split|profits?)\b", re.I)
_NEEDS_SPORT = frozenset(("winners", "winner", "losers", "loser", "make it", "made it", "making it"))  # "making it 218-217"
_LEAD_OF = re.compile(r"\blead\s+(?:of|to)\s+$", re.I)  # "a lead of 44–39": a game's (a poll's says "poll", "voters")
_SPORT_AFTER = re.compile(rf"\s+(?:{_GAME_TIME})\b", re.I)
_VOTE_BEFORE = re.compile(r"\bvot(?:e|es|ed|ing)\s+(?:(?:in\s+favou?r\s+)?by\s+)?(?:an?\s+)?$|"
                          r"\b(?:pass|adopt|approv|reject)(?:e?s|e?d|ing)?\s+(?:an?|the)\s+(?:[\w“”\"'-]+\s+){0,3}?"
                          r"(?:resolution|bill|motion|measure|amendment)\s+(?:by\s+)?$", re.I)  # "passes a resolution 25-3"
_VOTE_AFTER = re.compile(r"\s+(?:(?:party-line|bipartisan|majority)\s+)?(?:vote|ruling|decision)\b", re.I)
_RESULTS_LINE = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*\s+$")  # "Peñarol 2–1 Godoy Cruz"
_SERIES = re.compile(r"\bseries\b|^Series\b|\bSeries\s+(?=(?:tied|level|levelled|leveled|drawn|won|lost)\b)")  # not a competition's name: "the Tri Nations Series"
_SERIES_AFTER = re.compile(r"\s+(?:series\b|(?:lead|deficit|edge|advantage)\s+in\s+(?:the|their|a)\s+(?:[\w-]+\s+)?series\b)", re.I)
# a series of games where the sport plays them ("the NBA Finals series", "Game 4"), else of matches
_GAME_SERIES = re.compile(r"\b(?:NBA|MLB|NHL|WNBA|baseball|basketball|hockey|playoffs?|Game\s+\d|World\s+Series|Stanley\s+Cup)\b")
_SPORT_UNITS = (  # the counted unit of a score, from the sport the sentence names
    (re.compile(r"\bTests?\b"), "match"),
    (re.compile(r"\b(?:innings?|baseball|MLB|home\s+runs?)\b", re.I), "run"),
    (re.compile(r"\b(?:tennis|volleyball)\b", re.I), "set"),
    (re.compile(r"\b(?:basketball|NBA|WNBA|points?|rugby|NFL|touchdowns?|netball)\b|\bBowl\b", re.I), "point"),
    # sports and competitions counted in goals whatever the score ("beat Croatia 13-11 in the water
    # polo final", "thrashed Werder Bremen 10-0 in the Bundesliga"); not "football" (NFL or soccer)
    (re.compile(r"\b(?:[Ss]occer|(?:[Ii]ce|[Ff]ield)\s+[Hh]ockey|[Hh]ockey|[Hh]andball|[Ww]ater\s+[Pp]olo|[Ll]acrosse|[Ff]utsal|NHL|MLS|FIFA|UEFA|"
                r"Bundesliga|Premier\s+League|La\s+Liga|Serie\s+A|Ligue\s+1|Eredivisie|Champions\s+League|"
                r"Europa\s+League|Confederations\s+Cup|Euro\s+20\d\d|world\s+juniors|Hockeyroos|Black\s+Sticks)\b"), "goal"),
    # a cup or a qualifier names no sport: goals below 20 a side ("13-0 in a World Cup qualifier"), not
    # a rugby World Cup final's "34–17" (sport_unit)
    (re.compile(r"\b(?:World\s+Cup|qualifier)\b"), "goal below 20"),
)


# Tennis: a set's score is games ("6–4", "7–6", "7–5") and its tiebreak's points ("7–6(7–0)"),
# read as such where set scores follow one another ("defeats Murray 6–4, 6–2, 6–3").
_SET = r"\d{1,2}\s?[-–]\s?\d{1,2}(?:\s?\(\d{1,2}(?:\s?[-–]\s?\d{1,2})?\))?"
_SET_BEFORE = re.compile(rf"(?:^|[\s(]){_SET},?\s+$")
_SET_AFTER = re.compile(rf"(?:\s?\(\d{{1,2}}(?:\s?[-–]\s?\d{{1,2}})?\))?,?\s+{_SET}")
_TIEBREAK_BEFORE = re.compile(r"\d\s?[-–]\s?\d\s?\($")


def tally_before(before: str) -> bool:
    """Whether a vote's verb comes right before a pair: "votes 322 to 306" is a tally, not a range."""
    return bool(_VOTE_BEFORE.search(before, max(0, len(before) - 60)))


def _first_pair(text: str) -> tuple[float, float]:
    """The two numbers of the first pair "a-b" in ``text``, a tiebreak in brackets left out."""
    a, b = re.findall(r"\d+", re.sub(r"\([^()]*\)", "", text))[:2]
    return float(a), float(b)


@functools.lru_cache(maxsize=256)
def _not_sport(s: str) -> bool:
    """Whether the sentence is about votes, courts, polls or profits (once per sentence: a long
    text with many pairs must not scan itself once per pair)."""
    return bool(_NOT_SPORT.search(s))


def _last_pair(before: str) -> tuple[float, float]:
    """The numbers of the pair "a-b(" that ``before`` ends with."""
    a, b = re.findall(r"\d+", before[-8:])[-2:]
    return float(a), float(b)


def _set_score(first: float, second: float) -> bool:
    high, low = max(first, second), min(first, second)
    return (high == 6 and low <= 4) or (high == 7 and low in (5, 6))


def set_score_at(s: str, start: int, first: float, second: float, end: int) -> bool:
    """Whether "first-second" at ``start``..``end`` is one of several tennis set scores in a
    row: then "6–7" is a set lost in a tiebreak, not the range six to seven."""
    if not _set_score(first, second) or _not_sport(s):
        return False  # "The board voted 6-3, 7-2": tallies
    nxt = _SET_AFTER.match(s, end)
    prev = _SET_BEFORE.search(s[max(0, start - 40):start])
    return any(m is not None and _set_score(*_first_pair(m.group())) for m in (nxt, prev))


# A win-loss record: "his record at the French Open to 66-1", "a 10-2 record".
_RECORD_BEFORE = re.compile(r"\brecord\b[^.;:!?]*$", re.I)
_RECORD_OF = re.compile(r"\brecord\s+(?:\w+\s+){0,5}?(?:of|to|at|is|was|stands\s+at|improved\s+to)\s+$", re.I)
# A team's standing after a game, in a sentence about games: "The Giants improve to 11–1, and need
# one more win", "The Bears remain unbeaten at 6–0" (not "Shares fell to 5-6")
_STANDING = re.compile(r"\b(?:improve[sd]?|fall(?:s|en)?|fell|drop(?:s|ped)?|move[sd]?|(?:remain|stay)s?\s+"
                       r"(?:unbeaten|undefeated|winless))\s+(?:to|at)\s+$", re.I)
_STANDING_CUE = re.compile(r"\b(?:wins?|losses|unbeaten|undefeated|winless|season|division|playoffs?)\b", re.I)
_TIMES_AFTER = re.compile(r"\s*(?:times|fold)\b", re.I)
_RECORD_AFTER = re.compile(r"\s+(?:(?:overall|season|win-loss|all-time)\s+)?record\b", re.I)


def score_units(s: str, start: int, first: float, second: float, end: int) -> tuple[str, str] | None:
    """The units of the two counts of a score pair: a record counts wins and losses ("a 66-1
    record"), any other score one unit for both (:func:`score_unit`); None when it is no score."""
    if _TIMES_AFTER.match(s, end) or (1900 <= first < 2100 and second < 100):
        return None  # "a record 3-4 times", "record sales in fiscal 2023-24"
    unit = score_unit(s, start, first, second, end)
    before = s[max(0, start - 40):start]
    record = _RECORD_AFTER.match(s, end) or _RECORD_OF.search(before) or (unit and _RECORD_BEFORE.search(before)) or (
        _STANDING.search(before) and (unit or _STANDING_CUE.search(s)))
    if record and unit != "vote" and not _SCORE_AFTER.match(s, end) and not _not_sport(s):
        return "win", "loss"
    return (unit, unit) if unit else None


def score_unit(s: str, start: int, first: float, second: float, end: int) -> str | None:
    """The unit of the score "first-second" at ``start``..``end`` ("won 3-1", "a 2-2 draw",
    "Peñarol 2–1 Godoy Cruz", "by a score of 93 to 39"), or None when the context does not make
    it a score (a label pair: "Junctions 10-11", "ages 9-13"). Goals unless the sentence names a
    sport counted otherwise; points from 10, where goals are rare."""
    if 1900 <= first < 2100 and second == (first + 1) % 100:
        return None  # "the 2019-20 Budget", "the 2019-20 season": a financial year or season
    before = s[max(0, start - 70):start]
    if _VOTE_BEFORE.search(before) or _VOTE_AFTER.match(s, end):
        return "vote"  # a tally: "votes 5–4 to overturn", "in a 92–5 vote" (two counts of votes)
    if _TIEBREAK_BEFORE.search(before) and max(first, second) >= 7 and _set_score(*_last_pair(before)):
        return "point"  # "7–6(7–0)": the tiebreak of the set before
    if set_score_at(s, start, first, second, end):
        return "game"  # "6–4, 6–2, 6–3": sets, each counted in games
    results_line = _RESULTS_LINE.search(before) and re.match(r"\s+(?:\([^()]{1,12}\)\s+)?[A-Z]", s[end:])  # "5–6 (2OT) Sweden"
    verb = SCORE_BEFORE.search(before)
    if not (verb or _SCORE_AFTER.match(s, end) or results_line):
        return None
    sport = _says_sport(s) or _SPORT_AFTER.match(s, end)  # "led 17-14 at halftime" says sport itself
    word = " ".join(verb.group(1).lower().split()) if verb else ""
    leading = word in ("led", "leads", "lead", "trailed") and not _LEAD_OF.search(before)
    if not sport and (_not_sport(s) or leading or word in _NEEDS_SPORT):
        return None  # "a 6-3 victory for the justices", "leads Trump 48-45 in the poll", "won 5-4 approval"
    series = bool(_SERIES.search(s, max(0, start - 40), start) or _SERIES_AFTER.match(s, end))  # "wins series, 3–1",
    # "a 3-1 series lead", "a 3-2 lead in the series"; not "the game 8–6, ending the series"
    return sport_unit(s, first, second, series=series)


@functools.lru_cache(maxsize=64)  # once per sentence: a long results page has many scores
def _says_sport(s: str) -> bool:
    return bool(_SPORT.search(s))


def sport_unit(s: str, first: float, second: float, series: bool = True) -> str:
    """What a score in sentence ``s`` counts: the unit of the sport it names, else points from
    10 (48 of the 51 real-news labels of a score between 10 and 15 are points) and goals below. ``series``: whether a series counts its games or matches ("the Heat lead the
    NBA series 3–1", "England lead 5-match series 3–1"); not in a results line ("Japan Series: ...")."""
    named = _named_sport(s, series)
    if named == "goal below 20":
        named = "goal" if max(first, second) < 20 else "point"
    return named or ("point" if max(first, second) >= 10 else "goal")  # goals reach ten in 3 of 177 real labels


@functools.lru_cache(maxsize=64)  # once per sentence: a long results page has many scores
def _named_sport(s: str, series: bool) -> str | None:
    """The unit of the series, sport or team a sentence names, or None."""
    team = _team_unit(s)
    if series and _SERIES.search(s):  # "the Heat lead the NBA series 3–1", "Royals win series 4–2"; "won the Test series 4–0"
        return "game" if team or _GAME_SERIES.search(s) else "match"
    for pattern, unit in _SPORT_UNITS[0 if series else 1:]:
        if pattern.search(s):
            return unit
    return team


@functools.cache
def _teams() -> tuple[re.Pattern, dict[str, str]]:
    """The major-league nicknames of sport_teams.json: one pattern, and nickname -> unit."""
    data = json.loads((Path(__file__).with_name("sport_teams.json")).read_text(encoding="utf-8"))
    names = {name: unit for unit, names in data.items() if not unit.startswith("_") for name in names}
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b"), names


def _team_unit(s: str) -> str | None:
    """What a score counts in the sport of a major-league team the sentence names ("Royals": runs)."""
    pattern, names = _teams()
    m = pattern.search(s)
    return names[m.group(1)] if m else None


_RANK = r"(?:[(\[](?P<{0}>\d{{1,2}})[)\]]\s+)?"  # "(2) LSU", "[14] Clemson": an AP ranking or a seed before the team
_TEAM = r"[A-Z][\w'’.&-]*(?:\s+(?:[A-Z0-9][\w'’.&-]*|of|de|la))*?"
# "Miami Heat 120, Boston Celtics 107.": a line that is the result; its start is the sentence's,
# a colon's ("In Miami, Florida: ...") or a dash's, and its end the sentence's or a clause's.
_RESULT = re.compile(rf"(?:^|:\s+|[–—-]\s+){_RANK.format('ra')}(?P<a>{_TEAM})\s+(?P<x>\d{{1,3}})(?:,|\s+def\.|\s+defeated)\s+"
                     rf"{_RANK.format('rb')}(?P<b>{_TEAM})\s+(?P<y>\d{{1,3}})(?=\s*(?:$|[.;,:]|\(|\s[–—-]\s|\s(?:in|at|after|on)\s)|\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?\s+(?:wins?|leads?|takes?|advances?|clinch\w*|ties?|tied|levels?)\b)")
# ... "Yankees 4 Cleveland wins series"


def _without(res: list[Any], start: int, end: int) -> list[Any]:
    return [a for a in res if not (a.start < end and start < a.end)]


def results_lines(res: list[Any], s: str, make: Any) -> list[Any]:
    """Add the two scores of a results line the scanner left out as names' numbers, counted in the
    sport's unit (:func:`sport_unit`); rankings before the teams are no counts.
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


# Australian rules: "Western Bulldogs 21.14 (140)" is 21 goals, 14 behinds and 140 points; the
# sum (six points a goal, one a behind) after a name tells the layout from a decimal, so no sport
# word is needed.
_NAME_BEFORE = re.compile(r"[A-Z][\w'’.&-]*\s+$")
_AFL = re.compile(r"\b(?:AFL|VFL|SANFL|WAFL|Australian\s+(?:rules|football)|footy|def\.|defeated|Grand\s+Final|MCG)\b")
_TALLY = re.compile(r"(?<=[A-Za-z]\s)(?P<g>\d{1,2})\.(?P<b>\d{1,2})\s*\((?P<p>\d{1,3})\)")
# A game clock: "with 3:16 left in the first", "with 0:18 remaining", "with 7:33 in the first".
_CLOCK = re.compile(r"\bwith\s+(?:just\s+|only\s+)?(?P<m>\d{1,2}):(?P<s>[0-5]\d)(?=\s+(?:left|remaining|to\s+(?:go|play)|on\s+the\s+clock|"
                    r"in\s+the\s+(?:first|second|third|fourth|final|1st|2nd|3rd|4th|opening)\b))", re.I)
# Golf match play: "defeated Geoff Ogilvy 2 and 1" won by two holes with one to play.
_MATCH_PLAY = re.compile(r"\b(?:defeat(?:s|ed|ing)?|beat(?:s|ing)?|def\.|won)\s+(?:[^.;,]{1,60}?\s)?"
                         r"(?P<x>[1-9]|10)\s+and\s+(?P<y>[1-8])\b(?!\s*(?:[-–/]|\w))")
_GOLF = re.compile(r"\b(?:golf\w*|Match\s+Play|Ryder\s+Cup|Walker\s+Cup|Solheim\s+Cup|Presidents\s+Cup|PGA|LPGA|"
                   r"Amateur\s+Championship)\b")
# "Army-31, Marines-21", "Sacramento Monarchs-95, Detroit Shock-71": teams and scores joined by hyphens.
_HYPHEN_RESULT = re.compile(r"(?<![\w-])[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+)*-(?P<x>\d{1,3}),\s+"
                            r"[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+)*-(?P<y>\d{1,3})(?![\w-])")
_SCORE_CUE = re.compile(r"\b(?:scoreboard|half-?time|score[ds]?|beat|beats|defeat\w*|won|wins?|lead|leads|led|trail\w*|"
                        r"series|game|match)\b", re.I)  # not "team", "season", "final": a rescue team, a vaccine season
_LIST_GOES_ON = re.compile(r",?\s+(?:and\s+)?[A-Z][\w-]*-\d")  # "Ilyushin-76, Antonov-124 and Boeing-747": a list
# In a cricket sentence, a bowler's figures right after the name: "Kemar Roach 6/27" (wickets for runs).
# Cricket scorecards written inline: a total "448/5 dec.", "613/7d", "570–9 dec" (runs for wickets,
# the runs above ten), a team's runs before its batsmen's brackets or its second innings
# ("Sri Lanka 185 (Dilshan 69)", "England 139 & 570–9"), and the batsmen's own runs in brackets
# ("(Sangakkara 185, Jayawardene 85)", "Sachin Tendulkar 100*").
_INLINE_TOTAL = re.compile(r"(?<![\w/.:])(?P<r>[1-9]\d{1,2})[/–-](?P<w>\d|10)(?:d\b|\s*dec\b\.?)?(?![\w/–-]|\.\d)")
_TEAM_RUNS = re.compile(r"(?:(?<=[A-Za-z]\s)|^)(?P<r>[1-9]\d{1,2})(?=\s*(?:\(|&\s*\d|and\s+\d{1,3}[/–-]\d))")
_BRACKET = re.compile(r"\((?P<body>[^()]{3,200})\)")
# a scorecard's own words: not "Test" alone (medical, school and rugby Tests), nor "over €50,000"
_SCORECARD_WORDS = re.compile(r"\b(?:cricket\w*|innings|wickets?|batsm[ae]n|bowl(?:ed|er|ers|ing)|top-scor\w+|ODIs?|T20s?|"
                              r"overs|\d+(?:\.\d)?\s+overs?|ov\.|dec|not\s+out)\b")
# a scorecard's own marks: a declared total "600/6d", a batsman not out "(Sarwan 184*)" beside a
# total "398/5" (not old money "12/6d", nor a poll's "Smith 48*")
_SCORECARD_MARKS = re.compile(r"(?<![\w/.])[1-9]\d{2}/(?:\d|10)d\b|(?<=[A-Za-z]\s)\d{1,3}\*(?![\w*])(?=.*?(?<![\w/.])\d{2,3}/\d{1,2}\b)"
                              r"|(?<![\w/.])\d{2,3}/\d{1,2}\b(?=.*?(?<=[A-Za-z]\s)\d{1,3}\*)")
_BATSMAN = re.compile(rf"(?!(?:{'|'.join(calendar.month_name[1:])}|{'|'.join(calendar.month_abbr[1:])})\b)[A-Z][\w'’.-]+\s+(?P<r>\d{{1,3}})(?![,.]\d)\*?(?=\s*(?:[,;]|$))")
# Tennis: a seed in square brackets after a player ("Dinara Safina [1]") is a place, not a count;
# a tiebreak after a set of 7–6 gives the loser's points alone ("6–7(5)").
_SEED = re.compile(r"(?<=[A-Za-z]\s)\[(?P<n>\d{1,2})\]")
_SHORT_TIEBREAK = re.compile(r"(?<=[67]–[67]|[67]-[67])\((?P<k>\d{1,2})\)")
_NAMED_FIGURES = re.compile(r"(?<=[a-z]\s)(?P<w>\d|10)/(?P<r>\d{2,3})\b(?![/\d])")


def _beside_sets(s: str, m: re.Match) -> bool:
    """A short tiebreak's set stands among other sets ("6–7(5) 6–4 6–1"), not in "section 16-7(1)"."""
    before = s[max(0, m.start() - 16):m.start() - 3]
    return not re.search(r"[\d.-]$", before) and bool(
        re.search(r"\d\s?[–-]\s?\d,?\s*$", before) or re.match(r",?\s+\d\s?[–-]\s?\d", s[m.end():]))


def _inline_scorecard(s: str, count: Any) -> list[tuple[re.Match, list[Any]]]:
    """Bowlers' figures and the totals, team runs and batsmen's runs of a cricket scorecard written
    in one line (the caller checks that the sentence is about cricket)."""
    found = [(m, [count(m, "w", "wicket"), count(m, "r", "run")]) for m in _NAMED_FIGURES.finditer(s)]
    found += [(m, [count(m, "r", "run"), count(m, "w", "wicket")]) for m in _INLINE_TOTAL.finditer(s)
              if "/" in m.group() or m.group().endswith(("d", "dec", "dec.")) or s[:m.start()].rstrip().endswith("&")]
    found += [(m, [count(m, "r", "run")]) for m in _TEAM_RUNS.finditer(s)  # after a team's name: "Sri Lanka 185 ("
              if not m.start() or _NAME_BEFORE.search(s, max(0, m.start() - 40), m.start())]
    for bracket in _BRACKET.finditer(s) if "(" in s else ():
        found += [(m, [count(m, "r", "run")]) for m in _BATSMAN.finditer(s, bracket.start("body"), bracket.end("body"))]
    return found


# "beat Poland 29:24", "win the series 3:1", "levels the series to 1:1": a score written with a
# colon, as European reports do (a clock has two digits of minutes after it and no score verb before)
_CLOCK_AT = re.compile(r"\b(?:at|by|until|till|before|after|from|since|around|about|in|with)\s+$", re.I)
_CLOCK_ZONE = re.compile(r"\s*(?:a\.?m\b\.?|p\.?m\b\.?|GMT|UTC|BST|[ECMP][SD]T|CET|local|hours?\b|h\b|into\b|left\b|remaining\b)", re.I)
_COLON_SCORE = re.compile(r"(?<![\d:.,])(?P<x>\d{1,3}):(?P<y>\d{1,3})(?![\d:]|[.,]\d)")


def _colon_scores(s: str, count: Any) -> list[tuple[re.Match, list[Any]]]:
    """The colon scores of ``s`` after a score verb or a series, as two counts each."""
    found = []
    for m in _COLON_SCORE.finditer(s):
        before = s[max(0, m.start() - 70):m.start()]
        if not (SCORE_BEFORE.search(before) or _SERIES.search(s, max(0, m.start() - 40), m.start())) or (
                len(m["y"]) == 2 and (len(m["x"]) == 1 or _CLOCK_AT.search(before) or _CLOCK_ZONE.match(s, m.end()))):
            continue  # "won the race at 2:15 pm", "won the marathon in 2:08": a clock or a time
        units = score_units(s, m.start(), float(m["x"]), float(m["y"]), m.end())
        if units:
            found.append((m, [count(m, "x", units[0]), count(m, "y", units[1])]))
    return found


def game_layouts(res: list[Any], s: str, make: Any) -> list[Any]:
    """Add what sports pages write in layouts of their own (``make`` builds an amount): Australian
    rules tallies, game clocks in seconds, golf match-play margins, hyphenated results lines and
    bowlers' figures; each replaces whatever the scanner read in the same digits. Each layout's
    own pattern runs first and the sentence-wide checks only on a hit: most sentences have none."""
    count = lambda m, g, unit: make(m.start(g), m.end(g), m[g], "count", float(m[g]), None, unit, "=", None)  # noqa: E731
    found: list[tuple[re.Match, list[Any]]] = []
    if "(" in s:
        tallies = [m for m in _TALLY.finditer(s) if int(m["g"]) * 6 + int(m["b"]) == int(m["p"])
                   and _NAME_BEFORE.search(s, max(0, m.start() - 40), m.start())]
        if len(tallies) > 1 or (tallies and _AFL.search(s)):  # not "Rated 4.5 (29) on Google"
            found += [(m, [count(m, "g", "goal"), count(m, "b", "behind"), count(m, "p", "point")]) for m in tallies]
        found += [(m, [count(m, "k", "point")]) for m in _SHORT_TIEBREAK.finditer(s) if _beside_sets(s, m)]
    if ":" in s:
        for m in _CLOCK.finditer(s):
            clock = s[m.start("m"):m.end("s")]
            found.append((m, [make(m.start("m"), m.end("s"), clock, "quantity", float(int(m["m"]) * 60 + int(m["s"])),
                                   None, "second", "=", None, "time")]))
    if ":" in s:
        found += _colon_scores(s, count)
    if " and " in s and (plays := [m for m in _MATCH_PLAY.finditer(s) if int(m["x"]) > int(m["y"])]) and _GOLF.search(s):
        found += [(m, [count(m, "x", "hole"), count(m, "y", "hole")]) for m in plays]
    hyphens = [m for m in _HYPHEN_RESULT.finditer(s) if not _LIST_GOES_ON.match(s, m.end())] if "-" in s else []
    if hyphens and _SCORE_CUE.search(s) and not _not_sport(s):
        unit = sport_unit(s, float(hyphens[0]["x"]), float(hyphens[0]["y"]), series=False)  # once: the sentence's sport
        found += [(m, [count(m, "x", unit), count(m, "y", unit)]) for m in hyphens]
    if _SCORECARD_WORDS.search(s) or (("*" in s or "/" in s) and _SCORECARD_MARKS.search(s)):  # not "runs" alone: "a 19–0 run"
        found += _inline_scorecard(s, count)
    if "[" in s:
        found += [(m, [make(m.start(), m.end(), m.group(), "ordinal", float(m["n"]), None, None, "=", None)])
                  for m in _SEED.finditer(s)]
    for _, amounts in found:
        res = _without(res, amounts[0].start, amounts[-1].end) + amounts
    return _baseball_innings(sorted(res, key=lambda b: b.start) if found else res, s)


_BASEBALL = re.compile(r"\b(?:baseball|MLB|pitch(?:ed|er|ers|ing)|home\s+runs?|strikeouts?|RBIs?|shutout|no-hitter|"
                       r"World\s+Series|bullpen)\b")
_CRICKET_ONLY = re.compile(r"\b(?:cricket\w*|Tests?|wickets?|batsm[ae]n|bowl(?:ed|er|ers|ing)|overs|ODIs?|T20s?)\b")


def _baseball_innings(res: list[Any], s: str) -> list[Any]:
    """"pitched six innings": in baseball one inning, as the labels have it; cricket keeps "innings"."""
    if not any(a.unit == "innings" for a in res) or _CRICKET_ONLY.search(s) or not _BASEBALL.search(s):
        return res
    return [replace(a, unit="inning") if a.unit == "innings" else a for a in res]


# "100m breaststroke", "the women's 400m hurdles", "10m Air Rifle", "50m pools", "100m: Asafa
# Powell 9.78": a race's or a range's distance in metres (real labellers: 10 of 13 bare "Nm"; the
# others are millions of people, "22.6m men")
_METRE_EVENT = re.compile(r"\s?m\b(?=\s*:|[\s-]+(?:(?:men's|women's|individual|team|mixed|freestyle|breaststroke|"
                          r"backstroke|butterfly|medley|relay|hurdles|sprint|dash|steeplechase|run|race|final|heat|"
                          r"pools?|air\s+(?:rifle|pistol)|rifle|pistol|platform|springboard|synchronised|synchronized|"
                          r"individual|title|record|world|Olympic)\b))", re.I)


def metres_of_event(s: str, end: int) -> int | None:
    """Where "m" ends when a bare number before it is an event's distance in metres, else None."""
    m = _METRE_EVENT.match(s, end)
    return m.end() if m else None
