"""Money that is a price per something the sentence names away from the number.

Split out of :mod:`newsflow.numcontext`: the scanner reads "$67 a barrel" as one rate, but news
often leaves the rate implicit. An exchange rate names the other currency after the amount
("$1.28 against the euro", "103 yen to the dollar"), and a price of a traded good is per its
usual unit when the sentence names the good and no rate ("shares selling at about $26"). Only
amounts without a scale word: "$5 billion" is no price. Amounts in, amounts out: nothing here finds numbers.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import Any

from newsflow.units import CURRENCIES, TIME_NAMES, UNITS, rate_dimension

# a scale word or a glued "m"/"bn" makes an aggregate, never a unit price
_SCALED = re.compile(r"\d\s*(?:m|bn|k)\b|\b(?:thousand|million|billion|trillion|mn|bn|crores?|lakhs?)\b", re.I)
_NOT_CURRENCY = r"(?![\s-]+(?:zone|area|region|bloc|countries|members?|economies|markets?))"
_CLAUSE_BREAK = re.compile(r"[;:]|\.\s")
# the traded goods whose price news gives per a usual unit, when the sentence says no unit
_GOODS = re.compile(r"\b(?:(?P<gallon>gasoline|diesel)|(?P<share>shares|share\s+price|stock\s+price)|"
                    r"(?P<barrel>crude(?:\s+oil)?|oil|Brent|WTI))\b(?![-\s]+(?:rigs?|firms?|companies|company|giants?|majors?|"
                    r"producers?|fields?|spills?|medals?|medallists?|medalists?|holders?|buybacks?|issues?|sales?|revenues?|"
                    r"exports?|imports?|imported|tankers?|platforms?|refiner(?:y|ies)|industry|sector|deals?|contracts?|funds?|"
                    r"reserves?|wells?|pipelines?|workers?)\b)", re.I)
_APIECE = re.compile(r"\s+(?:apiece|each)\b", re.I)


@cache
def _against() -> re.Pattern:
    adj = "|".join(re.escape(a) for a in sorted(CURRENCIES.adjectives, key=len, reverse=True))
    return re.compile(rf"\s+(?:against|versus|vs\.?|to|per)\s+(?:the\s+|one\s+|each\s+|a\s+)?"
                      rf"(?:(?P<adj>U\.S\.|{adj})\s+)?(?P<word>[a-z]+)\b{_NOT_CURRENCY}", re.I)


@cache
def _subject() -> re.Pattern:
    words = "|".join(w for w in CURRENCIES.words if w.isalpha() and not w.endswith("s"))
    return re.compile(rf"\bthe\s+(?:(?P<adj>U\.S\.|US|American|Japanese|Chinese|British|European|Swiss)\s+)?"
                      rf"(?P<word>{words})\b(?!['’])(?!\s+(?:is|was)\s+(?:worth|equal))" + _NOT_CURRENCY, re.I)


def _code(word: str, adj: str | None) -> str | None:
    if adj:
        return "USD" if adj.replace(".", "").lower() == "us" else CURRENCIES.adjectives.get(adj.lower())
    return CURRENCIES.words.get(word.lower()) if not word.lower().endswith("s") else None


def _rate(a: Any, num: str, den: str, end: int | None, s: str) -> Any:
    end = a.end if end is None else end
    return replace(a, kind="money", unit=f"{num} per {den}", dimension=rate_dimension("currency", "currency"),
                   end=end, text=s[a.start:end])


def exchange_rates(res: list[Any], s: str) -> list[Any]:
    """"$1.28 against the euro" is USD per EUR, "103 yen to the dollar" JPY per USD, and in a
    sentence about the yuan "about 6.40 per dollar" CNY per USD. Not a currency named only as
    the subject ("the euro was flat at 1.0890 dollars"): the project's sets keep that plain."""
    for i, a in enumerate(res):
        if a.kind not in ("money", "cardinal") or " per " in (a.unit or "") or _SCALED.search(a.text):
            continue
        m = _against().match(s, a.end)
        other = _code(m["word"], m["adj"]) if m else None
        if other and a.kind == "money" and a.unit != other:
            res[i] = _rate(a, a.unit, other, a.start + len(a.text), s)
        elif other and a.kind == "cardinal" and m.group().split()[0].lower() in ("per", "to"):
            named = {c for sm in _subject().finditer(s) if (c := _code(sm["word"], sm["adj"])) and c != other}
            if len(named) == 1:
                res[i] = _rate(a, named.pop(), other, m.end() if m.group().split()[0].lower() == "per" else None, s)
    return res


def price_units(res: list[Any], s: str) -> list[Any]:
    """A bare price takes the usual unit of the traded good the clause names, when the sentence
    gives no money rate: "shares selling at about $26", "$38 apiece" are per share, "gasoline
    prices fell three cents" per gallon, "Oil has risen to a record, passing US$91.10" per barrel,
    as every real-news labeller has it. Not a change of a stated rate ("rose $1.12 to $82.35 a
    barrel": the sentence gives its own rate)."""
    money = [a for a in res if a.kind == "money" and a.unit]
    if not money:
        return res
    if any(" per " in a.unit for a in money):
        return res  # a stated rate: its changes take it in changes_of_rates
    for i, a in enumerate(res):
        if a.kind != "money" or not a.unit or _SCALED.search(a.text):
            continue
        den = _good_unit(a, s)
        if den and (den not in ("gallon", "barrel") or a.unit == "USD"):  # "1,85 € le litre": Europe sells by the
            # litre; crude is priced in dollars
            unit = UNITS.units.get(den)
            res[i] = replace(a, unit=f"{a.unit} per {den}", dimension=rate_dimension("currency", unit and unit.dimension))
    return res


def _good_unit(a: Any, s: str) -> str | None:
    """The usual unit of the good whose price the amount is, from the clause before it."""
    window = s[max(0, a.start - 90):a.start]
    if (cut := list(_CLAUSE_BREAK.finditer(window))):
        window = window[cut[-1].end():]
    goods = [g for g in _GOODS.finditer(window) if not g["barrel"] or _crude_priced(window, g)]
    if any(g["share"] for g in goods):
        return "share"  # "Shares of oil services group Halliburton rose to $38": the shares are priced
    m = goods[-1] if goods else None
    if m is None:
        return "share" if _APIECE.match(s, a.end) and re.search(r"\bshares\b", s, re.I) else None
    return next(k for k, v in m.groupdict().items() if v)


# Crude is what is priced only as the head of its own phrase: not "olive oil", "heating oil" (per
# gallon), "Indian Oil", "an oil painting", "the oil baron", and not when another good or a
# currency is priced between it and the amount ("Gold, which moves inversely to oil, rose $12",
# "as the euro rose to $1.10").
_OIL_BEFORE = re.compile(r"\b(?:olive|palm|cooking|heating|fish|essential|coconut|motor|fuel|vegetable|castor|lamp|"
                         r"engine|sunflower|linseed|whale|snake|hair|baby)\s+$", re.I)
_OIL_AFTER = re.compile(r"\s+(?:painting|change|baron|minister|ministry|traders?|explorers?|services|group|and\s+gas)\b")
_NAME_AROUND = re.compile(r"[A-Z][\w.&-]*\s+$")  # "Indian Oil", "Standard Oil": a company
_OTHER_PRICED = re.compile(r"\b(?:gold|silver|copper|gas|gasoline|petrol|diesel|fares?|tank|tanks|litres?|liters?|"
                           r"gallons?|tickets?|dollar|euro|yen|pound|sterling|rupees?|wheat|corn|coffee)\b", re.I)


def _crude_priced(window: str, m: re.Match) -> bool:
    named = m.group() == "Oil" and (_NAME_AROUND.search(window, 0, m.start()) or re.match(r"\s+[A-Z]", window[m.end():]))
    return not named and not _OIL_BEFORE.search(window, 0, m.start()) and not _OIL_AFTER.match(window, m.end()) \
        and not _OTHER_PRICED.search(window)


def changes_of_rates(res: list[Any], s: str) -> list[Any]:
    """"Brent rose $1.12, or 1.4%, to $82.35 a barrel": the change is per barrel like the level it
    reached, the next money amount of its clause, in the same currency."""
    for i, a in enumerate(res):
        if a.kind != "money" or not a.unit or " per " in a.unit or a.qualifier not in ("up", "down") or _SCALED.search(a.text):
            continue
        nxt = next((b for b in res[i + 1:] if b.kind == "money"), None)
        if nxt and nxt.unit and nxt.unit.startswith(f"{a.unit} per ") and not _CLAUSE_BREAK.search(s, a.end, nxt.start) \
                and re.search(r"\bto\s+$", s[a.end:nxt.start]):
            res[i] = replace(a, unit=nxt.unit, dimension=nxt.dimension)
    return res


_STATED_RATE = re.compile(r"\bper\b|/|\s(?:an?|each|every)\s+\S+$", re.I)


def shared_rates(res: list[Any], s: str) -> list[Any]:
    """A sentence that prices one good in one rate ("$139 a barrel", "$167 per cwt") prices its
    other bare amounts of that currency in it too: "dropped more than $4 since ... $139 a barrel",
    "closed at US$94.23 per barrel, after peaking at $94.74", "$177 per cwt ..., more than $35
    above April 2022" (101 of 101 such amounts in the real-news dev sets). Not totals ("$5
    billion"), not when the sentence names two rates or a rate over time ("$15 an hour")."""
    rates = {a.unit for a in res if a.kind == "money" and a.unit and " per " in a.unit}
    if len(rates) != 1 or not any(a.unit in rates and _STATED_RATE.search(a.text) for a in res):
        return res  # a rate the sentence states, not one read from the good ("Brent crude traded at $75.20")
    rate = next(iter(rates))
    cur, den = rate.split(" per ", 1)
    if den in TIME_NAMES:
        return res
    anchors = [a for a in res if a.unit == rate]

    def nearest(a: Any) -> Any:
        return min(anchors, key=lambda b: abs(b.start - a.start))

    return [replace(a, unit=rate, dimension=anchors[0].dimension)
            if a.kind == "money" and a.unit == cur and not _SCALED.search(a.text) and _same_price(a, nearest(a), s)
            else a for a in res]


# a bare amount prices the same good only in the same clause, as a change or a level named as one
# ("dropped more than $4", "closed at ..., after peaking at $94.74", "up from $120"); not what
# something else costs ("a $200 rebate", "while the car costs $25,000", "where parking costs $10")
_OTHER_CLAUSE = re.compile(r"\b(?:while|but|whereas|although|though|where|as|plus|and\s+(?:the|a|an|its|his|her|their|a)"
                           r"|paying|pays|paid|owes?|gets?|receiv\w*|earn\w*|spen[dt]\w*|costs?)\b|;", re.I)
_LEVEL_CUE = re.compile(r"\b(?:at|from|to|of|be|is|was|were|high|low|record|peak\w*|touch\w*|averag\w*|clos\w*|"
                        r"open\w*|settl\w*|trad\w*|hit|reach\w*|above|below|over|under|around|about|nearly|than|"
                        r"rais\w*|lower\w*|cut|narrow\w*|widen\w*|increas\w*|decreas\w*|rose|fell|drop\w*|jump\w*|"
                        r"climb\w*|gain\w*|lost)\s+(?:\S+\s+){0,2}$", re.I)
_NOUN_AFTER = re.compile(r"\s+(?!(?:a|an|per|each|every|more|less|above|below|in|on|at|from|to|since|after|up|down|"
                         r"before|over|under|last|this|the|and|or|with|for|than|yesterday|today|\w+er)\b)[a-z]+\b")


def _same_price(a: Any, anchor: Any, s: str) -> bool:
    lo, hi = (a.end, anchor.start) if a.start < anchor.start else (anchor.end, a.start)
    if _OTHER_CLAUSE.search(s, lo, hi) or _NOUN_AFTER.match(s, a.end):
        return False
    return a.qualifier != "=" or bool(_LEVEL_CUE.search(s, max(0, a.start - 30), a.start))
