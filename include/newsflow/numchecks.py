"""Checks on a bare number for the numbers scanner: whether it is a year, a date, a clock time,
a name, an age or a phone number rather than an amount (split out of :mod:`newsflow.numbers`)."""

from __future__ import annotations

import re

from newsflow.numwords import MONTHS, NOT_NOUNS, ORDINAL_WORDS, QUALIFIERS

MONTH_NEAR = re.compile(rf"\b(?:{'|'.join(MONTHS)})\.?\s*$", re.IGNORECASE)
MONTH_AFTER = re.compile(rf"\s+(?:{'|'.join(MONTHS)})\b", re.IGNORECASE)
TIME_AFTER = re.compile(r"(?::\d{2})|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT\b|BST\b|ET\b|UTC\b|Z\b|"
                        r"[ECMP][SD]T\b|CET\b|CEST\b|JST\b|local\s+time\b|Universal\s+Time\b|UT\b|o['’]clock\b)", re.IGNORECASE)
CLOCK_AFTER = re.compile(r"\s*o['’]clock\b", re.IGNORECASE)
NAME_BEFORE = re.compile(r"(?:\b[a-z]?[A-Z][\w]*|No\.|no\.|#|(?<![\w.])[A-Z]{2,4}\.)\s?$")  # "SA. 57372" too
SENTENCE_OPENERS = frozenset("only just all some another nearly almost around over under by with".split())
# a hedge is no name though capitalised at the start: "Roughly 10,000", "Approximately 67"
HEDGE_WORD = re.compile("|".join(f"(?:{pat})" for pat, q in QUALIFIERS if q in (">", ">=", "<", "<=", "~")), re.IGNORECASE)
HEDGE_BEFORE = re.compile(rf"\b(?:{HEDGE_WORD.pattern})\s?$", re.IGNORECASE)  # "At Least 450 Dead": a headline's hedge
PHONE_AFTER = re.compile(r"[-\s.]\d{3,}(?!-[^\W\d_])")  # not "10 500-pound bombs": a measure of each
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


# "the median age of all mothers was 30.6 years", "a median age of 24.5 years": an average age
# right after its phrase; "from 25.4 years in 1971 to 26.6 years": decimal years in its sentence
_AVERAGE_AGE = re.compile(r"\b(?:median|average|mean)\s+age\b(?:\s+of\s+(?:[a-z]+\s+){1,6}?(?:was|is|were|stood\s+at)|"
                          r"\s+(?:was|is|were|of|at|stood\s+at|rose\s+to|fell\s+to))\s+(?:about\s+|around\s+|nearly\s+)?$", re.I)
_AGE_PHRASE = re.compile(r"\b(?:median|average|mean)\s+age\b", re.I)
_AGE_END = re.compile(r"\s*(?:years?\b|[,.;:)]|$|\s+(?:in|on|for|while|and|but|compared|versus|against)\b)")
_YEARS_AFTER = re.compile(r"\s+years?\b")


def average_age(s: str, start: int, end: int) -> bool:
    """Whether the number at ``start``..``end`` states an average age, which the conventions
    leave unlabelled like any age (the real labellers leave "a median age of 24.5 years" bare):
    right after "median age (of mothers) was", ending there, or decimal years in such a sentence."""
    if not (" age" in s or " Age" in s or " AGE" in s):
        return False
    if _AVERAGE_AGE.search(tail(s, start, 120)[0]):
        return bool(_AGE_END.match(s, end))
    return "." in s[start:end] and bool(_YEARS_AFTER.match(s, end)) and bool(_AGE_PHRASE.search(s, 0, start))


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
        if re.search(r"\d\s$", before) or re.match(r"\s\d{2,}\b(?!-[^\W\d_])", s[core_end:]):
            return False  # phone numbers in groups: "0800 555 111", "13 11 14"
        if re.match(r"[A-Z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Square|Place|Drive|"
                    r"Boulevard|Way|Terrace|Crescent)\b", s[core_end:]):
            return False  # "10 Downing Street", "221B Baker Street"
        if DESIGNATION_BEFORE.search(before) or (re.search(r"\w\($", before) and s[end:end + 1] == ")"):
            return False  # "PSR B1257+12", "WISE J0830+2837", "Article 107(3)": part of a name
        if (re.search(r"(?:^|\s)\($", before) and len(digits) == 1 and ENUMERATOR_AFTER.match(s, core_end)) or PERIOD_CODE_AFTER.match(s, core_end):
            return False  # "(2) large volume changes": an item's number; "4Q23", "2H24": a period's name
        if len(digits) == 1 and GENERATION_AFTER.match(s, core_end):
            return False  # "5G", "a 4G phone"
        if s[core_end:core_end + 1] == "s" and _POSSESSIVE_BEFORE.search(before):
            return False  # "in their 70s", "a man in his 60s": an age
        if kind == "cardinal" and _AGE_BAND_AFTER.match(s, end):
            return False  # "men 25 and older", "those 65 and over": an age band (no real label counts it)
        if _COORDINATE.match(s, core_start) or (re.match(_LON, s[core_start:]) and _LONGITUDE_AFTER_LAT.search(before)):
            return False  # "25.1N 80.4W", "10.9° N, 92.9° W": a storm's position
        nm = None if MAGNITUDE_BEFORE.search(before) and re.fullmatch(r"\d\.\d", digits) \
            and QUAKE_WORD.search(s) else NAME_BEFORE.search(before)
        if nm and nm.group().strip().lower() not in NOT_NOUNS | SENTENCE_OPENERS and not TALLY_AFTER.match(s, core_end) \
                and not (_SCORE_PAIR.match(s, core_end) and SCORE_BEFORE.search(before[-40:])) \
                and not HEDGE_WORD.fullmatch(nm.group().strip()) and not HARM_VERB.fullmatch(nm.group().strip()) \
                and not HEDGE_BEFORE.search(before):
            return False  # "Section 427", "Boeing 737", "No. 10"
        if re.fullmatch(r"1[5-9]\d\d|20\d\d", digits) and re.search(r"\b(?:the|in|since|by|of)\s+$", before, re.I):
            return False  # "the 2032 notes"
    return True


_POSSESSIVE_BEFORE = re.compile(r"\b(?:his|her|their|its|my|your|our)\s+$", re.I)
_AGE_BAND_AFTER = re.compile(r"\s+and\s+(?:older|over|above|up|under|younger)\b", re.I)
# a latitude and its longitude: "25.1N 80.4W", "10.9° N, 92.9° W"
_LAT = r"\d{1,2}(?:\.\d{1,2})?\s?°?\s?[NS]\b,?\s+"
_LON = r"\d{1,3}(?:\.\d{1,2})?\s?°?\s?[EW]\b"
_COORDINATE = re.compile(_LAT + _LON)
_LONGITUDE_AFTER_LAT = re.compile(_LAT + "$")
_RANK_LABEL = re.compile(r"(?:\b(?:ranked|rated|seeded)|\w['’]s)\s+(?P<no>No\.|number)\s?$", re.I)


def ranked_label(s: str, start: int) -> int | None:
    """Where a rank written as a label starts ("ranked No. 1", "the world's No. 1": ordinals, as
    the real-news sets label them), or None for a label ("No. 10 Downing Street", "number 5")."""
    m = _RANK_LABEL.search(s, max(0, start - 24), start)
    return m.start("no") if m else None


# A pair "2-1" is a score (two counts, as the real-news sets label it) only where the sentence
# says so: a result verb or a score word before it, a result noun after it, or a results line
# between two names.
SCORE_BEFORE = re.compile(r"\b(won|wins?|winning|beat|beats|beating|defeated|defeats|defeat|defeating|lost|loses|losing|drew|"
                           r"draws|trailed|led|leads|tied?|ties|tying|score|scoreline|trounc(?:ed|ing|es)|topp(?:ed|ing)|"
                           r"rout(?:ed|ing)|(?<!an\s)(?<!the\s)(?<!point\s)edges?|edg(?:ed|ing)|victorious|thrash(?:ed|ing)|crush(?:ed|ing)|down(?:ed|ing)|"
                           r"beaten|blown\s+out|hammer(?:ed|ing)|"
                           r"overcame|blank(?:ed|ing)|lead|make\s+it|made\s+it|making\s+it|winners?|losers?|upset|loss\s+to)\b,?\s+(?:[\w'’.()-]+,?\s+){0,5}$", re.I)
_SCORE_PAIR = re.compile(r"\s?[-–]\s?\d{1,3}\b(?![,.]?\d)")  # "beat Australia 34–17": a score, not a name's number


_ARTICLE_FRACTION = re.compile(r"an?\s+(?:third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)$", re.I)
_VERB_AFTER = re.compile(r"\s+(?:is|was|were|are|has|had|died|dies|remains|remained|suffered|escaped)\b", re.I)


_GROUP_BEFORE = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|\d{1,3})\s+(?:of\s+the\s+)?(?:[A-Za-z-]+\s+){0,2}?"
                           r"[a-z]+s\b[^.;]*\band\s+$", re.I)


def one_more_of_them(s: str, fraction: str, start: int, end: int) -> int | None:
    """"Two of the officers are killed and a third is wounded": "and a third" then a verb, after a
    count of a group, is the next one of it (the ordinal, as the labels have it), not a third of
    something; "Roughly a third were women" stays a share. Returns the ordinal's value or None."""
    if not (_ARTICLE_FRACTION.fullmatch(fraction) and _VERB_AFTER.match(s, end)):
        return None
    if not _GROUP_BEFORE.search(s, max(0, start - 120), start):
        return None
    return ORDINAL_WORDS.get(fraction.split()[-1].lower())
