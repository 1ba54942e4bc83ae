"""Stage 5, numbers: money, percentages, quantities with units, counts, with normalised values.

A hand-written scanner rather than a model: amounts need exact, explainable normalisation
("around $11 billion" -> 11e9 USD, qualifier "~") and must run at thousands of sentences a
second. It finds a numeric core (digits or words), then reads the context to its left
(currency symbol, qualifier, change verb) and right (scale, range, unit, counted noun, object).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

# --------------------------------------------------------------------------- vocabularies

SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "tr": 1e12,
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7,
    "hundred": 1e2,
}
# Abbreviated scales that only count as scales next to a currency ("$5m"), never alone ("5m").
_MONEY_ONLY_SCALES = {"m", "b", "k", "tr"}

ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
    "hundredth": 100,
}

# Prefix currency markers, longest first so "US$" wins over "$".
CURRENCY_PREFIX = {
    "US$": "USD", "U.S.$": "USD", "USD": "USD", "C$": "CAD", "CA$": "CAD", "CAD": "CAD",
    "A$": "AUD", "AU$": "AUD", "AUD": "AUD", "HK$": "HKD", "HKD": "HKD", "NZ$": "NZD", "NT$": "TWD", "TWD": "TWD",
    "NZD": "NZD", "S$": "SGD", "SGD": "SGD", "R$": "BRL", "$": "USD", "£": "GBP", "GBP": "GBP",
    "€": "EUR", "EUR": "EUR", "¥": "JPY", "JPY": "JPY", "CN¥": "CNY", "RMB": "CNY", "CNY": "CNY",
    "₹": "INR", "Rs.": "INR", "Rs": "INR", "INR": "INR", "₩": "KRW", "KRW": "KRW", "₽": "RUB",
    "RUB": "RUB", "CHF": "CHF", "₺": "TRY", "₦": "NGN", "ZAR": "ZAR", "R": "ZAR",
}
# Suffix currency words -> (code, factor): "50 pence" is 0.5 GBP.
CURRENCY_WORDS = {
    "dollar": ("USD", 1.0), "dollars": ("USD", 1.0), "euro": ("EUR", 1.0), "euros": ("EUR", 1.0),
    "pound": ("GBP", 1.0), "pounds": ("GBP", 1.0), "sterling": ("GBP", 1.0),
    "yen": ("JPY", 1.0), "yuan": ("CNY", 1.0), "renminbi": ("CNY", 1.0),
    "rupee": ("INR", 1.0), "rupees": ("INR", 1.0), "pence": ("GBP", 0.01), "penny": ("GBP", 0.01),
    "cent": ("USD", 0.01), "cents": ("USD", 0.01), "franc": ("CHF", 1.0), "francs": ("CHF", 1.0),
    "won": ("KRW", 1.0), "rouble": ("RUB", 1.0), "roubles": ("RUB", 1.0), "ruble": ("RUB", 1.0),
    "rubles": ("RUB", 1.0), "rand": ("ZAR", 1.0), "naira": ("NGN", 1.0), "lira": ("TRY", 1.0),
    "crowns": ("SEK", 1.0), "crown": ("SEK", 1.0), "kronor": ("SEK", 1.0), "krona": ("SEK", 1.0),
    "kroner": ("NOK", 1.0), "dinars": ("KWD", 1.0), "riyal": ("SAR", 1.0), "reais": ("BRL", 1.0),
    "zloty": ("PLN", 1.0), "forint": ("HUF", 1.0), "hryvnia": ("UAH", 1.0), "dong": ("VND", 1.0),
    "taka": ("BDT", 1.0), "rial": ("IRR", 1.0), "rials": ("IRR", 1.0), "shekels": ("ILS", 1.0),
    "pesos": ("MXN", 1.0), "peso": ("MXN", 1.0), "soles": ("PEN", 1.0), "sol": ("PEN", 1.0),
    "shilling": ("KES", 1.0), "shillings": ("KES", 1.0), "ringgit": ("MYR", 1.0),
    "rupiah": ("IDR", 1.0), "baht": ("THB", 1.0), "dirhams": ("AED", 1.0), "riyals": ("SAR", 1.0),
}
ISO_4217 = frozenset(
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN "
    "BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS "
    "GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW "
    "KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD "
    "NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD "
    "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES "
    "VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL".split()
)
CURRENCY_CODES = ISO_4217
# Currency words shared by several countries: the sentence's country decides ("Norway ... crowns").
CURRENCY_CONTEXT = {
    "crown": [("norw", "NOK"), ("swed", "SEK"), ("denmark|danish", "DKK"), ("czech", "CZK"), ("iceland", "ISK")],
    "peso": [("argentin", "ARS"), ("mexic", "MXN"), ("chile", "CLP"), ("colombia", "COP"), ("philippin", "PHP"),
             ("urugua", "UYU")],
    "rupee": [("pakistan", "PKR"), ("sri lanka", "LKR"), ("nepal", "NPR"), ("indonesia", "IDR"), ("india", "INR")],
    "pound": [("egypt", "EGP"), ("leban", "LBP"), ("syria", "SYP")],
    "franc": [("swiss|switzerland", "CHF"), ("cfa", "XOF"), ("congo", "CDF")],
    "shilling": [("kenya", "KES"), ("uganda", "UGX"), ("tanzania", "TZS")],
    "dinar": [("kuwait", "KWD"), ("iraq", "IQD"), ("jordan", "JOD"), ("serbia", "RSD"), ("algeria", "DZD"),
              ("tunisia", "TND"), ("bahrain", "BHD")],
    "riyal": [("saudi", "SAR"), ("qatar", "QAR"), ("oman", "OMR")],
    "dollar": [],
    "real": [("brazil", "BRL")],
}
# Adjectives that change which dollar is meant.
DOLLAR_KIND = {"canadian": "CAD", "australian": "AUD", "hong kong": "HKD", "new zealand": "NZD",
               "singapore": "SGD", "us": "USD", "u.s.": "USD", "american": "USD", "taiwan": "TWD",
               "new taiwan": "TWD", "swiss": "CHF", "danish": "DKK", "norwegian": "NOK", "swedish": "SEK",
               "czech": "CZK", "argentine": "ARS", "argentinian": "ARS", "mexican": "MXN", "chilean": "CLP",
               "colombian": "COP", "philippine": "PHP", "indian": "INR", "pakistani": "PKR", "egyptian": "EGP",
               "turkish": "TRY", "brazilian": "BRL", "south african": "ZAR", "kenyan": "KES",
               "ugandan": "UGX", "saudi": "SAR", "qatari": "QAR", "jamaican": "JMD", "zimbabwe": "ZWL",
               "namibian": "NAD", "fijian": "FJD", "sri lankan": "LKR", "nepalese": "NPR"}

# Unit surface pattern -> canonical singular name. Longest alternatives first.
_UNITS: list[tuple[str, str]] = [
    (r"barrels?\s+(?:a|per)\s+day|bpd|b/d", "barrel per day"),
    (r"kilomet(?:re|er)s?\s+(?:an|per)\s+hour|km/h|kph", "kilometre per hour"),
    (r"miles?\s+(?:an|per)\s+hour|mph", "mile per hour"),
    (r"square\s+kilomet(?:re|er)s?|sq\.?\s*km|km2|km²", "square kilometre"),
    (r"square\s+miles?|sq\.?\s*mi", "square mile"),
    (r"square\s+met(?:re|er)s?|m2|m²", "square metre"),
    (r"cubic\s+met(?:re|er)s?|m3|m³", "cubic metre"),
    (r"metric\s+tons?|tonnes?|mt", "tonne"),
    (r"tons?", "ton"),
    (r"kilograms?|kilos?|kg", "kilogram"),
    (r"grams?", "gram"),
    (r"lbs?", "pound"),
    (r"ounces?|oz", "ounce"),
    (r"kilomet(?:re|er)s?|km", "kilometre"),
    (r"centimet(?:re|er)s?|cm", "centimetre"),
    (r"millimet(?:re|er)s?|mm", "millimetre"),
    (r"met(?:re|er)s?", "metre"),
    (r"nautical\s+miles?", "nautical mile"),
    (r"miles?", "mile"),
    (r"feet|foot|ft", "foot"),
    (r"inch(?:es)?", "inch"),
    (r"hectares?|ha", "hectare"),
    (r"acres?", "acre"),
    (r"litres?|liters?", "litre"),
    (r"gallons?", "gallon"),
    (r"barrels?", "barrel"),
    (r"°\s?C|degrees?\s+Celsius|degrees?\s+centigrade|degrees?\s+C\b", "degree Celsius"),
    (r"°\s?F|degrees?\s+Fahrenheit|degrees?\s+F\b", "degree Fahrenheit"),
    (r"degrees?", "degree"),
    (r"gigawatt[- ]hours?|GWh", "gigawatt hour"),
    (r"terawatt[- ]hours?|TWh", "terawatt hour"),
    (r"megawatt[- ]hours?|MWh", "megawatt hour"),
    (r"kilowatt[- ]hours?|kWh", "kilowatt hour"),
    (r"gigawatts?|GW", "gigawatt"),
    (r"megawatts?|MW", "megawatt"),
    (r"kilowatts?|kW", "kilowatt"),
    (r"knots?", "knot"),
    (r"kelvins?", "kelvin"),
    (r"Mbps|megabits?\s+per\s+second|Mbit/s", "megabit per second"),
    (r"Gbps|gigabits?\s+per\s+second|Gbit/s", "gigabit per second"),
    (r"decibels?|dB", "decibel"),
    (r"calories|kcal", "calorie"),
    (r"bushels?", "bushel"),
    (r"gigabytes?|GB", "gigabyte"),
    (r"terabytes?|TB", "terabyte"),
]
PERCENT_UNITS: list[tuple[str, str]] = [
    (r"percentage\s+points?|pp|ppts?", "percentage point"),
    (r"basis\s+points?|bps|bp", "basis point"),
    (r"%|per\s*cent|percent|pct", "percent"),
]

QUALIFIERS: list[tuple[str, str]] = [
    (r"more\s+than|over|above|at\s+least|exceeding|in\s+excess\s+of|upwards\s+of|greater\s+than|"
     r"higher\s+than|north\s+of|a\s+minimum\s+of", ">"),
    (r"less\s+than|fewer\s+than|under|below|up\s+to|at\s+most|no\s+more\s+than|lower\s+than|"
     r"just\s+under|a\s+maximum\s+of|as\s+(?:much|many)\s+as", "<"),
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
_NOT_NOUNS = frozenset(
    """
    of to in on at and or from for by with per than as a an the is was were are be been
    this that these those it its his her their our my your he she they we i you who which what
    percent per cent times time over under about around up down more less after before into
    against between while when if but so than then also only just even still yet nor
    said says say told according compared versus vs am pm a.m. p.m. gmt utc bst est
    million billion trillion thousand hundred
    """.split()
)
_IRREGULAR_PLURALS = {
    "people": "person", "children": "child", "men": "man", "women": "woman", "feet": "foot",
    "teeth": "tooth", "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife",
    "knives": "knife", "leaves": "leaf", "halves": "half", "thieves": "thief", "series": "series",
    "species": "species", "news": "news", "data": "data", "police": "police", "crises": "crisis",
    "analyses": "analysis", "indices": "index", "criteria": "criterion", "staff": "staff",
}


def singular(noun: str) -> str:
    """Cheap English singularisation, enough for counted nouns in news."""
    w = noun.lower()
    if w in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[w]
    if len(w) <= 3 or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes", "zes", "sses", "oes")):
        return w[:-2]
    if w.endswith("s"):
        return w[:-1]
    return w


# --------------------------------------------------------------------------- patterns

def _alt(keys) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


_WORD_NUM = _alt([*ONES, *TENS, "hundred", "dozen"])
_DIGITS = r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+,\d+|\d+(?:[.,]\d+)?|\.\d+"
# A core: digits, or a run of number words ("twenty-five", "a dozen", "half a", "one hundred").
_FRACTION_WORDS = r"halves|half|thirds?|quarters?|fifths?|sixths?|eighths?|tenths?"
CORE = re.compile(
    rf"(?<![\w-])(?P<fraction>(?:a|an|one|two|three|four|five|seven|nine)[\s-]+(?:{_FRACTION_WORDS})"
    rf"|(?:one|two|three|four|[1-9])\s+(?:in|out\s+of)\s+(?:every\s+)?(?:{_WORD_NUM}|[1-9]\d{{0,2}}))\b(?![-\d])"
    rf"|(?<=\s)(?P<half>half)\b(?!-)"
    rf"|(?:(?<![\w.,:/])|(?<=\bR)|(?<=\bRs)|(?<=\bUS))(?<!\w-)(?P<digits>{_DIGITS})(?![\d]|/\d|(?:st|nd|rd|th)\b)"
    rf"|(?<![\w-])(?P<words>(?:(?:a|an|half\s+an?)\s+(?=(?:dozen|hundred|thousand|million|billion|trillion)\b))?"
    rf"(?:{_WORD_NUM})(?:(?:[\s-]+|(?<=hundred)\s+and\s+)(?:{_WORD_NUM}))*)\b"
    rf"|(?<![\w-])(?P<article>an?|half\s+an?)\s+(?=(?:thousand|million|billion|trillion)\b)"
    rf"|(?<![\w-])(?P<ordinal>\d+(?:st|nd|rd|th)|{_alt(ORDINAL_WORDS)})\b",
    re.IGNORECASE,
)
# The second number of a range ("5-6"), which follows a dash and so cannot use CORE's guards.
_CORE_PLAIN = re.compile(
    rf"(?P<digits>{_DIGITS})(?![\d])|(?P<words>(?:{_WORD_NUM})(?:-(?:{_WORD_NUM}))?)\b"
    # CORE's other groups, never matching: _amount_at reads them by name
    r"(?P<article>(?!))?(?P<fraction>(?!))?(?P<half>(?!))?(?P<ordinal>(?!))?", re.I)
_SCALE_RE = re.compile(rf"\s*-?\s*(?P<scale>{_alt(SCALES)})\b\.?", re.IGNORECASE)
_SCALE_ATTACHED = re.compile(rf"(?P<scale>{_alt(SCALES)})\b", re.IGNORECASE)
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|to)\s*|\s+and\s+", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(rf"(?:(?<=[\s(\[“\"'/])|^)(?P<cur>{_alt(CURRENCY_PREFIX)})\s?$")
_UNIT_RE = [(re.compile(rf"\s*-?\s*(?:{p})(?![\w])", re.IGNORECASE), name) for p, name in _UNITS]
_PERCENT_RE = [(re.compile(rf"\s*(?:{p})(?![\w])", re.IGNORECASE), name) for p, name in PERCENT_UNITS]
_CUR_WORD_RE = re.compile(rf"\s+(?:(?P<adj>{_alt(DOLLAR_KIND)})\s+)?(?P<word>{_alt(CURRENCY_WORDS)})\b", re.IGNORECASE)
_CUR_CODE_AFTER = re.compile(rf"\s+(?P<code>{'|'.join(sorted(CURRENCY_CODES))})\b")
_QUALIFIER_NAMES = {"gt": ">", "lt": "<", "approx": "~", "up": "up", "down": "down"}
# One pattern for all qualifiers; on overlap the order of QUALIFIERS decides (">" before "~" ...).
_QUALIFIER_BEFORE = re.compile(
    r"(?:^|(?<=[\s(\[“\"']))(?:" + "|".join(
        f"(?P<{name}>{pat})" for name, (pat, _q) in zip(_QUALIFIER_NAMES, QUALIFIERS, strict=True)) + r")\s+$",
    re.IGNORECASE)
_CHANGE_BEFORE = re.compile(r"\b(?:by|from|rose|fell|cut|raised|lowered|increased|decreased|dropped|"
                            r"jumped|climbed|gained|lost|slid|up|down)\s+(?:\S+\s+)?$", re.I)
_BETWEEN_BEFORE = re.compile(r"(?:^|(?<=\s))(?:between|from)\s+$", re.IGNORECASE)
_NOUN_AFTER = re.compile(r"(?P<sep>\s+|-)(?P<noun>[a-z][a-z'’]*[a-z])\b(?!-)")
# Words before a number that make it a name or label, not an amount ("number 5", "route 66").
_LABEL_BEFORE = re.compile(
    r"\b(?:number|no\.|nos\.|#|route|flight|section|article|chapter|page|room|gate|platform|"
    r"line|code|level|grade|category|phase|stage|version|model|season|episode|item|unit|"
    r"paragraph|clause|amendment|resolution|highway|interstate|seat|row|box|channel)\s*$",
    re.IGNORECASE,
)
# A capitalised or alphanumeric modifier before a counted noun: "50,000 SU7 electric cars".
_MODIFIER = re.compile(r"\s+(?P<w>(?:[A-Z][\w-]*|\d+[A-Za-z]*|[A-Z]+\d*))(?=\s)")
_CELSIUS_ATTACHED = re.compile(r"(?P<u>[CF])\b")
_OBJECT_AFTER = re.compile(r"\s+of\s+(?P<obj>(?:the\s+)?[\w’'.&-]+(?:\s+[\w’'.&-]+){0,4})")
_OBJECT_STOP = frozenset(
    "up down from to in on at for by with that which who and or but as than per was were is are "
    "be been will would could should has have had a an currently now this last next each every "
    "over under since after before into its their his her".split()
)
_MONTH_NEAR = re.compile(rf"\b(?:{'|'.join(MONTHS)})\.?\s*$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"\s+(?:{'|'.join(MONTHS)})\b", re.IGNORECASE)
_TIME_AFTER = re.compile(r"(?::\d{2})|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT\b|BST\b|ET\b)", re.IGNORECASE)
_NAME_BEFORE = re.compile(r"(?:\b[a-z]?[A-Z][\w]*|No\.|no\.|#)\s?$")
_SENTENCE_OPENERS = frozenset("only just all some another nearly almost around over under by with".split())
_PHONE_AFTER = re.compile(r"[-\s.]\d{3,}")
_AGE_CONTEXT = re.compile(r"[A-Z][a-z]+,\s$")


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


# --------------------------------------------------------------------------- parsing helpers

def _parse_digits(s: str) -> float:
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


def parse_words(s: str) -> float | None:
    """Value of a run of number words: "twenty-five" 25, "a dozen" 12, "half a" 0.5."""
    words = [w for w in re.split(r"[\s-]+", s.lower()) if w and w != "and"]
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in ("a", "an"):
            current = max(current, 1.0)
        elif w == "half":
            current = 0.5
            seen = True
        elif w in ONES:
            current += ONES[w]
            seen = True
        elif w in TENS:
            current += TENS[w]
            seen = True
        elif w == "dozen":
            current = (current or 1.0) * 12
            seen = True
        elif w == "hundred":
            current = (current or 1.0) * 100
            seen = True
        else:
            return None
    return total + current if seen or current else None


def _scaled(value: float, factor: float) -> float:
    """value * factor without binary noise: 8.2 * 1e9 is 8200000000.0, not 8199999999.999999."""
    return float(Decimal(repr(value)) * Decimal(repr(factor)))


def _match_table(table, text: str, pos: int):
    for rx, name in table:
        m = rx.match(text, pos)
        if m:
            return m, name
    return None, None


@dataclass
class _Core:
    start: int
    end: int
    value: float
    is_words: bool


_FRACTION_VALUES = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
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


def _read_core(text: str, m: re.Match) -> _Core | None:
    if m.groupdict().get("half"):
        return _Core(m.start(), m.end(), 0.5, True)
    if m.groupdict().get("fraction"):
        v = parse_fraction(m.group("fraction"))
        return None if v is None else _Core(m.start(), m.end(), v, True)
    if m.group("digits"):
        return _Core(m.start(), m.end(), _parse_digits(m.group("digits")), False)
    if m.group("words"):
        v = parse_words(m.group("words"))
        return None if v is None else _Core(m.start(), m.end(), v, True)
    if m.group("article"):
        return _Core(m.start(), m.end(), 0.5 if m.group("article").lower().startswith("half") else 1.0, True)
    return None


def _read_scale(text: str, pos: int, money: bool) -> tuple[float, int]:
    """Multiply by any scale words after pos ("million", "bn", "half a million")."""
    factor = 1.0
    while True:
        m = _SCALE_ATTACHED.match(text, pos) if pos < len(text) and text[pos - 1].isdigit() else None
        m = m or _SCALE_RE.match(text, pos)
        if not m:
            return factor, pos
        word = m.group("scale").lower()
        if word in _MONEY_ONLY_SCALES and not money:
            return factor, pos
        if word == "hundred" and factor != 1.0:
            return factor, pos
        factor *= SCALES[word]
        pos = m.end()


# --------------------------------------------------------------------------- extraction

def extract(sentence: str, offset: int = 0) -> list[Amount]:
    """All amounts in one sentence; offsets are shifted by ``offset`` (the sentence start)."""
    out: list[Amount] = []
    pos, rejected_end = 0, -1
    while True:
        m = CORE.search(sentence, pos)
        if not m:
            break
        amount, end = _amount_at(sentence, m, out)
        # "Junctions 10 and 11", "won 3-1": the partner of a rejected label is a label too.
        if amount and rejected_end >= 0 and amount.kind == "cardinal" and re.fullmatch(
                r"\s*(?:and|or|to|-|–|&|/)\s*", sentence[rejected_end:amount.start]):
            amount = None
        if amount:
            out.append(amount)
            rejected_end = -1
        else:
            rejected_end = m.end()
        pos = max(end, m.end())
    return [_shift(a, offset) for a in _share_context(out, sentence)]


def _shift(a: Amount, offset: int) -> Amount:
    return a if not offset else Amount(**{**a.__dict__, "start": a.start + offset, "end": a.end + offset})


def _share_context(out: list[Amount], s: str) -> list[Amount]:
    """Fill what the text leaves implicit from the amounts around it.

    "20 million tonnes of US soybeans, up from 12 million tonnes": the second shares the object.
    "55,000 jobs, well above forecasts of 20,000": a bare number near a count counts the same thing.
    """
    res = list(out)
    for i, a in enumerate(res):
        if a.object is None and a.kind in ("quantity", "money"):
            prev = next((p for p in reversed(res[:i]) if p.unit == a.unit and p.object), None)
            if prev:
                res[i] = Amount(**{**a.__dict__, "object": prev.object})
    for i, a in enumerate(res):
        if a.kind != "cardinal" or a.value < 2 or a.value != int(a.value):
            continue
        near = []
        for j, b in enumerate(res):
            if j == i or b.kind not in ("count", "quantity"):
                continue
            gap = s[min(a.end, b.end):max(a.start, b.start)]
            if len(gap.split()) <= 12 and not re.search(r"[;:]", gap):
                near.append((len(gap), j <= i, b))
        if near:
            _, _, b = min(near, key=lambda t: (t[0], not t[1]))
            res[i] = Amount(**{**a.__dict__, "kind": b.kind, "unit": b.unit})
    return res


def _money_context(s: str, word: str, default: str) -> str:
    """Which country's crowns, pesos or rupees: the first country the sentence names."""
    key = singular(word.lower())
    low = s.lower()
    hits = [(low.find(m.group()), code) for pat, code in CURRENCY_CONTEXT.get(key, [])
            for m in [re.search(pat, low)] if m]
    return min(hits)[1] if hits else default


def _read_range(s: str, end: int, core: _Core, factor: float, currency: str | None,
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
    m2 = _CORE_PLAIN.match(s, after)
    core2 = _read_core(s, m2) if m2 else None
    if core2 is None or core2.is_words != core.is_words:
        return None
    factor2, end2 = _read_scale(s, core2.end, money=currency is not None)
    if factor2 != 1.0 and factor == 1.0 and core.value <= core2.value:
        factor = factor2  # "$5-6 billion": the scale belongs to both
    value = _scaled(core.value, factor)
    value_max = _scaled(core2.value, factor2 if factor2 != 1.0 else factor)
    return (value, value_max, factor, end2) if value_max > value else None


def _unit_after(s: str, end: int, core: _Core) -> tuple[str, str, int] | None:
    """(kind, unit, end) for a percent or measurement unit right after a number."""
    pm, pname = _match_table(_PERCENT_RE, s, end)
    if pm:
        return "percent", pname, pm.end()
    um, uname = _match_table(_UNIT_RE, s, end)
    if um:
        per = re.match(r"\s+per\s+(acre|hectare|capita|head|share|person|tonne|litre|gallon|"
                       r"kilogram|kg|week|month|year|hour|second|square\s+metre)\b", s[um.end():], re.I)
        if per and "per" not in uname:
            return "quantity", f"{uname} per {singular(per.group(1).lower())}", um.end() + per.end()
        return "quantity", uname, um.end()
    if not core.is_words and end == core.end and (cf := _CELSIUS_ATTACHED.match(s, end)):
        return "quantity", "degree Celsius" if cf.group("u") == "C" else "degree Fahrenheit", cf.end()
    return None


def _currency_after(s: str, end: int, value: float, value_max: float | None, out: list[Amount]):
    """Currency named after the number: "50 pence", "2.22 trillion crowns", "17.2bn AED", "7p"."""
    if (pm := re.match(r"p\b", s[end:])) and end > 0 and s[end - 1].isdigit():
        return "GBP", 0.01, end + pm.end()
    if (em := re.match(r"\s?€", s[end:])):
        return "EUR", 1.0, end + em.end()
    cw = _CUR_WORD_RE.match(s, end)
    if cw and not (cw.group("word").lower() in ("pound", "pounds") and re.match(r"\s+of\b", s[cw.end():])):
        word = cw.group("word").lower()
        code, frac = CURRENCY_WORDS[word]
        if cw.group("adj"):
            code = DOLLAR_KIND[cw.group("adj").lower()]
        elif frac < 1:
            # "up 30 cents" after "A$1.60": cents of the sentence's own currency
            prev = next((a.unit for a in reversed(out) if a.kind == "money"), None)
            if prev and prev not in ("GBP", "JPY", "INR") and word.startswith("cent"):
                code = prev
            elif re.search(r"€|\beuros?\b", s, re.I) and word.startswith("cent"):
                code = "EUR"
        else:
            code = _money_context(s, word, code)
        return code, frac, cw.end()
    cc = _CUR_CODE_AFTER.match(s, end)
    if cc:
        return cc.group("code"), 1.0, cc.end()
    return None


def _count_noun(s: str, end: int, value: float, value_max: float | None) -> tuple[str, int] | None:
    """The counted noun after a number, skipping up to two modifiers: "three equal instalments"."""
    pos, words = end, []
    for _ in range(3):
        nm = _NOUN_AFTER.match(s, pos)
        if not nm or nm.group("sep") == "-":
            mod = _MODIFIER.match(s, pos) if words or pos == end else None
            if mod and mod.group("w").lower() not in _NOT_NOUNS and mod.group("w").lower() not in MONTHS:
                words.append((mod.group("w"), mod.end()))
                pos = mod.end()
                continue
            break
        noun = nm.group("noun").lower().strip("'’")
        if noun in _NOT_NOUNS or noun in SCALES or noun in MONTHS:
            break
        words.append((noun, nm.end()))
        plural = singular(noun) != noun or noun in _IRREGULAR_PLURALS
        if plural:
            return singular(noun), nm.end()
        pos = nm.end()
    if words and value == 1 and value_max is None and len(words) == 1:
        return words[0][0], words[0][1]  # "one car"
    return None


def _tail(s: str, start: int, n: int = 64) -> tuple[str, int]:
    """The last words before ``start`` and their offset: context rules look only this far back,
    which keeps extraction linear in sentence length."""
    i = max(0, start - n)
    if i > 0:
        j = s.find(" ", i, start)
        i = j + 1 if j >= 0 else i
    return s[i:start], i


def _amount_at(s: str, m: re.Match, out: list[Amount]) -> tuple[Amount | None, int]:
    at_sentence_start = not s[: m.start()].strip(" \"“‘'(")
    if m.group("ordinal"):
        tok = m.group("ordinal")
        if tok[0].isupper() and not at_sentence_start:
            return None, m.end()  # "the Fourth of July", "Hornsea One"
        if re.match(r"-(?!(?:largest|biggest|highest|lowest|most|least|best|worst|fastest|"
                    r"richest|poorest|busiest|strongest|longest|smallest|oldest)\b)", s[m.end():]):
            return None, m.end()  # "first-class", "first-time"
        val = float(re.match(r"\d+", tok).group()) if tok[0].isdigit() else float(ORDINAL_WORDS[tok.lower()])
        return Amount(m.start(), m.end(), tok, "ordinal", val, None, None, "=", None), m.end()
    if m.group("half") and not re.search(
            r"\b(?:by|roughly|about|nearly|almost|around|than|over|under|some|just|only)\s+$", _tail(s, m.start())[0], re.I):
        return None, m.end()
    core = _read_core(s, m)
    if core is None:
        return None, m.end()
    if core.is_words and s[core.start].isupper() and not at_sentence_start:
        return None, m.end()  # "World War Two", "Formula One"
    start, end = core.start, core.end
    before, base = _tail(s, start)
    if not core.is_words and _MONTH_NEAR.search(before, max(0, len(before) - 14)):
        return None, end  # "Dec. 1", "March 5"

    currency = None
    cm = _CURRENCY_BEFORE.search(before)
    if cm and not core.is_words:
        currency = CURRENCY_PREFIX[cm.group("cur")]
        start = base + cm.start("cur")
    elif not core.is_words and (iso := re.search(r"(?:^|(?<=[\s(]))(?P<code>[A-Z]{3})\s?$", before)) \
            and iso.group("code") in ISO_4217:
        currency, start = iso.group("code"), base + iso.start("code")
    elif not core.is_words and re.search(r"\bUS$", before):
        currency, start = "USD", start - 2  # "US80 cents"
    if currency == "ZAR" and s[start] == "R" and not re.match(r"[\d.,]*(?:,\d{3}|\.\d)|\d+\s*(?:bn|billion|m\b|million|k\b)",
                                                            s[core.start:]):
        return None, end  # "R21" is a name, not 21 rand
    before, base = _tail(s, start)
    neg = re.search(r"(?:(?<=[\s(])|^)(?:[-−]|minus\s+)$", before, re.I)
    negative = neg is not None and not re.search(r"plus\s+or\s+minus\s+$", before, re.I)
    if neg:
        start = base + neg.start()

    if m.group("fraction"):
        of = re.match(r"\s+of\s+an?\s+(?=percentage|basis|per|mile|kilomet|tonne|metre|litre|hour|day|year)", s[end:], re.I)
        if of:
            end += of.end() - 1
    factor, end = _read_scale(s, end, money=currency is not None)
    value = _scaled(core.value, factor)
    value_max = None
    if re.match(r"(?:\s?[-–]\s?\d+)?(?:-year-olds?\b|\s+years?\s+old\b|\s*-?\s*year-olds?\b)", s[end:]) \
            or re.search(r"\bage[sd]?\s+(?:of\s+)?$|\bpeople\s+(?:over|under|aged)\s+$", _tail(s, start)[0], re.I):
        return None, end  # ages are not amounts
    if currency is None and re.match(r"-[a-z]", s[end:]):
        # "a 720-km cable" measures; "a 60-day state", "10-year bonds", "150-member house" describe
        um, uname = _match_table(_UNIT_RE, s, end)
        if not (um and uname not in ("degree",)):
            return None, end

    # Ranges: "$5-6 billion", "5 to 6 per cent", "between 8 and 10 per cent".
    before, base = _tail(s, start)
    between = _BETWEEN_BEFORE.search(before, max(0, len(before) - 12))
    between_start = base + between.start() if between else None
    change = _CHANGE_BEFORE.search(before, max(0, len(before) - 40))
    bare_then_unit = currency is None and factor == 1.0 and _TO_NUMBER_WITH_UNIT.match(s, end)
    # "fell $12 to $395" is a change and a new level; "by 50 to 75 basis points" is a range.
    rng = _read_range(s, end, core, factor, currency, allow_to=not change or bool(between or bare_then_unit),
                      between=between)
    if rng:
        value, value_max, factor, end = rng
        if between:
            start = between_start
    elif currency is None and factor == 1.0 and re.match(r"\s?[-–]\s?\d{1,3}\b(?![.,%\d])", s[end:]) \
            and not _unit_after(s, end + len(re.match(r"\s?[-–]\s?\d{1,3}", s[end:]).group()), core):
        return None, end + 4  # a score or a label pair: "won 3-1", "Junctions 10-11"

    kind, unit, obj = "cardinal", None, None
    if currency is None:
        after = _currency_after(s, end, value, value_max, out)
        if after:
            currency, frac, end = after
            value = _scaled(value, frac)
            value_max = _scaled(value_max, frac) if value_max is not None else None
    if currency:
        kind, unit = "money", currency
        sub = re.match(r"\s+(?:cents?|pence)\b", s[end:])
        if sub:  # "US80 cents"
            value, end = _scaled(value, 0.01), end + sub.end()
    elif (u := _unit_after(s, end, core)):
        kind, unit, end = u
    elif not (m.group("fraction") or m.group("half")):
        cn = _count_noun(s, end, value, value_max)
        if cn:
            kind, (unit, end) = "count", cn
    if value_max is None and kind in ("percent", "quantity", "money"):
        # "5.25%-5.50%", "between 4.5% and 4.75%": the unit repeats after each number
        rm = re.match(r"\s*(?:-|–|to|and)\s*", s[end:])
        if rm and (rm.group().strip() != "and" or between):
            m2 = CORE.match(s, end + rm.end()) or _CORE_PLAIN.match(s, end + rm.end())
            if m2 and (m2.groupdict().get("digits")):
                nxt, _ = _amount_at(s, m2, [])
                if nxt and nxt.kind == kind and nxt.unit == unit and nxt.value > value and nxt.qualifier == "=":
                    value_max, end = nxt.value, nxt.end
                    if between:
                        start = between_start

    if kind in ("quantity", "money", "count"):
        om = _OBJECT_AFTER.match(s, end)
        if om:
            words = []
            for w in om.group("obj").split():
                bare = w.strip(".,;:’'")
                if bare.lower() in _OBJECT_STOP or not bare:
                    break
                words.append(bare)
                if w != bare:
                    break
            obj = " ".join(words) or None

    before, base = _tail(s, start)
    if factor == 1.0 and _LABEL_BEFORE.search(before, max(0, len(before) - 16)):
        return None, end
    if kind in ("cardinal", "count") and not _plausible_cardinal(s, core, start, end, factor, kind):
        return None, end
    if core.is_words and kind == "cardinal" and value == 1 and factor == 1.0 and not m.group("fraction"):
        return None, end  # "one" alone is a pronoun more often than a number

    qualifier = "="
    qm = _QUALIFIER_BEFORE.search(before, max(0, len(before) - 36))
    if qm:
        name = qm.lastgroup
        qualifier, start = _QUALIFIER_NAMES[name], base + qm.start(name)
    if negative and kind != "count":
        value = -value
    if not math.isfinite(value):
        return None, end
    text = s[start:end].rstrip(" ,.")
    return Amount(start, start + len(text), text, kind, value, value_max, unit, qualifier, obj), end


def _plausible_cardinal(s: str, core: _Core, start: int, end: int, factor: float, kind: str) -> bool:
    """Filter bare numbers that are years, dates, times, names or phone numbers."""
    if factor != 1.0:
        return True
    digits = s[core.start:core.end]
    before = _tail(s, start)[0]
    if not core.is_words:
        if kind == "cardinal" and re.fullmatch(r"1[5-9]\d\d|20\d\d", digits):
            return False  # a year
        if _MONTH_NEAR.search(before) or _MONTH_AFTER.match(s, end):
            return False  # a date
        if _TIME_AFTER.match(s, core.end):
            return False
        if _PHONE_AFTER.match(s, core.end) and "," not in digits:
            return False
        if _AGE_CONTEXT.search(before) or (re.search(r"\w,\s$", before) and re.match(r",", s[end:])
                                           and core.value < 120 and kind == "cardinal"):
            return False  # "Smith, 45, said", "his wife, 58, was"
        if re.search(r"\d\s$", before) or re.match(r"\s\d{2,}\b", s[core.end:]):
            return False  # phone numbers in groups: "0800 555 111", "13 11 14"
        if re.match(r"[A-Z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Square|Place|Drive|"
                    r"Boulevard|Way|Terrace|Crescent)\b", s[core.end:]):
            return False  # "10 Downing Street", "221B Baker Street"
        nm = _NAME_BEFORE.search(before)
        if nm and nm.group().strip().lower() not in _NOT_NOUNS | _SENTENCE_OPENERS:
            return False  # "Section 427", "Boeing 737", "No. 10"
        if re.fullmatch(r"1[5-9]\d\d|20\d\d", digits) and re.search(r"\b(?:the|in|since|by|of)\s+$", before, re.I):
            return False  # "the 2032 notes"
    return True



_TO_NUMBER_WITH_UNIT = re.compile(
    rf"\s+to\s+[\d.,]+\s*(?:{'|'.join(p for p, _ in PERCENT_UNITS)}|{'|'.join(p for p, _ in _UNITS)})(?!\w)", re.I)
_CURRENCY_PREFIX_AT = re.compile(rf"(?:{_alt(CURRENCY_PREFIX)})\s?")
