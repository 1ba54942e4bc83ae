"""Units and currencies for the numbers scanner: a maintained registry, not a hand-written list.

Physical units come from quantulum3's registry (``quantulum3/units.json``, MIT: hundreds of
units with surface forms, symbols and the quantity they measure), read as data; quantulum3's
parser is never imported. Currencies come from Babel's CLDR data (ISO 4217 codes in use,
English names, symbols, which country uses which). The project's own conventions on top of
both (unit names, what news text means by "crowns" or "Mt", forms too ambiguous to match) are
data too: ``unit_conventions.json`` and ``currency_conventions.json`` beside this module.

Matching is by two trie-shaped regular expressions compiled once (words in any case, symbols
in exact case), so a lookup after a number costs about as much as one short literal match,
which keeps the scanner at thousands of sentences a second.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from newsflow.numwords import MONTHS, NOT_NOUNS, ONES, SCALES, TENS, singular

HERE = Path(__file__).resolve().parent
UNIT_CONVENTIONS = HERE / "unit_conventions.json"
CURRENCY_CONVENTIONS = HERE / "currency_conventions.json"


@dataclass(frozen=True)
class Unit:
    """A unit as the numbers table reports it: singular name, dimension, amount kind."""

    name: str
    dimension: str | None
    kind: str = "quantity"  # or "percent"
    factor: float = 1.0  # a symbol with its own scale: "Bcf" is 1e9 cubic feet


def quantulum_file(*parts: str) -> Path:
    """A data file inside the installed quantulum3 package, found without importing it (its
    import pulls in its parser and inflect, which the scanner does not need)."""
    spec = importlib.util.find_spec("quantulum3")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("quantulum3 is not installed (pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


def alt(keys: Iterable[str]) -> str:
    """A regex alternation of literal strings, longest first so the longest form wins."""
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


def load_json(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


# --------------------------------------------------------------------------- surface forms

def plural(word: str) -> str:
    """English plural of a unit word: enough for unit names ("inch" -> "inches")."""
    low = word.lower()
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def surface_forms(surface: str) -> set[str]:
    """A surface with its plurals: the head noun is the first word of "degree Celsius" and
    "pound per square inch", the last of "square kilometre"; both are generated."""
    words = surface.split()
    forms = {surface, " ".join([*words[:-1], plural(words[-1])])}
    if len(words) > 1:
        forms.add(" ".join([plural(words[0]), *words[1:]]))
        for i in range(1, len(words)):
            if words[i] in ("per", "of", "a", "an"):  # "barrels per day", "inches of mercury"
                forms.add(" ".join([*words[: i - 1], plural(words[i - 1]), *words[i:]]))
    if "-" not in surface and len(words) == 2 and words[0] != "degree":
        forms |= {f.replace(" ", "-", 1) for f in list(forms)}  # "kilowatt-hour", "square-foot"
    return forms


def trie_pattern(keys: list[str]) -> str:
    """One regex alternation shaped like a trie of ``keys``: a lookup walks the shared prefixes
    once instead of trying every key. Longer keys are tried first; a space matches any run of
    whitespace."""
    root: dict = {}
    for key in keys:
        node = root
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + emit(child)
                for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


# --------------------------------------------------------------------------- unit registry

def _prefixed(name: str, unit: dict, prefixes: dict[str, str]) -> Iterator[tuple[str, dict]]:
    """A unit and its SI-prefixed forms, as quantulum3 expands its own registry."""
    yield name, unit
    for p in unit.get("prefixes", []):
        word = prefixes[p]
        yield word + name, {**unit, "prefixes": [], "surfaces": [word + s for s in unit.get("surfaces", [])],
                            "symbols": [p + s for s in unit.get("symbols", [])]}


def _registry_units(conv: dict) -> dict[str, dict]:
    """quantulum3's units in the project's dimensions and names: name -> {dimension, surfaces, symbols}."""
    out: dict[str, dict] = {}
    skip = set(conv["skip_units"])
    for name, unit in load_json(quantulum_file("units.json")).items():
        dim = conv["dimensions"].get(unit.get("entity", ""))
        if dim is None or name in skip:
            continue
        for full, u in _prefixed(name, unit, conv["si_prefixes"]):
            new = conv["rename"].get(full, full)
            entry = out.setdefault(new, {"dimension": conv["dimension"].get(new, dim), "surfaces": set(),
                                         "symbols": set()})
            entry["surfaces"] |= {*u.get("surfaces", []), new}
            entry["symbols"] |= set(u.get("symbols", []))
    for name, extra in conv["units"].items():
        dim = extra.get("dimension", out.get(name, {}).get("dimension"))
        for full, u in _prefixed(name, extra, conv["si_prefixes"]):
            entry = out.setdefault(full, {"dimension": dim, "surfaces": set(), "symbols": set()})
            entry["dimension"] = dim if "dimension" in extra or full != name else entry["dimension"]
            entry["surfaces"] |= set(u.get("surfaces", []))
            entry["symbols"] |= set(u.get("symbols", []))
    return out


class UnitMatcher:
    """Surface form or symbol -> Unit, matched right after a number."""

    def __init__(self, units: dict[str, Unit], words: dict[str, str], symbols: dict[str, str],
                 caps: dict[str, str] | None = None):
        self.units = units
        self.words = words  # lower-case surface -> unit name
        self.symbols = symbols  # exact symbol -> unit name
        self.caps = caps or {}  # upper-case symbol in ALL-CAPS text -> unit name
        self._caps_rx = re.compile(r"\s*(?:-\s*)?(" + trie_pattern(sorted(self.caps)) + r")(?!\w)") if caps else None
        # "(?!-\d)": in "two magnitude-5 aftershocks" the unit belongs to the number after it
        self._words_rx = re.compile(r"\s*(?:-\s*)?(" + trie_pattern(sorted(words)) + r")(?!\w|-\d)", re.I)
        self._symbols_rx = re.compile(r"\s*(?:-\s*)?(" + trie_pattern(sorted(symbols)) + r")(?!\w)")
        self._lead = re.compile(r"\s*(?:-\s*)?")

    def match(self, text: str, pos: int) -> tuple[Unit, int] | None:
        """The longest unit at ``pos`` (after optional space or hyphen) and where it ends."""
        w = self._words_rx.match(text, pos)
        s = self._symbols_rx.match(text, pos)
        if self._caps_rx and (c := self._caps_rx.match(text, pos)) and c.end() >= max(
                w.end() if w else 0, s.end() if s else 0) and _all_caps(text, pos):
            return self.units[self.caps[c.group(1)]], c.end()  # "947 MB" in an advisory
        if s and (not w or s.end() > w.end()):
            return self.units[self.symbols[s.group(1)]], s.end()
        if w:
            return self.units[self.words[" ".join(w.group(1).lower().split())]], w.end()
        return None

    def __contains__(self, name: str) -> bool:
        return name in self.units


@cache
def unit_matcher() -> UnitMatcher:
    """The registry's units plus the project's, with the forms news text must not match removed."""
    conv = load_json(UNIT_CONVENTIONS)
    skip_words = {s.lower() for s in conv["skip_surfaces"]}
    skip_symbols, keep = set(conv["skip_symbols"]), set(conv["keep_symbols"])
    units: dict[str, Unit] = {}
    words: dict[str, str] = {}
    symbols: dict[str, str] = {}
    entries = list(_registry_units(conv).items())
    entries += [(n, {"dimension": "ratio", "kind": "percent", "surfaces": set(e.get("surfaces", [])),
                     "symbols": set(e.get("symbols", []))}) for n, e in conv["percent"].items()]
    own = set(conv["units"]) | set(conv["percent"])
    for name, e in entries:
        units[name] = Unit(name, e["dimension"], e.get("kind", "quantity"))
        for surface in e["surfaces"]:
            if surface.lower() in skip_words:
                continue
            for form in surface_forms(" ".join(surface.lower().split())):
                if form not in words or name in own:  # the project's own units win a shared form
                    words[form] = name
        for sym in e["symbols"]:
            if sym not in skip_symbols and (len(sym) > 1 or sym in keep) and (sym not in symbols or name in own):
                symbols[sym] = name
    for sym, (name, factor) in ((k, v) for k, v in conv["scaled_symbols"].items() if not k.startswith("_")):
        units[sym] = Unit(name, units[name].dimension, factor=float(factor))
        symbols[sym] = sym
    caps = {sym.upper(): name for sym, name in symbols.items() if sym.islower() and sym.upper() not in symbols}
    caps.update({k: v for k, v in conv["caps_symbols"].items() if not k.startswith("_")})
    return UnitMatcher(units, words, symbols, caps)


def _all_caps(text: str, pos: int) -> bool:
    """Whether the text around ``pos`` is written in capitals (an advisory, a headline)."""
    return text[max(0, pos - 30):pos + 30].isupper()


@cache
def rate_settings() -> tuple[bool, frozenset[str]]:
    """(money_rates, article_rate_kinds): whether "$80 per barrel" is one unit "USD per barrel",
    and the amount kinds whose "a"/"an" rates fold too ("$80 a barrel"); the conventions file
    says why only money's do."""
    conv = load_json(UNIT_CONVENTIONS)
    return bool(conv["money_rates"]), frozenset(conv["article_rates"])


@cache
def fractions_as_percent() -> bool:
    """Whether "half" is 50 percent (the real-news labels) or the ratio 0.5."""
    return bool(load_json(UNIT_CONVENTIONS)["fractions_as_percent"])


@cache
def time_units() -> dict[str, str]:
    """quantulum3's time units, abbreviations included ("hrs" -> "hour", "yr" -> "year"): counted
    nouns here ("3 years" is a count of years, as the labelled sets have it), dimension "time"."""
    conv = load_json(UNIT_CONVENTIONS)
    out: dict[str, str] = {}
    for name, u in load_json(quantulum_file("units.json")).items():
        if u.get("entity") != "time" or name in conv["skip_units"]:
            continue
        symbols = [s for s in u.get("symbols", []) if len(s) > 1 and s not in conv["skip_symbols"]]
        for form in [name, *u.get("surfaces", [])]:
            out[form.lower()] = out[plural(form.lower())] = name
        for sym in symbols:
            out[sym.lower()] = out[sym.lower() + "s"] = name  # "hr", "hrs"
    return out


@cache
def unit_before() -> tuple[re.Pattern, dict[str, str]]:
    """Units written before their number ("magnitude 6.6"): a pattern ending where the number
    starts, and its lower-case text -> unit name."""
    raw = {f: name for name, fs in load_json(UNIT_CONVENTIONS)["units_before"].items()
           if not name.startswith("_") for f in fs}
    forms = {f.lower(): name for f, name in raw.items()}
    # words in any case ("Magnitude 6"); symbols in their own case ("Mw 7.1", never "ms 5")
    words = [f for f in raw if f.islower()]
    symbols = [f for f in raw if not f.islower()]
    alts = "|".join(filter(None, [f"(?i:{alt(words)})" if words else "", alt(symbols)]))
    return re.compile(r"(?:^|(?<=\W))(?P<u>" + alts + r")\s*-?\s*$"), forms


@cache
def conversion_symbols() -> dict[str, str]:
    """One- and two-letter symbols left out of the matcher ("m", "in") that name a unit inside a
    bracketed conversion of the same dimension: "5,000 feet (1,500 m)"."""
    return {k: v for k, v in load_json(UNIT_CONVENTIONS)["conversion_symbols"].items() if not k.startswith("_")}


@cache
def capitalised_common_nouns() -> frozenset[str]:
    """Counted nouns releases capitalise by house style ("eight Member States"): lower-cased."""
    return frozenset(load_json(UNIT_CONVENTIONS)["capitalised_common_nouns"]["nouns"])


@cache
def rate_nouns() -> dict[str, str]:
    """Words after "per" named otherwise as a denominator: "per annum" is "per year"."""
    return {k: v for k, v in load_json(UNIT_CONVENTIONS)["rate_nouns"].items() if not k.startswith("_")}


# --------------------------------------------------------------------------- currencies

@dataclass(frozen=True)
class Currencies:
    """What news text writes for money, resolved to ISO 4217 codes."""

    codes: frozenset[str]
    prefix: dict[str, str]  # marker before the number ("US$", "Rs", "₱") -> code
    words: dict[str, str]  # currency word after the number, singular or plural -> default code
    adjectives: dict[str, str]  # "swedish" -> SEK, "hong kong" -> HKD
    minor: dict[str, tuple[str, float, str]]  # "cents" -> ("context", 0.01, "USD"), "pence" -> GBP
    context: dict[str, list[tuple[re.Pattern, str]]]  # "crowns" -> [(norway|norwegian, NOK), ...]

    def in_context(self, sentence: str, word: str, default: str) -> str:
        """Which country's crowns, pesos or rupees: the first country the sentence names."""
        best = None
        for rx, code in self.context.get(word.lower(), ()):
            m = rx.search(sentence)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), code)
        return best[1] if best else default


def babel_names() -> tuple[dict[str, list[str]], dict[str, tuple[str, str]]]:
    """(code -> names of the territories whose legal tender it is today,
    code -> (English singular name, plural name)), from Babel's CLDR data."""
    from babel import Locale
    from babel.numbers import get_currency_name, get_territory_currencies

    loc = Locale("en")
    users: dict[str, list[str]] = {}
    for code, name in loc.territories.items():
        if len(code) == 2 and code.isalpha():
            for cur in get_territory_currencies(code, tender=True):
                users.setdefault(cur, []).append(name)
    names = {c: (loc.currencies[c], get_currency_name(c, count=2, locale="en")) for c in users}
    return users, names


def _currency_words(conv: dict, names: dict[str, tuple[str, str]]) -> tuple[dict, dict, dict]:
    """(word -> code, adjective -> code, word -> codes whose name ends in it) from Babel's names,
    the conventions winning where news usage differs."""
    by_last: dict[str, set[str]] = {}
    adjectives: dict[str, set[str]] = {}
    for code, (one, many) in names.items():
        for name in (one, many):
            *adj, last = name.lower().split()
            by_last.setdefault(last, set()).add(code)
            if adj:
                adjectives.setdefault(" ".join(adj), set()).add(code)
    skip = set(conv["skip_words"])
    words = {w: next(iter(c)) for w, c in by_last.items() if len(c) == 1 and w not in skip}
    for word, code in conv["words"].items():
        words[word] = code
        words.setdefault(word if word.endswith("s") else plural(word), code)
    adj = {a: next(iter(c)) for a, c in adjectives.items() if len(c) == 1}
    adj.update(conv["adjectives"])
    return words, adj, by_last


@cache
def currencies() -> Currencies:
    """Babel's currencies with the project's news conventions (``currency_conventions.json``)."""
    conv = load_json(CURRENCY_CONVENTIONS)
    users, names = babel_names()
    words, adjectives, by_last = _currency_words(conv, names)
    symbols = {c: _babel_symbol(c) for c in names}
    prefix = {sym: c for c, sym in symbols.items()  # "₱", "MX$": a currency sign, one currency's
              if sym and any(unicodedata.category(ch) == "Sc" for ch in sym)
              and list(symbols.values()).count(sym) == 1}
    prefix.update(conv["prefix"])
    minor: dict[str, tuple[str, float, str]] = {}
    for word, (a, b) in conv["minor"].items():
        entry = ("context", 0.01, b) if a == "context" else (a, float(b), a)
        minor[word] = minor[plural(word)] = entry
    context: dict[str, list[tuple[re.Pattern, str]]] = {}
    for key in conv["context"]:
        codes = set().union(*(by_last.get(w, set()) for w in [key, plural(key), *conv["synonyms"].get(key, [])]))
        pats = []
        for code in sorted(codes):
            adj = " ".join(names[code][0].lower().split()[:-1])
            alts = [re.escape(t.lower()) for t in users[code]] + ([re.escape(adj)] if adj else [])
            pats.append((re.compile(r"\b(?:" + "|".join(alts) + r")", re.I), code))
        context[key] = context[plural(key)] = pats
    return Currencies(frozenset(names), prefix, words, adjectives, minor, context)


@cache
def _babel_symbol(code: str) -> str | None:
    from babel import Locale

    return Locale("en").currency_symbols.get(code)


# --------------------------------------------------------------------------- matching after a number

CURRENCIES = currencies()
UNITS = unit_matcher()
MONEY_RATES, ARTICLE_RATES = rate_settings()
FRACTIONS_AS_PERCENT = fractions_as_percent()  # ARTICLE_RATES: the kinds whose "a X" rates fold
TIME_UNITS = time_units()
TIME_NAMES = frozenset(TIME_UNITS.values())
RATE_NOUNS = rate_nouns()

CUR_WORD = (rf"(?:(?P<adj>{alt(CURRENCIES.adjectives)})\s+)?"
             rf"(?P<word>{alt([*CURRENCIES.words, *CURRENCIES.minor])})\b(?!-\w)")  # not "euro-using nations"
# "50 euros", and hyphenated before a noun: "a 25-franc coin", "a 5-dollar bill" (not "a 5-pound bag")
_CUR_WORD_AT = re.compile(CUR_WORD, re.IGNORECASE)
# "per X", "/X" and "a X" after a unit, a currency or a counted noun.
_RATE_SEP = re.compile(r"\s*/\s*(?=[^\W\d])|(?:\s+|-)per(?:\s+|-)(?!cent\b)|(?P<article>\s+(?:an?|every)\s+)", re.I)
_RATE_NOUN = re.compile(r"(?:(?:square|cubic)\s+)?[a-z]+\b(?![-’'])")
# "annually" is "per year" ("per annum" too, see rate_nouns); not an adjective ("a daily basis")
_PERIOD_OF = {"annually": "year", "yearly": "year", "monthly": "month", "weekly": "week", "daily": "day",
              "hourly": "hour"}
_RATE_ADVERB = re.compile(rf"\s+({'|'.join(_PERIOD_OF)})\b(?!\s+(?:basis|average|rate|total|figures?|data|report)\b)",
                          re.I)
# "a year earlier", "a fortnight ago": a time noun then one of these is a comparison, not a rate
# ("$80 a barrel earlier this week" and "£3,500 a tonne after the rain" are still rates).
_NOT_RATES = re.compile(r"\s+(?:earlier|ago|before|later|after|previously|prior|back)\b", re.I)
# After "a share", "a bottle": where the rate's noun phrase ends ("a share of", "a record high" go on).
_ARTICLE_NOUN_END = re.compile(
    r"\s*(?:[.,;:!?)\]”\"]|$)|\s+(?:in|on|at|for|as|to|from|with|and|or|but|while|when|until|since|"
    r"this|last|next|including|excluding|compared|versus|vs|according|said|says|is|was|are|were)\b", re.I)


# the base of a population rate: "per 100,000 population", "per million people", "per 1,000 live births"
_NUMBERED_BASE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:a\s+|one\s+)?(?:hundred|thousand|million))(?:\s+(?:thousand|million))?"
                            r"\s+(?:[a-z]+\s+)?(?:population|people|persons|residents|inhabitants|[a-z]+s)\b(?![-’'])")


_CROP_AREA = re.compile(r"(?:harvested|planted|seeded|irrigated|bearing)\s+(?=(?:acres?|hectares?|ha)\b)", re.I)


def rate_after(s: str, end: int, article_ok: bool = False) -> tuple[str, str | None, int] | None:
    """The denominator of a rate after a unit or noun: "per hectare", "/kg", "per US dollar",
    "per game" -> (singular name or ISO code, its dimension, end). "a barrel", "an hour" only
    when ``article_ok`` (the kinds the conventions file folds)."""
    if adverb := _RATE_ADVERB.match(s, end):  # "10,000 competitors annually", "$5 billion monthly"
        return _PERIOD_OF[adverb.group(1).lower()], "time", adverb.end()
    sep = _RATE_SEP.match(s, end)
    if not sep or (sep.group("article") and not article_ok):
        return None
    article = sep.group("article") is not None
    den = _denominator(s, sep.end(), article)
    if den and article and den[0] in TIME_NAMES and _NOT_RATES.match(s, den[2]):
        return None  # "$5bn a year earlier" is a comparison, not a rate
    return den


def _denominator(s: str, pos: int, article: bool) -> tuple[str, str | None, int] | None:
    """A unit, a currency or (after "per" and "/") a counted noun at ``pos``; a population rate
    keeps its base as written ("per 100,000 population", "per 100 milk cows")."""
    if crop := _CROP_AREA.match(s, pos):  # "bushels per harvested acre": the acre, harvested or planted
        pos = crop.end()
    if not article and (nd := _NUMBERED_BASE.match(s, pos)):
        return nd.group(), None, nd.end()
    um = UNITS.match(s, pos)
    if um and um[0].kind == "quantity":  # "$2.50 per Mcf": a scaled symbol stays as written
        return (um[0].name if um[0].factor == 1.0 else s[pos:um[1]].strip()), um[0].dimension, um[1]
    if (cw := _CUR_WORD_AT.match(s, pos)) and cw.group("word").lower() in CURRENCIES.words:
        code = CURRENCIES.words[cw.group("word").lower()]
        return CURRENCIES.adjectives.get((cw.group("adj") or "").lower(), code), "currency", cw.end()
    if (cc := re.match(r"[A-Z]{3}\b", s[pos:])) and cc.group() in CURRENCIES.codes:
        return cc.group(), "currency", pos + cc.end()
    nm = _RATE_NOUN.match(s, pos)
    if not nm:
        return None
    noun = nm.group().lower()
    if noun in RATE_NOUNS:  # "/b" is per barrel, though "b" is a scale too; "km/s" per second
        return RATE_NOUNS[noun], "time" if RATE_NOUNS[noun] in TIME_NAMES else None, nm.end()
    if noun in NOT_NOUNS or noun in SCALES or noun in MONTHS or noun in ONES or noun in TENS:
        return None
    noun = RATE_NOUNS.get(noun, singular(noun))
    if article and noun not in TIME_NAMES and not _ARTICLE_NOUN_END.match(s, nm.end()):
        return None  # "a share." is a rate; "a record high", "a share of" are not
    return noun, "time" if noun in TIME_NAMES else None, nm.end()


def rate_dimension(num: str | None, den: str | None) -> str | None:
    """"currency/volume" for "USD per barrel"; None when neither side has a dimension."""
    return None if num is None and den is None else f"{num or 'count'}/{den or 'count'}"
