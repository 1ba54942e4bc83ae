"""Number words and digit groups: how the numbers scanner reads the numeric core itself.

"twenty-five", "two and a half", "a third", "1,81,343" (Indian grouping), "1.234,5" (continental),
"2½": the values of what :mod:`newsflow.numbers` finds. Split out of the scanner so each module
stays readable; nothing here knows about units or currencies.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from newsflow.lexicon import adjective_only

SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "tr": 1e12, "t": 1e12,
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7,
    "hundred": 1e2,
}
# Abbreviated scales that only count as scales next to a currency ("$5m"), never alone ("5m").
MONEY_ONLY_SCALES = {"m", "b", "k", "tr", "t"}

ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000,
    "millionth": 1e6,
}
VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}

QUALIFIERS: list[tuple[str, str]] = [
    (r"more\s+than|over|above|exceeding|in\s+excess\s+of|upwards\s+of|greater\s+than|"
     r"higher\s+than|north\s+of", ">"),
    (r"at\s+least|a\s+minimum\s+of|no\s+(?:fewer|less)\s+than|not\s+less\s+than", ">="),  # the bound itself counts
    (r"less\s+than|fewer\s+than|under|below|lower\s+than|just\s+under", "<"),
    (r"up\s+to|at\s+most|no\s+more\s+than|a\s+maximum\s+of|as\s+(?:much|many|high)\s+as", "<="),
    (r"around|about|roughly|approximately|approx\.|nearly|almost|some|an\s+estimated|"
     r"estimated|close\s+to|circa|c\.|just\s+over|more\s+or\s+less|an\s+approximate", "~"),
    (r"(?:rose|rise[sn]?|rising|increased|increases?|increasing|grew|grow(?:s|n|ing)?|climbed|"
     r"climbs?|jumped|jumps?|gained|gains?|surged|surges?|soared|soars?|added|adds?|"
     r"up|higher)(?:\s+(?:by|from))?|(?:an?\s+)?(?:increase|rise|jump|gain|growth)\s+of", "up"),
    (r"(?:fell|falls?|fallen|falling|dropped|drops?|declined|declines?|decreased|decreases?|"
     r"slid|slides?|slumped|slumps?|plunged|plunges?|shrank|shrinks?|lost|loses?|down|lower|"
     r"cut|cuts?|reduced|reduces?)(?:\s+(?:by|from))?|(?:an?\s+)?(?:decrease|fall|drop|decline|"
     r"cut|loss)\s+of", "down"),
]

MONTHS = ("january february march april may june july august september october november december "
          "jan feb mar apr jun jul aug sep sept oct nov dec").split()

# Words that cannot be a counted noun straight after a number.
NOT_NOUNS = frozenset(
    """
    of to in on at and or from for by with per than as a an the is was were are be been
    this that these those it its his her their our my your he she they we i you who which what
    percent per cent times time over under about around up down more less after before into
    against between while when if but so than then also only just even still yet nor
    said says say told according compared versus vs am pm a.m. p.m. gmt utc bst est
    million billion trillion thousand hundred each apiece
    without within among amongst across through throughout despite via amid amidst onto toward towards
    upon beyond behind beneath beside besides alongside else whereas unless although though whether because
    until whilst could would should might may must can will shall
    """.split()
)
IRREGULAR_PLURALS = {
    "people": "person", "children": "child", "men": "man", "women": "woman", "feet": "foot",
    "teeth": "tooth", "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife",
    "knives": "knife", "leaves": "leaf", "halves": "half", "thieves": "thief", "series": "series",
    "species": "species", "news": "news", "data": "data", "police": "police", "crises": "crisis",
    "analyses": "analysis", "indices": "index", "criteria": "criterion", "staff": "staff member",
    "innings": "innings", "buses": "bus", "viruses": "virus", "bonuses": "bonus", "campuses": "campus", "statuses": "status",
    "premises": "premises", "personnel": "personnel", "passersby": "passerby", "passers-by": "passer-by",
    "crew": "crew member",  # "24 crew on board": the people of a crew, as the labels count them
}


# Nouns whose plural is the singular: counted after a number above one when the noun phrase ends
# there ("9.1 million head in 2001", "12 aircraft were grounded"), not as a modifier ("two head coaches").
INVARIANT_PLURALS = frozenset("head aircraft spacecraft sheep deer cattle livestock".split())
# Nouns ending in "s" that are not plurals and name what is counted, not the count: "131,441
# confirmed measles cases" counts cases.
NOT_PLURALS = frozenset("measles mumps rabies diabetes herpes scabies rickets shingles news physics economics "
                        "politics athletics gymnastics aerobics logistics".split())
# "290 others", "13 others are missing": the noun news leaves out after a number is people.
ELIDED_NOUNS = {"others": "person"}
# "700 injured", "20 dead": an adjective standing for the people it describes.
CASUALTY_WORDS = frozenset("injured dead wounded missing hurt killed".split())
# An adjective and a noun that name one kind of thing, counted whole as every real labeller does
# ("12 named storms", "three major hurricanes" in NOAA outlooks; "two personal fouls", "4 free
# throws" in box scores); any other adjective before a counted noun is left out.
TERMS_OF_ART = frozenset(("named storm", "major hurricane", "tropical storm", "tropical depression",
                          "personal foul", "technical foul", "free throw", "free kick", "field goal",
                          "job opening", "suicide bomber"))  # JOLTS: "job openings fell by 2.3 million" count openings of jobs;
# "two female suicide bombers" are suicide bombers (every real label keeps the compound)
# Words between a number and its noun that do not change what is counted: "19 more weeks".
COUNT_MODIFIERS = frozenset("more additional further extra other".split())
# Labour-market words that stand for what they count: "payrolls rose by 200,000" are jobs,
# "unemployment rose by 5,000" are people (the rate is a percent, and not counted).
# A death toll counts deaths ("the death toll rose to 95": 95 deaths), as 68 of the 82 bare
# figures after "death toll" in the forty real-news dev sets are labelled (9 of the 14 "person"
# from one annotator).
COUNTED_SUBJECTS = {"employment": "job", "payrolls": "job", "payroll": "job", "unemployment": "person",
                    "toll": "death", "tolls": "death", "ridership": "passenger",
                    "population": "person",  # "the U.S. population grew by 2.3 million"
                    "net migration": "person",  # "annual net migration peaked at 60,700": people
                    "cattle": "head", "marketings": "head"}  # "Cattle on feed ... totaled 11.6 million": head
# Plural nouns that are measured, not counted: "prices rose to 80" does not count prices.
MEASURE_NOUNS = frozenset(
    """prices shares stocks rates yields sales earnings profits revenues costs exports imports bills
    bonds markets futures values levels temperatures wages salaries incomes savings reserves assets
    debts losses gains returns volumes numbers figures totals estimates forecasts expectations
    inflows outflows emissions rains waters seas tides winds speeds indexes indices averages
    """.split())
_SINGULAR_MEN = frozenset("specimen abdomen regimen acumen omen stamen hymen amen".split())
# Adjectives news puts between a number and its noun, beyond what their endings show.
_ADJECTIVES = frozenset(
    """new old big small large high low top major minor young dark few many much key main full
    real same own last next first long short hot cold free open rare wild dry wet green red black
    white blue poor rich good bad great huge tiny little vast senior junior prime daily weekly joint fresh
    net gross former private foreign overseas more other extra further additional separate
    different various several numerous certain entire whole total average remaining hungry
    newborn recent current potential possible similar known unknown midget angry fake such pregnant
    sick independent incumbent elite frail innocent elderly dead missing armed suspected alleged
    unemployed homeless brave loyal hostile rival key chief lead top vulnerable eligible
    straight consecutive accused male female intermediate undergraduate
    """.split())
_ADJECTIVE_ENDINGS = ("al", "ic", "ous", "ive", "ful", "less", "able", "ible", "ary", "ese", "ish",
                      "ed", "ing", "est", "ern", "ly")


def looks_adjective(word: str) -> bool:
    """Whether a word before a counted noun is more likely an adjective than a noun. The short list
    below first (news uses "rival", "key", "top" as adjectives), then WordNet's answer when it
    knows only one of the two (:mod:`newsflow.lexicon`: "two frozen bodies", "one building"), else
    endings: a cheap test that keeps the scanner free of a tagger."""
    w = word.lower()
    if w in _ADJECTIVES or "-" in w:
        return True
    for suffix in ("er", "est"):
        stem = w.removesuffix(suffix)
        if stem not in (w, "own") and {stem, stem + "e", stem[:-1] if stem[-2:-1] == stem[-1:] else stem} & _ADJECTIVES:
            return True  # "smaller", "larger", "biggest": comparatives of the words below
    if (known := adjective_only(w)) is not None:
        return known
    return len(w) > 4 and w.endswith(_ADJECTIVE_ENDINGS)


def singular(noun: str) -> str:
    """Cheap English singularisation, enough for counted nouns in news."""
    w = noun.lower()
    if w in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[w]
    if w.endswith("men") and len(w) > 4 and w not in _SINGULAR_MEN:
        return w[:-3] + "man"  # "policemen", "fishermen"
    if len(w) <= 3 or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes", "zes", "sses", "oes")):
        return w[:-2]
    if w.endswith("s"):
        return w[:-1]
    return w


def parse_digits(s: str) -> float:
    if s[-1] in VULGAR:  # "2½", "⅓"
        return float(s[:-1] or 0) + VULGAR[s[-1]]
    if re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?", s):  # "32 225 000" (SI grouping)
        return float(re.sub(r"[ \u00a0\u202f\u2009]", "", s).replace(",", "."))
    if " " in s or "/" in s:  # "2 1/2", "4-1/2", "9/16"
        whole, frac = re.split(r"[\s-]", s) if re.search(r"[\s-]", s) else ("0", s)
        num, den = frac.split("/")
        return float(whole) + int(num) / int(den) if int(den) else math.nan
    if re.fullmatch(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?", s):  # 1,81,343 (Indian lakh grouping)
        return float(s.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d+", s):  # 1.234,5 (continental)
        return float(s.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        return float(s.replace(",", ""))
    if re.fullmatch(r"\d+,\d{1,2}", s):  # 8,2 (decimal comma)
        return float(s.replace(",", "."))
    if re.fullmatch(r"\d+,\d+", s):
        return float(s.replace(",", ""))
    return float(s)


BIG_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
               "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_AND_FRACTION = re.compile(r"^(?P<whole>.+?)\s+and\s+(?P<frac>(?:a|an|one|two|three)[\s-]+\w+)$", re.I)


def parse_words(s: str) -> float | None:
    """Value of a run of number words: "twenty-five" 25, "a dozen" 12, "half a" 0.5,
    "one-hundred-and-ten" 110, "two-million-one-hundred-sixty-thousand" 2160000 (VOA's spelled-out
    style), "four-point-four" 4.4, "one and one-half" 1.5.

    None when the words do not make one number: "nineteen-ninety" is a year said as two numbers
    (teens or tens followed by tens), not 109."""
    fm = _AND_FRACTION.match(s.strip())
    if fm and (frac := parse_fraction(fm.group("frac"))) is not None:
        whole = parse_words(fm.group("whole"))
        return None if whole is None else whole + frac
    words = [w for w in re.split(r"[\s-]+", s.lower()) if w and w != "and"]
    if "point" in words:
        i = words.index("point")
        whole, digits = parse_words(" ".join(words[:i])), [DIGIT_WORDS.get(w) for w in words[i + 1:]]
        if whole is None or not digits or None in digits:
            return None
        return float(f"{int(whole)}.{''.join(digits)}")
    return _sum_words(words)


def _sum_words(words: list[str]) -> float | None:
    """The value of number words without a decimal point or a trailing fraction."""
    total, current, seen = 0.0, 0.0, False
    for i, w in enumerate(words):
        if w in ("a", "an") and i + 1 < len(words) and words[i + 1] == "half" and current >= 1:
            continue  # "two and a half"
        if w in ("a", "an"):
            current = max(current, 1.0)
        elif w == "half":
            current = current + 0.5 if current >= 1 and i and words[i - 1] == "a" else 0.5
            seen = True
        elif w in ONES or w in TENS:
            v = ONES.get(w, TENS.get(w, 0))
            if current % 100 and not (v < 10 and current % 100 >= 20 and current % 10 == 0):
                return None  # "nineteen-ninety", "twenty twenty": a year, or two numbers
            current += v
            seen = True
        elif w == "dozen":
            current = (current or 1.0) * 12
            seen = True
        elif w == "hundred":
            current = (current or 1.0) * 100
            seen = True
        elif w in BIG_SCALES:
            total += (current or 1.0) * BIG_SCALES[w]
            current, seen = 0.0, True
        else:
            return None
    return total + current if seen or current else None


def scaled(value: float, factor: float) -> float:
    """value * factor without binary noise: 8.2 * 1e9 is 8200000000.0, not 8199999999.999999."""
    return float(Decimal(repr(value)) * Decimal(repr(factor)))


_FRACTION_VALUES = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
                    "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8,
                    "tenth": 10, "tenths": 10}


def parse_fraction(s: str) -> float | None:
    """ "a third" 1/3, "three-quarters" 0.75, "one in five" 0.2, "3 out of 10" 0.3."""
    words = re.split(r"[\s-]+", s.lower())
    if "in" in words or "of" in words:
        num = parse_words(words[0]) if not words[0].isdigit() else float(words[0])
        den = words[-1]
        den_v = float(den) if den.isdigit() else parse_words(den)
        return num / den_v if num and den_v else None
    num = 1.0 if words[0] in ("a", "an") else parse_words(words[0])
    den = _FRACTION_VALUES.get(words[-1])
    return num / den if num and den else None
