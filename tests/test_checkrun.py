"""A run is validated a unit of batches at a time (issue 12: never the run's tables at once),
and that changes nothing a user sees: the same rows land, checks that span the run still see
all of it, a row check in any unit quarantines only its rows."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsflow import checkrun, pipeline, tables
from newsflow.lake import Lake, write_parquet
from newsflow.runs import RunInfo
from newsflow.settings import SAMPLES_DIR, Settings
from tests.conftest import T0, run
from tests.test_parallel import CONTENT, _landed

pytestmark = pytest.mark.slow


def test_a_run_checked_one_batch_at_a_time_lands_what_one_unit_lands(tmp_path, monkeypatch):
    settings = Settings(batch_size=2, workers=1)
    whole, split = Lake(tmp_path / "whole"), Lake(tmp_path / "split")
    m1 = run(whole, [SAMPLES_DIR], settings=settings)
    monkeypatch.setattr(checkrun, "UNIT_ARTICLES", 1)
    calls: list[int] = []
    original = checkrun.check_unit
    monkeypatch.setattr(checkrun, "check_unit", lambda *a, **k: (calls.append(1), original(*a, **k))[1])
    m2 = run(split, [SAMPLES_DIR], settings=settings)
    assert len(calls) >= 3, "several units were checked"
    assert m1["counts"] == m2["counts"] and m1["validation"] == m2["validation"]
    for table in CONTENT:
        assert _landed(whole, table) == _landed(split, table), table
    ents = split.table_files("entities")
    assert pq.read_metadata(ents[0]).row_group(0).sorting_columns, "entities keep their storage order"


def _staged_run(tmp_path, monkeypatch) -> tuple[Lake, RunInfo]:
    """The samples fetched, staged and processed in batches of two, not yet validated."""
    lake, settings = Lake(tmp_path / "data"), Settings(batch_size=2, workers=1)
    run_info = RunInfo.for_interval(T0)
    fetched = pipeline.fetch_and_stage(lake, run_info, settings,
                                       pipeline.local_fetchers([str(SAMPLES_DIR)], settings))
    for batch in fetched["batches"]:
        pipeline.process_staged_batch(lake, run_info, settings, batch)
    monkeypatch.setattr(checkrun, "UNIT_ARTICLES", 1)
    return lake, run_info


def test_an_article_repeated_in_two_units_fails_the_run_uniqueness_check(tmp_path, monkeypatch):
    lake, run_info = _staged_run(tmp_path, monkeypatch)
    area = lake.staging(run_info)
    first, last = area.parts("articles")[0], [p for p in area.parts("articles") if "out" in p.parts][-1]
    copy = pq.read_table(first).slice(0, 1)
    moved = pq.read_table(last)
    write_parquet(pa.concat_tables([moved, copy.cast(moved.schema)]), last, sort_by=None)
    with pytest.raises(pipeline.ValidationFailed, match="one row per article"):
        pipeline.validate_run(lake, run_info)
    assert not area.final("articles").exists(), "nothing validated is left to publish"


def test_a_row_check_in_a_later_unit_quarantines_only_its_rows(tmp_path, monkeypatch):
    lake, run_info = _staged_run(tmp_path, monkeypatch)
    area = lake.staging(run_info)
    last = [p for p in area.parts("entities") if "out" in p.parts][-1]
    ents = pq.read_table(last)
    label = ents["label"].to_pylist()
    label[0] = "NOT_A_LABEL"
    bad = ents.set_column(ents.schema.get_field_index("label"), "label", pa.array(label, ents.schema.field("label").type))
    write_parquet(bad, last, sort_by=None)
    staged = sum(pq.read_metadata(p).num_rows for p in area.parts("entities"))
    summary = pipeline.validate_run(lake, run_info)
    assert summary["counts"]["entities"] == staged - 1
    quarantined = pq.read_table(area.final("quarantine")).to_pylist()
    assert [q["source"] for q in quarantined if q["stage"] == "validate"] == ["entities"]
    assert "rows quarantined" in summary["status"]["entities"]


def test_units_join_batches_but_keep_staging_parts_apart(tmp_path, monkeypatch):
    lake, run_info = _staged_run(tmp_path, monkeypatch)
    area = lake.staging(run_info)
    batches = {p.parent for p in area.parts("articles") if "out" in p.parts}
    staged = sum(pq.read_metadata(p).num_rows for p in area.parts("articles"))
    units = list(checkrun.units(area, articles=3))
    with_articles = [u for u in units if "articles" in u]
    assert 1 < len(with_articles) < len(batches), "two-article batches joined in units of about three articles"
    assert all(u["articles"].num_rows <= 4 for u in with_articles)
    assert sum(u["articles"].num_rows for u in with_articles) == staged
    for u in units:
        ids = set(u["articles"]["article_id"].to_pylist()) if "articles" in u else set()
        for name in ("sentences", "entities"):
            if name in u:
                assert set(u[name]["article_id"].to_pylist()) <= ids, "an article's rows stay in its unit"


def test_carried_rows_and_staging_quarantine_are_checked_in_bounded_chunks(tmp_path, monkeypatch):
    """A rerun carries its earlier articles forward, and a fetch may reject thousands of inputs:
    neither becomes one unit of unbounded size."""
    lake, run_info = _staged_run(tmp_path, monkeypatch)
    area = lake.staging(run_info)
    monkeypatch.setattr(checkrun, "UNIT_ROWS", 2)
    for name in ("articles", "sentences"):
        t = pa.concat_tables([pq.read_table(p) for p in area.parts(name) if "out" in p.parts])
        write_parquet(t, area.carried(name), sort_by="article_id")
    rejects = tables.QUARANTINE.from_rows([{"stage": "fetch", "source": "s", "reason": f"r{i}", "run_id": "x"}
                                           for i in range(5)])
    write_parquet(rejects, area.fetch_rejects("many"), sort_by=None)
    units = list(checkrun.units(area, articles=3))
    carried = [u for u in units if "articles" in u][-1]
    assert carried["articles"].num_rows <= 3
    assert set(carried["sentences"]["article_id"].to_pylist()) <= set(carried["articles"]["article_id"].to_pylist())
    fetch_q = [u["quarantine"].num_rows for u in units if list(u) == ["quarantine"]]
    assert fetch_q and max(fetch_q) <= 2 and sum(fetch_q) >= 5


def test_carried_copies_stay_and_rows_of_an_article_not_carried_fail_the_run(tmp_path, monkeypatch):
    """Carried copies belong to no landed article: they are checked by rows, never filtered
    away by article. Carried sentences of an article that was not carried are still checked,
    and fail the run, as they did when the run was validated whole."""
    lake, run_info = _staged_run(tmp_path, monkeypatch)
    area = lake.staging(run_info)
    arts = pa.concat_tables([pq.read_table(p) for p in area.parts("articles") if "out" in p.parts])
    copy = tables.TABLES["duplicates"].from_rows([{
        "run_id": run_info.run_id, "article_id": "f" * 20, "duplicate_of": arts["article_id"][0].as_py(),
        "source": "s", "external_id": "x", "kind": "exact", "distance": 0}])
    write_parquet(copy, area.carried("duplicates"), sort_by="article_id")
    units = list(checkrun.units(area, articles=3))
    assert sum(u["duplicates"].num_rows for u in units if "duplicates" in u) >= 1
    sents = pq.read_table(next(p for p in area.parts("sentences") if "out" in p.parts)).slice(0, 1)
    stray = sents.set_column(0, "article_id", pa.array(["e" * 20], sents.schema.field(0).type))
    write_parquet(stray, area.carried("sentences"), sort_by="article_id")
    write_parquet(arts.slice(0, 0), area.carried("articles"), sort_by="article_id")
    units = list(checkrun.units(area, articles=3))
    assert any("e" * 20 in u["sentences"]["article_id"].to_pylist() for u in units if "sentences" in u)
    with pytest.raises(pipeline.ValidationFailed, match="belongs to an article"):
        pipeline.validate_run(lake, run_info)


def test_carried_rows_are_read_once_whatever_the_number_of_chunks(tmp_path, monkeypatch):
    """Each carried table is read in one pass and split by chunk of articles: filtering the whole
    table again for every chunk held all of it and took time quadratic in its size."""
    lake, run_info = _staged_run(tmp_path, monkeypatch)
    area = lake.staging(run_info)
    for name in ("articles", "sentences", "entities"):
        t = pa.concat_tables([pq.read_table(p) for p in area.parts(name) if "out" in p.parts])
        write_parquet(t, area.carried(name), sort_by="article_id")
    reads: list[str] = []
    batches = checkrun._batches
    monkeypatch.setattr(checkrun, "_batches", lambda path, rows: (
        reads.append(path.name) if path.parent.name == "carried" else None, batches(path, rows))[1])
    units = list(checkrun.units(area, articles=1))
    carried_units = [u for u in units if "articles" in u and u["articles"].num_rows == 1]
    assert len(carried_units) >= 4, "one article per chunk"
    assert sorted(reads) == ["articles.parquet", "entities.parquet", "sentences.parquet"]


def test_a_killed_validation_leaves_no_scratch_for_the_next_attempt(tmp_path, monkeypatch):
    lake, run_info = _staged_run(tmp_path, monkeypatch)
    area = lake.staging(run_info)
    left = area.root / "check-killed"
    (left / "units").mkdir(parents=True)
    (left / "check.sqlite").write_bytes(b"x" * 1000)
    pipeline.validate_run(lake, run_info)
    assert not list(area.root.glob("check-*")), "the killed attempt's scratch and this one's are gone"
