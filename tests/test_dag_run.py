"""The DAG end to end with dag.test() on a SQLite metadata DB, landing real Parquet."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from newsflow.settings import SAMPLES_DIR

pytestmark = pytest.mark.slow


def rows(root, table):
    return duckdb.connect().execute(f"select count(*) from read_parquet('{root}/{table}/*/*.parquet')").fetchall()[0][0]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """One lake for the module: asset URIs name the data folder, and an asset's URI must not
    change within one metadata DB (Airflow then marks it inactive)."""
    d = tmp_path_factory.mktemp("dag") / "data"
    old = {k: os.environ.get(k) for k in ("NEWSFLOW_DATA_DIR", "NEWSFLOW_SOURCES_FILE", "NEWSFLOW_BATCH_SIZE")}
    sources = d.parent / "sources.yaml"  # two sources: the DAG maps fetch_source over them
    sources.write_text(f"sources:\n  - name: samples\n    type: folder\n    path: {SAMPLES_DIR}\n"
                       f"  - name: seed-again\n    type: folder\n    path: {SAMPLES_DIR / '000_f9789ab62cedf289.txt'}\n")
    os.environ.update(NEWSFLOW_DATA_DIR=str(d), NEWSFLOW_SOURCES_FILE=str(sources), NEWSFLOW_BATCH_SIZE="5")
    yield d
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="module")
def bag(airflow_db, data_dir):
    from airflow.dag_processing.dagbag import DagBag

    # Both DAGs in the metadata DB, as the dag-processor would store them, so that asset events
    # of news_pipeline queue news_daily_rollup.
    airflow = str(Path(sys.executable).with_name("airflow"))
    subprocess.run([airflow, "dags", "reserialize"], check=True, capture_output=True, timeout=300,
                   env={**os.environ})
    return DagBag(dag_folder=str(SAMPLES_DIR.parents[2] / "dags"))


@pytest.fixture(scope="module")
def dag(bag):
    return bag.dags["news_pipeline"]


def test_dag_lands_validated_tables_and_reruns_idempotently(dag, data_dir):
    when = datetime(2026, 11, 28, 9, tzinfo=UTC)
    run = dag.test(logical_date=when)
    assert run.state == "success"
    tis = {(ti.task_id, ti.map_index): ti.state for ti in run.get_task_instances()}
    n_samples = len([p for p in SAMPLES_DIR.iterdir() if p.suffix != ".md"])
    mapped = [k for k in tis if k[0] == "process_batch"]
    assert len(mapped) >= 3, "samples are processed in several mapped batches"
    assert len([k for k in tis if k[0] == "fetch_source"]) == 2, "one fetch task per source"
    assert {s for k, s in tis.items() if k[0] != "reprocess_run"} == {"success"}
    assert tis[("reprocess_run", -1)] == "skipped", "nothing to reprocess: no reprocess task ran"
    assert not (data_dir / "_state" / "writer.lock").exists(), "the run gave the lake's write lock back"

    counts = {t: rows(data_dir, t) for t in ("articles", "sentences", "entities", "numbers", "quarantine")}
    assert counts["articles"] >= n_samples  # the .jsonl sample holds two articles
    assert counts["sentences"] > counts["articles"] * 4
    assert counts["entities"] > 100 and counts["numbers"] > 100
    files = sorted(p.relative_to(data_dir).as_posix() for p in data_dir.glob("*/*/*.parquet"))
    assert "articles/ingest_date=2026-11-28/part-20261128T090000Z.parquet" in files

    con = duckdb.connect()
    seed = con.execute(f"""
        select count(*) from read_parquet('{data_dir}/sentences/*/*.parquet') s
        join read_parquet('{data_dir}/articles/*/*.parquet') a using (article_id)
        where a.external_id = '000_f9789ab62cedf289'""").fetchall()[0][0]
    assert seed == 19

    # The publish emitted asset events that queue the rollup DAG, with the partition in the extra.
    from airflow.models.asset import AssetDagRunQueue, AssetEvent
    from airflow.utils.session import create_session

    with create_session() as session:
        queued = session.query(AssetDagRunQueue).filter_by(target_dag_id="news_daily_rollup").count()
        extras = [e.extra for e in session.query(AssetEvent).all()]
    assert queued == 3  # articles, entities and numbers
    assert {"partition": "ingest_date=2026-11-28", "run_id": "20261128T090000Z", "dag_id": "news_pipeline",
            "dag_run_id": run.run_id}.items() <= extras[0].items()
    assert len(extras) == 9, "an event per published table, quotes and dates included"

    # The lake run names its DAG run; the lake page links straight to it.
    import json
    from urllib.parse import quote

    from newsflow import report

    manifest = json.loads((data_dir / "_runs" / "20261128T090000Z.json").read_text())
    assert (manifest["dag_id"], manifest["dag_run_id"]) == ("news_pipeline", run.run_id)
    assert report.airflow_run_link(manifest) == f"/dags/news_pipeline/runs/{quote(run.run_id, safe='')}"

    # Re-running the same interval replaces its rows instead of adding to them.
    again = dag.test(logical_date=when)
    assert again.state == "success"
    assert {t: rows(data_dir, t) for t in counts} == counts

    # A later manual run without a logical date is keyed by run_after; it finds nothing new
    # and lands empty files, no duplicates.
    later = dag.test(run_after=datetime(2026, 11, 28, 10, 30, tzinfo=UTC), logical_date=None)
    assert later.state == "success" and later.logical_date is None
    assert (data_dir / "articles/ingest_date=2026-11-28/part-20261128T103000Z.parquet").exists()
    assert {t: rows(data_dir, t) for t in counts} == counts


def test_rollup_dag_builds_validated_daily_tables(bag, data_dir):
    pipeline_run = bag.dags["news_pipeline"].test(logical_date=datetime(2026, 11, 27, 9, tzinfo=UTC))
    assert pipeline_run.state == "success"
    run = bag.dags["news_daily_rollup"].test()
    assert run.state == "success"
    con = duckdb.connect()
    usd = con.execute(f"select amounts, max_value from read_parquet('{data_dir}/amounts_daily/*/*.parquet') "
                      "where currency = 'USD'").fetchall()
    assert usd and usd[0][0] >= 5 and usd[0][1] >= 11e9
    top = con.execute(f"select canonical from read_parquet('{data_dir}/entity_mentions_daily/*/*.parquet') "
                      "where label = 'PERSON' order by mentions desc limit 1").fetchall()
    assert top == [("Donald Trump",)]
    assert rows(data_dir, "articles_daily") >= 2


# Six short articles nobody has landed yet, distinct enough not to be copies of one another.
FRESH = {
    "p1": "Peru's central bank held its main interest rate at 4.75% on Thursday, citing easing inflation "
          "and a stronger sol, and said further cuts would depend on food prices in the Andes.",
    "p2": "A ferry carrying 312 passengers ran aground near the Greek island of Naxos late on Sunday; the "
          "coast guard said everyone was taken ashore safely and an inquiry had been opened.",
    "p3": "Volunteers planted 40,000 mangrove seedlings along the coast of Senegal this month, hoping the "
          "trees will slow erosion that has swallowed fishing villages near Saint-Louis.",
    "p4": "The Tokyo Stock Exchange extended its trading hours by thirty minutes, the first change in "
          "decades, to attract foreign investors and give listed companies time for disclosures.",
    "p5": "Icelandic scientists recorded more than 800 small earthquakes beneath the Reykjanes peninsula "
          "overnight, and the meteorological office warned that magma may be moving towards Grindavik.",
    "p6": "Canada's wheat harvest reached 35 million tonnes, the statistics agency reported, beating "
          "forecasts after late rains in Saskatchewan rescued crops that a dry spring had threatened.",
}
PARAMS_DAY = datetime(2026, 11, 29, 9, tzinfo=UTC)


def test_trigger_params_override_the_settings_for_one_run(dag, data_dir, tmp_path_factory):
    """batch_size and sources from the trigger's conf apply to that run only; a bad conf is refused
    before any task runs, with the param named."""
    from airflow.sdk.exceptions import ParamValidationError

    folder = data_dir.parent / "fresh"  # params may name folders beside the sources file, not anywhere
    folder.mkdir()
    for name, text in FRESH.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    run = dag.test(logical_date=PARAMS_DAY, run_conf={"batch_size": 2, "sources": [str(folder)]})
    assert run.state == "success"
    tis = {(ti.task_id, ti.map_index): ti.state for ti in run.get_task_instances()}
    assert len([k for k in tis if k[0] == "process_batch"]) == 3, "6 articles, 2 per batch (the setting says 5)"
    assert len([k for k in tis if k[0] == "fetch_source"]) == 1, "the folder instead of the sources file"
    landed = duckdb.connect().execute(
        f"select count(*) from read_parquet('{data_dir}/articles/ingest_date=2026-11-29/*.parquet')").fetchall()
    assert landed == [(len(FRESH),)]

    for conf, says in (({"batch_size": 0}, "batch_size: 0 is less than the minimum of 1"),
                       ({"batch_size": "abc"}, "batch_size: 'abc' is not of type")):
        with pytest.raises(ParamValidationError, match="Invalid input for param") as err:
            dag.test(logical_date=datetime(2026, 11, 29, 11, tzinfo=UTC), run_conf=conf)
        assert says in str(err.value)
    assert not (data_dir / "articles/ingest_date=2026-11-29/part-20261129T110000Z.parquet").exists()


def test_reprocessing_reruns_the_landed_runs_of_a_day_without_duplicates(dag, data_dir):
    """A run triggered with reprocess_from/reprocess_to fetches nothing and reruns each landed run
    of those days from its own articles: the same rows again, in the same files."""
    import json

    before = {t: rows(data_dir, t) for t in ("articles", "sentences", "entities", "numbers", "quarantine")}
    files = sorted(p.relative_to(data_dir).as_posix() for p in data_dir.glob("*/*/*.parquet"))
    run = dag.test(run_after=datetime(2026, 11, 30, 8, tzinfo=UTC), logical_date=None,
                   run_conf={"reprocess_from": "2026-11-29", "reprocess_to": "2026-11-29"})
    assert run.state == "success"
    tis = {(ti.task_id, ti.map_index): ti.state for ti in run.get_task_instances()}
    assert tis[("reprocess_run", 0)] == "success" and ("reprocess_run", 1) not in tis, "one landed run that day"
    for task_id in ("fetch_source", "stage_batches", "process_batch", "validate_tables", "publish_tables"):
        assert {s for k, s in tis.items() if k[0] == task_id} == {"skipped"}, task_id
    assert tis[("release_lock", -1)] == "success"
    assert not (data_dir / "_state" / "writer.lock").exists()

    assert {t: rows(data_dir, t) for t in before} == before
    assert sorted(p.relative_to(data_dir).as_posix() for p in data_dir.glob("*/*/*.parquet")) == files
    manifest = json.loads((data_dir / "_runs" / "20261129T090000Z.json").read_text())
    assert manifest["reprocessed"] is True
    assert (manifest["dag_id"], manifest["dag_run_id"]) == ("news_pipeline", run.run_id)
