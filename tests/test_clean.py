from newsflow.clean import clean_text, content_hash, word_count


def test_repairs_mojibake_and_normalises():
    # "café" encoded as UTF-8 but decoded as cp1252, plus a decomposed "é"
    assert clean_text("CafÃ© owners said cafe\u0301s were full.") == "Café owners said cafés were full."


def test_keeps_paragraphs_and_collapses_whitespace():
    raw = "  First   paragraph\u00a0here.\r\n\r\n\n Second\tparagraph.\u2028Third.  "
    assert clean_text(raw) == "First paragraph here.\nSecond paragraph.\nThird."


def test_removes_invisible_and_control_characters():
    assert clean_text("co\u00adop\u200berative\x07 move\ufeff") == "cooperative move"


def test_keeps_curly_quotes_and_is_idempotent(seed_text):
    once = clean_text(seed_text)
    assert "“most important issue”" in once
    assert clean_text(once) == once


def test_empty_and_whitespace_only():
    assert clean_text("") == ""
    assert clean_text(" \n\t \u00a0\n") == ""


def test_hash_and_word_count():
    assert content_hash("a") == content_hash("a") != content_hash("b")
    assert word_count("Two  words\nthree") == 3


def test_boilerplate_lines_removed_and_authors_kept():
    from newsflow.clean import strip_boilerplate

    text = "\n".join([
        "By Jane Smith and Omar Khalid, Reuters",
        "Share this article",
        "The central bank raised rates. Copyright law was also discussed.",
        "Read more: Markets rally on rate hopes",
        "(Photo by John Doe/Getty Images)",
        "Prices rose.",
        "Reporting by Li Wei; Editing by Mark Heinrich",
        "© 2026 Reuters. All rights reserved.",
    ])
    body, authors = strip_boilerplate(text)
    assert body == "The central bank raised rates. Copyright law was also discussed.\nPrices rose."
    assert authors == ["Jane Smith", "Omar Khalid", "Li Wei"]


def test_long_lines_are_never_boilerplate():
    from newsflow.clean import strip_boilerplate

    line = "Read more about how the committee decided, officials said on Tuesday after a long meeting in the capital."
    assert strip_boilerplate(line) == (line, [])


def test_quote_and_dash_variants_are_made_consistent():
    assert clean_text("„Ja“, sagte er \u2012 nicht ‚nein‘ \u2015 und co\u2011operation.") == \
        "“Ja“, sagte er – nicht ‘nein‘ — und co-operation."
