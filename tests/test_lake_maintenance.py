"""Schema evolution, re-validation of landed data, compaction that changes no query result."""

from datetime import UTC, date, datetime

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsflow import pipeline
from newsflow.lake import Lake
from newsflow.maintenance import compact, validate_landed
from newsflow.query import connect
from newsflow.settings import SAMPLES_DIR, Settings
from tests.conftest import ROOT, run

pytestmark = pytest.mark.slow  # the module's lake is four whole pipeline runs

FILES = [SAMPLES_DIR / "000_f9789ab62cedf289.txt", SAMPLES_DIR / "001_sample_ecb_rates.txt",
         SAMPLES_DIR / "003_sample_quake.txt", SAMPLES_DIR / "012_sample_vaccines.txt"]


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    """Four runs over two days, one article each."""
    lk = Lake(tmp_path_factory.mktemp("lake") / "data")
    settings = Settings()
    for i, f in enumerate(FILES):
        when = datetime(2026, 11, 20 + i // 2, 8 + i, tzinfo=UTC)
        run(lk, [f], when, settings)
    return lk


def test_lake_report_for_the_airflow_ui(lake):
    """What the UI plugin's page shows: runs newest first, their counts and Data Docs, table sizes."""
    from newsflow import report

    s = report.summary(lake)
    assert [r["logical_time"][:13] for r in s["runs"]] == ["2026-11-21T11", "2026-11-21T10", "2026-11-20T09",
                                                         "2026-11-20T08"]
    assert all(r["validation"]["articles"] == "passed" and r["counts"]["articles"] == 1 for r in s["runs"])
    assert all((lake.root / "_docs" / r["data_docs"].removeprefix("docs/")).is_file() for r in s["runs"])
    assert s["tables"]["articles"] == 4 and s["tables"]["sentences"] > 19
    page = report.render_html({**s, "data_dir": "<lake & co>"})
    assert "&lt;lake &amp; co&gt;" in page and "<script" not in page
    assert all(r["run_id"] in page for r in s["runs"])


def table_contents(root):
    con = connect(root)
    return {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall()))
            for t in ("articles", "sentences", "entities", "numbers", "quarantine", "validation_results")}


def test_old_partitions_without_a_new_column_still_read(lake, tmp_path):
    # An older writer did not have entities.country_code: drop it from one file.
    f = sorted(lake.table_files("entities"))[0]
    old = pq.read_table(f)
    pq.write_table(old.drop_columns(["country_code"]), f)
    con = connect(lake.root)
    nulls = con.execute("SELECT count(*) FROM entities WHERE country_code IS NULL").fetchall()[0][0]
    assert nulls >= old.num_rows
    assert lake.read_table("entities").num_rows == con.execute("SELECT count(*) FROM entities").fetchall()[0][0]
    import pyarrow.dataset as ds

    unified = ds.dataset([str(p) for p in lake.table_files("entities")], format="parquet",
                         schema=pa.unify_schemas([pq.read_schema(p) for p in lake.table_files("entities")]))
    assert "country_code" in unified.schema.names
    pq.write_table(old, f)  # restore for the other tests


def test_revalidate_landed(lake):
    report = validate_landed(lake)
    assert report.critical_failures == []
    assert validate_landed(lake, date(2026, 11, 21)).frames["articles"].shape[0] == 2


def test_compaction_keeps_query_results_and_refuses_reruns(lake):
    before = table_contents(lake.root)
    files_before = len(lake.table_files("sentences"))
    merged = compact(lake, before=date(2026, 11, 22))
    assert merged["sentences/ingest_date=2026-11-20"] == 2
    assert len(lake.table_files("sentences")) == files_before - 2
    assert table_contents(lake.root) == before
    assert not list((lake.root / "_journal").glob("*"))
    # a compacted run cannot be re-run: its rows are no longer in a file of their own
    with pytest.raises(pipeline.RunCompacted):
        run(lake, [FILES[0]], datetime(2026, 11, 20, 8, tzinfo=UTC), Settings())
    assert compact(lake, before=date(2026, 11, 22)) == {}  # nothing left to merge


def test_duckdb_reads_the_lake_directly(lake):
    n = duckdb.connect().execute(
        f"SELECT count(*) FROM read_parquet('{lake.root}/articles/*/*.parquet', hive_partitioning=true)").fetchall()
    assert n == [(4,)]


def test_readme_queries_run(lake):
    """Every `newsflow query` example in the README runs against a real lake."""
    import re

    from newsflow import rollup

    rollup.build(lake)
    readme = (ROOT / "README.md").read_text()
    found = re.findall(r'newsflow query "((?:(?!newsflow query).)*?)" --data data', readme, re.S)
    queries = [q.replace('\\"', '"') for q in found]
    assert len(queries) >= 7
    con = connect(lake.root)
    for q in queries:
        con.execute(q).fetchall()
    tonnes = con.execute(next(q for q in queries if "'tonne'" in q)).fetchall()
    assert tonnes and tonnes[0][2] == "000_f9789ab62cedf289"
