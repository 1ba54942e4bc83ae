"""The pipeline's steps as plain functions over a lake and a run.

The Airflow DAG calls these one task each (:func:`fetch_source_group` mapped over groups of
sources, :func:`process_staged_batch` mapped over batches); the CLI calls them in a loop
(:func:`run_all`). They exchange only paths and counts, never article data, so they fit in XCom.
They only sequence the work: fetching is :mod:`newsflow.fetch` and :mod:`newsflow.websources`,
what is new :mod:`newsflow.staging`, processing :mod:`newsflow.process`, checking
:mod:`newsflow.validate`, and every file and its place :mod:`newsflow.lake`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsflow import checkrun, staging, tables
from newsflow.checkrun import PROCESSED_TABLES
from newsflow.credentials import CredentialsLookup, from_environment
from newsflow.faults import crash_point
from newsflow.fetch import (
    Fetcher,
    FetchResult,
    LocalFetcher,
    RawArticle,
    Rejected,
    fetch_all,
    quarantine_table,
    raw_articles,
    raw_table,
)
from newsflow.htmltext import text_from_html
from newsflow.lake import Lake, read_parquet, write_parquet
from newsflow.lock import WriterLock, process_holder
from newsflow.process import process_batch
from newsflow.runs import RunInfo
from newsflow.settings import Settings
from newsflow.staging import LandedIndex

log = logging.getLogger(__name__)

PUBLISHED_TABLES = ("articles", "sentences", "entities", "numbers", "quotes", "dates", "quarantine", "duplicates",
                    "validation_results")


class ValidationFailed(RuntimeError):
    """A critical expectation failed; nothing of the run was published."""


class RunCompacted(RuntimeError):
    """The run's partition was compacted; rerunning it would duplicate rows."""


# -- the write lock and the start of a run -------------------------------------------------------

def writer_lock(lake: Lake, settings: Settings, holder: str | None = None) -> WriterLock:
    """The lake's write lease for one writer. A DAG run passes its own holder token (its tasks
    run in several processes); the CLI gets a token of its own process, stale as soon as the
    process dies."""
    return lake.writer_lock(holder or process_holder("cli"), ttl=settings.lock_ttl, wait=settings.lock_wait,
                            pid_bound=holder is None)


@contextlib.contextmanager
def holding(lock: WriterLock) -> Iterator[None]:
    """A later step of a run: the run must still hold the lock it took in :func:`start_run`
    (``refresh`` raises :class:`LockLost` otherwise, so nothing read before another writer
    landed is ever published), renewed while the step works."""
    lock.refresh()
    with lock.heartbeat():
        yield


def start_run(lake: Lake, run: RunInfo, lock: WriterLock | None = None) -> None:
    """Before fetching: take the lake's write lock, finish interrupted publishes, refuse
    compacted reruns, clear this run's and abandoned staging, and read what has landed (the
    run's one read of it: its later steps use the landed index this leaves in staging)."""
    if lock is not None:
        lock.acquire()  # before anything reads what has landed; held until publish
    lake.recover()  # finish any publish a crash interrupted before reading what has landed
    from newsflow.maintenance import compacted_run

    if held := compacted_run(lake, "articles", run):
        raise RunCompacted(f"run {run.run_id} was compacted into {held}; its rows can no longer be "
                           "replaced by a rerun (compaction only touches partitions past the rerun window)")
    if removed := lake.clean_stale_staging(keep=(run.run_id,)):
        log.info("removed the staging of %d runs abandoned over a day ago: %s", len(removed), removed)
    lake.clear_staging(run)  # leftovers of a crashed attempt of this same run
    LandedIndex.build(lake, run)


# -- fetch ---------------------------------------------------------------------------------------

def local_fetchers(paths: Sequence[str], settings: Settings) -> list[Fetcher]:
    """The fetcher of local files and folders (``newsflow process``, ``NEWSFLOW_SOURCES``)."""
    return [LocalFetcher(tuple(paths), name="local", max_bytes=settings.max_input_bytes)]


def configured_fetchers(sources_file: str, lake: Lake, run: RunInfo, client_factory=None,
                        only: list[str] | None = None, credentials: CredentialsLookup | None = None):
    """Fetchers for the sources of a sources file (``only``: those named), and the fetch
    context they share, with the lake's HTTP cache. What has landed is filled in when the run
    fetches (:func:`fetch_and_stage`, :func:`fetch_source_group`), from its landed index.
    ``credentials`` looks up the connections sources name (default: ``AIRFLOW_CONN_<ID>``)."""
    from newsflow.sources import load_sources
    from newsflow.websources import FetchContext, build_fetchers

    ctx = FetchContext(run_id=run.run_id, http_cache=lake.http_cache())
    configs = [c for c in load_sources(sources_file) if only is None or c.name in only]
    if only is not None and len(configs) != len(set(only)):
        raise ValueError(f"no source named {sorted(set(only) - {c.name for c in configs})} in {sources_file}")
    return build_fetchers(configs, ctx, client_factory, credentials or from_environment), ctx


def source_groups(settings: Settings) -> list[str]:
    """One entry per fetch task: sources that share a host go together ("a+b"), so one task talks
    to each host, one request at a time, within its rate limit."""
    if not settings.sources_file:
        return ["local"]
    from urllib.parse import urlsplit

    from newsflow.sources import load_sources

    groups: list[tuple[set[str], list[str]]] = []
    for s in load_sources(settings.sources_file):
        hosts = {urlsplit(u).netloc.lower() for u in ([s.url] if s.url else []) + list(s.urls)}
        joined = [g for g in groups if g[0] & hosts]
        merged = (hosts.union(*(g[0] for g in joined)), [n for g in joined for n in g[1]] + [s.name])
        groups = [g for g in groups if g not in joined] + [merged]
    return ["+".join(names) for _, names in groups]


def fetch_to_staging(lake: Lake, run: RunInfo, fetcher: Fetcher, ctx=None) -> dict[str, Any]:
    """Fetch one fetcher into staging; a fetcher that fails becomes one quarantine row."""
    result = fetch_all([fetcher])
    extracted = [text_from_html(a) for a in result.articles]  # HTML to text now: duplicates show before processing
    articles = [a for a in extracted if isinstance(a, RawArticle)]
    rejected = result.rejected + [a for a in extracted if isinstance(a, Rejected)]
    area = lake.staging(run)
    write_parquet(raw_table(articles), area.fetched(fetcher.name), sort_by=None)
    write_parquet(quarantine_table(rejected, run), area.fetch_rejects(fetcher.name), sort_by=None)
    stats = {"fetched": len(articles), "rejected": len(rejected)}
    if ctx is not None and not isinstance(fetcher, LocalFetcher):
        # network fetchers: requests, 304s, fallbacks, URLs skipped unfetched. The context is shared
        # by the fetchers of one task: take this fetcher's share and start the next one from zero.
        stats.update(ctx.stats)
        lake.write_json(area.http_cache_part(fetcher.name), ctx.cache_updates)
        ctx.stats, ctx.cache_updates = dict.fromkeys(ctx.stats, 0), {}
    lake.write_json(area.fetch_stats(fetcher.name), stats)
    return stats


def fetch_source_group(lake: Lake, run: RunInfo, settings: Settings, group: str,
                       credentials: CredentialsLookup | None = None) -> dict[str, Any]:
    """What one mapped DAG task does: build the fetchers of one group of sources (see
    :func:`source_groups`) and fetch them into staging."""
    if not settings.sources_file:
        return fetch_to_staging(lake, run, local_fetchers(settings.sources, settings)[0])
    totals: dict[str, int] = {}
    fetchers, ctx = configured_fetchers(settings.sources_file, lake, run, only=group.split("+"),
                                        credentials=credentials)
    ctx.landed_urls = LandedIndex.load(lake, run).landed_urls()
    for fetcher in fetchers:
        for k, v in fetch_to_staging(lake, run, fetcher, ctx).items():
            totals[k] = totals.get(k, 0) + v
    return totals


def fetch_only(lake: Lake, run: RunInfo, fetchers: Sequence[Fetcher], ctx) -> FetchResult:
    """``newsflow fetch``: what the fetchers give, skipping what has landed; nothing is staged."""
    lake.recover()
    ctx.landed_urls = LandedIndex.from_lake(lake, run).landed_urls()
    return fetch_all(fetchers)


def fetch_and_stage(lake: Lake, run: RunInfo, settings: Settings, fetchers: Sequence[Fetcher], ctx=None,
                    lock: WriterLock | None = None) -> dict[str, Any]:
    """Start the run, fetch every fetcher and stage raw batches (the CLI's path; the DAG maps
    :func:`fetch_source_group`)."""
    start_run(lake, run, lock)
    if ctx is not None:
        ctx.landed_urls = LandedIndex.load(lake, run).landed_urls()
    for fetcher in fetchers:
        fetch_to_staging(lake, run, fetcher, ctx)

    warmed = False

    def workers(articles: int) -> int:  # as process_batches will decide: one for a small run
        return worker_count(settings, -(-articles // max(1, settings.batch_size)), articles)

    def on_fresh(count: int) -> None:  # a parallel run after all: load the workers' model meanwhile
        nonlocal warmed
        if not warmed and workers(count) > 1:
            warmed = True
            try:
                warm_worker_server()
            except Exception as exc:  # only a head start: the pool starts the server itself
                log.warning("could not start the worker server early: %s: %s", type(exc).__name__, exc)

    return staging.stage(lake, run, settings, on_fresh, workers=workers)


def stage_batches(lake: Lake, run: RunInfo, settings: Settings) -> dict[str, Any]:
    """Everything fetched, minus what landed or repeats a story, in raw batches (see
    :func:`newsflow.staging.stage`)."""
    return staging.stage(lake, run, settings)


# -- process -------------------------------------------------------------------------------------

def process_staged_batch(lake: Lake, run: RunInfo, settings: Settings, batch_path: str) -> dict[str, Any]:
    """Clean, segment and extract one staged batch; stage its tables."""
    path = lake.path(batch_path)
    result = process_batch(raw_articles(read_parquet(path)), run, settings)
    area, batch = lake.staging(run), path.stem
    for name, table in result.tables.items():
        write_parquet(table, area.batch_table(batch, name))
    write_parquet(quarantine_table(result.rejected, run), area.batch_table(batch, "quarantine"), sort_by=None)
    counts = {**result.counts(), "quarantine": len(result.rejected), "failed": result.failed}
    lake.write_json(area.batch_counts(batch), counts)
    crash_point("process")
    return {"dir": str(area.batch_dir(batch)), "counts": counts}


# Below this many articles a run stays in one process: starting a worker and loading the model
# in it (about 5 s) costs more than a second core saves on so little text.
MIN_PARALLEL_ARTICLES = 100


def worker_count(settings: Settings, batches: int, articles: int) -> int:
    """Processes for a run's batches: ``NEWSFLOW_WORKERS`` (0: one per CPU core this process may
    use), never more than there are batches, and one for small runs."""
    if articles < MIN_PARALLEL_ARTICLES:
        return 1
    return max(1, min(settings.workers or usable_cores(), batches))


def usable_cores() -> int:
    """CPUs this process may use: its affinity, and a container's CPU quota (cgroup v2
    ``cpu.max``), which ``os.cpu_count`` ignores: a 2-CPU container on a 32-core host must not
    start 32 workers, each with the model loaded."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return cores


def _worker_context(settings: Settings | None = None):
    """The forkserver context the workers come from; it preloads the model named by the
    environment, so a run whose settings name another model skips the preload."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    if settings is None or settings.spacy_model == Settings.from_env().spacy_model:
        context.set_forkserver_preload(["newsflow.preload"])
    return context


def warm_worker_server() -> None:
    """Start the workers' forkserver now, so it loads the model (about 2.5 s) while this process
    stages the rest of the batches instead of after; called once staging has found enough new
    articles for a parallel run, so a run with nothing new never starts it."""
    from multiprocessing import forkserver

    _worker_context()
    forkserver.ensure_running()


def _preload_validation() -> None:
    from newsflow.validate import preload_great_expectations

    preload_great_expectations()


def process_batches(lake: Lake, run: RunInfo, settings: Settings, batches: Sequence[str], articles: int,
                    progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Process the staged batches, several at once on a process pool (the CLI's path; Airflow maps
    one task per batch instead). Processes, not threads: spaCy and the extractors hold the GIL.
    Workers take batches as they come. They are forked from a forkserver (a fresh interpreter that
    has loaded the model once, :mod:`newsflow.preload`), never from this process, so no lock,
    heartbeat thread or open file of this process is shared with them."""
    workers, results = worker_count(settings, len(batches), articles), []
    if workers == 1:
        for i, batch in enumerate(batches, 1):
            results.append(process_staged_batch(lake, run, settings, batch))
            if progress:
                progress(i, len(batches))
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed

    log.info("processing %d batches on %d worker processes", len(batches), workers)
    # this process only waits on the pool meanwhile: import what validation needs now, not after
    threading.Thread(target=_preload_validation, daemon=True).start()
    with ProcessPoolExecutor(workers, mp_context=_worker_context(settings)) as pool:
        futures = [pool.submit(process_staged_batch, lake, run, settings, b) for b in batches]
        try:
            for i, future in enumerate(as_completed(futures), 1):
                results.append(future.result())
                if progress:
                    progress(i, len(batches))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # stop handing out batches; the run fails
            raise
    return results


# -- validate and publish ------------------------------------------------------------------------

def validate_run(lake: Lake, run: RunInfo) -> dict[str, Any]:
    """Validate the staged batches and write the validated tables once, ready to publish,
    without holding the run's tables in memory (:mod:`newsflow.checkrun`: each batch is checked
    on its own, the suites run over SQL, the files are written a slice at a time).

    Rows failing row-level checks move to quarantine; a critical failure raises and nothing is
    published (the Data Docs of the failed validation stay in staging for diagnosis).
    """
    started = time.perf_counter()
    area = lake.staging(run)
    if not checkrun.staged_rows(area):
        return _nothing_to_validate(lake, run)
    with lake.docs_dir(area.docs) as docs:
        report, counts = checkrun.validate_staged(lake, run, docs)
        from newsflow import datadocs

        datadocs.finalize_docs(docs, lake.root / "_docs")  # offline assets, shared once per lake
    crash_point("validate")
    if counts is None:
        raise ValidationFailed("critical expectations failed, nothing published:\n" + report.describe_failures()
                               + f"\nData Docs: {area.docs / 'index.html'}")
    summary = {
        "run_id": run.run_id,
        "status": {name: report.status(name) for name in PROCESSED_TABLES},
        "counts": {name: counts[name] for name in PUBLISHED_TABLES},
        "failed": sum(lake.read_json(p).get("failed", 0) for p in area.batch_counts_files()),
        "warnings": [f"{r.table}: {r.doc or r.expectation} ({r.unexpected_count} rows)" for r in report.warnings],
    }
    lake.write_json(area.validation_summary, summary)
    log.info("validation of run %s took %.1f s", run.run_id, time.perf_counter() - started)
    return summary


def _nothing_to_validate(lake: Lake, run: RunInfo) -> dict[str, Any]:
    """A run with nothing new (every table empty, no quarantine, no duplicates): each
    expectation holds vacuously, so Great Expectations is not even imported and the interval
    costs seconds. The run still publishes its (empty) files and manifest."""
    area = lake.staging(run)
    for name in PUBLISHED_TABLES:
        write_parquet(tables.TABLES[name].empty(), area.final(name), sort_by=None)
    summary = {"run_id": run.run_id, "status": dict.fromkeys(PROCESSED_TABLES, "passed"),
               "counts": dict.fromkeys(PUBLISHED_TABLES, 0),
               "failed": sum(lake.read_json(p).get("failed", 0) for p in area.batch_counts_files()),
               "warnings": []}
    lake.write_json(area.validation_summary, summary)
    log.info("nothing new in run %s: every table is empty, validation skipped", run.run_id)
    return summary


def publish(lake: Lake, run: RunInfo, validation: dict[str, Any],
            origin: dict[str, Any] | None = None) -> dict[str, Any]:
    """Move the validated run into the lake; rerunning the same run replaces its files.

    ``origin`` names what ran it, for the manifest (the DAG passes ``dag_id`` and ``dag_run_id``,
    so the lake page links each run to its DAG run; the CLI passes none). ``published_at`` tells
    a rerun's manifest from the one it replaces (the rollup catches up on both).
    """
    area = lake.staging(run)
    staged = {name: area.final(name) for name in PUBLISHED_TABLES}
    missing = [n for n, p in staged.items() if not p.exists()]
    if missing:
        raise FileNotFoundError(f"run {run.run_id} has no validated staging for {missing}; run validate first")
    manifest = {**(origin or {}), "run_id": run.run_id, "logical_time": run.logical_time.isoformat(),
                "published_at": datetime.now(UTC).isoformat(),
                "ingest_date": run.ingest_date.isoformat(), "counts": validation["counts"],
                "validation": validation["status"], "warnings": validation["warnings"],
                "failed": validation.get("failed", 0),
                "fetch": lake.read_json(area.fetch_summary),
                # a run with nothing new was not validated by GX: no Data Docs of its own
                "data_docs": str(lake.docs(run) / "index.html") if area.docs.exists() else None}
    manifest["files"] = lake.publish(run, staged, manifest, docs=area.docs)
    if updates := lake.read_json(area.http_cache_updates, None):
        lake.update_http_cache(updates)  # only now: a crashed run must not leave 304s for what it never landed
    lake.clear_staging(run)
    _prune_docs(lake)
    return manifest


def _prune_docs(lake: Lake) -> None:
    """Data Docs retention (NEWSFLOW_DOCS_KEEP_DAYS), under the writer's lock; a failure here
    must not fail a run that has already published."""
    from newsflow import datadocs
    from newsflow.settings import get_settings

    try:
        if removed := datadocs.prune_docs(lake, keep_days=get_settings().docs_keep_days):
            log.info("removed the Data Docs of %d runs older than the retention", len(removed))
    except Exception:
        log.warning("Data Docs retention failed; the published run is not affected", exc_info=True)


def run_all(lake: Lake, run: RunInfo, settings: Settings, fetchers: Sequence[Fetcher],
            progress: Callable[[int, int], None] | None = None, ctx=None,
            lock: WriterLock | None = None) -> dict[str, Any]:
    """The whole pipeline in-process (what the CLI runs), holding the lake's write lock from
    before it reads what has landed until it has published."""
    lock = lock or writer_lock(lake, settings)
    with lock.hold():
        fetched = fetch_and_stage(lake, run, settings, fetchers, ctx, lock)
        process_batches(lake, run, settings, fetched["batches"], fetched["articles"], progress)
        validation = validate_run(lake, run)
        lock.refresh()  # still ours right before the files are replaced (heartbeats may have failed)
        return publish(lake, run, validation)
