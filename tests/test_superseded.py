"""The lake's index of later article versions (newsflow.superseded, issue 12): the versioned
views read it instead of every articles file, and they mean the same as before with it, without
it (a lake from before the index), after reruns, crashes and compaction."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
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


def _index(lake: Lake) -> list[str]:
    """The articles files the index holds later versions for, as partition/name."""
    path = lake.root / superseded.INDEX
    t = pq.read_table(path) if path.exists() else superseded.SCHEMA.empty_table()
    return sorted({f for f, v in zip(t["file"].to_pylist(), t["version"].to_pylist(), strict=True) if v is not None})


def _name(when: datetime) -> str:
    run = RunInfo.for_interval(when)
    return f"ingest_date={run.ingest_date.isoformat()}/part-{run.run_id}.parquet"


def _reads_index(lake: Lake) -> bool:
    """Whether a connection takes the later versions from the index (no articles scan for them)."""
    plan = query.connect(lake.root).execute("EXPLAIN (FORMAT json) " + ENTITIES).fetchall()[0][1]
    scans = [json.dumps(n) for n in _nodes(json.loads(plan)) if "SCAN" in n.get("name", "").upper()]
    versions = [f for f in scans if "version" in f and "> 1" in f]
    return bool(versions) and all('"file"' in f for f in versions)  # the index's scan, never the articles'


def _nodes(plan) -> list[dict]:
    nodes = []
    for node in plan if isinstance(plan, list) else [plan]:
        nodes += [node, *_nodes(node.get("children", []))]
    return nodes


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
    assert _index(lake) == [_name(TUE), _name(WED)]
    assert _reads_index(lake)
    current, entities, versions = _answers(lake)
    assert current == [("a", 3), ("b", 2), ("c", 1), ("old", 1)]
    assert entities == [("a", 3, "Ada 3"), ("b", 2, "Ada 2"), ("c", 1, "Ada 1"), ("old", 1, "Ada None")]
    assert [(a, v) for a, v, cur in versions if cur] == current
    assert (current, entities, versions) == _scanned(lake)


def test_a_rerun_replaces_its_index_file_and_removes_it_when_it_has_no_later_versions(lake):
    _land(lake, WED, {"a": 3})  # the rerun no longer lands b's second version
    assert _answers(lake)[0] == [("a", 3), ("b", 1), ("c", 1), ("old", 1)]
    _land(lake, TUE, {"c": 1})  # nor does the rerun of Tuesday land a's second version
    assert _index(lake) == [_name(WED)]
    assert _answers(lake) == _scanned(lake)


def _forget_index(lake: Lake) -> None:
    (lake.root / superseded.MARKER).unlink()
    remove_tree(lake.root / superseded.FOLDER)


def test_a_lake_from_before_the_index_is_scanned_and_the_next_publish_indexes_it(lake):
    before = _answers(lake)
    _forget_index(lake)
    assert not _reads_index(lake) and _answers(lake) == before  # read by scanning the articles files
    _land(lake, datetime(2026, 11, 26, 6, tzinfo=UTC), {"d": 1})
    assert _index(lake) == [_name(TUE), _name(WED)]  # entries per articles file
    assert _reads_index(lake) and ("d", 1) in _answers(lake)[0]
    assert _answers(lake) == _scanned(lake)


def test_a_rerun_of_a_run_from_before_the_index_leaves_no_stale_entry(lake):
    """The index of a lake from before it is one file per articles file, so a rerun replaces it."""
    _forget_index(lake)
    _land(lake, TUE, {"c": 1})  # the first publish after the upgrade is a rerun that drops a's version 2
    assert ("a", 3) in _answers(lake)[0]
    _land(lake, WED, {"c": 1})  # and Wednesday's drops a's version 3 and b's version 2
    current = _answers(lake)[0]
    assert ("a", 1) in current and ("b", 1) in current and _answers(lake) == _scanned(lake)


@pytest.mark.parametrize("marker", ["not json", '{"format": 99}', "[]"])
def test_an_unreadable_or_foreign_index_marker_means_no_index(lake, marker):
    (lake.root / superseded.MARKER).write_text(marker)
    assert not _reads_index(lake)
    assert _answers(lake) == _scanned(lake)


class _Crash(Exception):
    pass


@pytest.mark.parametrize("landed", [{"c": 2}, {"a": 3}])  # a new later version; a rerun that drops one
def test_a_reader_during_a_publish_or_after_a_crash_sees_what_the_articles_say(lake, monkeypatch, landed):
    when = datetime(2026, 11, 26, 6, tzinfo=UTC) if "c" in landed else WED

    def crash(point: str) -> None:
        if point == "publish:move:0":  # the journal is written and the articles file moved; nothing else
            raise _Crash(point)

    monkeypatch.setattr(lake_module, "crash_point", crash)
    with pytest.raises(_Crash):
        _land(lake, when, landed)
    monkeypatch.undo()
    assert not _reads_index(lake)  # a journal is pending: the articles decide, not the index
    assert _answers(lake) == _scanned(lake)
    lake.recover()
    assert _reads_index(lake) and _answers(lake) == _scanned(lake)


def test_compaction_merges_the_index_with_the_articles_and_the_answers_stay(lake):
    _land(lake, datetime(2026, 11, 24, 18, tzinfo=UTC), {"c": 2})  # a second run with later versions on Tuesday
    before = _answers(lake)
    compact(lake, date(2026, 11, 30))
    assert len(lake.table_files("articles")) == 3  # one per day; the run files are gone
    merged = {f"{p.parent.name}/{p.name}" for p in lake.table_files("articles")}
    assert set(_index(lake)) <= merged and len(_index(lake)) == 2  # Tuesday's and Wednesday's merged files
    assert _reads_index(lake) and _answers(lake) == before == _scanned(lake)


def test_an_unreadable_index_file_falls_back_to_the_articles(lake, caplog):
    before = _answers(lake)
    (lake.root / superseded.INDEX).write_bytes(b"not parquet")
    assert _answers(lake) == before
    assert "cannot be read" in caplog.text


def test_index_entries_for_articles_files_a_reader_does_not_list_are_ignored(lake):
    """A stray entry never hides a row: only entries of the articles files the reader lists count,
    and partitions the views skip are never indexed."""
    stray = tables.ARTICLES.from_rows([{"article_id": "c", "text": "x", "word_count": 1, "content_hash": "x",
                                        "run_id": "x", "version": 9, "source": "wire"}])
    write_parquet(stray, lake.root / "articles" / "ingest_date=2026-11-31" / "part-x.parquet")
    _forget_index(lake)
    _land(lake, datetime(2026, 11, 26, 6, tzinfo=UTC), {"d": 1})  # indexes the lake again
    assert "ingest_date=2026-11-31/part-x.parquet" not in _index(lake)
    index = pq.read_table(lake.root / superseded.INDEX)
    forged = pa.concat_tables([index, superseded.later_versions(stray, "ingest_date=2026-11-24/part-nope.parquet")])
    pq.write_table(forged, lake.root / superseded.INDEX)
    assert _reads_index(lake) and ("c", 1) in _answers(lake)[0] and _answers(lake) == _scanned(lake)


@pytest.mark.parametrize("landed", [{"a": 3}, {"c": 2, "a": 3, "b": 2}])  # drops b's version 2; adds c's
def test_a_connection_kept_open_across_a_publish_agrees_with_the_files_it_reads(lake, landed):
    con = query.connect(lake.root)
    when = WED if "c" not in landed else datetime(2026, 11, 25, 6, tzinfo=UTC)
    _land(lake, when, landed)  # a rerun of Wednesday replaces its files where the connection listed them
    rows = con.execute(CURRENT).fetchall()
    scan = query.connect(lake.root)
    scan.execute("""CREATE OR REPLACE VIEW _latest_versions AS
        SELECT article_id, max(version) AS version FROM _all_articles WHERE version > 1 GROUP BY article_id""")
    assert rows == scan.execute(CURRENT).fetchall()


def test_an_articles_file_the_index_never_saw_means_the_scan(lake, monkeypatch):
    """An older newsflow (a rolling upgrade, a restore) writes articles without indexing them."""
    monkeypatch.setattr(superseded, "publish_steps", lambda *a, **k: [])
    _land(lake, datetime(2026, 11, 26, 6, tzinfo=UTC), {"c": 2})
    monkeypatch.undo()
    assert not _reads_index(lake)
    assert ("c", 2) in _answers(lake)[0] and ("c", 1) not in _answers(lake)[0] and _answers(lake) == _scanned(lake)


def test_a_missing_index_means_the_scan_and_the_next_publish_rebuilds_it(lake):
    (lake.root / superseded.INDEX).unlink()
    assert not _reads_index(lake) and _answers(lake) == _scanned(lake)
    _land(lake, datetime(2026, 11, 26, 6, tzinfo=UTC), {"d": 1})
    assert _reads_index(lake) and _answers(lake) == _scanned(lake)


def test_a_corrupt_index_does_not_stop_the_next_publish(lake):
    (lake.root / superseded.INDEX).write_bytes(b"not parquet")
    _land(lake, datetime(2026, 11, 26, 6, tzinfo=UTC), {"c": 2})
    assert _reads_index(lake) and ("c", 1) not in _answers(lake)[0] and _answers(lake) == _scanned(lake)
