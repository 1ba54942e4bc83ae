"""Charsets: legacy, mislabelled and damaged inputs land as the text that was written, and a
decode that needed a repair or a guess says so in ``fetch_notes``."""

import json
import re
import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newsflow.decoding import UndecodableText, decode_http_body, decode_text, looks_binary
from newsflow.fetch import LocalFetcher, RawArticle, Rejected, fetch_all
from newsflow.lake import Lake
from tests.newsserver import CP1252_BODY, NewsServer
from tests.test_fetch_web import OFF_MACHINE, q, run, sources_file

WESTERN = "Le “naïve” café a fermé — déjà vu: 5 € de plus, dit Zoë à Saint-Étienne."
RUSSIAN = "Правительство России объявило в среду о новых мерах поддержки экономики и промышленности."
JAPANESE = "東京証券取引所は水曜日、日経平均株価が三日続けて上昇したと発表した。"
CHINESE = "中国国家统计局周三表示，十月份工业产出同比增长百分之五。"
GREEK = "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία την Τετάρτη."
POLISH = "Rząd ogłosił w środę, że wzrost gospodarczy był niższy niż oczekiwano, a złoty osłabł."


def _fetch(*paths):
    return fetch_all([LocalFetcher(tuple(map(str, paths)))])


def _one(tmp_path, name, data: bytes) -> RawArticle:
    (tmp_path / name).write_bytes(data)
    res = _fetch(tmp_path / name)
    assert res.rejected == [], res.rejected
    (article,) = res.articles
    return article


# -- files ---------------------------------------------------------------------------------------

def test_cp1252_txt_lands_with_accents_smart_quotes_and_euro_and_a_note(tmp_path):
    article = _one(tmp_path, "legacy.txt", WESTERN.encode("cp1252"))
    assert article.text == WESTERN
    assert article.notes == "decoded as cp1252 (not valid UTF-8)"


def test_latin1_txt_lands_correctly(tmp_path):
    text = "Le café de la gare a fermé ses portes après trente années; naïve Überraschung."
    assert _one(tmp_path, "old.txt", text.encode("latin-1")).text == text


def test_clean_utf8_txt_has_no_note(tmp_path):
    article = _one(tmp_path, "modern.txt", WESTERN.encode("utf-8"))
    assert article.text == WESTERN and article.notes is None


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32", "utf-8-sig"])
def test_unicode_txt_with_a_bom_is_text_not_binary(tmp_path, encoding):
    boms = {"utf-16-le-bom": b"\xff\xfe", "utf-16-be-bom": b"\xfe\xff"}
    codec = encoding.removesuffix("-bom")
    data = boms.get(encoding, b"") + WESTERN.encode(codec)
    assert not looks_binary(data)
    article = _one(tmp_path, "wide.txt", data)
    assert article.text == WESTERN and article.notes is None


def test_bomless_utf16_is_recognised_by_its_nul_bytes_with_a_note(tmp_path):
    article = _one(tmp_path, "wide.txt", WESTERN.encode("utf-16-le"))
    assert article.text == WESTERN
    assert "UTF-16-LE" in article.notes and "no byte-order mark" in article.notes


def test_binary_files_with_nuls_are_still_binary():
    assert looks_binary(b"\x00\x01\x02PNG\x00\x00" * 50)
    assert looks_binary(b"\xff\xfe" + b"\x00\x00\x01\x00\x02\x00" * 50)  # a BOM does not make noise text


@pytest.mark.parametrize(("text", "encoding", "guess"), [
    (RUSSIAN, "cp1251", "cp1251"), (RUSSIAN, "koi8_r", "koi8_r"), (JAPANESE, "shift_jis", "cp932"),
    (JAPANESE, "euc_jp", "euc_jp"), (CHINESE, "gbk", "gb18030"), (GREEK, "cp1253", "cp1253"),
    (POLISH, "cp1250", "cp1250"),
])
def test_non_western_legacy_files_are_decoded_by_detection(tmp_path, text, encoding, guess):
    article = _one(tmp_path, "foreign.txt", text.encode(encoding))
    assert article.text == text
    assert article.notes == f"charset guessed as {guess} by detection (not valid UTF-8)"


def test_html_meta_charset_is_a_declaration(tmp_path):
    short = "Да, мир."  # too short for detection: only the declaration can tell
    page = f'<html><head><meta charset="windows-1251"><title>t</title></head><body><p>{short}</p></body></html>'
    article = _one(tmp_path, "ru.html", page.encode("cp1251"))
    assert short in article.html and article.notes is None
    http_equiv = page.replace('<meta charset="windows-1251">',
                              '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
    assert short in _one(tmp_path, "ru2.html", http_equiv.encode("cp1251")).html


def test_html_wrongly_declared_utf8_is_read_as_cp1252(tmp_path):
    page = f'<html><head><meta charset="utf-8"></head><body><p>{WESTERN}</p></body></html>'
    article = _one(tmp_path, "legacy.html", page.encode("cp1252"))
    assert WESTERN in article.html
    assert article.notes == "decoded as cp1252 (declared utf-8 but not valid UTF-8)"


def test_jsonl_stray_byte_damages_only_its_own_line(tmp_path):
    lines = [{"id": f"a{i}", "text": f"Le café numéro {i} a rouvert, déjà vu pour Zoë."} for i in range(5)]
    data = [json.dumps(obj, ensure_ascii=False).encode() for obj in lines]
    data[2] = data[2].replace(b"rouvert", b"rou\xffvert")
    (tmp_path / "feed.jsonl").write_bytes(b"\n".join(data) + b"\n")
    res = _fetch(tmp_path / "feed.jsonl")
    assert res.rejected == []
    by_id = {a.external_id: a for a in res.articles}
    for obj in lines:
        if obj["id"] != "a2":
            assert by_id[obj["id"]].text == obj["text"] and by_id[obj["id"]].notes is None
    assert by_id["a2"].text == lines[2]["text"].replace("rouvert", "rou\ufffdvert")
    assert by_id["a2"].notes == "1 invalid UTF-8 byte sequence replaced with U+FFFD"


def test_jsonl_with_a_pasted_cp1252_line_keeps_the_utf8_lines_exact(tmp_path):
    utf8 = json.dumps({"id": "u", "text": "Zürich’s naïve café"}, ensure_ascii=False).encode()
    legacy = json.dumps({"id": "l", "text": WESTERN}, ensure_ascii=False).encode("cp1252")
    (tmp_path / "mixed.jsonl").write_bytes(utf8 + b"\r\n" + legacy + b"\r\n")
    by_id = {a.external_id: a for a in _fetch(tmp_path / "mixed.jsonl").articles}
    assert by_id["u"].text == "Zürich’s naïve café" and by_id["u"].notes is None
    assert by_id["l"].text == WESTERN and "cp1252" in by_id["l"].notes


def test_utf16_jsonl_is_split_after_decoding(tmp_path):
    body = "\n".join(json.dumps({"id": f"w{i}", "text": WESTERN}, ensure_ascii=False) for i in range(3))
    (tmp_path / "wide.jsonl").write_bytes(body.encode("utf-16"))
    res = _fetch(tmp_path / "wide.jsonl")
    assert res.rejected == [] and [a.text for a in res.articles] == [WESTERN] * 3


# -- the rules themselves ------------------------------------------------------------------------

def test_valid_utf8_wins_over_a_wrong_latin1_declaration():
    assert decode_text("Zürich’s café".encode(), "iso-8859-1").text == "Zürich’s café"


def test_a_declared_legacy_charset_that_decodes_cleanly_is_trusted_without_a_note():
    assert decode_text("Größe".encode("cp1252"), "windows-1252") == decode_text(b"Gr\xf6\xdfe", "latin1")
    decoded = decode_text("Да, мир.".encode("cp1251"), "windows-1251")
    assert decoded.text == "Да, мир." and decoded.note is None


def test_a_declared_cjk_charset_beats_utf8_sequences_that_occur_by_chance():
    # GBK bytes of "统计局" hold two valid UTF-8 sequences and two bad bytes: without the
    # declaration that would pass for UTF-8 with two replacements
    assert decode_text("统计局".encode("gbk"), "gbk").text == "统计局"
    assert decode_text("国家统计局周三表示".encode("gbk"), "gb2312").text == "国家统计局周三表示"


def test_utf8_with_a_stray_byte_beats_any_declaration():
    text = "Le café de la gare a fermé ses portes après trente années."
    data = text.encode().replace(b"gare", b"ga\xe9re")  # one Latin-1 byte pasted into UTF-8
    for declared in (None, "utf-8", "iso-8859-1", "gbk", "shift_jis", "windows-1251"):
        decoded = decode_text(data, declared)
        assert decoded.text == text.replace("gare", "ga\ufffdre"), declared
        assert decoded.note == "1 invalid UTF-8 byte sequence replaced with U+FFFD"


def test_cp1252_undefined_bytes_fall_back_to_latin1_with_a_note():
    decoded = decode_text(WESTERN.encode("cp1252") + b" \x81")
    assert decoded.text == WESTERN + " \x81" and "read as Latin-1" in decoded.note


def test_bytes_that_are_no_text_raise_the_documented_error():
    with pytest.raises(UndecodableText, match="not decodable as text"):
        decode_text(bytes(range(0x80, 0x100)))


def test_http_body_never_raises_and_notes_the_fallback():
    decoded = decode_http_body(bytes(range(0x80, 0x100)), "text/html")
    assert len(decoded.text) == 128 and "read as cp1252" in decoded.note
    assert decode_http_body("Größe".encode("cp1252"), "text/html; charset=utf-8").text == "Größe"


# -- properties ----------------------------------------------------------------------------------

# News text has no C0 controls besides tab and newlines; a leading U+FEFF *is* a UTF-8 BOM, and
# NULs in every other character would be BOM-less UTF-16: those inputs are genuinely ambiguous.
unicode_text = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r"),
                       max_size=200).filter(lambda t: not t.startswith("\ufeff"))
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])


@PROPERTY
@given(unicode_text)
def test_any_utf8_text_round_trips_without_a_note(t):
    assert decode_text(t.encode("utf-8")) == decode_text(t.encode("utf-8"), "utf-8")
    decoded = decode_text(t.encode("utf-8"))
    assert decoded.text == t and decoded.note is None


@PROPERTY
@given(unicode_text.filter(lambda t: re.search(r"[^\x00-\x7f]", t)), st.data())
def test_one_stray_byte_in_utf8_text_costs_one_character(t, data):
    cut = data.draw(st.integers(0, len(t)))
    decoded = decode_text(t[:cut].encode() + b"\xff" + t[cut:].encode())
    assert decoded.text == t[:cut] + "\ufffd" + t[cut:]
    assert decoded.note == "1 invalid UTF-8 byte sequence replaced with U+FFFD"


CP1252 = [chr(c) for c in range(0x20, 0x7f)] + [
    c for c in bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore")]
HIGH_LETTERS = [c for c in CP1252 if ord(c) > 0x7f and c.isalpha()]
HIGH_SYMBOLS = [c for c in CP1252 if ord(c) > 0x7f and not c.isalpha()]
# valid multi-byte UTF-8 sequences (RFC 3629)
UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                        rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                        rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
ascii_word = st.text(st.sampled_from(string.ascii_letters), min_size=2, max_size=10)
# a word with up to two accented letters anywhere in it ("naïve", "Zoë", "éte")
word = st.tuples(ascii_word, st.lists(st.tuples(st.integers(0, 10), st.sampled_from(HIGH_LETTERS)), max_size=2)).map(
    lambda w: _insert(*w))
separator = st.sampled_from([" ", " ", ", ", ". ", "\n", "'s ", " 12 "]) | st.sampled_from(HIGH_SYMBOLS).map(" {} ".format)
western_text = st.lists(st.tuples(word, separator), min_size=1, max_size=30).map(
    lambda parts: "".join(w + s for w, s in parts))


def _insert(w: str, letters: list[tuple[int, str]]) -> str:
    for at, letter in letters:
        w = w[:at] + letter + w[at:]
    return w


def _honestly_western(t: str) -> bool:
    """The cp1252 texts decoding can promise to give back. Excluded, because the same bytes are
    equally something else: (1) bytes holding a valid multi-byte UTF-8 sequence ("Ã©" is exactly
    UTF-8 "é" misread), (2) a start of "ÿþ"/"þÿ" (UTF-16 byte-order marks), (3) more than 30% non-ASCII
    among non-space characters once there are four or more: such bytes read as cp1251, cp1253 or
    KOI8-R just as well ("Ïðèâåò" is "Привет"), and no Western language writes that densely."""
    data = t.encode("cp1252")
    high = sum(ord(c) > 0x7f for c in t)
    nonspace = sum(not c.isspace() or c == "\xa0" for c in t)
    return (high > 0 and not UTF8_MULTI.search(data) and not t.startswith(("ÿþ", "þÿ"))
            and (high < 4 or high <= 0.3 * nonspace))


@PROPERTY
@given(western_text)
def test_western_cp1252_text_round_trips_with_a_note(t):
    assume(_honestly_western(t))
    decoded = decode_text(t.encode("cp1252"))
    assert decoded.text == t
    assert decoded.encoding == "cp1252" and decoded.note.startswith("decoded as cp1252")


@PROPERTY
@given(st.binary(max_size=300), st.sampled_from([None, "utf-8", "iso-8859-1", "shift_jis", "utf-16", "bogus"]))
def test_decode_text_never_raises_anything_but_undecodable_text(data, declared):
    try:
        decoded = decode_text(data, declared)
    except UndecodableText:
        return
    assert isinstance(decoded.text, str)


# -- JSON fields ---------------------------------------------------------------------------------

def _article(tmp_path, obj) -> RawArticle | Rejected:
    (tmp_path / "a.json").write_text(json.dumps(obj), encoding="utf-8")
    res = _fetch(tmp_path / "a.json")
    return (res.articles or res.rejected)[0]


def test_json_scalars_are_stored_as_json_text_not_python_repr(tmp_path):
    a = _article(tmp_path, {"id": 12, "title": True, "text": "Body.", "published_at": 1764000000,
                            "source": 3.5, "language": False, "authors": ["Ana Reporter", "Bo Li"]})
    assert (a.external_id, a.title, a.published_at, a.source, a.language) == \
        ("12", "true", "1764000000", "3.5", "false")
    assert a.authors == "Ana Reporter; Bo Li"


@pytest.mark.parametrize(("field", "value", "kind"), [
    ("title", {"en": "Hello"}, "object"), ("url", ["https://a.example"], "array"),
    ("text", {"body": "x"}, "object"), ("id", [1, 2], "array"), ("published_at", {"ts": 1}, "object"),
    ("source", [], "array"), ("language", {}, "object"), ("html", ["<p>x</p>"], "array"),
])
def test_json_containers_in_string_fields_are_quarantined_naming_the_field(tmp_path, field, value, kind):
    rejected = _article(tmp_path, {"id": "j1", "text": "Body text.", field: value})
    assert isinstance(rejected, Rejected)
    assert rejected.reason == f"field {field!r} must be a string, got a JSON {kind}"
    assert rejected.payload and json.loads(rejected.payload)[field] == value


def test_json_authors_that_are_not_names_are_quarantined(tmp_path):
    rejected = _article(tmp_path, {"id": "j2", "text": "Body.", "authors": [{"name": "Ana"}]})
    assert rejected.reason == "field 'authors' must be a string or a list of strings, got a JSON array"


# -- over HTTP -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server():
    with NewsServer() as s:
        yield s


@pytest.mark.slow  # a whole pipeline run
def test_cp1252_page_labelled_utf8_lands_correctly_with_a_note(tmp_path, server):
    url = f"{server.base}/articles/cp1252-labelled-utf8.html"
    src = sources_file(tmp_path, server.base, {
        "name": "pages", "type": "pages", "allow_loopback": True, "timeout": 1.0, "retries": 0,
        "host_interval": 0, "urls": [url]})
    run(Lake(tmp_path / "data"), src, 9)
    ((text, notes, title),) = q(tmp_path / "data", "SELECT text, fetch_notes, title FROM articles")
    assert CP1252_BODY in text and title == "Crème brûlée tax"
    assert notes == "decoded as cp1252 (declared utf-8 but not valid UTF-8)"
    assert OFF_MACHINE == []
