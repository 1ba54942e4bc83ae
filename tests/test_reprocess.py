"""Reprocessing landed days: each run of the range runs again from the articles it landed, as a
rerun of itself, so its rows are made again by today's rules and none is landed twice."""

import json
from datetime import UTC, date, datetime

import duckdb
import pyarrow as pa
import pytest

from newsflow import pipeline, reprocess
from newsflow.lake import Lake
from newsflow.settings import Settings
from tests.conftest import SEED, run

T1 = datetime(2026, 11, 20, 9, tzinfo=UTC)
T2 = datetime(2026, 11, 21, 9, tzinfo=UTC)
ARTICLE_COLUMNS = ("article_id", "version", "external_id", "source", "url", "title", "authors", "published_at",
                   "fetched_at", "language", "text", "content_hash", "source_hash", "fetch_notes", "run_id")


def sql(root, query: str) -> list[tuple]:
    return duckdb.connect().execute(query.replace("$", str(root))).fetchall()


def snapshot(root) -> dict[str, list[tuple]]:
    cols = ", ".join(ARTICLE_COLUMNS)
    return {
        "articles": sql(root, f"select {cols} from read_parquet('$/articles/*/*.parquet') order by all"),
        "sentences": sql(root, "select * from read_parquet('$/sentences/*/*.parquet') order by all"),
        "entities": sql(root, "select article_id, start, \"end\", label from read_parquet('$/entities/*/*.parquet') "
                              "order by all"),
        "quarantine": sql(root, "select run_id, stage, external_id, reason from read_parquet('$/quarantine/*/*.parquet') "
                                "order by all"),
        "duplicates": sql(root, "select * from read_parquet('$/duplicates/*/*.parquet') order by all"),
        "files": sorted(p.relative_to(root).as_posix() for p in root.glob("*/*/*.parquet")),
    }


def test_date_span():
    assert reprocess.date_span(None, None) is None
    assert reprocess.date_span("2026-11-20", None) == (date(2026, 11, 20), None)
    assert reprocess.date_span(None, date(2026, 11, 21)) == (None, date(2026, 11, 21))
    with pytest.raises(ValueError, match="reprocess_from 2026-11-22 is after reprocess_to 2026-11-21"):
        reprocess.date_span("2026-11-22", "2026-11-21")
    with pytest.raises(ValueError, match=r"reprocess_to must be a date \(YYYY-MM-DD\), got 'soon'"):
        reprocess.date_span("2026-11-22", "soon")


@pytest.mark.slow  # whole pipeline runs
def test_reprocessing_a_day_lands_the_same_articles_again_and_nothing_twice(tmp_path, monkeypatch):
    inputs = tmp_path / "in"
    inputs.mkdir()
    story = SEED.read_text()
    (inputs / "wire.jsonl").write_text("\n".join(json.dumps(d) for d in [
        {"id": "a", "url": "https://one.example/story", "text": story, "authors": ["Ana Reporter"]},
        {"id": "b", "url": "https://two.example/copy", "text": story},  # a copy: `duplicates`
    ]) + "\n")
    (inputs / "empty.txt").write_text("")  # refused: `quarantine`
    (inputs / "german.txt").write_text(
        "Die Regierung hat am Mittwoch beschlossen, dass die Steuern für kleine Unternehmen nicht erhöht "
        "werden, sagte ein Sprecher in Berlin. Die Opposition kritisierte den Plan scharf.")
    lake = Lake(tmp_path / "data")
    root = tmp_path / "data"

    # The first attempt had a bug: one entity's offsets were off, so validation quarantined it.
    from newsflow import process

    real = process.process_batch

    def shift_one_entity(*a, **kw):
        res = real(*a, **kw)
        t = res.tables["entities"]
        starts = t["start"].to_pylist()
        starts[0] += 1
        i = t.schema.get_field_index("start")
        res.tables["entities"] = t.set_column(i, t.schema.field(i), pa.array(starts, pa.int32()))
        return res

    with monkeypatch.context() as m:
        m.setattr(pipeline, "process_batch", shift_one_entity)
        run(lake, [inputs], T1)
    run(lake, [SEED.parent / "001_sample_ecb_rates.txt"], T2)  # another day: not reprocessed
    before = snapshot(root)
    assert [r[1] for r in before["quarantine"]] == ["fetch", "validate"] and len(before["duplicates"]) == 1

    span = reprocess.date_span("2026-11-20", "2026-11-20")
    assert reprocess.runs_between(lake, *span) == ["20261120T090000Z"]
    manifest = reprocess.rerun(lake, "20261120T090000Z", Settings(batch_size=1),
                               origin={"dag_id": "news_pipeline", "dag_run_id": "manual__x"})
    assert manifest["reprocessed"] is True and manifest["dag_run_id"] == "manual__x"
    assert manifest["fetch"]["already_landed"] == 0 and manifest["fetch"]["new_versions"] == 0

    after = snapshot(root)
    assert after["files"] == before["files"], "the run's own files replaced, none added"
    assert after["articles"] == before["articles"], "the same articles, versions, hashes and notes"
    assert after["sentences"] == before["sentences"] and after["duplicates"] == before["duplicates"]
    # today's rules (no bug) make the quarantined entity again, and its quarantine row goes
    assert len(after["entities"]) == len(before["entities"]) + 1
    assert [r[1:3] for r in after["quarantine"]] == [("fetch", "empty")]
    german = sql(root, "select fetch_notes from read_parquet('$/articles/*/*.parquet') where external_id = 'german'")
    assert german[0][0].count("entities and numbers skipped") == 1, "processing notes are not piled up"

    again = reprocess.rerun(lake, "20261120T090000Z", Settings())
    assert snapshot(root) == after and again["counts"] == manifest["counts"]
    with pytest.raises(ValueError, match="no published run 'nope'"):
        reprocess.rerun(lake, "nope", Settings())


@pytest.mark.slow  # whole pipeline runs
def test_reprocessing_never_drops_a_landed_article_that_todays_code_refuses(tmp_path, monkeypatch):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "seed.txt").write_text(SEED.read_text())
    (inputs / "ecb.txt").write_text((SEED.parent / "001_sample_ecb_rates.txt").read_text())
    lake, root = Lake(tmp_path / "data"), tmp_path / "data"
    run(lake, [inputs], T1)
    before = snapshot(root)
    assert len(before["articles"]) == 2

    from newsflow import process

    real = process.prepare

    def new_bug(raw, *a, **kw):  # a rule added since raises on one landed article
        if raw.external_id == "ecb":
            raise RuntimeError("a new rule's bug")
        return real(raw, *a, **kw)

    monkeypatch.setattr(process, "prepare", new_bug)
    with pytest.raises(reprocess.ReprocessWouldDrop, match=r"would drop 1 of its 2 landed articles.*a new rule's bug"):
        reprocess.rerun(lake, "20261120T090000Z", Settings())
    assert snapshot(root) == before, "nothing replaced, nothing lost, no quarantine row added"
    assert not list((root / "_staging").glob("*/*")), "the refused rerun leaves no staging behind"
