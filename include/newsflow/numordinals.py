"""Ranks among the numbers: "third", "5th", "a sixth nuclear test".

Split from ``numbers`` (the scanner) because telling a rank from a name ("the Fourth of July"),
a compound ("first-class"), a century, a date ("June seventh") or a share ("by a third") is
its own question. Returns plain tuples; the scanner makes them amounts of kind ``ordinal``.
"""

from __future__ import annotations

import re

from newsflow import counted
from newsflow.numchecks import MONTH_NEAR
from newsflow.numchecks import tail as _tail
from newsflow.numwords import MONTHS, NOT_NOUNS, ORDINAL_WORDS, TENS
from newsflow.units import UNITS

_ARTICLE_ORDINAL = re.compile(r"an?[\s-]+(?P<ord>third|fourth|fifth|sixth|eighth|tenth)", re.I)
_NOT_AFTER_ORDINAL = frozenset("last next since during within earlier later ago each every".split())
_CENTURY_AFTER = re.compile(r"[\s-]*(?:century|centuries|millennium|millennia)\b", re.I)
# Words before "a third" that make it a share: "by a third", "about a third", "cut a third".
FRACTION_CONTEXT = re.compile(
    r"\b(?:by|about|around|roughly|nearly|almost|some|than|over|under|just|only|barely|fully|"
    r"cut|fell|rose|lost|gained|shed|grew|shrank|dropped|reduced|slashed|increased)\s+$", re.I)


def ordinal_at(s: str, m: re.Match, at_sentence_start: bool) -> tuple[int, int, str, float] | None:
    """A rank ("third", "5th") at a CORE ordinal match: (start, end, text, value); None for a name,
    a compound ("first-class"), a century or a date."""
    tok = m.group("ordinal")
    if tok[0].isupper() and not at_sentence_start:
        return None  # "the Fourth of July", "Hornsea One"
    if re.match(r"-(?!(?:most|least|best|worst|straight|consecutive|successive|\w+est)\b)", s[m.end():]):
        return None  # "first-class", "first-time"; but "tenth-driest", "second-largest" rank
    if _CENTURY_AFTER.match(s, m.end()):
        return None  # "the 20th century", "the third millennium": a period of time, not a rank
    if MONTH_NEAR.search(_tail(s, m.start(), 16)[0]) or re.match(
            rf"\s+of\s+(?:{'|'.join(MONTHS)})\b", s[m.end():], re.I):
        return None  # "June seventh", "the seventh of June": a date
    if tok[0].isdigit():
        val = float(re.match(r"[\d,]+", tok).group().replace(",", ""))  # "10,000th"
    else:
        *tens, unit = re.split(r"[\s-]", tok.lower())
        val = float(ORDINAL_WORDS[unit] + sum(TENS[t] for t in tens))
    return m.start(), m.end(), tok, val


def fraction_ordinal(s: str, m: re.Match) -> tuple[int, int, str, float] | None:
    """"a sixth nuclear test", "a third straight year": "a" and an ordinal word before a noun
    rank something; "by a third", "about a third of", "a third this year" are fractions."""
    om = _ARTICLE_ORDINAL.fullmatch(m.group("fraction"))
    nxt = counted.NEXT_WORD.match(s, m.end())
    if not om or not nxt or UNITS.match(s, m.end()):
        return None
    word = nxt.group(1).lower()
    if word in NOT_NOUNS or word in _NOT_AFTER_ORDINAL or word in MONTHS or \
            FRACTION_CONTEXT.search(_tail(s, m.start(), 24)[0]):
        return None
    start = m.start() + om.start("ord")
    return start, m.end(), om.group("ord"), float(ORDINAL_WORDS[om.group("ord").lower()])
