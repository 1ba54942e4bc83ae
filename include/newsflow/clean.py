"""Stage 2, clean: repair and normalise article text while keeping paragraph breaks.

All later offsets point into the text this returns, so it must be deterministic: the same
input always gives the same cleaned text (and therefore the same content hash).
"""

from __future__ import annotations

import hashlib
import re

import ftfy

# Rare quote and dash variants to the common ones, so searches and rules see one form each.
_PUNCT = str.maketrans({"„": "“", "‟": "“", "‚": "‘", "‛": "‘", "″": '"', "‹": "‘", "›": "’",
                        "\u2010": "-", "\u2011": "-", "\u2012": "–", "\u2015": "—", "\u2e3a": "—"})
# Characters that render as nothing or as a plain space.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_BLANK_LINES = re.compile(r"\n{2,}")
# Control characters (Unicode category Cc) other than the newline that separates paragraphs.
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def clean_text(raw: str) -> str:
    """Fix mojibake, normalise to NFC, collapse spaces; one paragraph per line.

    Input paragraphs may be separated by single or blank lines; the output separates them
    with exactly one newline, so paragraph boundaries survive and offsets stay compact.

    Idempotent (cleaning a cleaned text changes nothing, so a landed text reprocessed hashes the
    same): ftfy can uncover new mojibake once spaces and controls are gone (found by the property
    tests: "\xa0Â\x80"), so the steps repeat until nothing changes, at most three times.
    """
    text = raw
    for _ in range(3):
        cleaned = _clean_once(text)
        if cleaned == text:
            break
        text = cleaned
    return text


def _clean_once(raw: str) -> str:
    text = ftfy.fix_text(raw, normalization="NFC", uncurl_quotes=False)
    text = text.translate(_INVISIBLE).translate(_PUNCT)
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    text = _CONTROLS.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = "\n".join(line for line in lines if line)
    return _BLANK_LINES.sub("\n", text)


def clean_article_text(body: str) -> tuple[str, list[str]]:
    """The one recipe for an article's cleaned text (and the bylines taken out of it): what is
    processed, hashed into ``content_hash`` and compared when a landed article is fetched again."""
    return strip_boilerplate(clean_text(body))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    return len(text.split())


# --------------------------------------------------------------------------- boilerplate

_NAME = r"[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|da|van|von|bin|al|el|la|le|du|der))*"
_BYLINE = re.compile(
    rf"^(?:By|BY|Written by|Reporting by|Words by)\s+(?P<names>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)"
    r"(?:\s*(?:,|\||-|–|—|in)\s*.{0,60})?$"
)
_TRAILER = re.compile(
    r"^\(?(?:Reporting|Additional reporting|Writing|Editing|Compiled|Edited)\s+by\s+(?P<names>.+?)\)?\.?$",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:"
    r"read more\b.*|related(?: articles| stories| coverage)?:?.*|see also:.*|more on this story.*"
    r"|share (?:this|on)\b.*|click here\b.*|follow us\b.*|sign up\b.*|subscribe\b.*|advertisement"
    r"|(?:©|\(c\)|copyright)\s*.*|.*\ball rights reserved\b.*"
    r"|(?:photo|image|picture|video|file photo|credit|photograph)s?\s*(?:by|:|credit:?)\s.*"
    r"|.*\((?:photo|picture|image) by [^)]*\)\.?|.*/(?:getty images|afp|reuters|ap|epa|shutterstock)\)?\.?"
    r"|listen to (?:this|the) article.*|\d+ min(?:ute)?s? read|updated \d.*|published \d.*"
    r")$",
    re.IGNORECASE,
)


_ROLE_PREFIX = re.compile(r"^(?:additional\s+)?(?:reporting|editing|writing|compiled|edited)\s+by\s+", re.I)
_NOT_AUTHORS = frozenset({"reuters", "ap", "afp", "bloomberg", "associated press", "staff", "agencies",
                          "pti", "xinhua", "staff reporter", "our correspondent", "correspondent"})


def strip_boilerplate(text: str) -> tuple[str, list[str]]:
    """Drop byline, credit, share and copyright lines; return the text and the bylines' authors.

    Only whole short lines are removed, so a sentence that merely mentions "copyright" stays.
    """
    authors: list[str] = []
    kept = []
    for line in text.split("\n"):
        short = len(line.split()) <= 16
        m = (_BYLINE.match(line) or _TRAILER.match(line)) if short else None
        if m:
            names = re.sub(r"(?:^|;)\s*(?:editing|edited)\s+by\b[^;]*", "", m.group("names"), flags=re.I)
            for name in re.split(r"\s*(?:,|;|\band\b|&)\s*", names):
                name = _ROLE_PREFIX.sub("", name.strip(" .;()"))
                if (name and name[0].isupper() and name not in authors and len(name.split()) <= 4
                        and name.lower() not in _NOT_AUTHORS):
                    authors.append(name)
            continue
        if short and _BOILERPLATE.match(line):
            continue
        kept.append(line)
    return "\n".join(kept), authors
