"""The lake's files are laid out for the queries that read them, and those queries read only what
they need (issue 12). Timings live in bench/bench_lake.py; these tests check the mechanisms:

* filters reach the Parquet scan: DuckDB pushes ``ingest_date`` and ``label`` into the pyarrow
  dataset it scans, so a week's query opens only that week's files, and a day's rollup reads
  that day's partitions and no articles file;
* entity files are sorted by label and canonical name, say so in their metadata, and carry
  row-group statistics that let a reader skip the groups of other labels;
* the versioned views keep their meaning: a row is current unless its article has a later version.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from itertools import pairwise

import duckdb
import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from pyarrow.fs import FSSpecHandler, PyFileSystem

from newsflow import query, rollup, tables
from newsflow.lake import LABEL_GROUP_MIN, STORAGE_ORDER, Lake, write_parquet
from newsflow.runs import RunInfo

DAYS = (date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22))
NAMES = {"PERSON": ["Ada Lovelace", "Alan Turing", "Grace Hopper"], "ORG": ["Acme", "Globex"], "GPE": ["France"]}


def _articles(run: RunInfo, ids: list[str], version: int | None) -> pa.Table:
    return tables.ARTICLES.from_rows([{"article_id": a, "text": f"text of {a}", "word_count": 3, "content_hash": a,
                                       "run_id": run.run_id, "version": version, "source": "wire"} for a in ids])


def _entities(ids: list[str], version: int | None) -> pa.Table:
    rows = []
    for i, a in enumerate(ids):
        for j, (label, name) in enumerate((lab, n) for lab, names in NAMES.items() for n in names):
            if (i + j) % 2 == 0:
                rows.append({"article_id": a, "sentence_index": 0, "start": 10 * j, "end": 10 * j + 5, "text": name,
                             "label": label, "canonical": name, "version": version})
    return tables.ENTITIES.from_rows(rows)


def _land(lake: Lake, when: datetime, ids: list[str], version: int | None) -> None:
    """One run's files through the lake's own writer and publish."""
    run = RunInfo.for_interval(when)
    staged = {name: write_parquet(t, lake.staging(run).final(name))
              for name, t in (("articles", _articles(run, ids, version)), ("entities", _entities(ids, version)))}
    lake.publish(run, staged, {"run_id": run.run_id})
    lake.clear_staging(run)


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Lake:
    """Three days of two runs each; article a0 gets a second version on the last day, and a1 was
    landed by a writer from before versions (no version)."""
    lk = Lake(tmp_path_factory.mktemp("layout") / "data")
    for d, day in enumerate(DAYS):
        for hour in (6, 18):
            ids = [f"d{d}h{hour}a{i}" for i in range(4)]
            _land(lk, datetime(day.year, day.month, day.day, hour, tzinfo=UTC), ids, 1)
    _land(lk, datetime(2026, 11, 20, 3, tzinfo=UTC), ["a0", "a1"], None)
    _land(lk, datetime(2026, 11, 22, 21, tzinfo=UTC), ["a0"], 2)
    return lk


def _parts(lake: Lake, table: str) -> list[tuple[str, date]]:
    return [(str(f), date.fromisoformat(f.parent.name.split("=", 1)[1])) for f in lake.table_files(table)]


class _Counting(FSSpecHandler):
    """The local filesystem, remembering every file opened for reading."""

    def __init__(self) -> None:
        super().__init__(fsspec.filesystem("file"))
        self.opened: list[str] = []

    def open_input_file(self, path: str):
        self.opened.append(path)
        return super().open_input_file(path)

    def open_input_stream(self, path: str):
        self.opened.append(path)
        return super().open_input_stream(path)


def _scans(plan: dict) -> list[dict]:
    """Every scan operator of a DuckDB JSON plan, depth first."""
    found = [plan] if "SCAN" in plan.get("name", "").upper() else []
    for child in plan.get("children", []):
        found += _scans(child)
    return found


def test_the_date_and_label_filters_reach_the_parquet_scan(lake):
    con = query.connect(lake.root)
    sql = """SELECT canonical, count(*) FROM entities WHERE label = 'PERSON' AND ingest_date >= DATE '2026-11-22'
             GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20"""
    [(_, text)] = con.execute("EXPLAIN (FORMAT json) " + sql).fetchall()
    scans = [s for p in json.loads(text) for s in _scans(p)]
    filters = [json.dumps(s.get("extra_info", {})) for s in scans if s["name"] == "PYTHON_ARROW_SCAN"]
    assert any("ingest_date" in f and "2026-11-22" in f and "PERSON" in f for f in filters), filters
    # the later versions come from the lake's index (newsflow.superseded, the scan with a "file"
    # column), never from a scan of the articles files
    assert not any("> 1" in f and '"file"' not in f for f in filters), filters
    assert any("> 1" in f and '"file"' in f for f in filters), filters
    assert "FILTER" not in text.upper().replace("FILTERS", "")  # nothing left to filter above the scans
    # and the answer is right: only the last day's current mentions
    assert con.execute(sql).fetchall() == con.execute("""SELECT canonical, count(*) FROM _all_entities
        WHERE label = 'PERSON' AND ingest_date >= DATE '2026-11-22' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20""").fetchall()


def test_a_week_query_opens_only_that_weeks_files(lake):
    counting = _Counting()
    con = duckdb.connect(":memory:", config=dict(query.SANDBOX))
    con.register("e", query.table_dataset(lake.root, "entities", _parts(lake, "entities"), PyFileSystem(counting)))
    rows = con.execute("SELECT count(*) FROM e WHERE label = 'PERSON' AND ingest_date >= DATE '2026-11-22'").fetchall()
    assert rows[0][0] > 0
    assert counting.opened and all("ingest_date=2026-11-22" in p for p in counting.opened), counting.opened
    assert len(set(counting.opened)) == 3 < len(_parts(lake, "entities"))


def test_a_days_rollup_reads_that_day_and_no_articles_file(lake):
    con = query.connect(lake.root)
    query.pin_versions(con)
    for name, sql in rollup.ROLLUP_SQL.items():
        if name == "amounts_daily":
            continue  # no numbers in this lake
        [(_, text)] = con.execute("EXPLAIN (FORMAT json) " + sql, [DAYS[1]]).fetchall()
        arrow = [json.dumps(s.get("extra_info", {})) for p in json.loads(text) for s in _scans(p)
                 if s["name"] == "PYTHON_ARROW_SCAN"]
        assert len(arrow) == 1 and "2026-11-21" in arrow[0], (name, arrow)  # the day's own table, nothing else
    assert sorted(rollup.superseded_days(con, [DAYS[2]])) == [DAYS[0]]  # a0's first version landed then


def test_the_versioned_views_show_the_latest_version_of_each_article(lake):
    con = query.connect(lake.root)
    window = """SELECT t.article_id, t.start, coalesce(t.version, 1) FROM _all_entities t SEMI JOIN (
        SELECT article_id, coalesce(version, 1) AS v FROM _all_articles
        QUALIFY v = max(coalesce(version, 1)) OVER (PARTITION BY article_id)) a
        ON a.article_id = t.article_id AND a.v = coalesce(t.version, 1) ORDER BY ALL"""
    assert con.execute("SELECT article_id, start, version FROM entities ORDER BY ALL").fetchall() \
        == con.execute(window).fetchall()
    assert con.execute("SELECT article_id, version FROM articles WHERE article_id IN ('a0', 'a1') ORDER BY 1") \
        .fetchall() == [("a0", 2), ("a1", 1)]
    assert con.execute("SELECT version, is_current FROM article_versions WHERE article_id = 'a0' ORDER BY 1") \
        .fetchall() == [(1, False), (2, True)]


def test_entity_files_are_sorted_by_label_and_name_with_statistics(tmp_path):
    n = 3 * LABEL_GROUP_MIN
    labels = ["PERSON", "ORG", "GPE", "LOC"]
    t = tables.ENTITIES.from_rows([{"article_id": f"a{i % 97:03d}", "sentence_index": 0, "start": i, "end": i + 4,
                                    "text": "name", "label": labels[i % 4], "canonical": f"name {i % 13}"}
                                   for i in range(n)])
    f = write_parquet(t, tmp_path / "entities.parquet")
    meta = pq.ParquetFile(f).metadata
    names = meta.schema.to_arrow_schema().names
    order = STORAGE_ORDER["entities"]
    groups = [meta.row_group(i) for i in range(meta.num_row_groups)]
    assert len(groups) > 1 and sum(g.num_rows for g in groups) == n
    label, canonical = names.index("label"), names.index("canonical")
    for g in groups:
        assert [names[s.column_index] for s in g.sorting_columns] == list(order)
        for col in (label, canonical, names.index("article_id")):
            assert g.column(col).statistics is not None and g.column(col).statistics.has_min_max
    spans = [(g.column(label).statistics.min, g.column(label).statistics.max) for g in groups]
    assert all(a[1] < b[0] for a, b in pairwise(spans)), spans  # labels never straddle groups
    back = pq.read_table(f)
    keys = list(zip(*(back[c].to_pylist() for c in order), strict=True))
    assert keys == sorted(keys)
    # a reader skips the groups of other labels by their statistics
    fragment = next(iter(ds.dataset(str(f), format="parquet").get_fragments()))
    person = fragment.split_by_row_group(filter=pc.field("label") == "PERSON")
    assert len(person) == 1 < len(groups)


def test_small_files_stay_one_row_group_and_other_tables_keep_article_order(tmp_path):
    t = _entities([f"a{i}" for i in range(30)], 1)
    assert pq.ParquetFile(write_parquet(t, tmp_path / "e.parquet")).metadata.num_row_groups == 1
    run = RunInfo.for_interval(datetime(2026, 11, 20, tzinfo=UTC))
    a = write_parquet(_articles(run, ["b", "c", "a"], 1), tmp_path / "a.parquet")
    assert pq.read_table(a)["article_id"].to_pylist() == ["a", "b", "c"]
    stats = pq.ParquetFile(a).metadata.row_group(0).column(tables.ARTICLES.column_names.index("version")).statistics
    assert stats.has_min_max and (stats.min, stats.max) == (1, 1)  # what lets `version > 1` skip a file
    unsorted = write_parquet(t, tmp_path / "kept.parquet", sort_by=None)
    assert pq.read_table(unsorted)["article_id"].to_pylist() == t["article_id"].to_pylist()
