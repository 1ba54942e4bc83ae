"""
### news_pipeline: raw news to validated, queryable Parquet

Each run takes the articles of its interval through these steps (logic in `include/newsflow`):

1. **plan_fetch** (takes the lake's write lock and reads what has landed, once per run),
   **fetch_source** (mapped, one task per group of sources, those sharing a host together, so a
   broken source fails or retries alone), **stage_batches**: read the sources file
   (`NEWSFLOW_SOURCES_FILE`: feeds, sitemaps, pages, folders, JSONL dumps; default: the bundled
   samples) or the paths in `NEWSFLOW_SOURCES`, skip
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

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task, teardown
from airflow.sdk.exceptions import AirflowFailException

from newsflow.settings import get_settings  # light: no heavy imports at parse time

TABLES = ("articles", "sentences", "entities", "numbers", "quarantine", "duplicates", "validation_results")
SETTINGS = get_settings()  # validated: a bad NEWSFLOW_* value is an import error naming it
DATA_URI = SETTINGS.data_uri
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
    """Settings, lake, run identity and the run's hold on the lake's write lock for the current
    task (imports kept out of parse time)."""
    from newsflow import pipeline
    from newsflow.lake import Lake
    from newsflow.runs import RunInfo

    ctx = get_current_context()
    run = ctx["dag_run"]
    # Scheduled runs: the interval start. Manual runs may have no logical date: use run_after.
    start = run.data_interval_start or run.logical_date or run.run_after
    lake = Lake(SETTINGS.data_dir)
    # one holder per DAG run: its tasks (several processes, several workers) share the lease
    lock = pipeline.writer_lock(lake, SETTINGS, holder=f"{run.dag_id}/{run.run_id}")
    return SETTINGS, lake, RunInfo.for_interval(start), lock


@dag(
    dag_id="news_pipeline",
    schedule=SETTINGS.schedule,
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
        """Take the lake's write lock (one writer per lake), read what has landed (once per run),
        then name the groups of sources to fetch (sources sharing a host go together)."""
        from newsflow import pipeline

        settings, lake, run, lock = _context()
        pipeline.start_run(lake, run, lock)
        return pipeline.source_groups(settings)

    @task(max_active_tis_per_dagrun=4)
    def fetch_source(source_group: str) -> dict:
        """One group of sources: a broken feed fails (and retries) alone while the others land."""
        from newsflow import pipeline

        settings, lake, run, lock = _context()
        with pipeline.holding(lock):
            return pipeline.fetch_source_group(lake, run, settings, source_group)

    @task(trigger_rule="all_done")
    def stage_batches(fetched: list[dict]) -> list[str]:
        """Drop what already landed and repeated stories; cut the rest into batches."""
        from newsflow import pipeline

        settings, lake, run, lock = _context()
        with pipeline.holding(lock):
            return pipeline.stage_batches(lake, run, settings)["batches"]

    @task(max_active_tis_per_dagrun=4)
    def process_batch(batch_path: str) -> dict:
        """Clean, segment, extract; an article that raises is quarantined, the batch goes on."""
        from newsflow import pipeline

        settings, lake, run, lock = _context()
        with pipeline.holding(lock):
            return pipeline.process_staged_batch(lake, run, settings, batch_path)["counts"]

    @task(trigger_rule="none_failed")
    def validate_tables(batch_counts: list[dict]) -> dict:
        from newsflow import pipeline

        _, lake, run, lock = _context()
        try:
            with pipeline.holding(lock):
                return pipeline.validate_run(lake, run)
        except pipeline.ValidationFailed as exc:
            raise AirflowFailException(str(exc)) from exc  # bad data: retrying will not help

    @task(outlets=list(ASSETS.values()))
    def publish_tables(validation: dict) -> dict:
        from newsflow import pipeline

        _, lake, run, lock = _context()
        with pipeline.holding(lock):
            manifest = pipeline.publish(lake, run, validation)
        events = get_current_context()["outlet_events"]
        for table, asset in ASSETS.items():
            events[asset].extra = {"run_id": run.run_id, "rows": manifest["counts"][table],
                                   "partition": f"ingest_date={run.ingest_date.isoformat()}",
                                   "file": manifest["files"][table]}
        return {"run_id": run.run_id, "counts": manifest["counts"], "validation": manifest["validation"]}

    @teardown
    def release_lock() -> None:
        """Give the lake's write lock back however the run ended (only if this run holds it)."""
        *_, lock = _context()
        lock.release()

    planned = plan_fetch()
    fetched = fetch_source.expand(source_group=planned)
    counts = process_batch.expand(batch_path=stage_batches(fetched))
    publish_tables(validate_tables(counts)) >> release_lock().as_teardown(setups=planned)


news_pipeline()
