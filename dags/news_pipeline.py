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

Tables: `articles`, `sentences`, `entities`, `numbers`, `quotes`, `dates`, `quarantine` (inputs
that could not become rows, with the reason), `duplicates`, `validation_results`. Query them with
`newsflow query "SQL" --data $NEWSFLOW_DATA_DIR`. XCom carries only paths and counts.

**Params** (Trigger DAG w/ config; scheduled runs use the defaults, which mean "the settings"):
`sources_file` or `sources` (files or folders) instead of `NEWSFLOW_SOURCES_FILE` /
`NEWSFLOW_SOURCES`, `batch_size` instead of `NEWSFLOW_BATCH_SIZE`, for this run only and checked
as the variables are. `reprocess_from` / `reprocess_to` (dates, either may be left open) make the
run a **reprocessing** run instead: nothing is fetched (**fetch_new** skips the chain above);
**plan_reprocess** lists the runs that landed in those ingest days and **reprocess_run** (mapped,
one at a time) runs each again from the articles it landed, as a rerun of itself: its files are
replaced, so nothing is landed twice, and its quarantine and duplicates rows are kept.

**Credentials.** A source may name an Airflow Connection (`connection: news_api` in the sources
file): **fetch_source** looks it up and hands the library plain values: login and password as
basic auth, or extra `token` (bearer), extra `headers`, extra `proxy`. Secrets are masked in the
logs and never reach XCom or the lake.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task, teardown
from airflow.sdk.exceptions import AirflowFailException

from newsflow.settings import get_settings  # light: no heavy imports at parse time

TABLES = ("articles", "sentences", "entities", "numbers", "quotes", "dates", "quarantine", "duplicates",
          "validation_results")  # newsflow.pipeline.PUBLISHED_TABLES (not imported: parsing stays light)
SETTINGS = get_settings()  # validated: a bad NEWSFLOW_* value is an import error naming it
DATA_URI = SETTINGS.data_uri
ASSETS = {t: Asset(name=f"newsflow.{t}", uri=f"{DATA_URI}/{t}", group="newsflow") for t in TABLES}
MAX_BATCH_SIZE = 10_000
# The trigger form. Every default is "not given": the run then uses the settings (NEWSFLOW_*).
PARAMS = {
    "sources_file": Param(None, type=["null", "string"], minLength=1, title="Sources file",
                          description=f"A sources YAML file for this run (default: {SETTINGS.sources_file or 'none'})."),
    "sources": Param(None, type=["null", "array"], items={"type": "string", "minLength": 1}, minItems=1,
                     title="Files or folders", description="Local files or folders to read instead of a sources file."),
    "batch_size": Param(None, type=["null", "integer"], minimum=1, maximum=MAX_BATCH_SIZE, title="Batch size",
                        description=f"Articles per process_batch task (default: {SETTINGS.batch_size})."),
    "reprocess_from": Param(None, type=["null", "string"], format="date", title="Reprocess from",
                            description="Reprocess the runs landed from this ingest date on, instead of fetching."),
    "reprocess_to": Param(None, type=["null", "string"], format="date", title="Reprocess to",
                          description="Reprocess the runs landed up to this ingest date, instead of fetching."),
}

default_args = {
    "owner": "newsflow",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(hours=1),
}


def _lake_and_lock():
    """The lake and this DAG run's hold on its write lock: one holder per DAG run, so its tasks
    (several processes, several workers) share the lease. Params cannot change either."""
    from newsflow import pipeline
    from newsflow.lake import Lake

    run = get_current_context()["dag_run"]
    lake = Lake(SETTINGS.data_dir)
    return lake, pipeline.writer_lock(lake, SETTINGS, holder=f"{run.dag_id}/{run.run_id}")


def _context():
    """Settings (with this run's params), lake, run identity and the run's hold on the lake's
    write lock for the current task (imports kept out of parse time)."""
    from newsflow.runs import RunInfo

    ctx = get_current_context()
    run, params = ctx["dag_run"], ctx["params"]
    # a bad value fails the task with one line naming the param (the trigger form checks first)
    settings = SETTINGS.overridden(**{k: params.get(k) for k in ("sources_file", "sources", "batch_size")})
    # Scheduled runs: the interval start. Manual runs may have no logical date: use run_after.
    start = run.data_interval_start or run.logical_date or run.run_after
    return settings, *_lake_and_lock(), RunInfo.for_interval(start)


def _reprocess_span():
    """The ingest days this run reprocesses (from its params), or None: it fetches."""
    from newsflow import reprocess

    params = get_current_context()["params"]
    return reprocess.date_span(params.get("reprocess_from"), params.get("reprocess_to"))


def _origin() -> dict:
    """What ran a lake run, for its manifest and asset events: the lake page links to it."""
    run = get_current_context()["dag_run"]
    return {"dag_id": run.dag_id, "dag_run_id": run.run_id}


def _announce(manifest: dict) -> None:
    """One asset event per table with what the run landed, for the rollup and the UI."""
    events = get_current_context()["outlet_events"]
    day = manifest["ingest_date"]
    for table, asset in ASSETS.items():
        events[asset].extra = {"run_id": manifest["run_id"], **_origin(), "rows": manifest["counts"].get(table, 0),
                               "partition": f"ingest_date={day}", "file": manifest["files"][table]}


def connection_credentials(conn_id: str):
    """An Airflow Connection as the plain values the library takes (newsflow.credentials): any
    secrets backend Airflow has, ``AIRFLOW_CONN_<ID>`` included. Its secrets are masked in logs."""
    from airflow.sdk import BaseHook
    from airflow.sdk.log import mask_secret

    from newsflow.credentials import from_connection

    conn = BaseHook.get_connection(conn_id)
    creds = from_connection(conn_id, login=conn.login, password=conn.password, extra=conn.extra_dejson)
    for secret in creds.secrets():
        mask_secret(secret)
    return creds


@dag(
    dag_id="news_pipeline",
    schedule=SETTINGS.schedule,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    doc_md=__doc__,
    tags=["newsflow", "news", "parquet"],
    params=PARAMS,
)
def news_pipeline():
    @task
    def plan_fetch() -> list[str]:
        """Take the lake's write lock (one writer per lake), read what has landed (once per run),
        then name the groups of sources to fetch (sources sharing a host go together). A
        reprocessing run only takes the lock: its reruns read the lake each for itself."""
        from newsflow import pipeline

        settings, lake, lock, run = _context()
        if _reprocess_span() is not None:
            lock.acquire()
            return []
        pipeline.start_run(lake, run, lock)
        return pipeline.source_groups(settings)

    @task.short_circuit
    def fetch_new() -> bool:
        """Whether this run fetches; when it reprocesses landed days instead, everything after this
        is skipped whatever its trigger rule (the lock's teardown still runs)."""
        return _reprocess_span() is None

    @task(max_active_tis_per_dagrun=4)
    def fetch_source(source_group: str) -> dict:
        """One group of sources: a broken feed fails (and retries) alone while the others land."""
        from newsflow import pipeline

        settings, lake, lock, run = _context()
        with pipeline.holding(lock):
            return pipeline.fetch_source_group(lake, run, settings, source_group, credentials=connection_credentials)

    @task(trigger_rule="all_done")
    def stage_batches(fetched: list[dict]) -> list[str]:
        """Drop what already landed and repeated stories; cut the rest into batches."""
        from newsflow import pipeline

        settings, lake, lock, run = _context()
        with pipeline.holding(lock):
            return pipeline.stage_batches(lake, run, settings)["batches"]

    @task(max_active_tis_per_dagrun=4)
    def process_batch(batch_path: str) -> dict:
        """Clean, segment, extract; an article that raises is quarantined, the batch goes on."""
        from newsflow import pipeline

        settings, lake, lock, run = _context()
        with pipeline.holding(lock):
            return pipeline.process_staged_batch(lake, run, settings, batch_path)["counts"]

    @task(trigger_rule="none_failed")
    def validate_tables(batch_counts: list[dict]) -> dict:
        from newsflow import pipeline

        _, lake, lock, run = _context()
        try:
            with pipeline.holding(lock):
                return pipeline.validate_run(lake, run)
        except pipeline.ValidationFailed as exc:
            raise AirflowFailException(str(exc)) from exc  # bad data: retrying will not help

    @task(outlets=list(ASSETS.values()))
    def publish_tables(validation: dict) -> dict:
        from newsflow import pipeline

        _, lake, lock, run = _context()
        with pipeline.holding(lock):
            manifest = pipeline.publish(lake, run, validation, origin=_origin())
        _announce(manifest)
        return {"run_id": run.run_id, "counts": manifest["counts"], "validation": manifest["validation"]}

    @task
    def plan_reprocess() -> list[str]:
        """The runs landed in the days to reprocess (none when this run fetches)."""
        from newsflow import reprocess

        span = _reprocess_span()
        return reprocess.runs_between(_lake_and_lock()[0], *span) if span else []

    @task(max_active_tis_per_dagrun=1, outlets=list(ASSETS.values()))
    def reprocess_run(lake_run: str) -> dict:
        """Run one landed run again from what it landed, as a rerun of itself (its files are
        replaced); one at a time, each holding the lake's write lock as a run does."""
        from newsflow import pipeline, reprocess

        settings, lake, lock, _ = _context()
        try:
            manifest = reprocess.rerun(lake, lake_run, settings, lock, origin=_origin())
        except pipeline.ValidationFailed as exc:
            raise AirflowFailException(str(exc)) from exc  # bad data: retrying will not help
        _announce(manifest)
        return {"run_id": lake_run, "counts": manifest["counts"], "validation": manifest["validation"]}

    @teardown
    def release_lock() -> None:
        """Give the lake's write lock back however the run ended (only if this run holds it)."""
        _, lock = _lake_and_lock()  # not _context(): a bad param must not keep the lock held
        lock.release()

    planned = plan_fetch()
    fetched = fetch_source.expand(source_group=planned)
    planned >> fetch_new() >> fetched
    counts = process_batch.expand(batch_path=stage_batches(fetched))
    published = publish_tables(validate_tables(counts))
    targets = plan_reprocess()
    planned >> targets
    reprocessed = reprocess_run.expand(lake_run=targets)
    [published, reprocessed] >> release_lock().as_teardown(setups=planned)


news_pipeline()
