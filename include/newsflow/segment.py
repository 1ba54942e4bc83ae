"""Stage 3, segment: paragraphs and sentences with character offsets into the cleaned text.

A rule-based splitter rather than a statistical one: news prose is full of abbreviations
("U.S. President", "Sino-U.S.", "Mr.", "Jan. 5") that statistical sentencizers split on,
and rules are fast, deterministic and easy to test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a period yet rarely end a sentence.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms messrs dr prof st jr sr gen lt col capt cpt sgt maj adm cmdr gov sen rep rev hon pres
    supt insp det cpl pvt fr
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no nos vol vols ch pp fig figs art sec op ed eds est approx dept univ assn bros
    inc corp ltd co plc llc cos mt ft ave blvd rd hwy
    vs v etc al cf ie eg viz ca
    """.split()
)
# Abbreviations that, before a number, never end a sentence ("No. 10", "Jan. 5").
_BEFORE_NUMBER = frozenset("no nos vol ch pp fig art sec jan feb mar apr jun jul aug sep sept oct nov dec".split())
# Capitalised words that usually open a new sentence after an acronym like "U.S.".
SENTENCE_STARTERS = frozenset(
    """
    the a an this that these those he she it they we i you his her its their our my there here
    but and so yet or nor however meanwhile still also then now in on at for after before
    while when if as since although though despite some many most all both each one no not
    what who why how where which officials analysts critics
    """.split()
)

_CANDIDATE = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+)")
_WORD_BEFORE = re.compile(r"([\w.\-']+)$")
_DOTTED_ACRONYM = re.compile(r"(?:^|[-])(?:[A-Za-z]\.){2,}$")
_LIST_MARKER = re.compile(r"\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]")
_WORD_WINDOW = 256  # longer "words" than this are not abbreviations or acronyms
_NEXT_TOKEN = re.compile(r"\s+([\"'“‘«(\[]*)(\S+)")


@dataclass(frozen=True)
class Sentence:
    paragraph_index: int
    sentence_index: int
    start: int
    end: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line; cleaned text has one paragraph per line."""
    spans, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            spans.append((start, start + len(stripped)))
        pos += len(line) + 1
    return spans


def _is_boundary(text: str, end: int, para_end: int) -> bool:
    """Decide whether the punctuation run ending at ``end`` closes a sentence."""
    nxt = _NEXT_TOKEN.match(text, end, para_end)
    if not nxt:
        return False
    opener, word = nxt.group(1), nxt.group(2)
    first = word[0]
    if not (first.isupper() or first.isdigit() or opener):
        return False  # "e.g. this", "“Why?” he asked"
    # only the last word matters: a bounded window keeps long paragraphs linear, not quadratic
    tail = text[max(0, end - _WORD_WINDOW):end].rstrip("\"'”’»)]")
    if not tail.endswith("."):
        return True  # ! ? …
    m = _WORD_BEFORE.search(tail[:-1] + ".")
    token = m.group(1) if m else ""
    bare = token.rstrip(".").lower()
    bare_last = re.split(r"[-.']", bare)[-1] if bare else ""
    if bare_last in ABBREVIATIONS or bare in ABBREVIATIONS:
        if first.isdigit() and (bare_last in _BEFORE_NUMBER or bare in _BEFORE_NUMBER):
            return False
        # "Mr." and friends are titles before names: never an end.
        return bare_last not in {"mr", "mrs", "ms", "dr", "prof", "gen", "gov", "sen", "rep", "lt",
                                 "col", "capt", "sgt", "st", "rev", "hon", "messrs", "no", "vs",
                                 "v", "cf", "eg", "ie"} and word.lower().strip(".,") in SENTENCE_STARTERS
    if _DOTTED_ACRONYM.search(token):
        # "U.S. President" continues; "in the U.S. The next day" ends.
        return word.strip("\"'“‘,").lower() in SENTENCE_STARTERS
    return not (len(bare) == 1 and bare.isalpha() and token[:1].isupper())  # initials: "J. Smith"


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans within text[start:end] (one paragraph), trimmed of surrounding spaces."""
    end = len(text) if end is None else end
    spans, sent_start = [], start
    for m in _CANDIDATE.finditer(text, start, end):
        if _LIST_MARKER.fullmatch(text, sent_start, m.end()):
            continue  # "1. Review in May": a list marker, not a sentence
        if _is_boundary(text, m.end(), end):
            spans.append((sent_start, m.end()))
            ws = re.compile(r"\s*").match(text, m.end(), end)
            sent_start = ws.end() if ws else m.end()
    if sent_start < end and text[sent_start:end].strip():
        spans.append((sent_start, end))
    return [(s, e) for s, e in spans if e > s]


def segment(text: str) -> list[Sentence]:
    """All sentences of an article, numbered across paragraphs."""
    out: list[Sentence] = []
    for p_idx, (p_start, p_end) in enumerate(paragraphs(text)):
        for s, e in split_sentences(text, p_start, p_end):
            out.append(Sentence(p_idx, len(out), s, e))
    return out
