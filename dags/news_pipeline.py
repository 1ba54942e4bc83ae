"""
### news_pipeline: raw news to validated, queryable Parquet

Each run takes the articles of its interval through these steps (logic in `include/newsflow`):

1. **plan_fetch**, **fetch_source** (mapped, one task per source, so a broken source fails or
   retries alone), **stage_batches**: read the sources file (`NEWSFLOW_SOURCES_FILE`: feeds, sitemaps, pages,
   folders, JSONL dumps; default: the bundled samples) or the paths in `NEWSFLOW_SOURCES`, skip
   URLs an earlier run already landed unless their entry says they changed (an unchanged feed
   costs one 304), record copies of landed stories in `duplicates`, stage raw batches; a changed
   article goes on as its next `version`.
2. **process_batch** (dynamically mapped, one task per batch, so batches spread over workers):
   clean, segment into paragraphs and sentences, extract entities (spaCy) and numbers.
3. **validate_tables**: Great Expectations suites per table; a failed critical expectation
   fails the run and nothing is published.
4. **publish_tables**: move the run's files into the lake (`NEWSFLOW_DATA_DIR`), one file per
   table named by the run's interval, so re-running an interval replaces its rows.

Tables: `articles`, `sentences`, `entities`, `numbers`, `quarantine` (inputs that could not
become rows, with the reason), `duplicates`, `validation_results`. Query them with `newsflow query "SQL" --data $NEWSFLOW_DATA_DIR`.
XCom carries only paths and counts.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException

TABLES = ("articles", "sentences", "entities", "numbers", "quarantine", "duplicates", "validation_results")
_DATA = os.environ.get("NEWSFLOW_DATA_DIR", "data")
DATA_URI = _DATA.rstrip("/") if "://" in _DATA else f"file://{Path(_DATA).resolve()}"
ASSETS = {t: Asset(name=f"newsflow.{t}", uri=f"{DATA_URI}/{t}", group="newsflow") for t in TABLES}

default_args = {
    "owner": "newsflow",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(hours=1),
}


def _context():
    """Settings, lake and run identity for the current task (imports kept out of parse time)."""
    from newsflow.lake import Lake
    from newsflow.runs import RunInfo
    from newsflow.settings import get_settings

    ctx = get_current_context()
    run = ctx["dag_run"]
    # Scheduled runs: the interval start. Manual runs may have no logical date: use run_after.
    start = run.data_interval_start or run.logical_date or run.run_after
    settings = get_settings()
    return settings, Lake(settings.data_dir), RunInfo.for_interval(start)


@dag(
    dag_id="news_pipeline",
    schedule=os.environ.get("NEWSFLOW_SCHEDULE", "@hourly"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    doc_md=__doc__,
    tags=["newsflow", "news", "parquet"],
)
def news_pipeline():
    @task
    def plan_fetch() -> list[str]:
        """Names of the sources to fetch; also clears what a crashed attempt left in staging."""
        from newsflow import pipeline

        settings, lake, run = _context()
        pipeline.start_run(lake, run)
        return pipeline.source_names(settings)

    @task(max_active_tis_per_dagrun=4)
    def fetch_source(source_name: str) -> dict:
        """One source: a broken feed fails (and retries) alone while the others land."""
        from newsflow import pipeline

        settings, lake, run = _context()
        return pipeline.fetch_named_source(lake, run, settings, source_name)

    @task(trigger_rule="all_done")
    def stage_batches(fetched: list[dict]) -> list[str]:
        """Drop what already landed and repeated stories; cut the rest into batches."""
        from newsflow import pipeline

        settings, lake, run = _context()
        return pipeline.stage_batches(lake, run, settings)["batches"]

    @task(max_active_tis_per_dagrun=4)
    def process_batch(batch_path: str) -> dict:
        from newsflow import pipeline

        settings, lake, run = _context()
        return pipeline.process(lake, run, settings, batch_path)["counts"]

    @task(trigger_rule="none_failed")
    def validate_tables(batch_counts: list[dict]) -> dict:
        from newsflow import pipeline

        _, lake, run = _context()
        try:
            return pipeline.validate(lake, run)
        except pipeline.ValidationFailed as exc:
            raise AirflowFailException(str(exc)) from exc  # bad data: retrying will not help

    @task(outlets=list(ASSETS.values()))
    def publish_tables(validation: dict) -> dict:
        from newsflow import pipeline

        _, lake, run = _context()
        manifest = pipeline.publish(lake, run, validation)
        events = get_current_context()["outlet_events"]
        for table, asset in ASSETS.items():
            events[asset].extra = {"run_id": run.run_id, "rows": manifest["counts"][table],
                                   "partition": f"ingest_date={run.ingest_date.isoformat()}",
                                   "file": manifest["files"][table]}
        return {"run_id": run.run_id, "counts": manifest["counts"], "validation": manifest["validation"]}

    fetched = fetch_source.expand(source_name=plan_fetch())
    counts = process_batch.expand(batch_path=stage_batches(fetched))
    publish_tables(validate_tables(counts))


news_pipeline()
