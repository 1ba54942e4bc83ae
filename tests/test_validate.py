"""The expectation suites: every critical expectation fires on a crafted bad batch, row checks
quarantine only the offending rows, warnings never block."""

import logging
import math
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from newsflow import tables
from newsflow.tables import CRITICAL
from newsflow.validate import derive, validate_frames

RUN_TIME = datetime(2026, 11, 28, 10, tzinfo=UTC)
TEXT = "Prices rose 5% in Paris. Officials cheered."


def frames():
    base = {
        "articles": tables.ARTICLES.from_rows([{
            "article_id": "a1", "text": TEXT, "content_hash": "h", "run_id": "r", "word_count": 30,
            "language": "en", "published_at": RUN_TIME - timedelta(hours=3)}]),
        "sentences": tables.SENTENCES.from_rows([
            {"article_id": "a1", "paragraph_index": 0, "sentence_index": 0, "start": 0, "end": 24, "text": TEXT[0:24]},
            {"article_id": "a1", "paragraph_index": 0, "sentence_index": 1, "start": 25, "end": 43, "text": TEXT[25:43]}]),
        "entities": tables.ENTITIES.from_rows([
            {"article_id": "a1", "sentence_index": 0, "start": 18, "end": 23, "text": "Paris", "label": "GPE",
             "canonical": "Paris", "country_code": "FR"}]),
        "numbers": tables.NUMBERS.from_rows([
            {"article_id": "a1", "sentence_index": 0, "start": 7, "end": 14, "text": "rose 5%", "kind": "percent",
             "value": 5.0, "unit": "percent", "qualifier": "up"}]),
        "quotes": tables.QUOTES.from_rows([
            {"article_id": "a1", "sentence_index": 1, "start": 25, "end": 43, "text": TEXT[25:43],
             "speaker": "Officials", "speaker_label": "PERSON", "verb": "say", "kind": "full"}]),
        "dates": tables.DATES.from_rows([
            {"article_id": "a1", "sentence_index": 0, "start": 18, "end": 23, "text": TEXT[18:23],
             "start_date": RUN_TIME.date(), "end_date": RUN_TIME.date(), "granularity": "day",
             "resolved_from": "published_at"}]),
        "quarantine": tables.QUARANTINE.from_rows([
            {"run_id": "r", "stage": "fetch", "external_id": "x", "reason": "empty file"}]),
        "duplicates": tables.DUPLICATES.from_rows([
            {"run_id": "r", "article_id": "a2", "duplicate_of": "a1", "kind": "near", "distance": 4,
             "source": "wire", "external_id": "copy", "url": "https://example.com/copy"}]),
        "entity_mentions_daily": tables.ENTITY_MENTIONS_DAILY.from_rows([
            {"day": RUN_TIME.date(), "canonical": "Paris", "label": "GPE", "country_code": "FR",
             "mentions": 1, "articles": 1}]),
        "amounts_daily": tables.AMOUNTS_DAILY.from_rows([
            {"day": RUN_TIME.date(), "currency": "EUR", "amounts": 1, "total_value": 5.0, "max_value": 5.0,
             "articles": 1}]),
        "articles_daily": tables.ARTICLES_DAILY.from_rows([
            {"day": RUN_TIME.date(), "source": "samples", "articles": 1, "words": 30}]),
    }
    return {k: v.to_pandas() for k, v in base.items()}


def validate(fr):
    return validate_frames(fr, run_id="test", run_time=RUN_TIME)


@pytest.fixture(scope="module")
def clean_report():
    return validate(frames())


def test_good_batch_passes(clean_report):
    assert clean_report.critical_failures == []
    assert clean_report.quarantined == []
    assert {clean_report.status(t) for t in ("articles", "sentences", "entities", "numbers")} == {"passed"}


def _corrupt(fr, table, check):
    """Break one expectation in the smallest way a buggy stage could."""
    df = fr[table]
    kw, kind = check.kwargs, check.expectation
    col = kw.get("column")
    if kind == "ExpectColumnValuesToNotBeNull":
        df[col] = df[col].astype(object)
        df.loc[0, col] = None
    elif kind in ("ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique"):
        fr[table] = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    elif kind == "ExpectColumnValuesToBeBetween":
        df.loc[0, col] = kw["min_value"] - 1
    elif kind == "ExpectColumnValueLengthsToBeBetween":
        df.loc[0, col] = ""
    elif kind == "ExpectColumnValuesToMatchRegex":
        df.loc[0, col] = "not a code"
    elif col == "_has_sentences":
        fr["sentences"] = fr["sentences"].iloc[0:0]
    elif col == "_published_not_future":
        df.loc[0, "published_at"] = pd.Timestamp(RUN_TIME + timedelta(days=30))
    elif col == "_in_known_article":
        df.loc[0, "article_id"] = "ghost"
    elif kind == "ExpectColumnValuesToBeInSet":
        df[col] = df[col].astype(object)
        df.loc[0, col] = "bogus"
    else:
        raise AssertionError(f"no corruption for {kind}")
    return fr


CRITICAL_CHECKS = [(t.name, i, c) for t in tables.TABLES.values() if t.name != "validation_results"
                   for i, c in enumerate(t.checks) if c.severity == CRITICAL]


@pytest.mark.parametrize("table, index, check", CRITICAL_CHECKS,
                         ids=[f"{t}-{c.expectation}-{c.kwargs.get('column') or i}" for t, i, c in CRITICAL_CHECKS])
def test_each_critical_expectation_fires(table, index, check):
    fr = _corrupt(frames(), table, check)
    report = validate({k: fr[k] for k in {"articles", "sentences", table}})
    column = check.kwargs.get("column") or ",".join(check.kwargs.get("column_list", [])) or None
    failed = {(r.table, r.expectation, r.column) for r in report.critical_failures}
    assert (table, check.expectation, column) in failed
    assert check.doc in report.describe_failures()


def test_missing_column_is_critical():
    fr = frames()
    fr["sentences"] = fr["sentences"].drop(columns=["paragraph_index"])
    failed = {(r.table, r.expectation) for r in validate(fr).critical_failures}
    assert ("sentences", "ExpectTableColumnsToMatchSet") in failed


def test_failure_message_names_offending_rows():
    fr = frames()
    fr["articles"] = pd.concat([fr["articles"], fr["articles"]], ignore_index=True)
    msg = validate(fr).describe_failures()
    assert "one row per article" in msg and "'article_id': 'a1'" in msg


def test_row_checks_quarantine_only_the_bad_rows():
    fr = frames()
    good_entity = fr["entities"].iloc[0].to_dict()
    fr["entities"] = pd.DataFrame([good_entity, {**good_entity, "start": 0, "end": 6, "text": "Pricey"},
                                   {**good_entity, "label": "MONEY"}])
    n = fr["numbers"].iloc[0].to_dict()
    fr["numbers"] = pd.DataFrame([n, {**n, "value": math.inf, "start": 15, "end": 17, "text": "in"},
                                  {**n, "kind": "money", "unit": "XYZ", "start": 12, "end": 14, "text": "5%"}])
    report = validate(fr)
    assert report.critical_failures == []
    reasons = sorted(q["reason"] for q in report.quarantined)
    assert reasons == ["entities: labels are OntoNotes entity labels (amounts live in numbers)",
                       "entities: text == articles.text[start:end], with 0 <= start < end",
                       "numbers: money amounts carry an ISO 4217 currency code",
                       "numbers: values are finite numbers"]
    assert len(report.frames["entities"]) == 1 and len(report.frames["numbers"]) == 1
    assert "2 rows quarantined" in report.status("entities")
    assert not any(c.startswith("_") for c in report.frames["numbers"].columns)


def test_warnings_do_not_fail():
    fr = frames()
    fr["articles"]["word_count"] = 3
    report = validate({k: fr[k] for k in ("articles", "sentences")})
    assert report.critical_failures == []
    assert report.status("articles") == "passed (warnings)"


def test_results_rows_cover_every_check(clean_report):
    rows = clean_report.results_rows("test")
    n_checks = sum(len(tables.TABLES[t].checks) + 1 for t in frames())
    assert len(rows) == n_checks
    tables.VALIDATION_RESULTS.from_rows(rows)  # fits the table's schema


def test_derived_range_check():
    fr = frames()
    fr["numbers"]["value_max"] = 1.0
    assert derive(fr)["numbers"]["_range_ordered"].tolist() == [False]


def test_data_docs_are_written(tmp_path):
    validate_frames(frames(), run_id="docs-run", run_time=RUN_TIME, docs_dir=tmp_path)
    assert (tmp_path / "index.html").exists()
    pages = list((tmp_path / "validations").rglob("*.html"))
    assert len(pages) == len(frames())


def test_an_empty_run_has_no_warnings():
    fr = {k: v.iloc[0:0] for k, v in frames().items() if k in ("articles", "sentences", "entities", "numbers")}
    report = validate(fr)
    assert report.critical_failures == [] and report.warnings == []


# -- a task log that reads as the run's story, not Great Expectations' ----------------------------
# GX logged 213 INFO lines of "Skipping registering function ... because it is a closure" while it
# imported (great_expectations._docs_decorators), and a few more per run, into validate_tables' log.

def _gx_chatter(records) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in records
            if r.name.startswith("great_expectations") and r.levelno < logging.WARNING]


def test_validation_logs_no_great_expectations_chatter(caplog, tmp_path):
    caplog.set_level(logging.INFO)  # the root logger, as a task's log is
    validate_frames(frames(), run_id="quiet", run_time=RUN_TIME, docs_dir=tmp_path)
    assert _gx_chatter(caplog.records) == []
    assert len(caplog.records) <= 5, [f"{r.name}: {r.getMessage()}" for r in caplog.records]
    assert any(r.name == "newsflow.validate" and "validated" in r.getMessage() for r in caplog.records)


QUIET_SCRIPT = """
import logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(name)s|%(levelname)s|%(message)s")
assert "great_expectations" not in sys.modules
from tests.test_validate import RUN_TIME, frames
from newsflow.validate import validate_frames
validate_frames(frames(), run_id="quiet", run_time=RUN_TIME, docs_dir=sys.argv[1])
"""


def test_a_fresh_process_logs_no_great_expectations_chatter_while_importing_it(tmp_path):
    """In a fresh interpreter, as in a task's process: GX's import-time lines are the bulk."""
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, "-c", QUIET_SCRIPT, str(tmp_path / "docs")], cwd=root,
                       capture_output=True, text=True, timeout=300,
                       env={**os.environ, "GX_ANALYTICS_ENABLED": "False"})
    assert r.returncode == 0, r.stderr[-3000:]
    lines = [line for line in r.stdout.splitlines() if line.strip()]
    assert [line for line in lines if line.startswith("great_expectations")
            and line.split("|")[1] in ("INFO", "DEBUG")] == []
    assert 1 <= len(lines) <= 5, lines


def test_validation_lets_go_of_its_scratch_database(tmp_path):
    """GX validates over a scratch SQLite file; once validate_frames returns, no connection of
    this process holds it (a deleted copy of the run otherwise stays on disk until exit)."""
    import contextlib
    import gc
    import os

    validate_frames(frames(), run_id="scratch", run_time=RUN_TIME)
    gc.collect()
    held = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            held.append(os.readlink(f"/proc/self/fd/{fd}"))
    assert not [h for h in held if "newsflow-check" in h], held
