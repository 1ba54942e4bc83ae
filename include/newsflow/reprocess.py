"""Reprocessing landed days: each landed run of a date range run again, from what it landed.

When the rules get better (entities, amounts, quotes, dates), the days already landed can be
brought up to date without fetching them again (a feed no longer lists last month's articles,
and a page may have changed since). Each published run whose ingest date is in the range is
rerun *as itself*: the same run key, so its files are replaced and nothing is added twice (the
rerun rules of :mod:`newsflow.staging`: an article it lands again keeps its version, one it
does not is carried forward). Its input is its own landed articles turned back into raw
articles (:func:`landed_raw_articles`): the cleaned text (cleaning it again changes nothing),
the metadata, and the hash of the input as first fetched, so later runs still see the article
as unchanged. What the first attempt recorded that cannot be made again from its articles is
kept (:func:`keep_records`): its quarantine rows (refused inputs, failures) and its duplicates.

Compacted runs are left out (their rows can no longer be replaced one run at a time), with a
warning naming them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from newsflow import pipeline, tables
from newsflow.fetch import RawArticle, landed_from_feed_entry
from newsflow.lake import Lake, read_parquet, write_parquet
from newsflow.lock import WriterLock
from newsflow.maintenance import compacted_run
from newsflow.runs import RunInfo, to_utc
from newsflow.settings import Settings

log = logging.getLogger(__name__)

NAME = "reprocess"  # the fetcher's name: its files in staging, the `source` of its failures
# A note processing itself writes: made again when it still applies, so not carried as input.
_PROCESSING_NOTE = "NEWSFLOW_NLP_LANGUAGES"


def date_span(start: str | date | None, end: str | date | None) -> tuple[date | None, date | None] | None:
    """The range to reprocess (inclusive; either end may be open), None when neither is given.
    ValueError with one line when a date is not YYYY-MM-DD or the range is backwards."""
    days = []
    for what, value in (("reprocess_from", start), ("reprocess_to", end)):
        try:
            days.append(date.fromisoformat(value) if isinstance(value, str) else value)
        except ValueError:
            raise ValueError(f"{what} must be a date (YYYY-MM-DD), got {value!r}") from None
    first, last = days
    if first is None and last is None:
        return None
    if first is not None and last is not None and first > last:
        raise ValueError(f"reprocess_from {first} is after reprocess_to {last}")
    return first, last


def runs_between(lake: Lake, first: date | None, last: date | None) -> list[str]:
    """The published runs whose ingest date is in the range, oldest first, compacted ones left out."""
    found, compacted = [], []
    for m in sorted(lake.manifests(), key=lambda m: (m.get("logical_time", ""), m["run_id"])):
        day = date.fromisoformat(m.get("ingest_date") or m["logical_time"][:10])
        if (first is not None and day < first) or (last is not None and day > last):
            continue
        (compacted if compacted_run(lake, "articles", _run(m)) else found).append(m["run_id"])
    if compacted:
        log.warning("not reprocessing %d compacted runs (their rows can no longer be replaced): %s",
                    len(compacted), compacted)
    return found


def _run(manifest: dict[str, Any]) -> RunInfo:
    return RunInfo(run_id=manifest["run_id"], logical_time=to_utc(datetime.fromisoformat(manifest["logical_time"])))


def landed_raw_articles(lake: Lake, run: RunInfo) -> list[RawArticle]:
    """The articles a run landed, as the raw articles that become those rows again."""
    path = lake.partition_file("articles", run)
    if not path.exists():
        return []
    out = []
    for row in read_parquet(path).cast(tables.ARTICLES.schema).to_pylist():
        notes = "; ".join(n for n in (row["fetch_notes"] or "").split("; ") if n and _PROCESSING_NOTE not in n)
        out.append(RawArticle(
            external_id=row["external_id"], source=row["source"], text=row["text"], url=row["url"],
            title=row["title"], published_at=_iso(row["published_at"]), language=row["language"],
            authors="; ".join(row["authors"] or []) or None, notes=notes or None,
            updated_at=_iso(row["updated_at"]), version=row["version"],
            input_hash=row["source_hash"], from_feed_entry=landed_from_feed_entry(row["fetch_notes"])))
    return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class LandedFetcher:
    """The :class:`~newsflow.fetch.Fetcher` of a reprocessed run: its own landed articles."""

    name = NAME

    def __init__(self, articles: list[RawArticle]):
        self.articles = articles

    def fetch(self) -> Iterator[RawArticle]:
        yield from self.articles


def keep_records(lake: Lake, run: RunInfo, reprocessed: set[str]) -> dict[str, int]:
    """Keep the run's earlier quarantine and duplicates rows, which reprocessing cannot make
    again (their inputs never landed). Validation's row quarantine of a reprocessed article is
    left out: validating it again makes that row again if it still applies."""
    area, kept = lake.staging(run), {}
    for name in ("quarantine", "duplicates"):
        path = lake.partition_file(name, run)
        spec = tables.TABLES[name]
        t = read_parquet(path).cast(spec.schema) if path.exists() else spec.empty()
        if name == "quarantine" and t.num_rows:
            again = pc.and_(pc.equal(t["stage"], "validate"),
                            pc.is_in(t["external_id"], value_set=pa.array(sorted(reprocessed), pa.string())))
            t = t.filter(pc.invert(pc.fill_null(again, False)))
        write_parquet(t, area.carried(name), sort_by=None if name == "quarantine" else "article_id")
        kept[name] = t.num_rows
    return kept


class ReprocessWouldDrop(RuntimeError):
    """Today's code would not land articles the run landed: nothing of the run is replaced."""


def refuse_drops(lake: Lake, run: RunInfo, landed: set[str]) -> None:
    """Reprocessing must never lose landed data: if an article the run landed would now be
    refused or fail (a bug in a new rule, a stricter setting), the rerun stops before it
    publishes and the run's files stay as they were; the reasons are in the error."""
    area = lake.staging(run)
    again = {aid for p in area.parts("articles") for aid in read_parquet(p).column("article_id").to_pylist()}
    if lost := sorted(landed - again):
        reasons = [r for p in area.parts("quarantine") for r in read_parquet(p).select(["external_id", "reason"])
                   .to_pylist()][:3]
        lake.clear_staging(run)
        raise ReprocessWouldDrop(
            f"reprocessing run {run.run_id} would drop {len(lost)} of its {len(landed)} landed articles "
            f"({', '.join(lost[:5])}{' ...' if len(lost) > 5 else ''}); nothing was replaced. Reasons: {reasons}")


def rerun(lake: Lake, run_id: str, settings: Settings, lock: WriterLock | None = None,
          origin: dict[str, Any] | None = None) -> dict[str, Any]:
    """Reprocess one published run in this process; returns its new manifest.

    Holds the lake's write lock as a run does (a DAG run passes the lock its run holds).
    :class:`newsflow.pipeline.ValidationFailed` leaves the run's earlier files as they were.
    """
    manifest = next((m for m in lake.manifests() if m["run_id"] == run_id), None)
    if manifest is None:
        raise ValueError(f"no published run {run_id!r} to reprocess")
    run = _run(manifest)
    lock = lock or pipeline.writer_lock(lake, settings)
    with lock.hold():
        pipeline.start_run(lake, run, lock)  # finishes interrupted publishes before anything is read
        articles = landed_raw_articles(lake, run)
        pipeline.fetch_to_staging(lake, run, LandedFetcher(articles))
        staged = pipeline.stage_batches(lake, run, settings)
        kept = keep_records(lake, run, {a.article_id for a in articles})
        for batch in staged["batches"]:
            pipeline.process_staged_batch(lake, run, settings, batch)
        refuse_drops(lake, run, {a.article_id for a in articles})
        validation = pipeline.validate_run(lake, run)
        lock.refresh()  # still ours right before the files are replaced
        published = pipeline.publish(lake, run, validation, origin={**(origin or {}), "reprocessed": True})
    log.info("reprocessed run %s: %d landed articles, %d quarantine and %d duplicates rows kept",
             run_id, len(articles), kept["quarantine"], kept["duplicates"])
    return published
