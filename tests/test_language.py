"""Language detection: sure detections decide; short, unsure text keeps its source's language.

Short English must not be thrown away (it would skip NER and numbers); a non-English article
stays out of the English models when the detector is sure.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.fetch import RawArticle
from newsflow.language import Detection, detect_language, iso639_1
from newsflow.process import prepare
from newsflow.runs import RunInfo

GERMAN = ("Die Bundesregierung hat am Mittwoch beschlossen, dass die Steuern für kleine Unternehmen "
          "nicht erhöht werden. Der Finanzminister sagte, der Haushalt sei trotzdem ausgeglichen.")
FRENCH = ("Le gouvernement a annoncé mercredi que les impôts des petites entreprises ne seront pas "
          "augmentés. Le ministre des Finances a précisé que le budget restait équilibré.")
SPANISH = ("El gobierno anunció el miércoles que los impuestos de las pequeñas empresas no subirán este "
           "año. El ministro de Hacienda dijo que el presupuesto seguirá equilibrado.")


@pytest.mark.parametrize(
    "text, lang",
    [
        ("The government said on Monday that it would raise taxes on the largest companies in the country.", "en"),
        (GERMAN, "de"),
        (FRENCH, "fr"),
        (SPANISH, "es"),
        ("Die Bundesregierung hat am Mittwoch beschlossen, dass die Steuern für kleine Unternehmen nicht erhöht werden.", "de"),
        ("Le gouvernement a annoncé mercredi que les impôts des petites entreprises ne seront pas augmentés.", "fr"),
        ("El gobierno anunció el miércoles que los impuestos de las pequeñas empresas no subirán este año.", "es"),
        ("中国国家主席习近平周三与美国总统通电话，双方讨论了贸易问题。", "zh"),
        ("Правительство объявило в среду о повышении налогов для крупных компаний.", "ru"),
    ],
)
def test_detects_clear_text_confidently(text, lang):
    # the English hint must not pull a clear non-English text into the English models
    for hint in (None, "en"):
        assert detect_language(text, hint=hint) == Detection(lang, True, lang, pytest.approx(1, abs=0.3))


@pytest.mark.parametrize(
    "text",
    [
        # a single sentence, headlines, a results brief, feed summaries (titles and summaries
        # from the real-world feed fixtures), each alone as an article would carry it
        "Shares in IAG rose 6.1 pence, or 1.7%, to 365.4 pence in London.",
        "Trump State of the Union address promised unity but emphasized discord",
        "Tottenham Hotspur v Manchester United: Premier League – live!",
        "Leeds 2 Arsenal 1",
        "Leeds 2 Arsenal 1: Bamford 12, Rodrigo 78; Saka 40. Att: 36,421",
        "FBI has 'grave concerns' about Trump plan to release controversial memo",
        "Slack (NASDAQ:WORK) insider Cal Henderson sold 1,500 shares of the stock in a transaction on Friday, July 5th.",
        "Enhancing quantum sensing",
        "Winnipeg High School Orders Custom Hijabs For Muslim Athletes\n"
        "Winnipeg high school student Nusaybah Mohamed's basketball uniform will look a little different this year.",
        "Breaking news",
    ],
)
def test_short_english_stays_english(text):
    for hint in (None, "en", "en-GB", "EN_us"):
        assert detect_language(text, hint=hint).language == "en"


def test_unsure_text_takes_the_source_hint():
    unsure = detect_language("Leeds 2 Arsenal 1")
    assert not unsure.confident and unsure.guess != "en"  # the detector alone would not say English
    assert detect_language("Leeds 2 Arsenal 1", hint="en") == Detection("en", False, unsure.guess, unsure.probability)
    assert detect_language("Leeds 2 Arsenal 1", hint="pt-BR").language == "pt"


def test_unsure_text_without_hint_takes_the_default(monkeypatch):
    assert detect_language("", default="en") == Detection("en", False)
    assert detect_language("12 - 3", default="und") == Detection("und", False)
    assert detect_language("Breaking news", default="de").language == "de"
    monkeypatch.setenv("NEWSFLOW_DEFAULT_LANGUAGE", "fr")
    assert detect_language("Leeds 2 Arsenal 1").language == "fr"
    # the old behaviour, on request: unsure text is undetermined, unless its source declares one
    assert detect_language("Leeds 2 Arsenal 1", default="und").language == "und"
    assert detect_language("Leeds 2 Arsenal 1", hint="en", default="und").language == "en"


def test_a_bad_hint_or_default_is_ignored():
    assert detect_language("Leeds 2 Arsenal 1", hint="english please", default="en").language == "en"
    assert detect_language("Leeds 2 Arsenal 1", hint="", default="e1").language == "und"


def test_iso639_1():
    assert [iso639_1(c) for c in ("en-GB", "EN_us", " de ", "eng", "", None, "e1", "ü-x")] == \
        ["en", "en", "de", None, None, None, None, None]


@settings(deadline=None)
@given(st.text(max_size=400), st.one_of(st.none(), st.text(max_size=8)), st.one_of(st.none(), st.text(max_size=8)))
def test_never_raises_and_returns_a_code(text, hint, default):
    found = detect_language(text, hint=hint, default=default)
    assert found.language == "und" or (len(found.language) == 2 and found.language.isalpha())
    assert 0.0 <= found.probability <= 1.0


@settings(deadline=None)
@given(st.text(max_size=400))
def test_a_source_declared_english_is_never_undetermined(text):
    found = detect_language(text, hint="en", default="und")
    assert found.language != "und"
    assert found.language == "en" or found.confident


def _prepared(text: str, language: str | None) -> dict:
    raw = RawArticle(external_id="x", source="feed", text=text, language=language)
    row = prepare(raw, RunInfo.for_interval(datetime(2026, 1, 1, tzinfo=UTC)))
    assert isinstance(row, dict)
    return row


def test_prepare_keeps_a_short_english_brief_english():
    brief = "Leeds 2 Arsenal 1: Bamford 12, Rodrigo 78; Saka 40. Att: 36,421"
    assert _prepared(brief, None)["language"] == "en"  # default
    assert _prepared(brief, "en-GB")["language"] == "en"  # declared
    assert _prepared(GERMAN, "en")["language"] == "de"  # a sure detection beats a wrong tag
