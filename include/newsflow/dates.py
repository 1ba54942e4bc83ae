"""Dates on the calendar: the `dates` table (every date expression, resolved to a date range).

One compiled regular expression, tried only around the tokens every expression holds (a digit, a
month, a weekday, a unit ...), finds the expressions left to right, longest forms first ("March 5,
2024" is one expression, not a month and a year); each resolves to an inclusive ``start_date``..
``end_date`` with a granularity. Spans leave out prepositions, a leading "the" and early/mid/late
("in late April" is "April", whose dates it takes):

* explicit ones ("March 5, 2024", "July 2023", "Q3 2025", "the 1990s", "2024", ISO dates, written-out
  years such as "nineteen ninety-three", "Christmas 1989") resolve from the text alone
  (``resolved_from = explicit``);
* relative ones ("on Wednesday", "in April", "March 5", "last week", "next year", "two years ago",
  "yesterday", "Thanksgiving") resolve against the article's ``published_at`` (``resolved_from =
  published_at``) and the tense of their clause; without ``published_at`` their dates stay null;
* vague ones ("in recent months", "decades", "recently", "a year earlier", and rolling windows such
  as "the past 12 months" or "two weeks ago", which are not calendar periods) get null dates.

**Tense rule.** The clause is the stretch of the sentence between punctuation (, ; : dashes,
brackets, quote marks) and and/but/while around the expression. Future markers: will, 'll, shall,
won't, would, "is/are to", scheduled/expected/set/slated/poised/going/planning to, plans/aims/
intends to, "is/are due", next, upcoming, coming, "later this", tomorrow. Past markers: was/were/
had/did, irregular past forms (said, spoke, met, held ...), last, ago, earlier, previously,
yesterday, and lower-case -ed words unless they read as adjectives (after a/an/the/its..., in a
hyphenated word such as "self-ruled", or "based", "advanced" ...) or present passives (after is/are/
be); "since" right before the expression makes it past. Words dating another expression ("last"
in "last month's") do not count. The marker nearest the expression in its clause decides; with
none there, the nearest in the clauses either side (never the far end of the sentence). A past clause takes the nearest such day or month on or
before the publication date, a future clause the nearest on or after, an unmarked clause the
nearest either way (ties go to the past); "last"/"next" mean strictly before/after it.

A hand-written scanner rather than a library: ``dateparser.search`` finds dates in free text but
resolves relative ones against its own notion of the present (not the tense of the clause), finds
dates in words like "we" and "$11", and runs at 5,000 to 7,000 words/s on the samples against about
300,000 here (``bench/bench_quotes_dates.py``); ``dateutil.parser`` parses a date string but does
not find one in text. The arithmetic is plain ``datetime.date`` and ``calendar``.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from newsflow.tables import DATE_GRANULARITIES as GRANULARITIES
from newsflow.tables import DATE_RESOLVED_FROM as RESOLVED_FROM

__all__ = ["GRANULARITIES", "RESOLVED_FROM", "date_rows", "dates_consistent"]

_MONTH_NAMES = ("January February March April May June July August September October November "
                "December").split()
MONTHS = {m.lower(): i for i, m in enumerate(_MONTH_NAMES, 1)}
MONTHS.update({m[:3].lower(): i for i, m in enumerate(_MONTH_NAMES, 1)})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())} | {
    "a": 1, "an": 1, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}

_ORDINAL_WORDS = """first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth
    fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth""".split()
DAY_WORDS = {w: i for i, w in enumerate(_ORDINAL_WORDS, 1)} | {f"twenty-{w}": 20 + i for i, w in enumerate(_ORDINAL_WORDS[:9], 1)}
DAY_WORDS |= {"thirtieth": 30, "thirty-first": 31}
_DAY_WORD = "|".join(w.replace("-", r"[\s-]") for w in sorted(DAY_WORDS, key=len, reverse=True))  # "April thirteenth"
_MONTH_FULL = "|".join(_MONTH_NAMES)
_MONTH_ANY = _MONTH_FULL + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_NUM = r"\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_UNIT = r"day|week|month|quarter|year|decade"
_DAY = rf"(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?|the\s+(?:{_DAY_WORD})(?=\s+of\b)"
_MDAY = rf"\d{{1,2}}(?:st|nd|rd|th)?|(?:{_DAY_WORD})\b"

_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
WORD_VALUES = {w: i for i, w in enumerate(_ONES.split("|"), 1)} | {w: i for i, w in enumerate(_TEENS.split("|"), 10)} | {
    w: i for i, w in enumerate(_TENS.split("|"), 2)}
WORD_VALUES |= {w: 10 * WORD_VALUES[w] for w in _TENS.split("|")}
# days with a fixed date (month, day); Thanksgiving (US) is the fourth Thursday of November
NAMED_DAYS = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24), "new year's day": (1, 1),
              "new year's eve": (12, 31), "valentine's day": (2, 14), "halloween": (10, 31), "earth day": (4, 22),
              "international women's day": (3, 8), "world aids day": (12, 1), "world refugee day": (6, 20),
              "world health day": (4, 7), "world press freedom day": (5, 3), "australia day": (1, 26),
              "thanksgiving": (11, 0), "thanksgiving day": (11, 0)}
_NAMED_DAY = "|".join(re.escape(n).replace("'", "['’]").replace(r"\ ", r"\s+") for n in sorted(NAMED_DAYS, key=len, reverse=True))

_PATTERNS = [
    ("iso", r"\b(?P<iso_y>\d{4})-(?P<iso_m>\d\d)-(?P<iso_d>\d\d)\b"),
    ("mdy", rf"\b(?:{_WEEKDAY},?\s+)?(?P<mdy_m>{_MONTH_ANY})\s+(?P<mdy_d>{_MDAY}),?\s+(?P<mdy_y>\d{{4}})\b"),
    ("dmy", rf"\b(?:{_WEEKDAY},?\s+)?(?P<dmy_d>{_DAY})\s+(?:of\s+)?(?P<dmy_m>{_MONTH_ANY}),?\s+(?P<dmy_y>\d{{4}})\b"),
    ("md", rf"\b(?:{_WEEKDAY},?\s+)?(?P<md_m>{_MONTH_ANY})\s+(?P<md_d>{_MDAY})\b(?![.,]?\d)"),
    ("dm", rf"\b(?:{_WEEKDAY},?\s+)?(?P<dm_d>{_DAY})\s+(?:of\s+)?(?P<dm_m>{_MONTH_FULL})\b"),
    ("my", rf"\b(?:(?:early|mid|late)[\s-]+)?(?P<my_m>{_MONTH_FULL}),?\s+(?:of\s+)?(?P<my_y>\d{{4}})\b"),
    ("qy", r"\b(?:Q(?P<qy_n>[1-4])|(?:the\s+)?(?P<qy_o>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter"
           r"(?:\s+of)?)\s*,?\s*(?:FY\s*)?(?P<qy_y>\d{4})\b|\b(?P<qy_y2>\d{4})\s*Q(?P<qy_n2>[1-4])\b"),
    ("q", r"\b(?:Q(?P<q_n>[1-4])\b|(?:the\s+)?(?P<q_o>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter\b)"),
    ("decade", r"(?:\bthe\s+)?(?:(?:early|mid|late)[\s-]+)?(?:\b(?P<dec>1[5-9]\d0|20\d0)|['’](?P<dec2>\d0)"
               r"|(?:(?<=0s and )|(?<=0s or )|(?<=0s to )|(?<=0s, ))(?P<dec3>\d0))['’]?s\b"),
    ("ago", rf"\b(?P<ago_n>{_NUM})\s+(?P<ago_u>{_UNIT})s?\s+ago\b"),
    ("pastn", rf"\b(?:the\s+)?(?P<pn_w>past|last|next|coming)\s+(?P<pn_n>{_NUM})\s+(?P<pn_u>day|week|month|year)s\b"),
    ("rel", rf"\b(?:the\s+)?(?P<rel_w>(?:earlier\s+|later\s+)?this|last|next|past|coming)\s+(?P<rel_u>{_UNIT})\b"),
    ("dayword", r"\b(?P<dw>yesterday|today|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening))\b"),
    ("weekday", rf"\b(?:(?P<wd_mod>last|next|this|coming)\s+)?(?P<wd>{_WEEKDAY})\b"),
    ("month", rf"\b(?:(?P<m_mod>last|next|this|early|mid|late)[\s-]+)?(?P<m>{_MONTH_FULL})\b(?!['’]?s?\s+(?-i:[A-Z])|\s+\d)"),
    ("year", r"(?<![\d$€£¥.,/#])(?P<y>1[89]\d\d|20\d\d)(?![\d%]|[.,]\d|\s*(?:%|per\s*cent|percent))"),
    ("wyear", rf"\b(?:(?P<wy_c>nineteen|eighteen)[\s-]+(?P<wy_r>(?:{_TENS})(?:[\s-]+(?:{_ONES}))?|(?:{_TEENS}))"
              rf"|two[\s-]+thousand[\s-]+(?:and[\s-]+)?(?P<wy_u>twenty(?:[\s-]+(?:{_ONES}))?|(?:{_TEENS})|(?:{_ONES}))"
              rf"|twenty[\s-]+(?P<wy_t>twenty(?:[\s-]+(?:{_ONES}))?|(?:{_TEENS})))\b"),
    ("named", rf"\b(?P<nd>{_NAMED_DAY})(?:,?\s+(?P<nd_y>\d{{4}}))?\b"),
    ("vague", rf"\b(?:recent\s+(?P<v_r>days|weeks|months|years|decades)|the\s+coming\s+(?P<v_c>days|weeks|months|years)"
              rf"|(?P<v_d>decades)|recently|lately|(?:(?:past|last|next|coming)\s+)?(?:a\s+)?couple\s+of\s+(?P<v_cp>days|weeks|months|years)|(?:{_NUM}|a\s+few)\s+(?P<v_e>{_UNIT})s?\s+(?:earlier|later|before|after))\b"),
]
_DATES = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _PATTERNS), re.I)
_CASED = re.compile(rf"\b(?:{_MONTH_ANY}|{_WEEKDAY})(?![a-z])", re.I)  # month/day names must be capitalised

_NOT_YEAR_BEFORE = frozenset("""some nearly almost approximately roughly least than no. number flight route highway
    interstate article section chapter page model room bus line code""".split())
_NOT_YEAR_AFTER = frozenset("""people men women children police staff personnel troops gmt utc bst est edt pst hrs hours local
    km kg mg mm cm m ft mi mph kph mw gw kw kwh lb oz sq""".split())
_MONTH_BEFORE = frozenset("""in on since by until till from of through during before after between and to
    for early late mid""".split())
_YEAR_AFTER_OK = frozenset("""elections olympics games figures levels results accounts""".split())
_FUTURE = re.compile(
    r"\b(?:will|shall|won['’]t|(?:is|are|am|was|were)\s+(?:due|set|scheduled|expected|slated|poised|going|about|"
    r"planning)\b|(?:is|are)\s+to|(?:plans?|planning|aims?|intends?|hopes?)\s+to|scheduled\s+(?:to|for)|"
    r"expected\s+to|set\s+to|would|next|upcoming|coming|later\s+this|tomorrow)\b|['’]ll\b", re.I)
_PAST_WORDS = frozenset("""was were had did said told wrote spoke met went came saw took gave made found began
    held led left lost won paid sent ran rose fell grew knew thought brought bought sought caught taught
    fought built spent struck stood understood became broke chose drew drove flew forgot froze got hid hung
    kept laid meant rode rang sang sank shot shook slept sold stole swore threw wore woke withdrew overtook
    undertook fled fed felt heard sat last ago earlier previously yesterday""".split())
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
# every date expression holds a digit or a word starting like one of these (months, weekdays,
# units, yesterday/today/tomorrow/tonight, night/morning/afternoon/evening, recent(ly), lately)
_KEYS = frozenset("""jan feb mar apr may jun jul aug sep oct nov dec mon tue wed thu fri sat sun yes tod tom ton nig
    mor aft eve wee qua yea day rec lat""".split())
_WORD_KEYS = frozenset("""nineteen eighteen two twenty christmas new valentine halloween earth international world
    australia thanksgiving""".split())  # whole words: "new" or "world" as prefixes would fire too often
_STARTERS = frozenset("""the early mid late last next this past coming earlier later a an few first second third fourth
    st nd rd th q fy""".split()) | frozenset(NUMBER_WORDS) | _WORD_KEYS
LOOKBACK = 40  # the longest expression starts this far before its key ("the past twelve months")
_NOT_PAST_ED = frozenset("""need speed feed seed bleed breed greed weed indeed hundred proceed exceed succeed
    embed united naked wicked sacred kindred rugged ragged shed bed red wed
    based related limited advanced detailed concerned interested supposed""".split())  # (adjectives first)
_ADJ_BEFORE = re.compile(r"(?:\b(?:a|an|the|its|their|his|her|our|this|these|is|are|am|be|being)\s+|-)$", re.I)
REACH = 300  # the clause of a date is looked for at most this many characters around it
_LEADING = re.compile(r"(?:(?:the|early|mid|late)(?:\s+|-))+", re.I)
_SINCE = re.compile(r"\bsince\s+$", re.I)
# "last" in "last month's agreement" dates that expression, not the clause around another one
_UNIT_AFTER = re.compile(rf"\s+(?:{_UNIT}|night|{_WEEKDAY}|{_MONTH_FULL})", re.I)
_CLAUSE_BREAK = re.compile(r"[,;:—–()“”\"\n]|\b(?:and|but|while|whereas)\b")


@dataclass
class _Ctx:
    """One article: its text, publication date and sentences, and per-sentence tense markers."""

    text: str
    pub: date | None
    sentences: list
    starts: list[int] = field(default_factory=list)
    markers: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sentences = sorted(self.sentences, key=lambda s: s.start)
        self.starts = [s.start for s in self.sentences]

    def sentence(self, pos: int) -> tuple[int, int, int]:
        i = bisect_right(self.starts, pos) - 1
        if i < 0:
            return (self.sentences[0].sentence_index if self.sentences else 0), 0, len(self.text)
        s = self.sentences[i]
        return s.sentence_index, s.start, max(s.end, pos)

    def tense(self, a: int, b: int) -> str | None:
        """'past', 'future' or None for the clause around text[a:b] (see the module docstring)."""
        if _SINCE.search(self.text, max(0, a - 8), a):
            return "past"  # "since Tuesday"
        idx, s_start, s_end = self.sentence(a)
        if idx not in self.markers:
            self.markers[idx] = sorted(_markers(self.text, s_start, s_end))
        lo, hi = max(s_start, a - REACH), min(s_end, b + REACH)  # a bound for run-on "sentences"
        near = self.markers[idx][bisect_left(self.markers[idx], (lo,)):bisect_right(self.markers[idx], (hi,))]
        marks = [m for m in near if m[1] <= a or m[0] >= b]
        if not marks:
            return None
        before = [(lo, lo), *((m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(self.text, lo, a))]
        after = [*((m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(self.text, b, hi)), (hi, hi)]
        # the clause of the expression, else the clauses either side of it ("In December, the
        # administration announced"), never the far end of the sentence
        for c_lo, c_hi in ((before[-1][1], after[0][0]), (before[-2][1] if len(before) > 1 else lo,
                                                          after[1][0] if len(after) > 1 else hi)):
            if inside := [m for m in marks if m[0] >= c_lo and m[1] <= c_hi]:
                return min(inside, key=lambda m: a - m[1] if m[1] <= a else m[0] - b)[2]
        return None


def _markers(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """(start, end, 'past'|'future') of every tense marker of a sentence."""
    found = [(m.start(), m.end(), "future") for m in _FUTURE.finditer(text, lo, hi)
             if not (m.group().lower() in ("next", "coming", "upcoming") and _UNIT_AFTER.match(text, m.end()))]
    future_starts = [f[0] for f in found]
    for m in _TOKEN.finditer(text, lo, hi):
        w = m.group().lower()
        if w not in _PAST_WORDS and not (
                len(w) > 3 and w.endswith("ed") and m.group().islower() and w not in _NOT_PAST_ED
                and w[:-2] not in _NOT_PAST_ED and not _ADJ_BEFORE.search(text, max(lo, m.start() - 8), m.start())):
            continue
        i = bisect_right(future_starts, m.start()) - 1
        if w == "last" and _UNIT_AFTER.match(text, m.end()):
            continue
        if i < 0 or found[i][1] <= m.start():  # "scheduled" in "scheduled to" is the future marker
            found.append((m.start(), m.end(), "past"))
    return found


def _is_key(text: str, tok: re.Match) -> bool:
    """A token every expression holds: a key word, a four-digit number (a year), or the digits of
    "Q3" and "'90s" (a day number always comes with a month name, which is a key)."""
    w = tok.group()
    if not w[0].isdigit():
        return w[:3].lower() in _KEYS or w.lower() in _WORD_KEYS
    return len(w) == 4 or (tok.start() > 0 and text[tok.start() - 1] in "Qq'’") or (
        len(w) == 2 and text.startswith(("s", "'s", "’s"), tok.end()))  # "the 1970s and 80s"


def _matches(text: str) -> Iterator[re.Match]:
    """The date expressions of a text, left to right without overlaps, like ``_DATES.finditer``
    but an order of magnitude faster: the full expression is tried only at the word starts that
    may begin one (digits, key words, modifiers) just before each key token, never at every
    character."""
    toks = list(_TOKEN.finditer(text))
    starts = [t.start() for t in toks]
    pos = 0
    for k, tok in enumerate(toks):
        if tok.end() <= pos or not _is_key(text, tok):
            continue
        for t in toks[bisect_left(starts, max(pos, tok.start() - LOOKBACK)):k + 1]:
            w = t.group().lower()
            if t is not tok and not (w[0].isdigit() or w[:3] in _KEYS or w in _STARTERS):
                continue
            at = t.start() - 1 if t.start() > pos and text[t.start() - 1] in "'’" else t.start()  # '90s
            if (m := _DATES.match(text, at) or _DATES.match(text, t.start())) is not None:
                yield m
                pos = m.end()
                break


# -- calendar arithmetic ------------------------------------------------------------------------
_Span = tuple[date, date]


def _month_span(y: int, m: int) -> _Span:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _quarter_span(y: int, q: int) -> _Span:
    return date(y, 3 * q - 2, 1), _month_span(y, 3 * q)[1]


def _week_span(d: date) -> _Span:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _add_months(d: date, k: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + k, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _shift(d: date, unit: str, k: int) -> date:
    """d moved by k units (k may be negative)."""
    if unit == "day":
        return d + timedelta(days=k)
    if unit == "week":
        return d + timedelta(weeks=k)
    return _add_months(d, k * {"month": 1, "quarter": 3, "year": 12, "decade": 120}[unit])


def _unit_span(d: date, unit: str) -> _Span:
    """The calendar day, week, month, quarter, year or decade containing d."""
    if unit == "day":
        return d, d
    if unit == "week":
        return _week_span(d)
    if unit == "month":
        return _month_span(d.year, d.month)
    if unit == "quarter":
        return _quarter_span(d.year, (d.month - 1) // 3 + 1)
    if unit == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    first = d.year - d.year % 10
    return date(first, 1, 1), date(first + 9, 12, 31)


def _choose(cands: list[_Span], pub: date, tense: str | None, mod: str | None = None) -> _Span | None:
    """The candidate period the tense (or "last"/"next") points to, relative to pub."""
    if mod == "last":
        before = [c for c in cands if c[1] < pub]
        return max(before) if before else None
    if mod == "next":
        after = [c for c in cands if c[0] > pub]
        return min(after) if after else None
    if tense == "past":
        before = [c for c in cands if c[0] <= pub]
        return max(before) if before else None
    if tense == "future":
        after = [c for c in cands if c[1] >= pub]
        return min(after) if after else None

    def distance(c: _Span) -> tuple[int, int]:
        gap = 0 if c[0] <= pub <= c[1] else min(abs((c[0] - pub).days), abs((c[1] - pub).days))
        return gap, 0 if c[0] <= pub else 1  # ties: the past

    return min(cands, key=distance) if cands else None


def _years_around(pub: date) -> range:
    return range(max(1, pub.year - 1), min(9999, pub.year + 1) + 1)


def _number(word: str) -> int | None:
    w = word.lower()
    return int(w) if w.isdigit() else NUMBER_WORDS.get(w)


# -- one handler per pattern: the match -> (start, end, granularity, explicit, span or None) -----
_Row = tuple[int, int, str | None, bool, _Span | None]


def _month_of(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _day_number(text: str) -> int:
    """"5", "5th", "the 5th", "thirteenth", "twenty first" -> the day of the month."""
    digits = re.sub(r"\D", "", text)
    return int(digits) if digits else DAY_WORDS[re.sub(r"\s+", "-", text.lower().removeprefix("the").strip())]


def _explicit_day(m: re.Match, ctx: _Ctx, p: str) -> _Row | None:
    y, d = m.group(f"{p}_y"), _day_number(m.group(f"{p}_d"))
    mon = int(m.group(f"{p}_m")) if p == "iso" else _month_of(m.group(f"{p}_m"))
    try:
        day = date(int(y), mon, d)
    except ValueError:
        return None  # "2024-13-45" or "February 30, 2024" is not a date
    return m.start(), m.end(), "day", True, (day, day)


def _month_day(m: re.Match, ctx: _Ctx, p: str) -> _Row | None:
    mon, d = _month_of(m.group(f"{p}_m")), _day_number(m.group(f"{p}_d"))
    if not 1 <= d <= 31 or d > calendar.monthrange(2024, mon)[1]:
        return None
    if ctx.pub is None:
        return m.start(), m.end(), "day", False, None
    cands = []
    for y in _years_around(ctx.pub):
        try:
            cands.append((date(y, mon, d), date(y, mon, d)))
        except ValueError:
            continue  # February 29 in a common year
    return m.start(), m.end(), "day", False, _choose(cands, ctx.pub, ctx.tense(m.start(), m.end()))


def _month_year(m: re.Match, ctx: _Ctx) -> _Row | None:
    return m.start(), m.end(), "month", True, _month_span(int(m.group("my_y")), _month_of(m.group("my_m")))


def _quarter(m: re.Match, ctx: _Ctx) -> _Row | None:
    if m.group("qy_y") or m.group("qy_y2"):
        n = m.group("qy_n") or m.group("qy_n2") or ORDINALS[m.group("qy_o").lower()]
        return m.start(), m.end(), "quarter", True, _quarter_span(int(m.group("qy_y") or m.group("qy_y2")), int(n))
    return None


def _quarter_only(m: re.Match, ctx: _Ctx) -> _Row | None:
    q = int(m.group("q_n") or ORDINALS[m.group("q_o").lower()])
    if ctx.pub is None:
        return m.start(), m.end(), "quarter", False, None
    cands = [_quarter_span(y, q) for y in _years_around(ctx.pub)]
    return m.start(), m.end(), "quarter", False, _choose(cands, ctx.pub, ctx.tense(m.start(), m.end()))


def _decade(m: re.Match, ctx: _Ctx) -> _Row | None:
    if m.group("dec"):
        first = int(m.group("dec"))
    else:  # '90s, "the 1970s and 80s": the last such decade up to the 2020s
        tens = int(m.group("dec2") or m.group("dec3"))
        first = 2000 + tens if tens <= 20 else 1900 + tens
    return m.start(), m.end(), "decade", True, (date(first, 1, 1), date(first + 9, 12, 31))


def _ago(m: re.Match, ctx: _Ctx) -> _Row | None:
    """"two years ago": the day, month or year containing the publication date moved back. Weeks
    and decades ago are vague ("two weeks ago" rarely means a calendar week)."""
    n, unit = _number(m.group("ago_n")), m.group("ago_u").lower()
    if n is None or ctx.pub is None or unit in ("week", "decade"):
        return m.start(), m.end(), unit, False, None
    return m.start(), m.end(), unit, False, _unit_span(_shift(ctx.pub, unit, -n), unit)


def _past_n(m: re.Match, ctx: _Ctx) -> _Row | None:
    """"the past 12 months", "the next five years": a rolling window, not a calendar period: vague."""
    return m.start(), m.end(), m.group("pn_u").lower(), False, None


def _relative(m: re.Match, ctx: _Ctx) -> _Row | None:
    """"last week", "this year", "earlier this month", "next quarter", "the past year"."""
    w, unit = m.group("rel_w").lower().split()[-1], m.group("rel_u").lower()
    if unit == "day":
        return None  # "the last day of the talks" is not a date of its own
    if ctx.pub is None or w in ("past", "coming"):  # "the past month": a rolling window, vague
        return m.start(), m.end(), unit, False, None
    k = {"last": -1, "this": 0, "next": 1}[w]
    return m.start(), m.end(), unit, False, _unit_span(_shift(ctx.pub, unit, k), unit)


def _dayword(m: re.Match, ctx: _Ctx) -> _Row | None:
    w = m.group("dw").lower()
    k = -1 if w in ("yesterday",) or w.startswith("last") else 1 if w == "tomorrow" else 0
    if ctx.pub is None:
        return m.start(), m.end(), "day", False, None
    d = ctx.pub + timedelta(days=k)
    return m.start(), m.end(), "day", False, (d, d)


def _weekday(m: re.Match, ctx: _Ctx) -> _Row | None:
    wd, mod = WEEKDAYS[m.group("wd").lower()], (m.group("wd_mod") or "").lower()
    if ctx.pub is None:
        return m.start(), m.end(), "day", False, None
    days = [ctx.pub + timedelta(days=k) for k in range(-7, 8)]
    cands = [(d, d) for d in days if d.weekday() == wd]
    if mod == "coming":
        return m.start(), m.end(), "day", False, min(c for c in cands if c[0] >= ctx.pub)
    tense = ctx.tense(m.start(), m.end())  # "this Friday" goes by the tense, as a bare "Friday"
    return m.start(), m.end(), "day", False, _choose(cands, ctx.pub, tense, mod if mod in ("last", "next") else None)


def _month(m: re.Match, ctx: _Ctx) -> _Row | None:
    name, mod = m.group("m"), (m.group("m_mod") or "").lower()
    if name in ("May", "March") and not mod and not _month_context(ctx.text, m.start()):
        return None  # "May" the verb, "March" the noun
    mon = _month_of(name)
    if ctx.pub is None:
        return m.start(), m.end(), "month", False, None
    cands = [_month_span(y, mon) for y in _years_around(ctx.pub)]
    if mod == "this":
        return m.start(), m.end(), "month", False, _month_span(ctx.pub.year, mon)
    tense = ctx.tense(m.start(), m.end())
    return m.start(), m.end(), "month", False, _choose(cands, ctx.pub, tense, mod if mod in ("last", "next") else None)


def _month_context(text: str, pos: int) -> bool:
    w = re.search(r"([A-Za-z]+)[\s-]*$", text[max(0, pos - 20):pos])
    return bool(w) and w.group(1).lower() in _MONTH_BEFORE


def _year(m: re.Match, ctx: _Ctx) -> _Row | None:
    """A four-digit number from 1800 to 2099 is a year unless it reads as a count or a code:
    a plural noun, unit or clock word after it ("2000 troops", "1900 GMT"), a hedge or a label
    before it ("some 2000", "Flight 2012"), or a hyphen other than "mid-2025" before it."""
    y, start, text = int(m.group("y")), m.start(), ctx.text
    before = re.search(r"([A-Za-z.]+)[\s-]*$", text[max(0, start - 20):start])
    after = re.match(r"\s*([A-Za-z]+)", text[m.end():m.end() + 30])
    prev, nxt = before.group(1).lower() if before else "", after.group(1) if after else ""
    if start and text[start - 1] == "-" and prev not in ("mid", "early", "late"):
        return None
    if prev in _NOT_YEAR_BEFORE or nxt.lower() in _NOT_YEAR_AFTER or (
            nxt.islower() and nxt.endswith("s") and len(nxt) > 3 and nxt not in _YEAR_AFTER_OK):
        return None
    return start, m.end(), "year", True, (date(y, 1, 1), date(y, 12, 31))


def _vague(m: re.Match, ctx: _Ctx) -> _Row | None:
    unit = m.group("v_r") or m.group("v_c") or m.group("v_d") or m.group("v_e") or m.group("v_cp")
    gran = unit.lower().rstrip("s") if unit else None
    return m.start(), m.end(), gran if gran in GRANULARITIES else None, False, None


def _word_year(m: re.Match, ctx: _Ctx) -> _Row | None:
    """"nineteen ninety-three", "two thousand and six", "twenty twenty-four" (VOA Special English
    writes years out); not when a count follows ("two thousand three hundred", "... soldiers")."""
    after = re.match(r"\s*([A-Za-z]+)", ctx.text[m.end():m.end() + 30])
    if after and (after.group(1).lower() in ("hundred", "thousand", "million") or (
            after.group(1).islower() and after.group(1).endswith("s") and len(after.group(1)) > 3)):
        return None
    rest = m.group("wy_r") or m.group("wy_u") or m.group("wy_t")
    value = sum(WORD_VALUES[w] for w in re.split(r"[\s-]+", rest.lower()))
    y = {"nineteen": 1900, "eighteen": 1800}.get((m.group("wy_c") or "").lower(), 2000) + value
    return m.start(), m.end(), "year", True, (date(y, 1, 1), date(y, 12, 31))


def _named_day(m: re.Match, ctx: _Ctx) -> _Row | None:
    """Christmas, New Year's Day, World AIDS Day ...: with a year explicit, else by the tense."""
    month, day = NAMED_DAYS[re.sub(r"\s+", " ", m.group("nd").lower().replace("’", "'"))]

    def on(y: int) -> _Span:
        d = date(y, month, day) if day else date(y, 11, 22 + (3 - date(y, 11, 1).weekday()) % 7)
        return d, d

    if m.group("nd_y"):
        return m.start(), m.end(), "day", True, on(int(m.group("nd_y")))
    if ctx.pub is None:
        return m.start(), m.end(), "day", False, None
    cands = [on(y) for y in _years_around(ctx.pub)]
    return m.start(), m.end(), "day", False, _choose(cands, ctx.pub, ctx.tense(m.start(), m.end()))


_HANDLERS: dict[str, Callable[[re.Match, _Ctx], _Row | None]] = {
    "iso": lambda m, c: _explicit_day(m, c, "iso"), "mdy": lambda m, c: _explicit_day(m, c, "mdy"),
    "dmy": lambda m, c: _explicit_day(m, c, "dmy"), "md": lambda m, c: _month_day(m, c, "md"),
    "dm": lambda m, c: _month_day(m, c, "dm"), "my": _month_year, "qy": _quarter, "q": _quarter_only,
    "decade": _decade, "ago": _ago, "pastn": _past_n, "rel": _relative, "dayword": _dayword,
    "weekday": _weekday, "month": _month, "year": _year, "vague": _vague, "wyear": _word_year, "named": _named_day,
}


def _pub_date(published_at: datetime | date | None) -> date | None:
    if isinstance(published_at, datetime):
        return published_at.date()
    return published_at if isinstance(published_at, date) else None


def date_rows(article_id: str, text: str, sentences: list, published_at: datetime | None) -> list[dict]:
    """The `dates` rows of one article (``version`` is left for the caller to fill).

    ``sentences`` are :class:`newsflow.segment.Sentence` objects; ``published_at`` anchors the
    relative expressions (without it only explicit dates resolve, the others keep null dates).
    """
    ctx = _Ctx(text, _pub_date(published_at), list(sentences))
    rows = []
    for m in _matches(text):
        kind = m.lastgroup
        if kind is None or not _cased(m):
            continue
        try:
            found = _HANDLERS[kind](m, ctx)
        except (ValueError, OverflowError):  # a period before year 1 or after 9999
            found = (m.start(), m.end(), None, False, None)
        if found is None:
            continue
        start, end, gran, explicit, span = found
        if span is not None and span[0] > span[1]:
            span = None
        if (lead := _LEADING.match(text, start, end)) is not None and lead.end() < end:
            start = lead.end()  # "the 1990s" is "1990s", "late March" is "March" (its dates are March's)
        rows.append({
            "article_id": article_id, "version": None, "sentence_index": ctx.sentence(start)[0],
            "start": start, "end": end, "text": text[start:end],
            "start_date": span[0] if span else None, "end_date": span[1] if span else None,
            "granularity": gran, "resolved_from": None if span is None else "explicit" if explicit else "published_at",
        })
    return rows


def _cased(m: re.Match) -> bool:
    """Month and weekday names count only when capitalised ("may" and "march" are verbs)."""
    return all(w.group()[0].isupper() for w in _CASED.finditer(m.group()))


def dates_consistent(frame: Any) -> Any:
    """The `dates` table's ``_dates_consistent`` check column for a pandas DataFrame of rows:
    start_date <= end_date, both set or both null, and resolved_from set exactly when they are.
    Kept here, beside the code that makes the rows, for :func:`newsflow.validate.derive` to call."""
    start, end, how = frame["start_date"], frame["end_date"], frame["resolved_from"]
    has = start.notna()

    def ordered(s: Any, e: Any) -> bool:
        return s is None or e is None or s != s or e != e or s <= e  # (x != x: NaN or NaT)

    return ((has == end.notna()) & (has == how.notna()) & start.combine(end, ordered).astype(bool)).astype(bool)
