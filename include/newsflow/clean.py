"""Stage 2, clean: repair and normalise article text while keeping paragraph breaks.

All later offsets point into the text this returns, so it must be deterministic: the same
input always gives the same cleaned text (and therefore the same content hash).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import ftfy

# Characters that render as nothing or as a plain space.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_BLANK_LINES = re.compile(r"\n{2,}")


def clean_text(raw: str) -> str:
    """Fix mojibake, normalise to NFC, collapse spaces; one paragraph per line.

    Input paragraphs may be separated by single or blank lines; the output separates them
    with exactly one newline, so paragraph boundaries survive and offsets stay compact.
    """
    text = ftfy.fix_text(raw, normalization="NFC", uncurl_quotes=False)
    text = text.translate(_INVISIBLE)
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = "\n".join(line for line in lines if line)
    return _BLANK_LINES.sub("\n", text)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    return len(text.split())
