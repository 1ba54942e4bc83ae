"""The lake's index of later article versions (newsflow.superseded, issue 12): the versioned
views read it instead of every articles file, and they mean the same as before with it, without
it (a lake from before the index), after reruns, crashes and compaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsflow import lake as lake_module
from newsflow import query, superseded, tables
from newsflow.lake import Lake, remove_tree, write_parquet
from newsflow.maintenance import compact
from newsflow.runs import RunInfo

MON, TUE, WED = (datetime(2026, 11, d, 6, tzinfo=UTC) for d in (23, 24, 25))
CURRENT = "SELECT article_id, version FROM articles ORDER BY ALL"
ENTITIES = "SELECT article_id, version, canonical FROM entities ORDER BY ALL"
VERSIONS = "SELECT article_id, version, is_current FROM article_versions ORDER BY ALL"


def _land(lake: Lake, when: datetime, versions: dict[str, int | None]) -> RunInfo:
    run = RunInfo.for_interval(when)
    arts = tables.ARTICLES.from_rows([{"article_id": a, "text": f"{a} v{v}", "word_count": 2, "content_hash": f"{a}{v}",
                                       "run_id": run.run_id, "version": v, "source": "wire"} for a, v in versions.items()])
    ents = tables.ENTITIES.from_rows([{"article_id": a, "sentence_index": 0, "start": 0, "end": 3, "text": "Ada",
                                       "label": "PERSON", "canonical": f"Ada {v}", "version": v}
                                      for a, v in versions.items()])
    staged = {"articles": write_parquet(arts, lake.staging(run).final("articles")),
              "entities": write_parquet(ents, lake.staging(run).final("entities"))}
    lake.publish(run, staged, {"run_id": run.run_id})
    lake.clear_staging(run)
    return run


def _answers(lake: Lake) -> tuple[list, list, list]:
    con = query.connect(lake.root)
    return tuple(con.execute(sql).fetchall() for sql in (CURRENT, ENTITIES, VERSIONS))


def _scanned(lake: Lake) -> tuple[list, list, list]:
    """The same answers from the articles files alone, as a lake without the index is read."""
    con = query.connect(lake.root)
    con.execute("""CREATE OR REPLACE VIEW _latest_versions AS
        SELECT article_id, max(version) AS version FROM _all_articles WHERE version > 1 GROUP BY article_id""")
    return tuple(con.execute(sql).fetchall() for sql in (CURRENT, ENTITIES, VERSIONS))


@pytest.fixture
def lake(tmp_path) -> Lake:
    lk = Lake(tmp_path / "data")
    _land(lk, MON, {"a": 1, "b": 1, "old": None})
    _land(lk, TUE, {"a": 2, "c": 1})
    _land(lk, WED, {"a": 3, "b": 2})
    return lk


def test_each_publish_indexes_its_later_versions_and_the_views_read_them(lake):
    index = superseded.files(lake.root)
    assert [p.name for p in index] == [f"part-{RunInfo.for_interval(d).run_id}.parquet" for d in (TUE, WED)]
    current, entities, versions = _answers(lake)
    assert current == [("a", 3), ("b", 2), ("c", 1), ("old", 1)]
    assert entities == [("a", 3, "Ada 3"), ("b", 2, "Ada 2"), ("c", 1, "Ada 1"), ("old", 1, "Ada None")]
    assert [(a, v) for a, v, cur in versions if cur] == current
    assert (current, entities, versions) == _scanned(lake)


def test_a_query_reads_the_index_and_no_articles_file_for_the_versions(lake, monkeypatch):
    opened: list[str] = []
    real = query.table_dataset

    def counting(root, name, parts, filesystem=None):
        opened.extend(p for p, _ in parts if name == "articles")
        return real(root, name, parts, filesystem)

    monkeypatch.setattr(query, "table_dataset", counting)
    con = query.connect(lake.root)
    plan = con.execute("EXPLAIN " + ENTITIES).fetchall()[0][1]
    assert "version\" > 1" not in plan and "version > 1" not in plan  # no scan of the articles for versions
    assert opened  # the articles view exists, but the entities query's plan never names it:
    assert "_all_articles" not in plan and con.execute(ENTITIES).fetchall()[0] == ("a", 3, "Ada 3")


def test_a_rerun_replaces_its_runs_index_file_and_removes_it_when_it_has_no_later_versions(lake):
    _land(lake, WED, {"a": 3})  # the rerun no longer lands b's second version
    assert _answers(lake)[0] == [("a", 3), ("b", 1), ("c", 1), ("old", 1)]
    _land(lake, TUE, {"c": 1})  # nor does the rerun of Tuesday land a's second version
    assert [p.name for p in superseded.files(lake.root)] == [f"part-{RunInfo.for_interval(WED).run_id}.parquet"]
    assert _answers(lake) == _scanned(lake)


def test_a_lake_from_before_the_index_is_scanned_and_the_next_publish_indexes_it(lake):
    before = _answers(lake)
    (lake.root / superseded.MARKER).unlink()
    remove_tree(lake.root / superseded.FOLDER)
    assert superseded.files(lake.root) is None
    assert _answers(lake) == before  # read by scanning the articles files
    _land(lake, datetime(2026, 11, 26, 6, tzinfo=UTC), {"d": 1})
    assert [p.name for p in superseded.files(lake.root)] == [f"part-{superseded.LEGACY_RUN}.parquet"]
    assert ("d", 1) in _answers(lake)[0]
    assert _answers(lake) == _scanned(lake)


@pytest.mark.parametrize("marker", ["not json", '{"format": 99}', "[]"])
def test_an_unreadable_or_foreign_index_marker_means_no_index(lake, marker):
    (lake.root / superseded.MARKER).write_text(marker)
    assert superseded.files(lake.root) is None
    assert _answers(lake) == _scanned(lake)


class _Crash(Exception):
    pass


def test_a_crash_during_publish_is_finished_with_the_index(lake, monkeypatch):
    def crash(point: str) -> None:
        if point == "publish:move:0":  # the journal is written and the articles file moved; nothing else
            raise _Crash(point)

    monkeypatch.setattr(lake_module, "crash_point", crash)
    with pytest.raises(_Crash):
        _land(lake, datetime(2026, 11, 26, 6, tzinfo=UTC), {"c": 2})
    monkeypatch.undo()
    lake.recover()
    assert ("c", 2) in _answers(lake)[0] and ("c", 1) not in _answers(lake)[0]
    assert _answers(lake) == _scanned(lake)


def test_compaction_merges_the_index_like_a_table_and_the_answers_stay(lake):
    _land(lake, datetime(2026, 11, 24, 18, tzinfo=UTC), {"c": 2})  # a second run with later versions on Tuesday
    before = _answers(lake)
    assert len(superseded.files(lake.root)) == 3
    compact(lake, date(2026, 11, 30))
    assert len(lake.table_files("articles")) == 3  # one per day; the run files are gone
    assert len(superseded.files(lake.root)) == 2  # Tuesday's two index files are one
    assert _answers(lake) == before == _scanned(lake)


def test_an_unreadable_index_file_falls_back_to_the_articles(lake, caplog):
    before = _answers(lake)
    superseded.files(lake.root)[0].write_bytes(b"not parquet")
    assert _answers(lake) == before
    assert "cannot be read" in caplog.text
