import math

import pandas as pd
import pytest

from newsflow import tables
from newsflow.validate import derive, validate_frames


def frames(**overrides):
    text = "Prices rose 5% in Paris. Officials cheered."
    base = {
        "articles": tables.ARTICLES.from_rows([{
            "article_id": "a1", "text": text, "content_hash": "h", "run_id": "r", "word_count": 30, "language": "en"}]),
        "sentences": tables.SENTENCES.from_rows([
            {"article_id": "a1", "paragraph_index": 0, "sentence_index": 0, "start": 0, "end": 24, "text": text[0:24]},
            {"article_id": "a1", "paragraph_index": 0, "sentence_index": 1, "start": 25, "end": 43, "text": text[25:43]}]),
        "entities": tables.ENTITIES.from_rows([
            {"article_id": "a1", "sentence_index": 0, "start": 18, "end": 23, "text": "Paris", "label": "GPE", "canonical": "Paris"}]),
        "numbers": tables.NUMBERS.from_rows([
            {"article_id": "a1", "sentence_index": 0, "start": 7, "end": 14, "text": "rose 5%", "kind": "percent",
             "value": 5.0, "unit": "percent", "qualifier": "up"}]),
    }
    out = {k: v.to_pandas() for k, v in base.items()}
    for name, fn in overrides.items():
        out[name] = fn(out[name])
    return out


@pytest.fixture(scope="module")
def clean_report():
    return validate_frames(frames())


def test_good_batch_passes(clean_report):
    assert clean_report.critical_failures == []
    assert {clean_report.status(t) for t in ("articles", "sentences", "entities", "numbers")} == {"passed"}


def _failed(report):
    return {(r.table, r.expectation, r.column) for r in report.critical_failures}


def test_bad_batch_fails_critical_checks():
    def bad_numbers(df):
        df = pd.concat([df, df], ignore_index=True)  # duplicate mention row
        df.loc[1, "value"] = math.inf
        df.loc[0, "kind"] = "money"
        df.loc[0, "unit"] = "XYZ"
        return df

    def bad_entities(df):
        df.loc[0, "end"] = 22  # offsets no longer match the text
        df.loc[0, "label"] = "MONEY"
        return df

    def dup_articles(df):
        return pd.concat([df, df], ignore_index=True)

    report = validate_frames(frames(numbers=bad_numbers, entities=bad_entities, articles=dup_articles))
    failed = _failed(report)
    assert ("numbers", "ExpectColumnValuesToBeInSet", "_value_finite") in failed
    assert ("numbers", "ExpectColumnValuesToBeInSet", "_money_unit_iso") in failed
    assert ("numbers", "ExpectCompoundColumnsToBeUnique", "article_id,start,end") in failed
    assert ("entities", "ExpectColumnValuesToBeInSet", "_span_matches_text") in failed
    assert ("entities", "ExpectColumnValuesToBeInSet", "label") in failed
    assert ("articles", "ExpectColumnValuesToBeUnique", "article_id") in failed
    msg = report.describe_failures()
    assert "text == articles.text[start:end]" in msg and "MONEY" in msg


def test_missing_column_and_article_without_sentences():
    report = validate_frames(frames(sentences=lambda df: df.iloc[0:0].drop(columns=["paragraph_index"])))
    failed = _failed(report)
    assert ("sentences", "ExpectTableColumnsToMatchSet", None) in failed
    assert ("articles", "ExpectColumnValuesToBeInSet", "_has_sentences") in failed


def test_warnings_do_not_fail(clean_report):
    report = validate_frames(frames(articles=lambda df: df.assign(word_count=3)))
    assert report.critical_failures == []
    assert report.status("articles") == "passed with warnings"


def test_derived_range_check():
    d = derive(frames(numbers=lambda df: df.assign(value_max=1.0)))
    assert d["numbers"]["_range_ordered"].tolist() == [False]
