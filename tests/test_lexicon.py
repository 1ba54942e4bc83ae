"""WordNet's parts of speech from the installed spaCy model (newsflow.lexicon), and the amount
scanner's fallback when the model is missing."""

from __future__ import annotations

import pytest

from newsflow import lexicon
from newsflow.numbers import extract
from newsflow.numwords import looks_adjective


@pytest.mark.parametrize(
    "word, expected",
    [
        ("frozen", True), ("important", True), ("overnight", True), ("Lucky", True),
        ("arrival", False), ("building", False), ("refugee", False),
        ("female", None), ("military", None),  # both
        ("supercell", None), ("xqzt", None),  # neither
    ],
)
def test_adjective_only_answers_from_wordnet_and_says_unknown_when_both_or_neither(word, expected):
    assert lexicon.adjective_only(word) is expected


def test_the_lists_come_from_the_installed_model_and_hold_single_lower_case_words():
    classes = lexicon.word_classes()
    assert set(classes) == set(lexicon.PARTS) | {"verb_form"}  # and the lemmatizer's irregular verb forms
    assert len(classes["adj"]) > 15_000 and len(classes["noun"]) > 50_000
    assert {"blew", "fled"} <= classes["verb_form"]
    assert all("_" not in w and w == w.lower() for w in list(classes["noun"])[:5_000])


def test_an_unknown_model_gives_no_lists_and_no_error(caplog):
    assert lexicon.word_classes("xx_no_such_model") == {}
    assert "no xx_no_such_model package installed" in caplog.text


def test_without_the_model_the_scanner_falls_back_to_endings(monkeypatch):
    monkeypatch.setattr(lexicon, "word_classes", lambda model="en_core_web_sm": {})
    assert lexicon.adjective_only("frozen") is None
    assert looks_adjective("historical") and not looks_adjective("frozen")
    assert [a.unit for a in extract("Rescuers found two frozen bodies.")] == ["frozen body"]
