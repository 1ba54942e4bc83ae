"""The pipeline's steps as plain functions over a lake and a run.

The Airflow DAG calls these one task each (``process`` mapped over batches); the CLI calls
them in a loop. They exchange only paths and counts, never article data, so they fit in XCom.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from newsflow import tables
from newsflow.clean import content_hash
from newsflow.dedup import simhash, source_hash
from newsflow.faults import crash_point
from newsflow.fetch import LocalSource, RawArticle, Rejected, Source, fetch_all
from newsflow.lake import Lake, is_local, read_parquet, write_parquet
from newsflow.lock import WriterLock, process_holder
from newsflow.process import (
    admission_problem,
    article_id_for,
    clean_article_text,
    failure_row,
    process_batch,
    quarantine_table,
    text_from_html,
)
from newsflow.runs import RunInfo
from newsflow.settings import Settings

log = logging.getLogger(__name__)

RAW_FIELDS = [f for f in RawArticle.__dataclass_fields__]
PUBLISHED_TABLES = ("articles", "sentences", "entities", "numbers", "quarantine", "duplicates",
                    "validation_results")
PROCESSED_TABLES = ("articles", "sentences", "entities", "numbers", "quarantine", "duplicates")
# Tables the fetch step writes itself, besides the per-batch outputs.
FETCH_TABLES = ("quarantine", "duplicates")


class ValidationFailed(RuntimeError):
    """A critical expectation failed; nothing of the run was published."""


class RunCompacted(RuntimeError):
    """The run's partition was compacted; rerunning it would duplicate rows."""


def local_sources(paths: Sequence[str], settings: Settings) -> list[Source]:
    return [LocalSource(tuple(paths), name="local", max_bytes=settings.max_input_bytes)]


def configured_sources(sources_file: str, lake: Lake, run: RunInfo, client_factory=None,
                       only: list[str] | None = None):
    """Sources from a sources file, with the run's view of what already landed and the HTTP cache."""
    from newsflow.sources import load_sources
    from newsflow.urls import canonical_url
    from newsflow.websources import FetchContext, LandedUrl, build_sources

    lake.recover()
    cols = ["url", "version", "updated_at", "published_at", "fetched_at", "source_hash", "content_hash",
            "fetch_notes", "run_id"]
    t = lake.read_table("articles", cols)
    landed: dict[str, tuple[int, LandedUrl]] = {}
    own: set[str] = set()
    for url, version, updated, published, fetched, shash, chash, notes, rid in zip(
            *(t[c].to_pylist() for c in cols), strict=True):
        canon = canonical_url(url) if url else None
        if canon and rid == run.run_id:
            own.add(canon)
        elif canon and (version or 1) >= landed.get(canon, (0,))[0]:
            # a feed entry's update time is compared with `since` to tell whether to fetch it again
            from_entry = "used the feed entry's content" in (notes or "")
            landed[canon] = (version or 1, LandedUrl(updated or published or fetched, shash, chash, from_entry))
    # a rerun fetches again what its earlier attempt landed, so that it lands it again
    landed_urls = {canon: info for canon, (_, info) in landed.items() if canon not in own}
    cache_file = lake.root / "_state" / "http_cache.json"
    cache = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    ctx = FetchContext(run_id=run.run_id, landed_urls=landed_urls, http_cache=cache)
    configs = [c for c in load_sources(sources_file) if only is None or c.name in only]
    if only is not None and len(configs) != len(set(only)):
        raise ValueError(f"no source named {sorted(set(only) - {c.name for c in configs})} in {sources_file}")
    return build_sources(configs, ctx, client_factory), ctx


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
    compacted reruns, clear this run's and abandoned staging."""
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


RAW_SCHEMA = pa.schema([(f, pa.string()) for f in RAW_FIELDS])


def fetch_source(lake: Lake, run: RunInfo, source: Source, ctx=None) -> dict[str, Any]:
    """Fetch one source into staging; a source that fails becomes one quarantine row."""
    result = fetch_all([source])
    extracted = [text_from_html(a) for a in result.articles]  # HTML to text now: duplicates show before processing
    result.articles = [a for a in extracted if isinstance(a, RawArticle)]
    result.rejected += [a for a in extracted if isinstance(a, Rejected)]
    staging = lake.staging(run)
    key = re.sub(r"[^A-Za-z0-9_.-]+", "_", source.name)
    write_parquet(pa.Table.from_pylist([asdict(a) for a in result.articles], schema=RAW_SCHEMA),
                  staging / "fetched" / f"{key}.parquet", sort_by=None)
    write_parquet(quarantine_table(result.rejected, run), staging / "quarantine" / f"fetch-{key}.parquet",
                  sort_by=None)
    stats = {"fetched": len(result.articles), "rejected": len(result.rejected)}
    if ctx is not None and not isinstance(source, LocalSource):
        # network sources: requests, 304s, fallbacks, URLs skipped unfetched. The context is shared
        # by the sources of one task: take this source's share and start the next one from zero.
        stats.update(ctx.stats)
        _write_json(staging / "http_cache" / f"{key}.json", ctx.cache_updates)
        ctx.stats, ctx.cache_updates = dict.fromkeys(ctx.stats, 0), {}
    _write_json(staging / "fetch-stats" / f"{key}.json", stats)
    return stats


def _write_json(path, data) -> None:
    if is_local(path):
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def stage_batches(lake: Lake, run: RunInfo, settings: Settings) -> dict[str, Any]:
    """Everything fetched, minus what landed or repeats a story, in raw batches for processing."""
    staging = lake.staging(run)
    articles = [RawArticle(**row) for p in sorted(staging.glob("fetched/*.parquet"))
                for row in read_parquet(p).to_pylist()]
    # the same URL from several sources: the page's text wins over a feed's summary of it
    articles.sort(key=lambda a: "used the feed entry's content" in (a.notes or ""))
    landed, own, finder = _landed(lake, run)
    fresh: list[RawArticle] = []
    seen: dict[str, str] = {}
    unchanged: set[str] = set()
    rejected, copies, skipped, updated = [], [], 0, 0
    copied: list[RawArticle] = []  # the inputs behind `copies`, kept until validation (see _orphans)
    for a in articles:
        aid = article_id_for(a)
        if aid in unchanged:  # the same article from a second source: unchanged is unchanged
            skipped += 1
            continue
        if aid in seen:
            rejected.append(Rejected("fetch", a.source, a.external_id,
                                     f"duplicate of {seen[aid]!r} (article {aid}) in the same run",
                                     json.dumps(asdict(a), ensure_ascii=False)))
            continue
        try:
            text = clean_article_text(a.text)[0] if a.text else ""
        except Exception as exc:  # one bad text must not stop the run
            rejected.append(failure_row("clean", a, exc))
            continue
        if reason := admission_problem(text, settings.min_words, settings.max_article_chars):
            # before the duplicate check: copies of a text that cannot land are not "duplicates" of it
            rejected.append(Rejected("clean", a.source, a.external_id, reason,
                                     json.dumps(asdict(a), ensure_ascii=False)))
            continue
        h = content_hash(text)
        fetched = a.input_hash or source_hash(a.text or a.html or "")
        new_version = False
        mine = own.get(aid)
        if mine and (fetched == mine[1] or h == mine[2]):
            # a rerun of this interval finds what it landed before: the same version again, even
            # when a later run has landed a newer one since
            a = replace(a, version=str(mine[0]))
        elif prior := landed.get(aid):
            # Landed by another run: a new version only when the text changed (the fetched text's
            # hash, else, for rows from before versions, the cleaned text's).
            version, prior_source, prior_content = prior
            if fetched == prior_source or h == prior_content:
                skipped += 1
                unchanged.add(aid)
                continue
            a = replace(a, version=str(version + 1))
            new_version = True
        sh = simhash(text)  # the same story under another URL: record it, do not process it twice
        if dup := finder.find(h, sh, exclude=aid):
            kind, canonical, distance = dup
            copies.append({"run_id": run.run_id, "article_id": aid, "duplicate_of": canonical, "kind": kind,
                           "distance": distance, "source": a.source, "external_id": a.external_id, "url": a.url})
            copied.append(a)
            continue
        finder.add(aid, h, sh)
        updated += new_version
        seen[aid] = a.external_id
        fresh.append(a)
    batches = []
    size = max(1, settings.batch_size)
    for i in range(0, len(fresh), size):
        t = pa.Table.from_pylist([asdict(a) for a in fresh[i : i + size]], schema=RAW_SCHEMA)
        path = write_parquet(t, staging / "raw" / f"batch-{i // size:05d}.parquet", sort_by=None)
        batches.append(lake.relative(path))  # relative to the lake root: valid on any worker
    write_parquet(quarantine_table(rejected, run), staging / "quarantine" / "stage.parquet", sort_by=None)
    write_parquet(tables.DUPLICATES.from_rows(copies), staging / "duplicates" / "fetch.parquet")
    write_parquet(pa.Table.from_pylist([asdict(a) for a in copied], schema=RAW_SCHEMA),
                  staging / "duplicate-inputs.parquet", sort_by=None)
    carried = _carry_forward(lake, run, set(own) - set(seen))
    crash_point("fetch")
    stats: dict[str, int] = {}
    for p in staging.glob("fetch-stats/*.json"):
        for k, v in json.loads(p.read_text()).items():
            stats[k] = stats.get(k, 0) + v
    cache = {}
    for p in sorted(staging.glob("http_cache/*.json")):  # per URL, field by field: sources may share URLs
        for url, entry in json.loads(p.read_text()).items():
            cache.setdefault(url, {}).update(entry)
    if cache:
        (staging / "http_cache.json").write_text(json.dumps(cache))
    stats = {**stats, "articles": len(fresh), "already_landed": skipped + stats.get("already_landed", 0),
             "new_versions": updated, "carried_forward": carried,
             "rejected": stats.get("rejected", 0) + len(rejected), "duplicates": len(copies)}
    (staging / "fetch.json").write_text(json.dumps(stats))
    log.info("run %s: %d articles (%d new versions) in %d batches, %d already landed, %d copies, %d rejected",
             run.run_id, len(fresh), updated, len(batches), stats["already_landed"], len(copies), stats["rejected"])
    return {"batches": batches, **stats}


def source_names(settings: Settings) -> list[str]:
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


def fetch_named_source(lake: Lake, run: RunInfo, settings: Settings, name: str) -> dict[str, Any]:
    """What one mapped DAG task does: build its sources from the configuration and fetch them."""
    if not settings.sources_file:
        return fetch_source(lake, run, local_sources(settings.sources, settings)[0])
    totals: dict[str, int] = {}
    sources, ctx = configured_sources(settings.sources_file, lake, run, only=name.split("+"))
    for source in sources:
        for k, v in fetch_source(lake, run, source, ctx).items():
            totals[k] = totals.get(k, 0) + v
    return totals


def fetch(lake: Lake, run: RunInfo, settings: Settings, sources: Sequence[Source], ctx=None,
          lock: WriterLock | None = None) -> dict[str, Any]:
    """Fetch every source and stage raw batches (the CLI's path; the DAG maps fetch_source)."""
    start_run(lake, run, lock)
    for source in sources:
        fetch_source(lake, run, source, ctx)
    return stage_batches(lake, run, settings)


def _carry_forward(lake: Lake, run: RunInfo, keep: set[str]) -> int:
    """A rerun replaces its interval's files. Articles its earlier attempt landed that it does not
    land again (the source dropped them, or now shows the text of a version landed later) keep
    their rows, so a rerun never loses what it had landed."""
    if not keep:
        return 0
    out = lake.staging(run) / "out" / "carried"
    for name in ("articles", "sentences", "entities", "numbers"):
        files = [f for f in lake.table_files(name) if f.name == f"part-{run.run_id}.parquet"]
        spec = tables.TABLES[name]
        t = pa.concat_tables([read_parquet(f).cast(spec.schema) for f in files]) if files else spec.empty()
        rows = t.filter(pc.is_in(t["article_id"], value_set=pa.array(sorted(keep))))
        write_parquet(rows, out / f"{name}.parquet")
    log.info("run %s: kept %d articles its earlier attempt landed", run.run_id, len(keep))
    return len(keep)


def _landed(lake: Lake, run: RunInfo):
    """One read of the landed articles for staging: article_id -> (version, source hash, content
    hash) for the latest version of other runs and for this run's earlier attempt (a rerun), and a
    duplicate finder primed with every landed text, that attempt's included (what a rerun does
    not land again is kept, so its texts count as landed)."""
    from newsflow.dedup import DuplicateFinder

    cols = ["article_id", "version", "source_hash", "content_hash", "simhash", "run_id"]
    t = lake.read_table("articles", cols)
    others: dict[str, tuple[int, str | None, str | None]] = {}
    own: dict[str, tuple[int, str | None, str | None]] = {}
    finder = DuplicateFinder()
    for aid, v, sh, ch, simh, rid in zip(*(t[c].to_pylist() for c in cols), strict=True):
        v = v or 1
        if rid == run.run_id:
            own[aid] = (v, sh, ch)
        elif aid not in others or v > others[aid][0]:
            others[aid] = (v, sh, ch)
        if ch:
            finder.add(aid, ch, int(simh, 16) if simh else 0)
    return others, own, finder


def process(lake: Lake, run: RunInfo, settings: Settings, batch_path: str) -> dict[str, Any]:
    """Clean, segment and extract one staged batch; stage its tables."""
    path = lake.path(batch_path)
    raw = [RawArticle(**row) for row in read_parquet(path).to_pylist()]
    result = process_batch(raw, run, settings)
    out = lake.staging(run) / "out" / path.stem
    for name, table in result.tables.items():
        write_parquet(table, out / f"{name}.parquet")
    write_parquet(quarantine_table(result.rejected, run), out / "quarantine.parquet", sort_by=None)
    counts = {**result.counts(), "quarantine": len(result.rejected), "failed": result.failed}
    _write_json(out / "counts.json", counts)
    crash_point("process")
    return {"dir": str(out), "counts": counts}


def _combine(lake: Lake, run: RunInfo) -> dict[str, Path]:
    """Concatenate every staged batch per table into one staged file per table."""
    staging = lake.staging(run)
    final = staging / "final"
    paths = {}
    for name in PROCESSED_TABLES:
        parts = sorted(staging.glob(f"out/*/{name}.parquet"))
        if name in FETCH_TABLES:
            parts += sorted(staging.glob(f"{name}/*.parquet"))
        spec = tables.TABLES[name]
        combined = pa.concat_tables([read_parquet(p).cast(spec.schema) for p in parts]) if parts else spec.empty()
        paths[name] = write_parquet(combined, final / f"{name}.parquet",
                                    sort_by="article_id" if name != "quarantine" else None)
    return paths


def validate(lake: Lake, run: RunInfo) -> dict[str, Any]:
    """Combine the staged batches and run the expectation suites.

    Rows failing row-level checks move to quarantine; a critical failure raises and nothing is
    published (the Data Docs of the failed validation stay in staging for diagnosis).
    """
    from newsflow.validate import validate_frames

    paths = _combine(lake, run)
    frames = {name: read_parquet(p).to_pandas() for name, p in paths.items()}
    docs = lake.staging(run) / "docs"
    if lake.local:
        report = validate_frames(frames, run_id=run.run_id, run_time=run.logical_time, docs_dir=docs)
    else:  # GX writes Data Docs to a local folder; copy them next to the staged tables
        import tempfile

        from newsflow.lake import upload_dir

        with tempfile.TemporaryDirectory(prefix="newsflow-docs-") as tmp:
            report = validate_frames(frames, run_id=run.run_id, run_time=run.logical_time, docs_dir=Path(tmp))
            upload_dir(Path(tmp), docs)
    status = {name: report.status(name) for name in frames}
    crash_point("validate")
    if report.critical_failures:
        raise ValidationFailed("critical expectations failed, nothing published:\n" + report.describe_failures()
                               + f"\nData Docs: {docs / 'index.html'}")
    final = lake.staging(run) / "final"
    orphans = _orphan_copies(lake, run, report.frames)
    for name, df in report.frames.items():
        if name != "quarantine":
            spec = tables.TABLES[name]
            write_parquet(pa.Table.from_pandas(df[spec.column_names], schema=spec.schema, preserve_index=False),
                          final / f"{name}.parquet")
    quarantine = pa.concat_tables([
        read_parquet(paths["quarantine"]),
        tables.QUARANTINE.from_rows([{**q, "run_id": run.run_id} for q in report.quarantined]),
        quarantine_table(orphans, run),
    ])
    write_parquet(quarantine, final / "quarantine.parquet", sort_by=None)
    write_parquet(tables.VALIDATION_RESULTS.from_rows(report.results_rows(run.run_id)),
                  final / "validation_results.parquet", sort_by=None)
    counts = {name: read_parquet(final / f"{name}.parquet").num_rows for name in PUBLISHED_TABLES}
    failed = sum(json.loads(p.read_text()).get("failed", 0) for p in lake.staging(run).glob("out/*/counts.json"))
    summary = {
        "run_id": run.run_id,
        "status": status,
        "counts": counts,
        "failed": failed,
        "warnings": [f"{r.table}: {r.doc or r.expectation} ({r.unexpected_count} rows)" for r in report.warnings],
    }
    (lake.staging(run) / "validation.json").write_text(json.dumps(summary, indent=2))
    return summary


def _orphan_copies(lake: Lake, run: RunInfo, frames: dict) -> list[Rejected]:
    """Copies recorded in `duplicates` whose original did not land after all (its processing
    failed, or validation quarantined it) leave `duplicates` for `quarantine`, with their own
    payload: a `duplicates` row always points at a landed article, and nothing is lost."""
    dups = frames["duplicates"]
    if dups.empty:
        return []
    landed = set(frames["articles"]["article_id"]) | set(lake.read_table("articles", ["article_id"])["article_id"].to_pylist())
    lost = dups[~dups["duplicate_of"].isin(landed)]
    if lost.empty:
        return []
    frames["duplicates"] = dups[dups["duplicate_of"].isin(landed)]
    inputs = lake.staging(run) / "duplicate-inputs.parquet"
    raws = {article_id_for(r): r for r in (RawArticle(**row) for row in read_parquet(inputs).to_pylist())} \
        if inputs.exists() else {}
    out = []
    for aid, of, src, ext in zip(lost["article_id"], lost["duplicate_of"], lost["source"], lost["external_id"], strict=True):
        raw = raws.get(aid)
        out.append(Rejected("clean", src, ext, f"copy of article {of}, which did not land in this run "
                            "(see its own quarantine row); reprocess from this payload",
                            json.dumps(asdict(raw), ensure_ascii=False) if raw else None))
    log.info("run %s: %d copies of articles that did not land moved to quarantine", run.run_id, len(out))
    return out


def publish(lake: Lake, run: RunInfo, validation: dict[str, Any]) -> dict[str, Any]:
    """Move the validated run into the lake; rerunning the same run replaces its files."""
    final = lake.staging(run) / "final"
    staged = {name: final / f"{name}.parquet" for name in PUBLISHED_TABLES}
    missing = [n for n, p in staged.items() if not p.exists()]
    if missing:
        raise FileNotFoundError(f"run {run.run_id} has no validated staging for {missing}; run validate first")
    manifest = {"run_id": run.run_id, "logical_time": run.logical_time.isoformat(),
                "ingest_date": run.ingest_date.isoformat(), "counts": validation["counts"],
                "validation": validation["status"], "warnings": validation["warnings"],
                "failed": validation.get("failed", 0),
                "fetch": json.loads((lake.staging(run) / "fetch.json").read_text()),
                "data_docs": str(lake.root / "_docs" / run.run_id / "index.html")}
    manifest["files"] = lake.publish(run, staged, manifest, docs=lake.staging(run) / "docs")
    updates = lake.staging(run) / "http_cache.json"
    if updates.exists():  # only now: a crashed run must not leave 304s for what it never landed
        state = lake.root / "_state" / "http_cache.json"
        cache = json.loads(state.read_text()) if state.exists() else {}
        Lake._write_json(state, {**cache, **json.loads(updates.read_text())})
    lake.clear_staging(run)
    return manifest


def run_all(lake: Lake, run: RunInfo, settings: Settings, sources: Sequence[Source],
            progress: Callable[[int, int], None] | None = None, ctx=None,
            lock: WriterLock | None = None) -> dict[str, Any]:
    """The whole pipeline in-process (what the CLI runs), holding the lake's write lock from
    before it reads what has landed until it has published."""
    lock = lock or writer_lock(lake, settings)
    with lock.hold():
        fetched = fetch(lake, run, settings, sources, ctx, lock)
        batches = fetched["batches"]
        for i, batch in enumerate(batches, 1):
            process(lake, run, settings, batch)
            if progress:
                progress(i, len(batches))
        validation = validate(lake, run)
        return publish(lake, run, validation)
