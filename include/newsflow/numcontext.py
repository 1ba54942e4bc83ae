"""What the amounts of one sentence say about each other (split out of :mod:`newsflow.numbers`).

The scanner reads each amount from the words around it; some things only the other amounts of
the sentence say. A bracketed conversion ("about 40 miles (64 km)", "0.03 inches (0.8 mm) per
year") is the same amount again, so it shares the hedge and the rate; a change of a priced or
rated level ("up 5.7 cents to 205.6 cents per gallon") is in the level's unit; a bare number
near a count counts the same thing. Amounts in, amounts out: nothing here finds numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

from newsflow import counted, numsubjects
from newsflow.numchange import mark_changes
from newsflow.numchecks import tail
from newsflow.numlists import listed_tallies
from newsflow.numprices import changes_of_rates, exchange_rates, price_units, shared_rates
from newsflow.numrefer import (
    bracketed_counts,
    counted_rates,
    cricket_runs,
    distributed_ones,
    elided_antecedents,
    group_shares,
    population_rates,
)
from newsflow.numtimes import compound_spans
from newsflow.numwords import NOT_NOUNS, scaled
from newsflow.units import TIME_NAMES, UNITS, conversion_symbols, rate_after, rate_dimension

# between an amount and its bracketed conversion: "40 miles (64 km)", "£220m (or $265m)"
_CONVERSION_GAP = re.compile(r"\s*\(\s*(?:or\s+|about\s+|approximately\s+|roughly\s+|some\s+|c\.\s*)?")
_NEXT_IN_BRACKET = re.compile(r"\s*[;,/]\s*(?:or\s+)?")  # "(127 mph; 110 kn)"
_BRACKET_END = re.compile(r"\s*\)")
_CLAUSE_BREAK = re.compile(r"[;:]")
_OUT_OF = re.compile(r"\s+(?:out\s+)?of\s+(?:the\s+)?", re.I)  # "19 out of the 31 days": a part of the days
_PAIRED = re.compile(r"\s+(?:to|and|or)\s+")
_POINTS_TO = re.compile(r"(?P<pts>\s+(?:points?|pts\.?|pp))?\s+to\s+")
_COMMA = re.compile(r",\s*")
_PART_OF_SET = re.compile(r"\b[Oo]f\s+(?:the\s+)?[\d,]+\s+[a-z]+s\b")  # "Of 200 respondents, 58 or 29 percent"
_PRICE_AT = re.compile(r"\s+(?:at|to)\s+[$£€\d]")  # "up 2.30 at 160.10": a price's change
_FROM_WORD = re.compile(r"\bfrom\b", re.I)
_NEAR_CHARS = 400
_LEAD_WORDS = re.compile(r"(?:(?:[a-z]+\s+){0,3}(?=\d))?", re.I)  # "fell by 9,000": the clause names the noun before the verb
_ABBREVIATION = re.compile(r"\s*\((?P<abbr>[a-z]{2,5})\)")  # "13.5 million metric tons (mmt)"
_LEADING_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_HANGING = re.compile(r"-\s+(?:and|or|to)\s+")  # "the 20- and 25-franc coins"
# A minor-unit price ("5.7 cents", "8p") is a per-unit price like the level it changes.
_MINOR_TEXT = re.compile(r"(?:cents?|pence|p)$", re.I)
# "the hourly minimum wage ... to $15", "average monthly income ... around three hundred US
# dollars": pay named with its period, the amount after it (and no other money in between)
_PERIODIC_PAY = re.compile(
    r"\b(?P<period>hourly|daily|weekly|monthly|yearly|annual)\s+(?:[a-z]+\s+){0,2}?(?:wages?|salar(?:y|ies)|pay|"
    r"incomes?|rents?|earnings|stipends?|allowances?|pensions?|premiums?|subscriptions?|fees?)\b", re.I)
_QUAKE = re.compile(r"\b(?:earthquakes?|quakes?|aftershocks?|tremors?|temblors?|seismic)\b", re.I)
_QUAKE_AFTER = re.compile(r"[\s-]+(?:magnitude\s+)?(?:earthquake|quake|aftershock|tremor|temblor)s?\b", re.I)
_MAGNITUDE_WORD = re.compile(r"\bmagnitude\b", re.I)
_MAGNITUDE_NEAR = re.compile(r"\bmagnitude\b[^.;,:]{0,30}$", re.I)  # "estimated its magnitude at a minimum of 7.8"
_ONE_DECIMAL = re.compile(r"\d\.\d(?:[-–]\d\.\d)?")
_MW_AFTER = re.compile(r"\s?Mw\b")
_A_DECADE = re.compile(r"\ba\s+decade$", re.I)
_OTHER_MEASURE = re.compile(r"[;%]|\b(?:GDP|growth|inflation|grew|prices?|index|yen|dollars?|euros?)\b")
_FERTILITY = re.compile(r"\bfertility\s+rates?\b", re.I)
_M_BEFORE = re.compile(r"\bM\s?$")  # "M 6.5 or larger": a magnitude as seismologists write it
_QUAKE_BEFORE = re.compile(r"\b(?:earthquake|quake|aftershock|tremor|temblor)s?\s+(?:\w+\s+){0,3}?"
                           r"(?:was|is|measured|measuring|registered|registering|of)\s+(?:an?\s+)?(?:magnitude\s+)?$", re.I)
# a sentence about a stock index: its "points" measure the index level, not a score
_MARKET = re.compile(r"\b(?:Dow|S&P|Standard\s*&\s*Poor['’]s|Nasdaq|NASDAQ|FTSE|Nikkei|DAX|CAC|Hang\s+Seng|Sensex|Nifty|TSX|ASX|KOSPI|"
                     r"Stoxx|STOXX|(?:stock|share)s?(?:\s+market)?\s+ind(?:ex|ices|exes)|stocks)\b")
_A_HALF = re.compile(r"an?\s+half", re.I)
_RUNNING = re.compile(r"\b(?:run|runs|runners?|running|race|races|marathons?|walk|fun\s+run|athletics)\b", re.I)
_GLUED_K = re.compile(r"[Kk]\b")
_WORLD_TONS = re.compile(  # a world market ("global ending stocks", "Argentina production was lowered") or a crop
    r"\b(?:world|global)\s+(?:\w+\s+)?(?:production|trade|exports?|imports?|stocks|market|supplies|demand|output)\b"
    r"|\b(?:production|exports?|imports?|stocks|crops?|harvest)\b[^.;]{0,40}?\b(?:raised|lowered|increased|decreased|"
    r"forecast|projected|reduced|cut|revised)\b"
    r"|\b(?:rice|wheat|corn|maize|grains?|soybeans?|sugar|cocoa|coffee|barley|sorghum|oilseeds?)\b", re.I)
_US_TONS = re.compile(r"\b(?:pounds?|short\s+tons?|United\s+States|California|Texas|Florida|domestic)\b", re.I)
_INDEX_NAME = re.compile(r"\s+(?:index|Index)\b")
_LEVEL_BEFORE = re.compile(r"\b(?:of|was|is|were|below|above|past|the|at|to)\s+$", re.I)
_LEVEL_AFTER = re.compile(r"\s+(?:mark|level|barrier|threshold)\b", re.I)
# "7 ppl": UK fuel prices in pence per litre, one abbreviation for a minor unit and a rate
_PPL = re.compile(r"\s?ppl\b")
# ".344", "bat over .400": a three-decimal figure with no leading digit, in a sentence about
# batting, is a batting average (quantity, as the real-news sets label it)
_BATTING_FIGURE = re.compile(r"\.\d{3}")
_BATTING = re.compile(r"\b(?:bat|bats|batted|batting|batter|hit|hits|hitting|hitter)\b", re.I)
# "22.6m men and women", "17.3m were": "m"/"bn" glued to a number before people, not metres
_GLUED_SCALE = re.compile(r"(?P<scale>m|bn)\b")
_ALTERNATIVE = re.compile(r"\s*[,(]?\s*(?:or\s+)?(?:about\s+|around\s+|roughly\s+|some\s+)?")
# after the pay words: they name something else ("the hourly pay dispute"), or the amount is what
# that thing cost or brought in ("the daily allowance scheme, which cost $300 million")
_NOT_PAY = re.compile(r"^\s*(?:schemes?|disputes?|reviews?|payments?|bills?|services?|programmes?|programs?|"
                      r"systems?|plans?|deals?|talks|caps?|freezes?|rules?|data|figures?)\b|"
                      r"\b(?:cost|costs|costing|totall?ed|brought|raised|which|that|revenue|budget)\b", re.I)
# a change and the level it reached, of the same pay: "rose by 3 cents to $26.39", "(+$0.99 to $31.06)"
_PAY_STEP = re.compile(r"\s*(?:to|from)\s+", re.I)
_PERIOD_NOUN = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "annual": "year"}


def share_context(out: list[Any], s: str) -> list[Any]:
    """Fill what the text leaves implicit from the amounts around it.

    "20 million tonnes of US soybeans, up from 12 million tonnes": the second shares the object.
    "55,000 jobs, well above forecasts of 20,000": a bare number near a count counts the same thing.
    "about 40 miles (64 km)": the conversion is hedged too. "up 0.9 bushels from the August
    forecast" after "155.3 bushels per acre": the change is per acre too.
    """
    res = population_rates(listed_tallies(_conversion_units(compound_spans(list(out), s), s), s), s)
    res = _conversions(res, s)
    res = _shared_rates(exchange_rates(res, s), s)
    res = _housing_rates(_each_period(_periodic_pay(res, s), s), s)
    res = _fertility_rates(_quake_magnitudes(_decades_exceeded(res), s), s)
    res = _metric_tons(_index_points(_race_distances(_half_compounds(res, s), s), s), s)
    res = _abbreviated_rates(res, s)
    res = _headline_millions(res, s)
    res = _inch_marks(_shared_thousands(_hanging_hyphens(res, s), s), s)
    res = cricket_runs(_defined_abbreviations(res, s), s)
    for i, a in enumerate(res):
        if a.object is None and a.kind in ("quantity", "money"):
            prev = next((p for p in reversed(res[:i]) if p.unit == a.unit and p.object), None)
            if prev:
                res[i] = replace(a, object=prev.object)
    for i, a in enumerate(res):
        if a.kind == "cardinal" and a.unit is None and a.value == 1 and counted.counts_people(tail(s, a.start, 40)[0]):
            res[i] = replace(a, kind="count", unit="person")  # "Suicide Bomber Kills 1"
            continue
        if a.kind == "cardinal" and a.unit is None and (pp := _rate_change(res, s, i)):
            res[i] = pp
            continue
        if a.kind != "cardinal" or (a.unit or "").split(" per ")[0] == "times" or a.value < 2 or s[a.end:a.end + 1].isalpha():
            continue
        near = []
        for j, b in enumerate(res):
            if j == i or b.kind not in ("count", "quantity"):
                continue
            if a.value != int(a.value) and " per " not in (b.unit or ""):
                continue  # a fraction counts only rates: "from 1.6 babies per woman ... to 2.2"
            if " per " in (b.unit or "") and a.value >= 1000 and b.value < 100 and a.value > 100 * b.value:
                continue  # "Births fell 2.3 million as the rate held at 1.8 babies per woman": no rate of that size
            lo, hi = min(a.end, b.end), max(a.start, b.start)
            if hi - lo > _NEAR_CHARS:
                continue  # twelve words are never this long: skip the split (long texts have many amounts)
            gap = s[lo:hi]
            if len(gap.split()) <= 12 and not _CLAUSE_BREAK.search(gap):
                near.append((len(gap), j <= i, b))
        core = a.start + _LEAD_WORDS.match(a.text).end()
        if counted.counts_people(tail(s, a.start, 40)[0]) and a.value == int(a.value):
            res[i] = replace(a, kind="count", unit="person")  # "wounding around 60"
        elif a.value == int(a.value) and numsubjects.toll_before(s, core):
            res[i] = replace(a, kind="count", unit="death")  # "bringing the death toll to 18,125" (not the "24 hours" nearby)
        elif a.value == int(a.value) and (noun := numsubjects.plural_from(s, core)):
            res[i] = replace(a, kind="count", unit=noun)  # "cut daily transits from 36 to 24"
        elif near and not (((best := min(near, key=lambda t: (t[0], not t[1])))[2].unit in TIME_NAMES or " per " in best[2].unit)
                           and not _OUT_OF.fullmatch(s, a.end, max(a.end, best[2].start))
                           and a.value == int(a.value) and numsubjects.counted_before(s, core)):
            b = best[2]  # the nearest count or measure; a span of time ("to 73 in three days") or a rate ("Births
            # fell 2.3 million as the fertility rate held at 1.8") yields to a subject named before
            res[i] = replace(a, kind=b.kind, unit=b.unit, dimension=b.dimension)
        elif a.value == int(a.value) and (noun := numsubjects.counted_before(s, core)):
            res[i] = replace(a, kind="count", unit=noun)  # and "confirmed cases ... to 45,529" past "24 hours"
    res = group_shares(distributed_ones(counted_rates(bracketed_counts(res, s), s), s), s)
    return shared_rates(changes_of_rates(mark_changes(price_units(elided_antecedents(res, s), s), s), s), s)


def conversion_pairs(res: list[Any], s: str, kinds: tuple[str, ...] = ("quantity",)) -> list[tuple[int, int]]:
    """(original, conversion) index pairs: "40 miles (64 km)", "(127 mph; 110 kn)": a bracketed
    measure right after another of the same dimension and of one of ``kinds``, the brackets
    holding nothing else before it. Money only when asked (``_conversions`` shares a money rate,
    never a money hedge: "around $11 billion (£8.2 billion)" converts at the day's rate, a figure
    of its own that the seed article contract leaves unhedged)."""
    pairs = []
    for i in range(1, len(res)):
        a, b = res[i - 1], res[i]
        gap = s[a.end:b.start]
        if _CONVERSION_GAP.fullmatch(gap) and "(" in gap:
            pairs.append((i - 1, i))
        elif pairs and pairs[-1][1] == i - 1 and _NEXT_IN_BRACKET.fullmatch(gap):
            pairs.append((pairs[-1][0], i))
    return [(i, j) for i, j in pairs if res[i].kind == res[j].kind and res[i].kind in kinds
            and _base_dimension(res[i]) == _base_dimension(res[j])]


def _base_dimension(a: Any) -> str | None:
    return (a.dimension or "").split("/")[0] or None


def _conversion_units(res: list[Any], s: str) -> list[Any]:
    """"5,000 feet (1,500 m)", "5–6 m (16–20 ft)", "50-60cm (16-23in)": a one-letter symbol the
    registry leaves out alone ("m" is also million, "in" a preposition) is read as the unit of
    the dimension the bracketed conversion beside it measures."""
    symbols = conversion_symbols()
    for i, a in enumerate(res):
        if a.kind != "cardinal" or a.unit is not None:
            continue
        sm = re.match(r"\s?(?P<sym>[a-zA-Z]{1,2})\b", s[a.end:])
        unit = UNITS.units.get(symbols.get(sm.group("sym"), "")) if sm else None
        if unit is None:
            continue
        before = res[i - 1] if i > 0 and _CONVERSION_GAP.fullmatch(s[res[i - 1].end:a.start]) else None
        after = res[i + 1] if i + 1 < len(res) else None
        end = a.end + sm.end()
        after = after if after and _CONVERSION_GAP.fullmatch(s[end:after.start]) else None
        if any(o is not None and o.kind == "quantity" and o.dimension == unit.dimension for o in (before, after)):
            res[i] = replace(a, kind="quantity", unit=unit.name, dimension=unit.dimension, end=end,
                             text=s[a.start:end])
    return res


def _conversions(res: list[Any], s: str) -> list[Any]:
    """A conversion is the same amount: a measure takes the original's hedge ("about 40 miles
    (64 km)"), and a rate written after the brackets belongs to both ("0.03 inches (0.8 mm) per
    year", and for money too: "NOK 375 million (EUR 47 million) per year")."""
    for i, j in conversion_pairs(res, s, ("quantity", "money")):
        a, b = res[i], res[j]
        if b.qualifier == "=" and a.qualifier != "=" and a.kind == "quantity":
            res[j] = b = replace(b, qualifier=a.qualifier)
        close = _BRACKET_END.match(s, b.end)
        if close and " per " not in a.unit and " per " not in b.unit and (
                rate := rate_after(s, close.end())):
            den, dim, _ = rate
            res[i] = replace(a, unit=f"{a.unit} per {den}", dimension=rate_dimension(a.dimension, dim))
            res[j] = replace(b, unit=f"{b.unit} per {den}", dimension=rate_dimension(b.dimension, dim))
    return res


def _shared_rates(res: list[Any], s: str) -> list[Any]:
    """A change of a rated level is in the level's unit: "corn yields average 155.3 bushels per
    acre, up 0.9 bushels", "fell 0.8 cent to average 244.2 cents per gallon". Only an amount no
    bigger than the level it goes with ("$5 billion, or $1.20 a share" is not per share), and
    never a unit whose name holds a "per" ("a 59-mile path" beside "165 mph")."""
    rates = [b for b in res if " per " in (b.unit or "")]
    if not rates:
        return res  # nothing to share (and no pass over every pair of a long text's amounts)
    for i, a in enumerate(res):
        if a.kind not in ("quantity", "money") or a.unit is None or " per " in a.unit:
            continue
        if a.kind == "money" and not _MINOR_TEXT.search(a.text):
            continue  # money: only prices in cents or pence, which are per-unit prices
        rated = [b for b in rates if b.kind == a.kind and (b.unit or "").startswith(f"{a.unit} per ")
                 and b.unit not in UNITS  # "165 mph" is a speed, not miles per something
                 and (b.kind != "money" or _MINOR_TEXT.search(s[b.start:b.end].split(" per ")[0]))
                 and a.value <= (b.value_max or b.value)]
        if len({b.unit for b in rated}) == 1:
            res[i] = replace(a, unit=rated[0].unit, dimension=rated[0].dimension)
    return res


def _periodic_pay(res: list[Any], s: str) -> list[Any]:
    """Money after pay that names its period is a rate: "raises the hourly minimum wage to $15"
    is USD per hour, "the average monthly income is around 300 US dollars" USD per month. Only
    the first money amount after the words, in the same clause, with its conversions and the
    level a change reached ("hourly earnings rose by 3 cents to $26.39": both per hour)."""
    for i, a in enumerate(res):
        if a.kind != "money" or " per " in (a.unit or "") or a.unit is None:
            continue
        start = max(0, max((b.end for b in res[:i] if b.kind == "money"), default=0))
        window = s[max(start, a.start - 120):a.start]
        pay = next(reversed(list(_PERIODIC_PAY.finditer(window))), None)  # the nearest
        if pay and not _CLAUSE_BREAK.search(window[pay.end():]) and not _NOT_PAY.search(window[pay.end():]):
            per = _PERIOD_NOUN[pay["period"].lower()]
            for j in range(i, len(res)):  # and its conversions: "300 US dollars or about 225 euros"
                gap = s[res[j - 1].end:res[j].start] if j > i else ""
                if j > i and not (res[j].kind == "money" and (_ALTERNATIVE.fullmatch(gap) or _PAY_STEP.fullmatch(gap))):
                    break
                if " per " not in res[j].unit:
                    res[j] = replace(res[j], unit=f"{res[j].unit} per {per}",
                                     dimension=rate_dimension(res[j].dimension, "time"))
            for k in _bracketed_alongside(res, s, i):  # "weekly earnings of Blacks ($712) and Hispanics ($684)"
                res[k] = replace(res[k], unit=f"{res[k].unit} per {per}", dimension=rate_dimension(res[k].dimension, "time"))
    return res


# "2 million visitors each year", "275,000 women worldwide die of cervical cancer every year": a
# period said after the amount, in its clause (not "in each year from 2011", not a percent)
_EACH_AFTER = re.compile(r"(?P<gap>(?:\s+[^\s,;:.!?()]+){0,7}?)\s+(?:each|every)\s+(?P<period>year|month|week|day)\b(?!['’])", re.I)
_EACH_BEFORE = re.compile(r"\b(?:Each|Every)\s+(?P<period>year|month|week|day)\s*,\s*(?:[^\s,;:.!?()]+\s+){0,4}$", re.I)
_OF_A_PERIOD = re.compile(r"(?P<gap>)\s+of\s+(?:[a-z-]+\s+){0,2}?[a-z-]+\s+(?:a|per)\s+(?P<period>year|month|week|day)\b"
                          r"(?!['’]|\s+(?:earlier|ago|before|after|later|on)\b)", re.I)  # "800,000 liters of oil a day"
_ANNUAL_MONEY = re.compile(r"\s+(?:(?:of|in)\s+)?(?:annual|yearly)\s+(?!rates?\b|growth\b|inflation\b)[a-z]", re.I)
_FIXED_GROUP = re.compile(r"(?:\b(?:the|these|those|its|their|our|all)|['’]s)\s+$", re.I)
_ANOTHER_CLAUSE = re.compile(r"\b(?:and|or|but|that|which|who|whom|where|when|while|whose)\b", re.I)
_PREPOSITION_LAST = re.compile(r"\b(?:in|within|for|over|than|of|from)$", re.I)


def _rate_change(res: list[Any], s: str, i: int) -> Any | None:
    """A bare number beside a percent: "from 61 to about 26 percent", "in the 50 and 60 percent"
    share its unit (not "Of 200 respondents, 58 or 29 percent", a part of a counted set); a small
    change of a rate is in percentage points ("falling 0.2 point to 9.5 percent", "was 71.0 per
    cent, up 0.4 on the quarter"), a level it came from in percent ("2.4 percent, up from 2.1").
    None when nothing says so (not "fell 20,000 to 14.5 percent", "up 2.30 at 160.10")."""
    a = res[i]
    nxt, prev = (res[i + 1] if i + 1 < len(res) else None), (res[i - 1] if i else None)
    if a.qualifier in ("up", "down") and not _FROM_WORD.search(a.text) and nxt is not None and nxt.unit == "percent" and (
            m := _POINTS_TO.fullmatch(s, a.end, nxt.start)) and (a.value < 10 or (m["pts"] and a.value < 100)):
        end = m.end("pts") if m["pts"] else a.end
        return replace(a, kind="percent", unit="percentage point", end=end, text=s[a.start:end])
    if nxt is not None and nxt.kind == "percent" and (pair := _PAIRED.fullmatch(s, a.end, nxt.start)) and a.value <= 100 \
            and ("to" in pair.group() or (a.value < nxt.value and not _PART_OF_SET.search(s, max(0, a.start - 80), a.start))):
        return replace(a, kind=nxt.kind, unit=nxt.unit, dimension=nxt.dimension)
    if a.qualifier in ("up", "down") and prev is not None and prev.unit == "percent" and _COMMA.fullmatch(s, prev.end, a.start) \
            and a.value < 10 and not _PRICE_AT.match(s, a.end):
        return replace(a, kind="percent", unit="percent" if _FROM_WORD.search(a.text) else "percentage point")
    return None


def _each_period(res: list[Any], s: str) -> list[Any]:
    """A count, money or measure said with "each year"/"every month" after it in its clause, or
    after a leading "Each year," is a rate ("2 million visitors each year" is visitor per year;
    in the real dev sets 17 such labels are rates, none plain); so are "800,000 liters of oil a
    day" and money "of annual costs"."""
    for i, a in enumerate(res):
        if a.kind not in ("count", "money", "quantity") or a.unit is None or " per " in a.unit or a.unit in TIME_NAMES:
            continue
        limit = res[i + 1].start if i + 1 < len(res) else len(s)
        after = _EACH_AFTER.match(s, a.end, limit) or _OF_A_PERIOD.match(s, a.end, limit)
        if after and (_PREPOSITION_LAST.search(after["gap"]) or _ANOTHER_CLAUSE.search(after["gap"])):
            after = None  # "400 beds and is inspected every year", "a boat that sails every week"
        before = ("ach " in s or "very " in s) and _EACH_BEFORE.search(s, max(res[i - 1].end if i else 0, a.start - 60), a.start)
        if _FIXED_GROUP.search(s, max(0, a.start - 8), a.start):
            continue  # "the 40 members meet each year": a fixed group, not a flow
        period = (after or before)["period"].lower() if (after or before) else (
            "year" if a.kind == "money" and _ANNUAL_MONEY.match(s, a.end) else None)
        if period:
            res[i] = replace(a, unit=f"{a.unit} per {period}", dimension=rate_dimension(a.dimension, "time"))
    return res


# "housing starts ... were at a seasonally adjusted annual rate of 1,353,000", "the revised May
# figure of 956,000": a statistics office's level of building, in housing units a year
_HOUSING = re.compile(r"\b(?:housing\s+(?:units?|starts)|building\s+permits?|authori[sz]ations?|units\s+in\s+buildings)\b", re.I)
_RATE_WAS = re.compile(r"(?<!monthly\s)(?<!weekly\s)\b(?:rate|figure)(?:\s+for\s+units\b[^.;,\d]{0,50}?)?\s+(?:was|of|at)\s+$", re.I)
_A_MONTH = re.compile(r"\s+(?:a|per|each)\s+(?:month|week|day)\b", re.I)


def _housing_rates(res: list[Any], s: str) -> list[Any]:
    """A bare level at a "rate of" or "figure of" in a release on housing starts or permits is
    housing units per year, the seasonally adjusted annual rate the release states (11 labels in
    three real dev sets, none otherwise)."""
    if not ("ousing" in s or "ermit" in s or "uthori" in s or "units in" in s) or not _HOUSING.search(s):
        return res
    for i, a in enumerate(res):
        if ((a.kind == "cardinal" and a.unit is None) or a.unit == "unit") and a.value >= 1000 and a.value == int(a.value) \
                and _RATE_WAS.search(s, max(0, a.start - 80), a.start) and not _A_MONTH.match(s, a.end):
            res[i] = replace(a, kind="count", unit="housing unit per year", dimension=None)
    return res


# "of Whites ($931)", "for White men ($1,024)", "the previous quarter ($778)": a group or a period right before it
_GROUP_BRACKET = re.compile(r"(?:\b[A-Z][a-z]+(?:\s+[a-z]+)?|\b(?:previous|prior|last|same)\s+(?:quarter|year|month|week|period))"
                            r"\s*\(\s*$")


def _bracketed_alongside(res: list[Any], s: str, i: int) -> list[int]:
    """The money amounts after ``res[i]`` in the same clause that stand alone in brackets, as
    statistical releases list one figure per group ("... of Whites ($931) and Asians ($1,095)")."""
    out = []
    for k in range(i + 1, len(res)):
        b = res[k]
        if _CLAUSE_BREAK.search(s, res[k - 1].end, b.start) or _NOT_PAY.search(s[res[k - 1].end:b.start]):
            break
        if b.kind == "money" and b.unit and " per " not in b.unit and _GROUP_BRACKET.search(s, max(0, b.start - 40), b.start) \
                and s[b.end:].lstrip().startswith(")"):
            out.append(k)
    return out


def _quake_magnitudes(res: list[Any], s: str) -> list[Any]:
    """"a 4.8 aftershock", "the quake was a 6.7": a bare number with one decimal between 1 and
    10 right before an earthquake noun, or right after "quake ... was/measured", is its
    magnitude (news rarely writes the word); so is "5.3 Mw". Where the sentence says
    "magnitude" itself, every such number is one ("upgraded the magnitude of the quake from 9.0
    to around 9.1-9.3", "the USGS puts it at 6.9"). Anywhere else it stays bare ("the
    quake-hit region's output fell 2.3")."""
    named = "agnitude" in s and _MAGNITUDE_WORD.search(s)
    quake = _QUAKE.search(s)
    if not (named or quake) or "magnitude" not in UNITS.units:
        return res
    unit = UNITS.units["magnitude"]
    for i, a in enumerate(res):
        if a.kind == "cardinal" and a.unit is None and _ONE_DECIMAL.fullmatch(a.text.split()[-1]) and 1 <= a.value < 10 and (
                (named and (quake or _MAGNITUDE_NEAR.search(s, max(0, a.start - 40), a.start)))
                or _QUAKE_AFTER.match(s, a.end) or _MW_AFTER.match(s, a.end) or _QUAKE_BEFORE.search(s[:a.start])
                                           or _M_BEFORE.search(s, max(0, a.start - 3), a.start)):
            end = mw.end() if (mw := _MW_AFTER.match(s, a.end)) else a.end
            res[i] = replace(a, kind=unit.kind, unit=unit.name, dimension=unit.dimension, end=end, text=s[a.start:end])
    return res


def _decades_exceeded(res: list[Any]) -> list[Any]:
    """"the worst flooding in more than a decade", "in over a decade": a span exceeded is read in
    years (10, more than), as 7 of 7 such labels in the real dev sets have it; "in a decade" and
    "the next decade" stay one decade, as most labels keep them."""
    return [replace(a, value=10.0, unit="year") if a.unit == "decade" and a.value == 1 and a.qualifier in (">", ">=")
            and _A_DECADE.search(a.text) else a for a in res]


def _fertility_rates(res: list[Any], s: str) -> list[Any]:
    """"the total fertility rate declined from 1.96 in 2008 to 1.90": a bare decimal below ten
    after a fertility rate, in its clause, is babies per woman, as every real label has it (not
    "while GDP grew 1.2", nor a number before the rate is named)."""
    if "ertility" not in s or not _FERTILITY.search(s):
        return res
    out = []
    for a in res:
        phrase = next(reversed(list(_FERTILITY.finditer(s, 0, a.start))), None)
        if a.kind == "cardinal" and a.unit is None and 0.5 <= a.value < 10 and "." in a.text and phrase \
                and a.start - phrase.end() <= 120 and not _OTHER_MEASURE.search(s, phrase.end(), a.start):
            a = replace(a, kind="count", unit="baby per woman", dimension=None)
        out.append(a)
    return out


def _index_points(res: list[Any], s: str) -> list[Any]:
    """"The Dow shed 475 points", "closed at 7,325.3 points": in a sentence about a stock index
    the points are a measure of its level (a quantity), not points scored (a count). A bare level
    of four digits or more named as a level is in points too ("the Dow hit a record high of
    29,348", "closed below the 10,000 mark", "Monday's close was 18,592", "closed at 11,971.19", "fell
    2.1% to 32,791.80": every real labeller gives such a level a unit); a number right before
    "index" is the index's name ("the S&P 500 index")."""
    if not _MARKET.search(s):
        return res
    out = []
    for a in res:
        if a.kind == "count" and a.unit == "point":
            a = replace(a, kind="quantity")
        elif a.kind == "cardinal" and a.unit is None and a.qualifier != "up" and _INDEX_NAME.match(s, a.end):
            continue
        elif a.kind == "cardinal" and a.unit is None and 1000 <= a.value < 1e6 and a.value_max is None and (
                _LEVEL_BEFORE.search(s, max(0, _core_start(a) - 24), _core_start(a)) or _LEVEL_AFTER.match(s, a.end)):
            a = replace(a, kind="quantity", unit="point")
        out.append(a)
    return out


def _core_start(a: Any) -> int:
    """Where the number itself starts in an amount's span, past a hedge ("below 7,000")."""
    return a.start + _LEAD_WORDS.match(a.text).end()


def _metric_tons(res: list[Any], s: str) -> list[Any]:
    """"5.63 tons per hectare", "2 million tons from 1.5 million hectares": tons beside a metric
    area are metric tonnes (a short ton is a US measure, never per hectare). So are the tons of a
    world market's crops ("global rice production ... 478.6 million tons", USDA's world tables
    are metric: a crop, or a world market's words), unless the sentence is about US pounds, short
    tons, states or the United States itself
    (real labels: 25 tonne against 1 where such a sentence's tons were left as tons)."""
    if not any(a.unit and "hectare" in a.unit for a in res) and not (
            any(a.unit and re.fullmatch(r"ton(?: per .+)?", a.unit) for a in res)
            and _WORLD_TONS.search(s) and not _US_TONS.search(s)):
        return res
    return [replace(a, unit="tonne" + a.unit[3:]) if a.unit and re.fullmatch(r"ton(?: per .+)?", a.unit) else a
            for a in res]


def _half_compounds(res: list[Any], s: str) -> list[Any]:
    """"a half marathon", "a half hour": "a half" before a noun names a thing, not a share (as
    "half of mothers", "cut by a half" are)."""
    return [a for a in res if not (a.kind == "percent" and _A_HALF.fullmatch(a.text) and (nm := counted.NEXT_WORD.match(s, a.end))
                                   and nm.group(1).lower() not in NOT_NOUNS)]


def _race_distances(res: list[Any], s: str) -> list[Any]:
    """"a half marathon, 8K and 1.2K kids run", "the 10k race": a "K" glued to a number in a
    sentence about running is kilometres (elsewhere "8K" is eight thousand, or a name)."""
    if not any(a.kind == "cardinal" and _GLUED_K.match(s, a.end) for a in res) or not _RUNNING.search(s):
        return res
    unit = UNITS.units["kilometre"]
    for i, a in enumerate(res):
        if a.kind == "cardinal" and a.unit is None and (k := _GLUED_K.match(s, a.end)):
            res[i] = replace(a, kind="quantity", unit=unit.name, dimension=unit.dimension, end=k.end(),
                             text=s[a.start:k.end()])
    return res


def _abbreviated_rates(res: list[Any], s: str) -> list[Any]:
    """Bare numbers whose unit the sentence writes as an abbreviation the registry cannot hold
    ("5 ppl": GBP per litre) or leaves out (".344" in a sentence about batting)."""
    for i, a in enumerate(res):
        if a.kind != "cardinal" or a.unit is not None:
            continue
        if pm := _PPL.match(s, a.end):
            end = a.end + pm.end()
            res[i] = replace(a, kind="money", unit="GBP per litre", value=scaled(a.value, 0.01),
                             value_max=None if a.value_max is None else scaled(a.value_max, 0.01),
                             end=end, text=s[a.start:end], dimension="currency/volume")
        elif _BATTING_FIGURE.fullmatch(s[a.start:a.end].split()[-1]) and _BATTING.search(s):
            res[i] = replace(a, kind="quantity", unit="batting average")
    return res


def _headline_millions(res: list[Any], s: str) -> list[Any]:
    """"22.6m men and women": a glued "m" or "bn" before a counted noun is a scale (the registry
    leaves "m" out: it is also metres); a later bare "17.3m" in the sentence counts the same."""
    unit = None
    for i, a in enumerate(res):
        sm = _GLUED_SCALE.match(s, a.end) if a.kind == "cardinal" and a.unit is None and a.text[-1].isdigit() else None
        if sm is None:
            continue
        value = scaled(a.value, 1e6 if sm["scale"] == "m" else 1e9)
        cn = counted.count_noun(s, sm.end(), value, None)
        if cn or unit:
            end = cn[1] if cn else sm.end()
            unit = cn[0] if cn else unit
            res[i] = replace(a, kind="count", unit=unit, value=value, end=end, text=s[a.start:end])
    return res


def _hanging_hyphens(res: list[Any], s: str) -> list[Any]:
    """"the 20- and 25-franc coins", "10- or 20-year bonds": a bare number left hanging on a
    hyphen takes the unit of the hyphenated amount after it (its span keeps the hyphen)."""
    for i, a in enumerate(res[:-1]):
        b = res[i + 1]
        if a.kind == "cardinal" and a.unit is None and b.unit and (m := _HANGING.match(s, a.end)) and m.end() == b.start:
            res[i] = replace(a, end=a.end + 1, text=s[a.start:a.end + 1], kind=b.kind, unit=b.unit,
                             dimension=b.dimension)
    return res


_SHARED_THOUSANDS = re.compile(r"-?\s+(?:and|to|or)\s+$")


def _shared_thousands(res: list[Any], s: str) -> list[Any]:
    """"15 to 20,000 refugees", "between 28- and 31,000 refugees": the thousands written once
    belong to both ends (15,000 to 20,000), when the first end is small and the second a round
    thousand between it and 2.5 times it; a range read as 15 to 20,000 is split this way too."""
    def shares(first: float, second: Any) -> bool:
        return 10 <= first < 1000 and second.value % 1000 == 0 and ",000" in second.text \
            and first < second.value / 1000 <= 2.5 * first

    out: list[Any] = []
    for a in res:
        if a.value_max is not None and shares(a.value, replace(a, value=a.value_max)):
            a = replace(a, value=a.value * 1000)
        elif out and (p := out[-1]).value_max is None and a.value_max is None and shares(p.value, a) \
                and p.text.rstrip("-").replace(",", "").isdigit() \
                and _SHARED_THOUSANDS.fullmatch(s, p.start + len(p.text.rstrip("-")), a.start):
            out[-1] = replace(a, start=p.start, value=p.value * 1000, value_max=a.value, text=s[p.start:a.end])
            continue
        out.append(a)
    return out


_INCH_MARK = re.compile(r"[\"”″]")
_INCH_CONTEXT = re.compile(r"\b(?:rain\w*|snow\w*|hail\w*|precipitation|tall|wide|long|deep|diameter|screen|display|"
                           r"monitor|TV|television|inches)\b", re.I)


def _inch_marks(res: list[Any], s: str) -> list[Any]:
    """"Rainfall totals are expected to reach 10\"": a bare number with a double prime right after
    it, in a sentence about rain, snow or size, is in inches."""
    if not _INCH_MARK.search(s) or not _INCH_CONTEXT.search(s):
        return res
    return [replace(a, kind="quantity", unit="inch", dimension="length", end=a.end + 1, text=s[a.start:a.end + 1])
            if a.kind == "cardinal" and a.unit is None and _INCH_MARK.match(s, a.end) else a for a in res]


def _defined_abbreviations(res: list[Any], s: str) -> list[Any]:
    """"13.5 million metric tons (mmt), up 0.9 mmt", "2.4 million hectares (mha), down 0.1 mha":
    a lower-case abbreviation defined in brackets after a measure or count names the unit and the
    scale of the bare numbers written with it later in the sentence."""
    for a in list(res):
        d = _ABBREVIATION.match(s, a.end)
        number = _LEADING_NUMBER.search(a.text) if d and a.kind in ("quantity", "count") and a.unit else None
        if number is None or not float(number.group().replace(",", "")):
            continue
        factor = 10.0 ** round(math.log10(a.value / float(number.group().replace(",", ""))))
        use = re.compile(r"\s*" + re.escape(d.group("abbr")) + r"\b")
        for i, b in enumerate(res):
            if b.start > a.end and b.kind == "cardinal" and b.unit is None and (u := use.match(s, b.end)):
                end = u.end()
                res[i] = replace(b, end=end, text=s[b.start:end], kind=a.kind, unit=a.unit, dimension=a.dimension,
                                 value=scaled(b.value, factor),
                                 value_max=None if b.value_max is None else scaled(b.value_max, factor))
    return res
