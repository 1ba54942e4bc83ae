"""Stage 5, numbers: money, percentages, quantities with units, counts, with normalised values.

A hand-written scanner rather than a model: amounts need exact, explainable normalisation
("around $11 billion" -> 11e9 USD, qualifier "~") and must run at thousands of sentences a
second. It finds a numeric core (digits or words), then reads the context to its left
(currency symbol, qualifier, change verb) and right (scale, range, unit, counted noun, object).
The units and currencies it recognises are not listed here: they come from a registry
(quantulum3's units, Babel's currencies) through :mod:`newsflow.units`.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, replace

from newsflow import counted
from newsflow.lexicon import word_classes
from newsflow.money import currency_after, sentence_dollar
from newsflow.numchecks import (
    MONTH_NEAR,
    QUAKE_WORD,
    average_age,
    one_more_of_them,
    plausible_cardinal,
    ranked_label,
)
from newsflow.numchecks import tail as _tail
from newsflow.numcontext import share_context
from newsflow.numcore import CORE, CORE_PLAIN, Core, alt, read_core, read_scale_words
from newsflow.numordinals import FRACTION_CONTEXT, fraction_ordinal, ordinal_at
from newsflow.numrefer import distributed_one
from newsflow.numsport import (
    SCORE_BEFORE,
    cricket_innings,
    cricket_scorecards,
    game_layouts,
    metres_of_event,
    results_lines,
    score_units,
    set_score_at,
    tally_before,
)
from newsflow.numtimes import race_times, spans_in_words
from newsflow.numwords import (
    MONTHS,
    QUALIFIERS,
    scaled,
    singular,  # noqa: F401  re-exported: callers and tests read it from here
)
from newsflow.units import (
    ARTICLE_RATES,
    CURRENCIES,
    FRACTIONS_AS_PERCENT,
    MONEY_RATES,
    TIME_NAMES,
    UNITS,
    rate_after,
    rate_dimension,
    unit_before,
)

# --------------------------------------------------------------------------- vocabularies

CURRENCY_PREFIX = CURRENCIES.prefix
ISO_4217 = CURRENCY_CODES = CURRENCIES.codes
_UNIT_BEFORE, _UNIT_BEFORE_FORMS = unit_before()

# --------------------------------------------------------------------------- patterns

# "1.0-to-1.25 percent", "8- to 16-metre": a dash before "to" holds the unit back for both numbers
_RANGE_SEP = re.compile(r"\s*(?:-to-|-\s+to|-|–|—|to)\s*|\s+and\s+", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(rf"(?:(?<=[\s(\[“\"'/\-−+])|^)(?P<cur>{alt(CURRENCY_PREFIX)})\s?$")
_CURRENCY_PREFIX_AT = re.compile(rf"(?:{alt(CURRENCY_PREFIX)})\s?")
_QUALIFIER_NAMES = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "approx": "~", "up": "up", "down": "down"}
# One pattern for all qualifiers; on overlap the order of QUALIFIERS decides (">" before "~" ...).
_QUALIFIER_BEFORE = re.compile(
    r"(?:^|(?<=[\s(\[“\"']))(?:" + "|".join(
        f"(?P<{name}>{pat})" for name, (pat, _q) in zip(_QUALIFIER_NAMES, QUALIFIERS, strict=True)) + r")\s+$",
    re.IGNORECASE)
_CHANGE_BEFORE = re.compile(r"\b(?:by|from|rose|fell|cut|raised|lowered|increased|decreased|dropped|rising|falling|"
                            r"jumped|climbed|gained|lost|slid|widened|narrowed|"
                            r"up|down)\s+(?:\S+\s+)?$", re.I)  # "the deficit widened £4.7 billion to £8.6 billion"
_BETWEEN_BEFORE = re.compile(r"(?:^|(?<=\s))(?:between|from)\s+$", re.IGNORECASE)
# "increase from 26 percent to 49 percent", "rose from $3 to $4": a level before and after, not a range
_CHANGED_FROM = re.compile(r"\b(?:rose|rise[sn]?|rising|increas(?:e[sd]?|ing)|gr[eo]w(?:s|n|ing)?|climb(?:ed|s|ing)?|"
                           r"jump(?:ed|s|ing)?|fell|fall(?:s|en|ing)?|drop(?:ped|s|ping)?|declin(?:e[sd]?|ing)|"
                           r"decreas(?:e[sd]?|ing)|cut|cuts|rais(?:e[sd]?|ing)|reduc(?:e[sd]?|ing)|lower(?:ed|s|ing)?|"
                           r"slid|slip(?:s|ped)|soar(?:s|ed)|surge[sd]|plunge[sd]|tumble[sd]|dip(?:s|ped)|ease[sd]|"
                           r"double[sd])\s+from\s+$", re.I)
_CHANGE_OF = re.compile(r"\b(?:increase|decrease|rise|fall|decline|drop|gain|jump|reduction)\b[^.;]{0,60}?\bof\s+$", re.I)
# Words before a number that make it a name or label, not an amount ("number 5", "route 66").
_LABEL_BEFORE = re.compile(
    r"\b(?:number|no\.|nos\.|#|route|flight|section|article|chapter|page|room|gate|platform|"
    r"line|code|level|grade|category|phase|stage|version|model|season|episode|item|unit|"
    r"paragraph|clause|amendment|resolution|highway|interstate|seat|row|box|channel|round(?:\s+of)?|lap|(?:in|for|of)\s+week|"
    r"(?<!\d\s)day)\s*$",  # "day 8 of the trial"; not "2 day 3"
    re.IGNORECASE,
)
_CELSIUS_ATTACHED = re.compile(r"(?P<u>[CF])\b")
_MONTH_NEAR = MONTH_NEAR
_QUARTERS = re.compile(r"quarters?\b", re.I)  # a share only before "of" or after "by", "about"...
_OF = re.compile(r"\s+of\b", re.I)
_PAIR = re.compile(r"(?:\s?[-–]\s?|\s—\s|—|\s+to\s+)(?P<b>\d{1,3})\b(?![%\d]|[.,]\d)")  # "3-1", "2 — 3", "a score of 93 to 39"
_SEATS = re.compile(r"\b(?:seats?|MPs|lawmakers|deputies|delegates|councillors|members)\b", re.I)
_RESULT_AFTER = re.compile(r"\s+(?:lead|win|victory|defeat|loss|triumph)\b", re.I)  # "a 16 to 13 lead": a score
_SCORE_OF = re.compile(r"\bscore\s+of\s+$", re.I)  # "by a score of 93 to 39"; not "pain score fell from 8 to 3"
_TIME_MULTIPLIER = re.compile(r"-(?:times?|fold)\b(?!-)", re.I)  # "a four-time champion", "30-fold"
_AGE_RANGE_END = re.compile(r"(?:\s*(?:to|-|–|and)\s*\d+)?")
_AGO = re.compile(r"\s+(?:ago|earlier|later|before|previously)\b", re.IGNORECASE)
_TO_NUMBER = re.compile(r"\s+to\s+[\d.,]+")
_SLASH_FRACTION = re.compile(r"\d{1,2}/\d{1,2}")
_BASE_YEAR = re.compile(r"(?:19|20)\d\d")
_BASE_YEAR_BEFORE = re.compile(r"(?:\(|\b(?:in|constant|real)\s+)$", re.I)
# "half of all households", "Half of the killings", "cut in half": a share (27 of the 46 real
# "half of" are labelled 50%); not "the first half of 2022", "the southern half of California"
_HALF_SHARE = re.compile(r"\s+of\b|(?<=\bin half)\b(?!\s+an?\b)", re.I)
_HALF_PART = re.compile(r"\b(?:first|second|latter|former|other|northern|southern|eastern|western|top|bottom|back|"
                        r"front|upper|lower|final|last|own|opposing|opposition|their|his|her|its)\s+$"
                        r"|^(?!.*\b(?:cut|cuts|slash(?:ed|es)?|reduc(?:ed|es|e)|halv(?:ed|es|e))\b).*\bin\s+$", re.I)
_YEAR_BEFORE = re.compile(r"\b(?:in|since|by|during|until)\s+$", re.I)


@dataclass(frozen=True)
class Amount:
    start: int
    end: int
    text: str
    kind: str
    value: float
    value_max: float | None
    unit: str | None
    qualifier: str
    object: str | None
    dimension: str | None = None  # what the unit measures: currency, length, mass, power, ...


# --------------------------------------------------------------------------- extraction

def extract(sentence: str, offset: int = 0, dollar: str = "USD") -> list[Amount]:
    """All amounts in one sentence; offsets are shifted by ``offset`` (the sentence start).
    ``dollar``: what a bare "$" means when the sentence names no dollar country (the article's)."""
    out: list[Amount] = []
    pos, rejected_end = 0, -1
    while True:
        m = CORE.search(sentence, pos)
        if not m:
            break
        amount, end = _amount_at(sentence, m, out, dollar)
        # "Junctions 10 and 11", "won 3-1", "Category 3, 4 or 5": the partner of a rejected label is a label too.
        if amount and rejected_end >= 0 and amount.kind == "cardinal" and _label_partner(sentence, rejected_end, amount):
            amount = None
        if amount:
            out.append(amount)
            rejected_end = -1
        else:  # a year is no label: "in 2004 and 22 in 2005" counts 22
            rejected_end = -1 if _BASE_YEAR.fullmatch(m.group()) else m.end()
        # "two 500-pound bombs": the measure inside the counted phrase is an amount of its own
        nested = amount and amount.kind == "count" and counted.MEASURE_MODIFIER.search(sentence, m.end(), amount.end)
        pos = m.end() if nested else max(end, m.end())
    found = results_lines(spans_in_words(race_times(out, sentence, Amount), sentence, Amount), sentence, Amount)
    found = cricket_scorecards(cricket_innings(found, sentence, Amount), sentence, Amount)
    found = game_layouts(found, sentence, Amount)
    return [_shift(a, offset) for a in share_context(found, sentence)]


_PARTNER_GAP = re.compile(r"\s*(?:and|or|to|through|-|–|&|/)\s*")
_LIST_GAP = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?")
_LIST_END = re.compile(r"(?:\s*,\s*\d{1,3})*,?\s+(?:and|or)\s+\d")  # the list goes on to "and/or N"
_LABEL_WORD = re.compile(r"\b(?P<w>[A-Z][a-z]+|categor(?:y|ies)|levels?|phases?|stages?|grades?|tiers?)\s+\d+$")


def _label_partner(s: str, rejected_end: int, amount: Amount) -> bool:
    """Whether a bare number right after a rejected label is its partner: "Junctions 10 and 11",
    and in a comma list after a label word that ends in "and/or N", "Category 3, 4 or 5" (not
    "July 26, five of them", "Pistons 107, 2OT", "In Game 7, 12 were ejected")."""
    gap = s[rejected_end:amount.start]
    if _PARTNER_GAP.fullmatch(gap):
        return True
    word = _LABEL_WORD.search(s, max(0, rejected_end - 40), rejected_end)
    return bool(_LIST_GAP.fullmatch(gap) and word and word["w"].lower() not in MONTHS and amount.text.isdigit()
                and _LIST_END.match(s, amount.end))


def _shift(a: Amount, offset: int) -> Amount:
    return a if not offset else replace(a, start=a.start + offset, end=a.end + offset)


def _read_range(s: str, end: int, core: Core, factor: float, currency: str | None,
                allow_to: bool, between: re.Match | None):
    """A second number after "-", "to" or "and": returns (value, value_max, factor, end) or None."""
    rs = _RANGE_SEP.match(s, end)
    if not rs:
        return None
    sep = rs.group().strip().lower()
    if (sep == "and" and not between) or (sep == "to" and not allow_to):
        return None
    after = rs.end()
    cm2 = _CURRENCY_PREFIX_AT.match(s, after) if currency else None
    if cm2:
        after = cm2.end()
    m2 = CORE_PLAIN.match(s, after)
    core2 = read_core(s, m2) if m2 else None
    if core2 is None or (core2.is_words != core.is_words and not (
            core.is_words and sep in ("to", "and") and core.value < 10 <= core2.value) and not (
            core2.is_words and sep in ("to", "and") and core.value < core2.value < 10)):
        return None  # "nine to 15 named storms", "6.5 to seven percent": news style spells out numbers under ten
    factor2, end2 = read_scale_words(s, core2.end, money=currency is not None)
    if factor2 != 1.0 and factor == 1.0 and core.value <= core2.value:
        factor = factor2  # "$5-6 billion": the scale belongs to both
    value = scaled(core.value, factor)
    value_max = scaled(core2.value, factor2 if factor2 != 1.0 else factor)
    return (value, value_max, factor, end2) if value_max > value else None


_PRESSURE = re.compile(r"\b(?:pressure|millibars?|barometric|hurricane|typhoon|cyclone|storm|depression|low)\b", re.I)


def uend_start(s: str, end: int) -> int:
    """Where a unit's letters start after a number (past spaces and a hyphen)."""
    return end + len(s[end:]) - len(s[end:].lstrip(" -"))


def _unit_after(s: str, end: int, core: Core) -> tuple[str, str, int, str | None, float] | None:
    """(kind, unit, end, dimension, factor) for a percent or measurement unit right after a
    number; the factor is a scale the symbol carries ("Bcf": a billion cubic feet)."""
    um = UNITS.match(s, end)
    if um and not (um[0].name == "millibar" and s[uend_start(s, end):um[1]] == "mb" and not _PRESSURE.search(s)):
        unit, uend = um
        return unit.kind, unit.name, uend, unit.dimension, unit.factor
    if not core.is_words and end == core.end and (cf := _CELSIUS_ATTACHED.match(s, end)):
        name = "degree Celsius" if cf.group("u") == "C" else "degree Fahrenheit"
        return "quantity", name, cf.end(), "temperature", 1.0
    if not core.is_words and end == core.end and (me := metres_of_event(s, end)):
        return "quantity", "metre", me, "length", 1.0  # "100m breaststroke"
    return None


@dataclass
class _Reading:
    """An amount being read: each step of :func:`_amount_at` fills in more of it."""

    m: re.Match
    core: Core
    start: int
    end: int
    value: float
    factor: float = 1.0
    value_max: float | None = None
    currency: str | None = None
    negative: bool = False
    between_start: int | None = None
    to_is_range: bool = True  # False after a change verb: "fell $12 to $395" is a change, then a level
    kind: str = "cardinal"
    unit: str | None = None
    dimension: str | None = None
    obj: str | None = None
    dollar: str = "USD"


def _amount_at(s: str, m: re.Match, out: list[Amount], dollar: str = "USD") -> tuple[Amount | None, int]:
    """The amount at one CORE match, read in the steps the module docstring names: the numeric
    core, its left context (currency, minus sign), scale and range, what follows (currency word,
    unit, counted noun, rate), the object, then the checks and the qualifier.

    Returns the amount (None when the number is not one: a year, a label, a date...) and where
    the scan goes on."""
    at_sentence_start = not s[: m.start()].strip(" \"“‘'(")
    if m.group("ordinal"):
        o = ordinal_at(s, m, at_sentence_start)
        return (_as_ordinal(o) if o else None), m.end()
    if m.group("fraction") and (o := fraction_ordinal(s, m)):
        return _as_ordinal(o), m.end()
    if m.group("period") and not (_hedged(s, m.start()) or _span_since(s, m)):
        return None, m.end()  # "a day" is a duration only when hedged ("less than a month", "up to a
        # year") or as the span a record is set in ("the worst flooding in a decade")
    r = _read_number(s, m, at_sentence_start)
    if r is None:
        return None, m.end()
    r.dollar = dollar
    for step in (_read_left, _read_scale, _read_ranges, _read_unit):
        if not step(s, r, out):
            return None, r.end
    _read_object(s, r)
    return _finish(s, r), r.end


_PRONOUN_ONE = re.compile(r"\b(?:first|second|third|each|every|no|which|another|same|right|wrong|best|worst|latest)\s+$",
                          re.I)
_PHRASE_END = re.compile(r"\s*(?:[.,;:!?)]|$|\s(?:and|or|but|in|on|at|after|before|when|while)\b)")
_RECORD_SINCE = re.compile(r"\b(?:\w{3,}est|most|least|first|second|third|fourth|fifth|only|record|worst|best)\b[^,;:.]*$",
                           re.I)
_VERB_FORMS = frozenset("was is at to".split())  # "the magnitude was 5.7": in a quake's sentence or as "d.d"
_IN_BEFORE = re.compile(r"(?P<w>\S+)\s+in\s+$")
_CHANGE_WORD = re.compile(r"\d|%|(?:percent|cents?|points?|pence)$", re.I)  # "up 31p in a year": the change's period
_NOT_SPAN_AFTER = re.compile(r"\s+\w+(?:['’]s\b|-)|\s+\w+\s+(?:of|when|where|that|which|in\s+which|time)\b", re.I)


def _as_ordinal(o: tuple[int, int, str, float]) -> Amount:
    start, end, text, value = o
    return Amount(start, end, text, "ordinal", value, None, None, "=", None)


def _span_since(s: str, m: re.Match) -> bool:
    """"in a decade", "in a week" as how long since something last happened (what the real-news
    labellers label: "for the first time in a decade", "the third storm there in a week"); not "in
    a year's time", "in a week of talks", "in a year when prices fell", a time to come ("will retire
    in a year") or the period of a change ("up 31p in a year", "doubled in a year"): a superlative, an
    ordinal or "first time" must come before it in the clause."""
    ib = _IN_BEFORE.search(s, max(0, m.start() - 24), m.start())
    if not ib or _CHANGE_WORD.search(ib.group("w")) or _NOT_SPAN_AFTER.match(s, m.end()):
        return False
    return bool(_RECORD_SINCE.search(_tail(s, ib.start(), 80)[0]))  # not "He will retire in a year"


def _hedged(s: str, start: int) -> bool:
    """Whether a qualifier of size (not a change verb) comes right before ``start``."""
    before = _tail(s, start, 40)[0]
    qm = _QUALIFIER_BEFORE.search(before, max(0, len(before) - 36))
    return bool(qm and qm.lastgroup in ("gt", "ge", "lt", "le", "approx"))


def _read_number(s: str, m: re.Match, at_sentence_start: bool) -> _Reading | None:
    """The numeric core, unless it is a word that is not a number here."""
    if m.group("half") and not (re.search(
            r"\b(?:by|roughly|about|nearly|almost|around|than|over|under|some|just|only)\s+$", _tail(s, m.start())[0], re.I)
            or (_HALF_SHARE.match(s, m.end()) and not _HALF_PART.search(_tail(s, m.start(), 24)[0]))):
        return None
    core = read_core(s, m)
    if core is None or not math.isfinite(core.value):
        return None  # "0/00": no number (a zero denominator reads as NaN)
    if core.is_words and s[core.start].isupper() and not at_sentence_start:
        return None  # "World War Two", "Formula One"
    return _Reading(m, core, core.start, core.end, core.value)


def _read_left(s: str, r: _Reading, out: list[Amount]) -> bool:
    """Left context: a currency marker ("US$", "Rs", "AED") and a minus sign."""
    core = r.core
    before, base = _tail(s, r.start)
    if not core.is_words and _MONTH_NEAR.search(before, max(0, len(before) - 14)):
        return False  # "Dec. 1", "March 5"
    cm = _CURRENCY_BEFORE.search(before)
    if cm and not core.is_words:
        cur = cm.group("cur")
        r.currency = sentence_dollar(s, r.dollar) if cur == "$" else CURRENCY_PREFIX[cur]
        r.start = base + cm.start("cur")
    elif not core.is_words and (iso := re.search(r"(?:^|(?<=[\s(]))(?P<code>[A-Z]{3})\s?$", before)) \
            and iso.group("code") in ISO_4217:
        r.currency, r.start = iso.group("code"), base + iso.start("code")
    elif not core.is_words and re.search(r"\bUS$", before):
        r.currency, r.start = "USD", r.start - 2  # "US80 cents"
    if r.currency == "ZAR" and s[r.start] == "R" and not re.match(
            r"[\d.,]*(?:,\d{3}|\.\d)|\d+\s*(?:bn|billion|m\b|million|k\b)", s[core.start:]):
        return False  # "R21" is a name, not 21 rand
    before, base = _tail(s, r.start)
    neg = re.search(r"(?:(?<=[\s(])|^)(?:[-−]|minus\s+)$", before, re.I)
    r.negative = neg is not None and not re.search(r"plus\s+or\s+minus\s+$", before, re.I)
    if neg:
        r.start = base + neg.start()
    return True


def _read_scale(s: str, r: _Reading, out: list[Amount]) -> bool:
    """Scale words ("million", "bn"); refuses ages and hyphenated modifiers ("a 60-day state")."""
    if r.m.group("fraction"):
        of = re.match(r"\s+of\s+(?:an?|one)\s+(?=percentage|basis|per|mile|kilomet|tonne|metre|litre|hour|day|year|"
                      r"million\b|billion\b)",
                      s[r.end:], re.I)
        if of:
            r.end += of.end() - 1
    r.factor, r.end = read_scale_words(s, r.end, money=r.currency is not None)
    r.value = scaled(r.core.value, r.factor)
    if re.match(r"(?:\s?[-–]\s?\d+)?(?:-year-olds?\b|\s+years?\s+old\b|\s*-?\s*year-olds?\b)", s[r.end:]) \
            or re.search(r"\bage[sd]?\s+(?:of\s+|under\s+|over\s+|from\s+|\d+\s?[-–]\s?)?$|\bpeople\s+(?:over|under|aged)\s+$",
                         _tail(s, r.start)[0], re.I):
        r.end += _AGE_RANGE_END.match(s, r.end).end() - r.end
        return False  # ages are not amounts, nor the other end of their range
    if r.currency is None and r.value < 120 and average_age(s, r.start, r.end):
        return False  # "the median age was 30.6 years": one age, no range
    if r.value >= 2 and (tm := _TIME_MULTIPLIER.match(s, r.end)):
        r.unit, r.end = "times", tm.end()  # "a four-time champion": a multiplier, like "four times"
    elif r.currency is None and re.match(r"-(?!to-\d)[a-z]", s[r.end:]):
        # "a 720-km cable" measures; "a 150-member house", "a 24-storey tower", "a 12-year high",
        # "a 60-day state" count; "10-year bonds", "one-time", "30-odd" describe
        um = UNITS.match(s, r.end)
        if not (um and um[0].name != "degree") and not counted.hyphen_counts(s, r.end, r.value):
            return False
    return True


def _read_ranges(s: str, r: _Reading, out: list[Amount]) -> bool:
    """Ranges: "$5-6 billion", "5 to 6 per cent", "between 8 and 10 per cent"."""
    before, base = _tail(s, r.start)
    between = _BETWEEN_BEFORE.search(before, max(0, len(before) - 12))
    r.between_start = base + between.start() if between else None
    change = _CHANGE_BEFORE.search(before, max(0, len(before) - 40)) or before.endswith("+")
    bare_then_unit = r.currency is None and r.factor == 1.0 and _to_number_with_unit(s, r.end)
    # "fell $12 to $395" is a change and a new level; "by 50 to 75 basis points" is a range.
    # "increase from 26 percent to 49 percent": two levels when the first names its own unit; a
    # bare first number shares the second's ("rose from 5 to 10 percent" stays one range)
    levels = (_CHANGED_FROM.search(before) or _CHANGE_OF.search(before)) and not bare_then_unit and (
        r.currency or UNITS.match(s, r.end))  # "a decrease in the goods deficit of $0.8 billion to $75.1 billion"
    r.to_is_range = not levels and (not change or bool(between or bare_then_unit))
    rng = _read_range(s, r.end, r.core, r.factor, r.currency, allow_to=r.to_is_range, between=between)
    if rng and r.currency is None and r.factor == 1.0 and (_score_not_range(s, r, rng[1], rng[3]) or tally_before(before)):
        rng = None  # "6–3, 6–7, 6–3": a set's score; "lost to Canada 50–57", "voted 48 to 52": not fifty to 57
    if rng and re.match(r"[-–]\d", s[rng[3]:]):
        return False  # "a 4-8-8-4 locomotive", "1-2-3": a code of numbers, not a range
    if rng and _BASE_YEAR.fullmatch(s[r.core.start:r.core.end]) and _YEAR_BEFORE.search(before):
        return False  # "from 9.1 million head in 2001 to 9.2 million head": a year, not a range
    if rng:
        r.value, r.value_max, r.factor, r.end = rng
        if between:
            r.start = r.between_start
    elif r.currency is None and r.factor == 1.0 and (pair := _PAIR.match(s, r.end)) \
            and (" to " not in pair.group() or _SCORE_OF.search(before) or tally_before(before)
                 or (float(pair["b"]) < r.value and not before.endswith(("from ", "From "))  # "fell from 8 to 3"
                     and not _mentions_seats(s)  # "lost seats, dropping 55 to 48"
                     and (SCORE_BEFORE.search(before) or _RESULT_AFTER.match(s, pair.end())))) \
            and not _unit_after(s, pair.end(), r.core):  # "by a score of 93 to 39", "votes 322 to 306"
        units = score_units(s, r.start, r.value, float(pair["b"]), pair.end()) if r.value == int(r.value) else None
        if units is None and " to " in pair.group():
            return True  # no score after all: "N to M" read as words, not a label pair to drop
        if units:
            out += [Amount(r.start, r.end, s[r.start:r.end], "count", r.value, None, units[0], "=", None),
                    Amount(pair.start("b"), pair.end(), pair["b"], "count", float(pair["b"]), None, units[1], "=", None)]
        r.end = pair.end()
        return False  # a score ("won 3-1": two counts) or a label pair ("Junctions 10-11")
    return True


@functools.lru_cache(maxsize=64)  # once per sentence: long texts have many pairs
def _mentions_seats(s: str) -> bool:
    return bool(_SEATS.search(s))


def _score_not_range(s: str, r: _Reading, second: float, end: int) -> bool:
    """Whether "a-b" read as a range is a score: tennis sets in a row, or a score's context with
    nothing measured or counted after it ("lost to Canada 50–57", not "won 10-15 seats")."""
    if set_score_at(s, r.start, r.value, second, end):
        return True
    pair = _PAIR.match(s, r.core.end)
    if not pair or " to " in pair.group() or _unit_after(s, end, r.core) or counted.count_noun(s, end, second, None):
        return False
    return r.value == int(r.value) and score_units(s, r.start, r.value, second, end) is not None


def _read_unit(s: str, r: _Reading, out: list[Amount]) -> bool:
    """What follows the number: a currency word, a unit, a counted noun; then a repeated unit
    ("5.25%-5.50%") and a rate ("per hectare")."""
    prev_money = next((a.unit for a in reversed(out) if a.kind == "money"), None)
    if r.currency is None and (after := currency_after(s, r.end, prev_money, r.dollar)):
        if _BASE_YEAR.fullmatch(s[r.core.start:r.core.end]) and _BASE_YEAR_BEFORE.search(_tail(s, r.start, 24)[0]):
            return False  # "(2008 USD)", "in 2006 dollars": the year prices are stated in
        r.currency, frac, r.end = after
        r.value = scaled(r.value, frac)
        r.value_max = scaled(r.value_max, frac) if r.value_max is not None else None
    if r.currency:
        r.kind, r.unit, r.dimension = "money", r.currency, "currency"
        sub = re.match(r"\s+(?:cents?|pence)\b", s[r.end:])
        if sub:  # "US80 cents"
            r.value, r.end = scaled(r.value, 0.01), r.end + sub.end()
    elif r.unit == "times" or r.m.group("twice"):
        r.unit = "times"
    elif (u := _unit_after(s, r.end, r.core)):
        r.kind, r.unit, r.end, r.dimension, factor = u
        if factor != 1.0:
            r.value = scaled(r.value, factor)
            r.value_max = scaled(r.value_max, factor) if r.value_max is not None else None
        if r.unit == "inch" and out and out[-1].unit == "millibar" and r.start - out[-1].end <= 8:
            r.unit = "inch of mercury"  # "947 MB...27.96 INCHES", "1002 mb (29.59 in)": a pressure
    elif (ub := _UNIT_BEFORE.search(s, max(0, r.start - 24), r.start)) and (
            ub.group("u").lower().split()[-1] not in _VERB_FORMS or QUAKE_WORD.search(s)
            or re.fullmatch(r"\d\.\d", s[r.core.start:r.core.end])):  # "the magnitude was 5.7", not "is 3 times"
        unit = UNITS.units[_UNIT_BEFORE_FORMS[ub.group("u").lower()]]  # "a magnitude of 5.4", "magnitude seven"
        r.kind, r.unit, r.dimension, r.start = unit.kind, unit.name, unit.dimension, ub.start("u")
    elif not r.m.group("half") and (um := counted.unit_after_modifiers(s, r.end)):
        (unit, r.end), r.kind = um, "quantity"  # "1,000 rushing yards"
        r.unit, r.dimension = unit.name, unit.dimension
    elif not (r.m.group("fraction") or r.m.group("half")) or r.factor != 1.0:  # "half a million children"
        cn = counted.count_noun(s, r.end, r.value, r.value_max)
        if cn:
            r.kind, (r.unit, r.end) = "count", cn
            r.dimension = "time" if r.unit in TIME_NAMES else None
        elif (pn := counted.partitive_noun(s, r.end, r.value)):
            r.kind, r.unit = "count", pn  # "three of his family members": the span stays "three"
        elif r.value != 1 and (te := counted.times_after(s, r.end)):
            r.unit, r.end = "times", te  # "three times": a multiplier, a cardinal in "times"
    if r.kind not in ("quantity", "percent") and _SLASH_FRACTION.fullmatch(s[r.core.start:r.core.end]):
        return False  # "9/16 inch", "1/2 percentage point" measure; "9/11 attacks", "24/7 coverage" are names
    if r.value_max is None and r.kind in ("percent", "quantity", "money"):
        _read_repeated_unit(s, r)
    if r.kind in ("quantity", "count") or (r.kind == "money" and MONEY_RATES) or r.unit == "times":
        _read_rate(s, r)
    return True


def _read_repeated_unit(s: str, r: _Reading) -> None:
    """"5.25%-5.50%", "between 4.5% and 4.75%": the unit repeats after each number of a range."""
    rm = re.match(r"\s*(?:-|–|to|and)\s*", s[r.end:])
    sep = rm.group().strip() if rm else ""
    if not rm or (sep == "and" and r.between_start is None) or (sep == "to" and not r.to_is_range):
        return
    at = r.end + rm.end()
    if r.currency and (cm := _CURRENCY_PREFIX_AT.match(s, at)):
        at = cm.end()  # "$2.65/MMBtu to $9.86/MMBtu"
    m2 = CORE.match(s, at) or CORE_PLAIN.match(s, at)
    if not (m2 and m2.groupdict().get("digits")):
        return
    nxt, _ = _amount_at(s, m2, [], r.dollar)
    if nxt and nxt.kind == r.kind and (nxt.unit == r.unit or (nxt.unit or "").startswith(f"{r.unit} per ")) \
            and nxt.value > r.value and nxt.qualifier == "=":
        r.value_max, r.end, r.unit, r.dimension = nxt.value, nxt.end, nxt.unit, nxt.dimension
        if r.between_start is not None:
            r.start = r.between_start


def _read_rate(s: str, r: _Reading) -> None:
    """"174.9 bushels per acre", "25 points per game": a rate is one unit, "bushel per acre";
    a unit that is a rate itself may change over time ("1.6 ppm per year")."""
    if r.unit is None or (" per " in r.unit and r.unit not in UNITS):
        return
    rate = rate_after(s, r.end, article_ok=r.kind in ARTICLE_RATES)
    if rate and " per " in r.unit and rate[0] not in TIME_NAMES:
        return  # "1.6 ppm per year", "2 mph per second": a unit that is a rate changes over time only
    if rate is None and (r.unit in TIME_NAMES or r.kind == "count" or r.unit == "times"):  # "24 hours a day",
        rate = rate_after(s, r.end, article_ok=True)  # "35,000 people a day", "20 times a year": per span of time
        rate = rate if rate and rate[0] in TIME_NAMES and rate[0] != r.unit else None
    if rate:
        den, dim, r.end = rate
        r.unit, r.dimension = f"{r.unit} per {den}", rate_dimension(r.dimension, dim)
        if r.value_max is None:
            _read_repeated_unit(s, r)  # "$80/bbl to $90/bbl"


def _read_object(s: str, r: _Reading) -> None:
    """What is counted or measured, when the text says it: "20 million tonnes of US soybeans"."""
    if r.kind in ("quantity", "money", "count"):
        r.obj = counted.object_after(s, r.end)
    if r.obj and r.kind == "quantity" and r.unit and " per " not in r.unit:
        after = s.find(r.obj, r.end) + len(r.obj)  # "280 gigatons of ice per year": a rate over time
        if (rate := rate_after(s, after)) and rate[1] == "time":
            r.unit, r.dimension = f"{r.unit} per {rate[0]}", rate_dimension(r.dimension, rate[1])


def _finish(s: str, r: _Reading) -> Amount | None:
    """The last checks (labels, years, dates, "one" as a pronoun), the qualifier and the sign."""
    before, base = _tail(s, r.start)
    if r.factor == 1.0 and _LABEL_BEFORE.search(before, max(0, len(before) - 16)):
        rank = ranked_label(s, r.start) if r.value_max is None and r.value == int(r.value) else None
        return None if rank is None else Amount(rank, r.m.end(), s[rank:r.m.end()], "ordinal", r.value, None,
                                                None, "=", None)  # "ranked No. 1", "the world's No. 1"
    if r.kind in ("cardinal", "count") and not plausible_cardinal(
            s, r.core.start, r.core.end, r.core.value, r.core.is_words, r.start, r.end, r.factor, r.kind):
        return None
    if r.core.is_words and r.value == 1 and r.factor == 1.0 and _PRONOUN_ONE.search(before[-24:]) and (
            r.kind == "cardinal" or (r.kind == "count" and r.unit not in word_classes().get("noun", ()))):
        return None  # "the first one blew himself up", "no one else": a pronoun; not "said that one person"
    if r.core.is_words and r.kind == "cardinal" and r.value == 1 and r.factor == 1.0 and not r.m.group("fraction"):
        if distributed_one(s, r.start, r.end):
            pass  # "two bomb blasts, one in Quetta and the other ...": numrefer gives it their noun or drops it
        elif not (counted.counts_people(before) and _PHRASE_END.match(s, r.end)):
            return None  # "one" alone is a pronoun more often than a number; not "injuring one."
        else:
            r.kind, r.unit = "count", "person"
    if r.dimension == "time" and r.value_max is None and (ago := _AGO.match(s, r.end)) and (
            r.value == 1 or ago.group().split()[0].lower() in ("ago", "earlier", "later")):
        return None  # "one year ago", "six weeks later": when, not how long (as "a year ago")
    qualifier, start = "=", r.start
    qm = _QUALIFIER_BEFORE.search(before, max(0, len(before) - 36))
    if qm:
        name = qm.lastgroup
        qualifier, start = _QUALIFIER_NAMES[name], base + qm.start(name)
    if r.kind == "cardinal" and r.unit is None and r.factor == 1.0 and _QUARTERS.search(r.m.group("fraction") or "") \
            and not (_OF.match(s, r.end) or FRACTION_CONTEXT.search(_tail(s, r.m.start(), 24)[0])):
        if not re.search(r"quarters$", r.m.group("fraction"), re.I):
            return None  # "a quarter earlier": a period, not a share
        r.kind, r.unit, r.dimension, r.value = "count", "quarter", "time", round(r.value * 4)  # "the last four quarters"
    if r.m.group("fraction") and (n := one_more_of_them(s, r.m.group("fraction"), r.start, r.end)):
        return Amount(r.m.start(), r.m.end(), r.m.group(), "ordinal", float(n), None, None, "=", None)  # "and a third is wounded"
    if FRACTIONS_AS_PERCENT and r.kind == "cardinal" and r.unit is None and r.factor == 1.0 and r.value < 1 and (
            r.m.group("half") or r.m.group("fraction")):  # "one in three people": 33.3333%, as labellers read it
        r.kind, r.unit, r.dimension, r.value = "percent", "percent", "ratio", round(r.value * 100, 4)  # "half": 50%
    value = -r.value if r.negative and r.kind != "count" else r.value
    if not math.isfinite(value):
        return None
    text = s[start:r.end].rstrip(" ,.")
    return Amount(start, start + len(text), text, r.kind, value, r.value_max, r.unit, qualifier, r.obj,
                  r.dimension)


def _to_number_with_unit(s: str, end: int) -> bool:
    """" to 6 per cent", " to 10 km": a bare number followed by a range whose end has a unit."""
    m = _TO_NUMBER.match(s, end)
    return bool(m and UNITS.match(s, m.end()))
