"""Bytes to text: the one place in newsflow where that happens (files, pages, robots.txt).

Why a module of its own: every input used to be decoded by a whole-file guess, and a guess is
what turned Latin-1 pages into "naďve" and a UTF-8 file with one stray byte into Japanese. The
rules below prefer the explanations that are almost never wrong and fall back to detection last:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) says what the text is;
2. BOM-less UTF-16 is recognised by its NUL bytes (ASCII-range text has one in every other byte);
3. valid UTF-8 is UTF-8, whatever was declared: non-ASCII bytes that form valid UTF-8 by accident
   are vanishingly rare in real legacy text;
4. *mostly* UTF-8 (at least as many valid multi-byte sequences as bad bytes, and the bad bytes
   at most a handful or 1%) is UTF-8 with U+FFFD for the bad bytes: losing one character beats
   turning every accent into mojibake. Against a declared CJK charset that fits the bytes, UTF-8
   needs four valid sequences per bad byte;
5. a declared non-UTF charset (HTTP header, ``<meta charset>``) that decodes cleanly;
6. cp1252 (Latin-1's superset, the usual undeclared legacy encoding) when the result reads like
   Western text (see :func:`looks_western`); the five bytes cp1252 leaves undefined read as Latin-1;
7. charset detection (charset_normalizer), only when the cp1252 reading is clearly not Western,
   and only a confident, non-Western guess; else cp1252 stands, or :class:`UndecodableText`.

Anything decoded by rule 4, 6 or 7, or by 2 without a declaration, carries a ``note`` saying so;
it ends in ``articles.fetch_notes``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (  # UTF-32 LE first: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers read as another encoding (WHATWG Encoding Standard): pages labelled Latin-1 or
# ASCII are written in cp1252 in practice, and the CJK labels name the vendor supersets.
_WHATWG = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "gb2312": "gb18030",
           "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949"}
_UNICODE = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")
# CJK codecs, which reject most byte strings that are not written in them (names after _WHATWG)
_DOUBLE_BYTE = frozenset({"cp932", "euc_jp", "euc_jis_2004", "shift_jis_2004", "gb18030",
                          "big5", "big5hkscs", "cp950", "cp949", "johab"})
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15", "ascii"})
# Detection candidates: the legacy encodings news sites still serve. Unconstrained detection
# picks exotic code pages for short or KOI8-R text (shift_jis_2004, cp1006, cp1125).
_DETECT = ["cp1252", "cp1250", "iso8859_2", "cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp1253",
           "iso8859_7", "cp1254", "cp1255", "cp1256", "cp1257", "cp874", "cp932", "euc_jp",
           "gb18030", "big5", "cp949"]
_HANDFUL = 4  # bad bytes a UTF-8 document may have before the share rule (1%) applies
_SAMPLE = 100_000  # characters the Western heuristic looks at: enough to judge, cheap on 20 MB
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
                         rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_HIGH_RE = re.compile(r"[^\x00-\x7f]")
_C1_RE = re.compile(r"[\x80-\x9f]")
_INWORD_OK = frozenset("’‘·")  # apostrophes and the Catalan middle dot do sit inside Western words


class UndecodableText(ValueError):
    """No rule produced text: not UTF-8, not Western, and detection found no charset."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used
    note: str | None = None  # why this is not plain, trustworthy text; None when it is


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined; Latin-1 maps
    them to C1 controls, which keeps the decode lossless instead of failing the whole document."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("newsflow-latin1", _latin1_fallback)


def normalise_charset(label: str | None) -> str | None:
    """A charset label as a Python codec name (WHATWG aliases applied); None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WHATWG.get(name, name)


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, as given."""
    if not content_type or "charset=" not in content_type.lower():
        return None
    return content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or None


def sniff_markup_charset(data: bytes) -> str | None:
    """``<meta charset>``, ``http-equiv`` Content-Type or ``<?xml encoding>`` in the first 2 KB:
    the declaration browsers honour, read from the bytes (it is ASCII in every charset we take)."""
    m = _CHARSET_RE.search(data[:2048])
    return (m.group(1) or m.group(2)).decode("ascii") if m else None


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            if codec == "utf-32-le" and len(data) % 4:
                continue  # FF FE 00 00 in an odd-sized file: UTF-16 LE whose first char is NUL
            return codec, len(bom)
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM, told by its NULs: text in the Latin ranges has a NUL high byte in
    most code units, and nothing else has NULs in (almost) only every other byte. The 1% allows
    characters such as U+0100 or U+2000, whose *low* byte is NUL."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= half * 0.5 and even <= half // 100:
        return "utf-16-le"
    if even >= half * 0.5 and odd <= half // 100:
        return "utf-16-be"
    return None


def wide_encoding(data: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) for UTF-16/32 input, which must not be split on b"\\n" or taken for binary."""
    bom = _bom(data)
    if bom and bom[0] != "utf-8":
        return bom
    codec = None if bom else _bomless_utf16(data)
    return (codec, 0) if codec else None


def looks_binary(data: bytes) -> bool:
    """True for files that are not text: NULs or many control characters. UTF-16/32 text (with a
    BOM, or BOM-less UTF-16) has NUL bytes by design, so it is judged on its decoded characters."""
    wide = wide_encoding(data)
    if wide:
        codec, skip = wide
        sample = data[skip:skip + 8192]
        sample = sample[: len(sample) // 4 * 4]
        chars = sample.decode(codec, errors="replace")
        # a BOM followed by what does not decode in its own encoding is a corrupt file, not text
        bad = _controls(chars) + chars.count("\ufffd")
        return bad > len(chars) * 0.1 or "\x00" in chars
    sample = data[:4096]
    return b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) * 0.1


def _controls(text: str) -> int:
    return sum(ord(c) < 9 or 13 < ord(c) < 32 for c in text)


def _replaced(count: int, codec: str) -> str:
    return f"{count} invalid {codec.upper()} byte sequence{'s' if count != 1 else ''} replaced with U+FFFD"


def _from_bom(data: bytes, declared: str | None) -> Decoded | None:
    wide = _bom(data)
    if not wide:
        return None
    codec, skip = wide
    text = data[skip:].decode(codec, errors="replace")
    bad = text.count("\ufffd") - data[skip:].decode(codec, errors="ignore").count("\ufffd")
    return Decoded(text, codec, _replaced(bad, codec) if bad else None)


def _from_nuls(data: bytes, declared: str | None) -> Decoded | None:
    codec = _bomless_utf16(data)
    if not codec:
        return None
    text = data.decode(codec, errors="replace")
    note = None if declared and declared.startswith("utf-16") else \
        f"decoded as {codec.upper()} by its NUL bytes (no byte-order mark)"
    return Decoded(text, codec, note)


def _utf8(data: bytes, declared: str | None) -> Decoded | None:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return None


def _mostly_utf8(data: bytes, declared: str | None) -> Decoded | None:
    """UTF-8 with a few bad bytes. Each valid multi-byte sequence is strong evidence for UTF-8 (in
    cp1252 it would read as mojibake like "Ã©"), each invalid byte evidence against; UTF-8 wins
    when the valid sequences are at least as many and the bad bytes few (a handful, or 1%). A
    declared double-byte charset that fits the bytes is evidence too (CJK bytes often contain
    valid UTF-8 sequences by chance, arbitrary bytes rarely fit Shift-JIS or GBK), so against it
    UTF-8 needs four valid sequences per bad one."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    multi = len(_HIGH_RE.findall(text)) - bad
    needed = 4 if _fits_double_byte(data, declared) else 1
    if multi < needed * bad or bad > max(_HANDFUL, len(text) // 100):
        return None
    return Decoded(text, "utf-8", _replaced(bad, "utf-8"))


def _fits_double_byte(data: bytes, declared: str | None) -> bool:
    if declared not in _DOUBLE_BYTE:
        return False
    try:
        data.decode(declared)
    except UnicodeDecodeError:
        return False
    return True


def _declared(data: bytes, declared: str | None) -> Decoded | None:
    if not declared or declared in _UNICODE:
        return None
    try:
        return Decoded(data.decode(declared), declared)
    except (UnicodeDecodeError, LookupError):
        return None


def _cp1252(data: bytes) -> str:
    return data.decode("cp1252", errors="newsflow-latin1")


def looks_western(text: str) -> bool:
    """Whether a cp1252 reading is plausibly what was written.

    Western European languages write mostly ASCII letters with sparse accents (Icelandic, the
    densest, stays near 20% of non-space characters); Cyrillic, Greek or CJK bytes read as cp1252
    are mostly non-ASCII ("Ïðèâåò"), and Central European bytes put symbols inside words
    ("by³o"). Fewer than four non-ASCII characters are too little evidence to overrule cp1252.
    """
    sample = text[:_SAMPLE]
    high = len(_HIGH_RE.findall(sample))
    if high < 4:
        return True
    nonspace = len(sample) - sum(map(sample.count, " \t\r\n"))
    symbols = _inword_symbols(sample)
    return high <= 0.3 * nonspace and symbols * 10 <= high and len(_C1_RE.findall(sample)) * 10 <= high


def _inword_symbols(text: str) -> int:
    """Non-ASCII non-letters between two letters, like "by³o" (Polish "było" in cp1250 read as
    cp1252). Plain loop, not a regex: ``\\w`` counts superscript digits such as "³" as word characters."""
    count = 0
    for m in _HIGH_RE.finditer(text, 1, len(text) - 1):
        c, i = m.group(), m.start()
        if not c.isalpha() and c not in _INWORD_OK and text[i - 1].isalpha() and text[i + 1].isalpha():
            count += 1
    return count


def _western(data: bytes, declared: str | None) -> Decoded | None:
    text = _cp1252(data)
    if not looks_western(text):
        return None
    return Decoded(text, "cp1252", _cp1252_note(text, declared))


def _cp1252_note(text: str, declared: str | None) -> str:
    why = f"declared {declared} but not valid" if declared else "not valid"
    c1 = len(_C1_RE.findall(text))
    extra = f"; {c1} byte(s) undefined in cp1252 read as Latin-1" if c1 else ""
    return f"decoded as cp1252 ({why} UTF-8){extra}"


def _detected(data: bytes, declared: str | None) -> Decoded | None:
    """charset_normalizer among the legacy encodings news sites use. Its guess is taken only when
    it is not a Western code page and is unambiguous: language coherence found, or no other
    candidate as clean. Otherwise cp1252 stands (the best prior for this pipeline), unless that
    reading has control characters, which no text has."""
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data, cp_isolation=_DETECT) if not _shouting(str(m))]
    best = matches[0] if matches else None
    if best is not None and best.encoding not in _WESTERN and (
            best.coherence > 0 or len(matches) == 1 or matches[1].chaos > best.chaos):
        note = f"charset guessed as {best.encoding} by detection (not valid UTF-8)"
        return Decoded(str(best), best.encoding, note)
    text = _cp1252(data)
    if best is None or _controls(text) or _C1_RE.search(text):
        return None
    return Decoded(text, "cp1252", _cp1252_note(text, declared) + "; detection found no better charset")


def _shouting(text: str) -> bool:
    """All capitals: how a caseless script (Hebrew in cp1255) reads in a wrong cased code page
    (KOI8-R), which detection otherwise ranks first. News text in a cased script is not all caps."""
    sample = text[:_SAMPLE]
    upper, lower = sum(map(str.isupper, sample)), sum(map(str.islower, sample))
    return upper >= 8 and upper > 4 * lower


_RULES = (_from_bom, _from_nuls, _utf8, _mostly_utf8, _declared, _western, _detected)


def decode_text(data: bytes, declared: str | None = None) -> Decoded:
    """Decode one document by the rules in the module docstring.

    ``declared`` is a charset label from a header or markup; it is trusted only where the rules
    say (a UTF-8 label on bytes that are not UTF-8 does not make them UTF-8). Raises
    :class:`UndecodableText` when no rule applies, and nothing else.
    """
    label = normalise_charset(declared)
    for rule in _RULES:
        decoded = rule(data, label)
        if decoded is not None:
            return decoded
    raise UndecodableText("not decodable as text: not UTF-8, not Western (cp1252) text, "
                          "and charset detection found no encoding")


def decode_lines(data: bytes) -> list[tuple[int, Decoded | UndecodableText]]:
    """(line number, decoded line or the reason it is not text) for line-oriented files such as
    JSONL. Each line is decoded on its own, so a bad byte or a pasted Latin-1 line affects only its
    line. UTF-16/32 cannot be split on b"\\n" (a newline there is two or four bytes), so such files
    are decoded whole, then split."""
    if wide_encoding(data):
        whole = decode_text(data)
        return [(n, Decoded(line.removesuffix("\r"), whole.encoding, whole.note))
                for n, line in enumerate(whole.text.split("\n"), 1)]
    out: list[tuple[int, Decoded | UndecodableText]] = []
    for n, raw in enumerate(data.split(b"\n"), 1):
        try:
            out.append((n, decode_text(raw.rstrip(b"\r"))))
        except UndecodableText as exc:
            out.append((n, exc))
    return out


def decode_http_body(body: bytes, content_type: str | None) -> Decoded:
    """A response body: the header's charset, else the markup's, as ``declared``. Never raises,
    because a page or robots.txt that cannot be read well is still better read as cp1252 (with a
    note) than a failed source."""
    declared = charset_from_content_type(content_type) or sniff_markup_charset(body)
    try:
        return decode_text(body, declared)
    except UndecodableText as exc:
        return Decoded(_cp1252(body), "cp1252", f"{exc}; read as cp1252")
