"""The numeric core of an amount: where a number starts and ends in text (digits in any
grouping, number words as news and VOA Special English spell them, fractions, "half a",
ordinals) and its value, with the scale words after it ("million", "bn").

Split out of :mod:`newsflow.numbers`, which reads the context around a core (currency,
qualifier, range, unit, counted noun); this module reads no context beyond the core and its scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsflow.numwords import (
    BIG_SCALES,
    DIGIT_WORDS,
    MONEY_ONLY_SCALES,
    ONES,
    ORDINAL_WORDS,
    SCALES,
    TENS,
    parse_digits,
    parse_fraction,
    parse_words,
)


def alt(keys: list[str] | dict) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


_WORD_NUM = alt([*ONES, *TENS, "hundred", "dozen"])
# "increased by 167 000", "and 450 000 km²" (Eurostat, Statistics Canada): one group after a plain
# space, a round hundred, right after a word that introduces an amount; never before a hyphen or a
# glued letter ("10 500-pound bombs", "2 200m titles") nor after another number, a name or a
# date ("Windows 10 500 million", "under 5 300 died", "May 12 100 people", "on 132 500")
_GROUP_AFTER = "|".join(f"(?<=\\b{w} )" for w in "by of to from at about and or nearly almost some than were was is are "
                        "totalled totaled reached".split())
_ONE_SPACE_GROUP = rf"(?=\d{{1,3}} \d00(?![\d,]|\.\d| \d|-|[^\W\d_]))(?:{_GROUP_AFTER})\d{{1,3}} \d00"  # digits first: cheap to fail
_DIGITS = rf"\d{{1,3}}(?:[\u00a0\u202f\u2009]\d{{3}})+(?:[.,]\d+)?(?!\d)|\d{{1,3}}(?: \d{{3}}){{2,}}(?:[.,]\d+)?(?![\d,])|{_ONE_SPACE_GROUP}|\d+[\s-]\d/\d{{1,2}}(?![\d/])|\d{{1,2}}/\d{{1,2}}(?=\s?[a-z])(?!\s?(?:st|nd|rd|th)\b)|\d*[½¼¾⅓⅔⅛]|\d{{1,2}}(?:,\d{{2}})+,\d{{3}}(?:\.\d+)?|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?:\.\d{{3}})+,\d+|\d+(?:[.,]\d+)?|(?<!\.)\.\d+"
# A core: digits, or a run of number words ("twenty-five", "a dozen", "half a", "one hundred").
_FRACTION_WORDS = r"halves|half|thirds?|quarters?|fourths?|fifths?|sixths?|eighths?|tenths?"
_UNIT_ORDINALS = [w for w, v in ORDINAL_WORDS.items() if v < 10]  # "twenty-sixth"
_PERIODS = "year|month|week|fortnight|day|hour|minute|decade|century"
# Spelled-out numbers as VOA writes them: "two-million-one-hundred-sixty-thousand",
# "one-hundred-and-ten", "four-point-four".
_BIG = alt(BIG_SCALES)
_AFTER_BIG = "(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion))"
_DIGIT_WORD = alt(DIGIT_WORDS)
_BIG_INSIDE = re.compile(rf"(?:{_BIG})[\s-]", re.I)
_BIG_TAIL = re.compile(rf"[\s-]+(?:hundred|{_BIG})\b", re.I)
CORE = re.compile(
    rf"(?<![\w-])(?P<fraction>(?:a|an|one|two|three|four|five|seven|nine)[\s-]+(?:{_FRACTION_WORDS})|(?:six|eight)[\s-]+tenths"
    rf"|(?:(?:one|two|three|four|[1-9])\s+(?:in|out\s+of)\s+(?:every\s+)?|(?:five|six|seven|eight|nine)\s+(?:in\s+every|out\s+of)\s+)"
    rf"(?:{_WORD_NUM}|[1-9]\d{{0,2}}))\b(?![-\d])(?!\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|games?|"
    rf"matches|races|starts|attempts|innings|overs)\b)"  # "three in 12 minutes" is no share; "nine in every ten" is
    rf"|(?=half\b)(?:(?<=\s)|^|(?<=[“\"(]))(?P<half>half)\b(?!-|\s+an?\s+(?:thousand|million|billion|trillion|dozen|percent|per\s+cent|percentage)\b)|(?<![\w-])(?P<twice>twice|thrice)\b"
    rf"|(?:(?:(?<![\w.,:/])|(?<=\.\.\.)|(?<=\bR)|(?<=\bRs)|(?<=\bUS))(?<!\w-)|(?<=[Mm]agnitude-))(?P<digits>{_DIGITS})(?![\d]|/\d|(?:st|nd|rd|th|ers)\b|,\d{{3}}(?:st|nd|rd|th)\b)"  # not "10,000th"
    rf"|(?<![\w-])(?P<words>(?:(?:a|an|half\s+an?)\s+(?=(?:dozen|hundred|thousand|million|billion|trillion)\b))?"
    rf"(?:{_WORD_NUM})(?:(?:[\s-]+|{_AFTER_BIG}[\s-]+and[\s-]+)(?:{_WORD_NUM})"
    rf"|[\s-]+(?:{_BIG})(?=[\s-]+(?:and[\s-]+)?(?:{_WORD_NUM})\b))*"
    rf"(?:[\s-]+point(?:[\s-]+(?:{_DIGIT_WORD}))+"
    rf"|(?:\s+|-)and(?:\s+|-)(?:a[\s-]+half|(?:a|an|one|two|three)[\s-]+(?:{_FRACTION_WORDS})))?)\b"  # "three-and-a-half years"
    rf"(?![\s-](?:{alt(_UNIT_ORDINALS)})\b)"  # "twenty-first" is an ordinal
    rf"|(?<![\w-])(?P<article>an?|half\s+an?)\s+(?=(?:thousand|million|billion|trillion|percent|per\s+cent|percentage\s+points?)\b)"
    rf"|(?<![\w-])(?P<period>an?)(?=\s+(?:{_PERIODS})\b(?!-))"  # "less than a month": see _amount_at
    rf"|(?<![\w-])(?P<ordinal>\d{{1,3}}(?:,\d{{3}})+(?:st|nd|rd|th)|\d+(?:st|nd|rd|th)|(?:{alt(TENS)})[\s-](?:{alt(_UNIT_ORDINALS)})|{alt(ORDINAL_WORDS)})\b",
    re.IGNORECASE,
)
# The second number of a range ("5-6"), which follows a dash and so cannot use CORE's guards.
CORE_PLAIN = re.compile(
    rf"(?P<digits>{_DIGITS})(?![\d])|(?P<words>(?:{_WORD_NUM})(?:-(?:{_WORD_NUM}))?)\b"
    # CORE's other groups, never matching: _amount_at reads them by name
    r"(?P<article>(?!))?(?P<fraction>(?!))?(?P<half>(?!))?(?P<ordinal>(?!))?(?P<period>(?!))?(?P<twice>(?!))?", re.I)
_HALF_A = re.compile(r"half\s+an?\s", re.I)
SCALE_RE = re.compile(rf"\s*(?:-\s*)?(?P<scale>{alt(SCALES)})\b\.?", re.IGNORECASE)
SCALE_ATTACHED = re.compile(rf"(?P<scale>{alt(SCALES)})\b", re.IGNORECASE)


@dataclass
class Core:
    start: int
    end: int
    value: float
    is_words: bool


def read_core(text: str, m: re.Match) -> Core | None:
    if m.groupdict().get("half"):
        return Core(m.start(), m.end(), 0.5, True)
    if m.groupdict().get("twice"):
        return Core(m.start(), m.end(), 2.0 if m.group("twice").lower() == "twice" else 3.0, True)
    if m.groupdict().get("fraction"):
        v = parse_fraction(m.group("fraction"))
        return None if v is None else Core(m.start(), m.end(), v, True)
    if m.group("digits"):
        return Core(m.start(), m.end(), parse_digits(m.group("digits")), False)
    if m.group("words"):
        run, end = m.group("words"), m.end()
        if _BIG_INSIDE.search(run) and (tail := _BIG_TAIL.match(text, end)):
            run, end = run + tail.group(), tail.end()  # "...-one-hundred-sixty-thousand": the tail is inside
        v = parse_words(run)
        if v is not None and _HALF_A.match(run):
            v /= 2  # "half a dozen"
        return None if v is None else Core(m.start(), end, v, True)
    if m.group("article"):
        return Core(m.start(), m.end(), 0.5 if m.group("article").lower().startswith("half") else 1.0, True)
    if m.group("period"):
        return Core(m.start(), m.end(), 1.0, True)
    return None


def read_scale_words(text: str, pos: int, money: bool) -> tuple[float, int]:
    """Multiply by any scale words after pos ("million", "bn", "half a million")."""
    factor = 1.0
    while True:
        m = SCALE_ATTACHED.match(text, pos) if pos < len(text) and text[pos - 1].isdigit() else None
        m = m or SCALE_RE.match(text, pos)
        if not m:
            return factor, pos
        word = m.group("scale").lower()
        if word in MONEY_ONLY_SCALES and not money:
            return factor, pos
        if word == "hundred" and factor != 1.0:
            return factor, pos
        factor *= SCALES[word]
        pos = m.end()
