"""Checks on a bare number for the numbers scanner: whether it is a year, a date, a clock time,
a name, an age or a phone number rather than an amount (split out of :mod:`newsflow.numbers`)."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from newsflow.numwords import MONTHS, NOT_NOUNS, QUALIFIERS

MONTH_NEAR = re.compile(rf"\b(?:{'|'.join(MONTHS)})\.?\s*$", re.IGNORECASE)
MONTH_AFTER = re.compile(rf"\s+(?:{'|'.join(MONTHS)})\b", re.IGNORECASE)
TIME_AFTER = re.compile(r"(?::\d{2})|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT\b|BST\b|ET\b|UTC\b|Z\b|"
                        r"[ECMP][SD]T\b|CET\b|CEST\b|JST\b|local\s+time\b|Universal\s+Time\b|UT\b|o['’]clock\b)", re.IGNORECASE)
CLOCK_AFTER = re.compile(r"\s*o['’]clock\b", re.IGNORECASE)
NAME_BEFORE = re.compile(r"(?:\b[a-z]?[A-Z][\w]*|No\.|no\.|#|(?<![\w.])[A-Z]{2,4}\.)\s?$")  # "SA. 57372" too
SENTENCE_OPENERS = frozenset("only just all some another nearly almost around over under by with".split())
# a hedge is no name though capitalised at the start: "Roughly 10,000", "Approximately 67"
HEDGE_WORD = re.compile("|".join(f"(?:{pat})" for pat, q in QUALIFIERS if q in (">", "<", "~")), re.IGNORECASE)
PHONE_AFTER = re.compile(r"[-\s.]\d{3,}")
AGE_CONTEXT = re.compile(r"[A-Z][a-z]+,\s$")
# "Internacional 10 points", "Labour 412 seats": a tally after a name is not part of the name
TALLY_AFTER = re.compile(r"\s+(?:points?|goals?|seats?|votes?|medals?|wins?)\b")
# "2015 data", "2018 mishandled baggage data", "the 2020 election results": a year before what
# is reported for it, not a count of data
YEAR_OF_REPORT = re.compile(r"(?:\s+[a-z][\w-]*){0,3}?\s+(?:data|figures|statistics|stats|estimates?|results|census|"
                            r"budgets?|elections?|editions?|reports?|surveys?|forecasts?|season)\b")
# a headline verb is no name: "Typhoon Kills 10 in Philippines"
HARM_VERB = re.compile(r"(?:Kill|Injure|Wound|Hurt|Evacuate|Displace|Strand|Rescue)[sd]?", re.I)
MAGNITUDE_BEFORE = re.compile(r"(?:^|[\s(])M\s?$")  # "a M 7.7 earthquake": the USGS writes magnitudes so
QUAKE_WORD = re.compile(r"quake|tremor|temblor|seismic|aftershock|Richter", re.I)
ENUMERATOR_AFTER = re.compile(r"\)\s+[A-Za-z]")  # "(2) large volume changes", "(2) Fernando Alonso": an item, a place
PERIOD_CODE_AFTER = re.compile(r"[QH]\d{2}(?:\d{2})?\b")
GENERATION_AFTER = re.compile(r"G\b")  # "5G", "the 4G network": a mobile generation's name
DESIGNATION_BEFORE = re.compile(r"\b[A-Z]+\d+[+−]$")  # catalogue names: "B1257+12", "J0830+2837"


def tail(s: str, start: int, n: int = 64) -> tuple[str, int]:
    """The last words before ``start`` and their offset: context rules look only this far back,
    which keeps extraction linear in sentence length."""
    i = max(0, start - n)
    if i > 0:
        j = s.find(" ", i, start)
        i = j + 1 if j >= 0 else i
    return s[i:start], i


def plausible_cardinal(s: str, core_start: int, core_end: int, core_value: float, is_words: bool,
                       start: int, end: int, factor: float, kind: str) -> bool:
    """Filter bare numbers that are years, dates, times, names or phone numbers."""
    if factor != 1.0:
        return True
    digits = s[core_start:core_end]
    before = tail(s, start)[0]
    if CLOCK_AFTER.match(s, end):
        return False  # "five o'clock"
    if is_words and kind == "cardinal" and 2000 <= core_value < 2100 and re.search(r"thousand", digits, re.I):
        return False  # "in two thousand eight": a year spelled out
    if not is_words:
        if re.fullmatch(r"1[5-9]\d\d|20\d\d", digits) and (kind == "cardinal" or YEAR_OF_REPORT.match(s, core_end)):
            return False  # a year
        if MONTH_NEAR.search(before) or MONTH_AFTER.match(s, end):
            return False  # a date
        if TIME_AFTER.match(s, core_end):
            return False
        if PHONE_AFTER.match(s, core_end) and "," not in digits:
            return False
        if (AGE_CONTEXT.search(before) and kind == "cardinal") or (
                re.search(r"\w,\s$", before) and re.match(r",", s[end:]) and core_value < 120 and kind == "cardinal"):
            return False  # "Smith, 45, said", "his wife, 58, was"; but "Overall, 66 patients" counts
        if re.search(r"\d\s$", before) or re.match(r"\s\d{2,}\b", s[core_end:]):
            return False  # phone numbers in groups: "0800 555 111", "13 11 14"
        if re.match(r"[A-Z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Square|Place|Drive|"
                    r"Boulevard|Way|Terrace|Crescent)\b", s[core_end:]):
            return False  # "10 Downing Street", "221B Baker Street"
        if DESIGNATION_BEFORE.search(before) or (re.search(r"\w\($", before) and s[end:end + 1] == ")"):
            return False  # "PSR B1257+12", "WISE J0830+2837", "Article 107(3)": part of a name
        if (re.search(r"(?:^|\s)\($", before) and len(digits) == 1 and ENUMERATOR_AFTER.match(s, end)) or PERIOD_CODE_AFTER.match(s, core_end):
            return False  # "(2) large volume changes": an item's number; "4Q23", "2H24": a period's name
        if len(digits) == 1 and GENERATION_AFTER.match(s, core_end):
            return False  # "5G", "a 4G phone"
        nm = None if MAGNITUDE_BEFORE.search(before) and re.fullmatch(r"\d\.\d", digits) \
            and QUAKE_WORD.search(s) else NAME_BEFORE.search(before)
        if nm and nm.group().strip().lower() not in NOT_NOUNS | SENTENCE_OPENERS and not TALLY_AFTER.match(s, core_end) \
                and not (_SCORE_PAIR.match(s, core_end) and _SCORE_BEFORE.search(before[-40:])) \
                and not HEDGE_WORD.fullmatch(nm.group().strip()) and not HARM_VERB.fullmatch(nm.group().strip()):
            return False  # "Section 427", "Boeing 737", "No. 10"
        if re.fullmatch(r"1[5-9]\d\d|20\d\d", digits) and re.search(r"\b(?:the|in|since|by|of)\s+$", before, re.I):
            return False  # "the 2032 notes"
    return True


_RANK_LABEL = re.compile(r"(?:\b(?:ranked|rated|seeded)|\w['’]s)\s+(?P<no>No\.|number)\s?$", re.I)


def ranked_label(s: str, start: int) -> int | None:
    """Where a rank written as a label starts ("ranked No. 1", "the world's No. 1": ordinals, as
    the real-news sets label them), or None for a label ("No. 10 Downing Street", "number 5")."""
    m = _RANK_LABEL.search(s, max(0, start - 24), start)
    return m.start("no") if m else None


# A pair "2-1" is a score (two counts, as the real-news sets label it) only where the sentence
# says so: a result verb or a score word before it, a result noun after it, or a results line
# between two names.
_SCORE_BEFORE = re.compile(r"\b(won|wins?|winning|beat|beats|beating|defeated|defeats|defeat|defeating|lost|loses|losing|drew|"
                           r"draws|trailed|led|leads|tied?|ties|tying|score|scoreline|trounc(?:ed|ing|es)|topp(?:ed|ing)|"
                           r"rout(?:ed|ing)|(?<!an\s)(?<!the\s)(?<!point\s)edges?|edg(?:ed|ing)|victorious|thrash(?:ed|ing)|crush(?:ed|ing)|down(?:ed|ing)|"
                           r"beaten|blown\s+out|hammer(?:ed|ing)|"
                           r"overcame|blank(?:ed|ing)|lead|make\s+it|made\s+it|making\s+it|winners?|losers?|upset|loss\s+to)\b,?\s+(?:[\w'’.()-]+,?\s+){0,5}$", re.I)
_SCORE_PAIR = re.compile(r"\s?[-–]\s?\d{1,3}\b(?![,.]?\d)")  # "beat Australia 34–17": a score, not a name's number
_GAME_TIME = r"at\s+half-?time|in\s+overtime|overtime|after\s+extra\s+time"  # words only a game's score has after it
_SCORE_AFTER = re.compile(r"\s+(?:(?:semi-?final|final|quarter-?final|home|away|opening|league|cup)\s+)?"
                          r"(?:[a-z]+-[a-z]+\s+)?(?:win|victory|victories|draw|defeat|loss|lead|triumph|thrashing|rout|"
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
                          r"\b(?:pass|adopt|approv|reject)(?:e?s|e?d|ing)?\s+(?:an?|the)\s+(?:[\w-]+\s+)?"
                          r"(?:resolution|bill|motion|measure|amendment)\s+(?:by\s+)?$", re.I)  # "passes a resolution 25-3"
_VOTE_AFTER = re.compile(r"\s+(?:(?:party-line|bipartisan|majority)\s+)?(?:vote|ruling|decision)\b", re.I)
_RESULTS_LINE = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*\s+$")  # "Peñarol 2–1 Godoy Cruz"
_SERIES = re.compile(r"\bseries\b|^Series\b")  # not a competition's name: "the Tri Nations Series"
# a series of games where the sport plays them ("the NBA Finals series", "Game 4"), else of matches
_GAME_SERIES = re.compile(r"\b(?:NBA|MLB|NHL|WNBA|baseball|basketball|hockey|playoffs?|Game\s+\d|World\s+Series|Stanley\s+Cup)\b")
_SPORT_UNITS = (  # the counted unit of a score, from the sport the sentence names
    (re.compile(r"\bTests?\b"), "match"),
    (re.compile(r"\b(?:innings?|baseball|MLB|home\s+runs?)\b", re.I), "run"),
    (re.compile(r"\b(?:tennis|volleyball)\b", re.I), "set"),
    (re.compile(r"\b(?:basketball|NBA|WNBA|points?|rugby|NFL|touchdowns?|netball)\b|\bBowl\b", re.I), "point"),
)


# Tennis: a set's score is games ("6–4", "7–6", "7–5") and its tiebreak's points ("7–6(7–0)"),
# read as such where set scores follow one another ("defeats Murray 6–4, 6–2, 6–3").
_SET = r"\d{1,2}\s?[-–]\s?\d{1,2}(?:\s?\(\d{1,2}(?:\s?[-–]\s?\d{1,2})?\))?"
_SET_BEFORE = re.compile(rf"(?:^|[\s(]){_SET},?\s+$")
_SET_AFTER = re.compile(rf"(?:\s?\(\d{{1,2}}(?:\s?[-–]\s?\d{{1,2}})?\))?,?\s+{_SET}")
_TIEBREAK_BEFORE = re.compile(r"\d\s?[-–]\s?\d\s?\($")


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
    sport counted otherwise; points above 15, where goals are rare."""
    if 1900 <= first < 2100 and second == (first + 1) % 100:
        return None  # "the 2019-20 Budget", "the 2019-20 season": a financial year or season
    before = s[max(0, start - 40):start]
    if _VOTE_BEFORE.search(before) or _VOTE_AFTER.match(s, end):
        return "vote"  # a tally: "votes 5–4 to overturn", "in a 92–5 vote" (two counts of votes)
    if _TIEBREAK_BEFORE.search(before) and max(first, second) >= 7 and _set_score(*_last_pair(before)):
        return "point"  # "7–6(7–0)": the tiebreak of the set before
    if set_score_at(s, start, first, second, end):
        return "game"  # "6–4, 6–2, 6–3": sets, each counted in games
    results_line = _RESULTS_LINE.search(before) and re.match(r"\s+(?:\([^()]{1,12}\)\s+)?[A-Z]", s[end:])  # "5–6 (2OT) Sweden"
    verb = _SCORE_BEFORE.search(before)
    if not (verb or _SCORE_AFTER.match(s, end) or results_line):
        return None
    sport = _SPORT.search(s) or _SPORT_AFTER.match(s, end)  # "led 17-14 at halftime" says sport itself
    word = " ".join(verb.group(1).lower().split()) if verb else ""
    leading = word in ("led", "leads", "lead", "trailed") and not _LEAD_OF.search(before)
    if not sport and (_not_sport(s) or leading or word in _NEEDS_SPORT):
        return None  # "a 6-3 victory for the justices", "leads Trump 48-45 in the poll", "won 5-4 approval"
    return sport_unit(s, first, second)


def sport_unit(s: str, first: float, second: float, series: bool = True) -> str:
    """What a score in sentence ``s`` counts: the unit of the sport it names, else points above
    15 and goals below. ``series``: whether a series counts its games or matches ("the Heat lead the
    NBA series 3–1", "England lead 5-match series 3–1"); not in a results line ("Japan Series: ...")."""
    team = _team_unit(s)
    if series and _SERIES.search(s):  # "the Heat lead the NBA series 3–1", "Royals win series 4–2"; "won the Test series 4–0"
        return "game" if team or _GAME_SERIES.search(s) else "match"
    for pattern, unit in _SPORT_UNITS[0 if series else 1:]:
        if pattern.search(s):
            return unit
    return team or ("point" if max(first, second) > 15 else "goal")


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
