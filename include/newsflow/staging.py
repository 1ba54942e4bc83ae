"""What has landed and what is new: the run's landed index, versions, copies and raw batches.

A run reads the landed ``articles`` table once, when it starts (under the lake's write lock,
so nothing lands meanwhile), into a small *landed index* in its staging area
(:class:`LandedIndex`). Every later step reads that instead of the lake: fetch tasks (in other
processes) to skip URLs that landed unchanged, staging to tell new articles from new versions
and from copies, validation to tell which copies lost their original. A rerun of an interval
sees its own earlier attempt in the index too: what it lands again keeps its version, what it
does not is carried forward (:func:`carry_forward`).

Staging (:func:`stage`) then takes everything fetched, drops what landed unchanged and what
repeats a story (recorded in ``duplicates``), numbers new versions and cuts the rest into raw
batches. It reads and writes only through :class:`newsflow.lake.StagingArea`'s named files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from newsflow import tables
from newsflow.clean import clean_article_text, content_hash
from newsflow.dedup import DuplicateFinder, simhash
from newsflow.faults import crash_point
from newsflow.fetch import (
    RawArticle,
    Rejected,
    landed_from_feed_entry,
    quarantine_table,
    raw_articles,
    raw_table,
    source_hash,
)
from newsflow.lake import Lake, StagingArea, read_parquet, write_parquet
from newsflow.process import admission_problem, failure_row
from newsflow.runs import RunInfo
from newsflow.settings import Settings
from newsflow.urls import canonical_url

log = logging.getLogger(__name__)

# The landed index: one row per landed article version, in the order the lake lists them (ties
# between versions are broken by that order, as when the lake itself was read).
INDEX_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("url", pa.string()), ("version", pa.int32()),
    ("since", pa.timestamp("us", tz="UTC")),  # updated_at, else published_at, else fetched_at
    ("source_hash", pa.string()), ("content_hash", pa.string()), ("simhash", pa.string()),
    ("from_feed_entry", pa.bool_()), ("run_id", pa.string()),
])
_READ = ["article_id", "url", "version", "updated_at", "published_at", "fetched_at", "source_hash",
         "content_hash", "simhash", "fetch_notes", "run_id"]
CARRIED_TABLES = ("articles", "sentences", "entities", "numbers", "quotes", "dates")


@dataclass(frozen=True)
class LandedUrl:
    """An article URL that landed in another run: fetched again only when its feed entry or
    sitemap says it changed after ``since`` (the landed version's update, publication or fetch time)."""

    since: datetime | None
    source_hash: str | None  # null for rows from before versions: then the cleaned text's hash decides
    content_hash: str | None = None
    from_feed_entry: bool = False  # the landed text is a feed entry's content, not its page's

    @property
    def key(self) -> str | None:
        """Which landed text a remembered update notice was checked against."""
        return self.source_hash or self.content_hash

    def same_text(self, text: str) -> bool:
        return source_hash(text) == self.source_hash \
            or content_hash(clean_article_text(text)[0]) == self.content_hash


class Landed(NamedTuple):
    """The latest landed version of an article."""

    version: int
    source_hash: str | None
    content_hash: str | None


class LandedIndex:
    """What had landed when the run started, as the run's steps need it."""

    def __init__(self, table: pa.Table, run: RunInfo):
        self.table = table
        self.run = run

    @classmethod
    def from_lake(cls, lake: Lake, run: RunInfo) -> LandedIndex:
        """One read of the landed articles (the only one a run makes)."""
        t = lake.read_table("articles", _READ)
        rows = [
            {"article_id": aid, "url": url, "version": version, "since": updated or published or fetched,
             "source_hash": shash, "content_hash": chash, "simhash": simh,
             "from_feed_entry": landed_from_feed_entry(notes), "run_id": rid}
            for aid, url, version, updated, published, fetched, shash, chash, simh, notes, rid
            in zip(*(t[c].to_pylist() for c in _READ), strict=True)
        ]
        return cls(pa.Table.from_pylist(rows, schema=INDEX_SCHEMA), run)

    @classmethod
    def build(cls, lake: Lake, run: RunInfo) -> LandedIndex:
        """Read the lake and keep the index in the run's staging for its other steps."""
        index = cls.from_lake(lake, run)
        write_parquet(index.table, lake.staging(run).landed_index, sort_by=None)
        return index

    @classmethod
    def load(cls, lake: Lake, run: RunInfo) -> LandedIndex:
        """The run's index, as its start wrote it; built now if the run's staging has none."""
        path = lake.staging(run).landed_index
        return cls(read_parquet(path), run) if path.exists() else cls.build(lake, run)

    def _rows(self, *columns: str):
        return zip(*(self.table[c].to_pylist() for c in columns), strict=True)

    def landed_urls(self) -> dict[str, LandedUrl]:
        """Canonical URL -> its latest version landed by another run. A rerun fetches again what
        its earlier attempt landed, so that it lands it again: those URLs are left out."""
        landed: dict[str, tuple[int, LandedUrl]] = {}
        own: set[str] = set()
        for url, version, since, shash, chash, from_entry, rid in self._rows(
                "url", "version", "since", "source_hash", "content_hash", "from_feed_entry", "run_id"):
            canon = canonical_url(url) if url else None
            if canon and rid == self.run.run_id:
                own.add(canon)
            elif canon and (version or 1) >= landed.get(canon, (0,))[0]:
                landed[canon] = (version or 1, LandedUrl(since, shash, chash, from_entry))
        return {canon: info for canon, (_, info) in landed.items() if canon not in own}

    def versions(self) -> tuple[dict[str, Landed], dict[str, Landed]]:
        """article_id -> latest version landed by other runs, and by this run's earlier attempt."""
        others: dict[str, Landed] = {}
        own: dict[str, Landed] = {}
        for aid, v, sh, ch, rid in self._rows("article_id", "version", "source_hash", "content_hash", "run_id"):
            v = v or 1
            if rid == self.run.run_id:
                own[aid] = Landed(v, sh, ch)
            elif aid not in others or v > others[aid].version:
                others[aid] = Landed(v, sh, ch)
        return others, own

    def duplicate_finder(self) -> DuplicateFinder:
        """Primed with every landed text, the earlier attempt's included (what a rerun does not
        land again is carried forward, so its texts count as landed)."""
        finder = DuplicateFinder()
        for aid, ch, simh in self._rows("article_id", "content_hash", "simhash"):
            if ch:
                finder.add(aid, ch, int(simh, 16) if simh else 0)
        return finder

    def article_ids(self) -> set[str]:
        return set(self.table["article_id"].to_pylist())


@dataclass
class Triage:
    """Sorts a run's fetched articles, one at a time: unchanged (skipped), repeated within the
    run or unusable (rejected), a copy of another story (recorded), or fresh (a new article or
    the next version of a landed one)."""

    run: RunInfo
    settings: Settings
    others: dict[str, Landed]
    own: dict[str, Landed]
    finder: DuplicateFinder
    fresh: list[RawArticle] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # article_id -> external id, of the fresh ones
    unchanged: set[str] = field(default_factory=set)
    rejected: list[Rejected] = field(default_factory=list)
    copies: list[dict[str, Any]] = field(default_factory=list)  # `duplicates` rows
    copied: list[RawArticle] = field(default_factory=list)  # their inputs, kept until validation
    skipped: int = 0
    new_versions: int = 0

    def admit(self, a: RawArticle) -> None:
        aid = a.article_id
        if aid in self.unchanged:  # the same article from a second source: unchanged is unchanged
            self.skipped += 1
            return
        if aid in self.seen:
            self.rejected.append(Rejected("fetch", a.source, a.external_id,
                                          f"duplicate of {self.seen[aid]!r} (article {aid}) in the same run",
                                          a.payload()))
            return
        try:
            text = clean_article_text(a.text)[0] if a.text else ""
        except Exception as exc:  # one bad text must not stop the run
            self.rejected.append(failure_row("clean", a, exc))
            return
        if reason := admission_problem(text, self.settings.min_words, self.settings.max_article_chars):
            # before the duplicate check: copies of a text that cannot land are not "duplicates" of it
            self.rejected.append(Rejected("clean", a.source, a.external_id, reason, a.payload()))
            return
        h = content_hash(text)
        versioned = self._versioned(a, aid, h)
        if versioned is None:
            return
        a, new_version = versioned
        sh = simhash(text)  # the same story under another URL: record it, do not process it twice
        if dup := self.finder.find(h, sh, exclude=aid):
            kind, canonical, distance = dup
            self.copies.append({"run_id": self.run.run_id, "article_id": aid, "duplicate_of": canonical,
                                "kind": kind, "distance": distance, "source": a.source,
                                "external_id": a.external_id, "url": a.url})
            self.copied.append(a)
            return
        self.finder.add(aid, h, sh)
        self.new_versions += new_version
        self.seen[aid] = a.external_id
        self.fresh.append(a)

    def _versioned(self, a: RawArticle, aid: str, h: str) -> tuple[RawArticle, bool] | None:
        """The article with its version set, and whether that is a new version; None when it
        landed unchanged in another run (then it is counted and skipped)."""
        fetched = a.fetched_hash
        mine = self.own.get(aid)
        if mine and (fetched == mine.source_hash or h == mine.content_hash):
            # a rerun of this interval finds what it landed before: the same version again, even
            # when a later run has landed a newer one since
            return replace(a, version=mine.version), False
        if prior := self.others.get(aid):
            # Landed by another run: a new version only when the text changed (the fetched text's
            # hash, else, for rows from before versions, the cleaned text's).
            if fetched == prior.source_hash or h == prior.content_hash:
                self.skipped += 1
                self.unchanged.add(aid)
                return None
            return replace(a, version=prior.version + 1), True
        return a, False


def fetched_articles(area: StagingArea) -> list[RawArticle]:
    """Everything the run's fetchers staged; for a URL several sources gave, the page's text
    comes before a feed's summary of it, so the page wins."""
    articles = [a for p in area.fetched_files() for a in raw_articles(read_parquet(p))]
    articles.sort(key=lambda a: a.from_feed_entry)
    return articles


def batch_sizes(articles: int, batch_size: int, workers: int = 1) -> list[int]:
    """How many articles each batch gets: ``batch_size`` each, except that a run for several
    workers ends in half-size batches (the last ``workers`` batches' worth of articles), so the
    workers finish close together instead of one idling through another's last full batch
    (measured: up to 1.7 s of a core idle at the end of a 600-article run on 2 workers)."""
    size = max(1, batch_size)
    many = workers > 1
    head = max(0, articles - (workers * size if many else 0)) // size * size
    tail_size = max(1, size // 2) if many else size
    return [size] * (head // size) + [min(tail_size, articles - i) for i in range(head, articles, tail_size)]


def write_batches(lake: Lake, area: StagingArea, fresh: list[RawArticle], batch_size: int,
                  workers: int = 1) -> list[str]:
    """Raw batches to process (sized by :func:`batch_sizes`); their paths relative to the lake
    root, valid on any worker."""
    paths, start = [], 0
    for i, n in enumerate(batch_sizes(len(fresh), batch_size, workers)):
        paths.append(lake.relative(write_parquet(raw_table(fresh[start : start + n]), area.raw_batch(i), sort_by=None)))
        start += n
    return paths


def carry_forward(lake: Lake, run: RunInfo, keep: set[str]) -> int:
    """A rerun replaces its interval's files. Articles its earlier attempt landed that it does not
    land again (the source dropped them, or now shows the text of a version landed later) keep
    their rows, so a rerun never loses what it had landed."""
    if not keep:
        return 0
    area = lake.staging(run)
    for name in CARRIED_TABLES:
        files = [f for f in lake.table_files(name) if f.name == f"part-{run.run_id}.parquet"]
        spec = tables.TABLES[name]
        t = pa.concat_tables([read_parquet(f).cast(spec.schema) for f in files]) if files else spec.empty()
        rows = t.filter(pc.is_in(t["article_id"], value_set=pa.array(sorted(keep))))
        write_parquet(rows, area.carried(name))
    log.info("run %s: kept %d articles its earlier attempt landed", run.run_id, len(keep))
    return len(keep)


def merged_fetch_stats(lake: Lake, area: StagingArea) -> dict[str, int]:
    """The fetchers' counts, summed."""
    stats: dict[str, int] = {}
    for p in area.fetch_stats_files():
        for k, v in lake.read_json(p).items():
            stats[k] = stats.get(k, 0) + v
    return stats


def merge_http_cache(lake: Lake, area: StagingArea) -> None:
    """The fetchers' HTTP cache entries as one file, kept when the run publishes. Per URL, field
    by field: fetchers may share URLs."""
    cache: dict[str, dict[str, Any]] = {}
    for p in area.http_cache_parts():
        for url, entry in lake.read_json(p).items():
            cache.setdefault(url, {}).update(entry)
    if cache:
        lake.write_json(area.http_cache_updates, cache)


def stage(lake: Lake, run: RunInfo, settings: Settings,
          on_fresh: Callable[[int], None] | None = None,
          workers: Callable[[int], int] = lambda articles: 1) -> dict[str, Any]:
    """Everything fetched, minus what landed or repeats a story, in raw batches for processing.
    ``on_fresh(n)`` hears the count of fresh articles as it grows (the CLI starts its workers
    early once a run is big enough); ``workers(n)``: the processes that will share n articles'
    batches (the CLI's pool; Airflow's mapped tasks keep whole batches: each task loads the model)."""
    area = lake.staging(run)
    index = LandedIndex.load(lake, run)
    triage = Triage(run, settings, *index.versions(), index.duplicate_finder())
    for a in fetched_articles(area):
        before = len(triage.fresh)
        triage.admit(a)
        if on_fresh is not None and len(triage.fresh) > before:
            on_fresh(len(triage.fresh))
    batches = write_batches(lake, area, triage.fresh, settings.batch_size, workers(len(triage.fresh)))
    write_parquet(quarantine_table(triage.rejected, run), area.staging_rejects, sort_by=None)
    write_parquet(tables.DUPLICATES.from_rows(triage.copies), area.copies)
    write_parquet(raw_table(triage.copied), area.copy_inputs, sort_by=None)
    carried = carry_forward(lake, run, set(triage.own) - set(triage.seen))
    crash_point("fetch")
    stats = merged_fetch_stats(lake, area)
    merge_http_cache(lake, area)
    stats = {**stats, "articles": len(triage.fresh), "already_landed": triage.skipped + stats.get("already_landed", 0),
             "new_versions": triage.new_versions, "carried_forward": carried,
             "rejected": stats.get("rejected", 0) + len(triage.rejected), "duplicates": len(triage.copies)}
    lake.write_json(area.fetch_summary, stats)
    log.info("run %s: %d articles (%d new versions) in %d batches, %d already landed, %d copies, %d rejected",
             run.run_id, len(triage.fresh), triage.new_versions, len(batches), stats["already_landed"],
             len(triage.copies), stats["rejected"])
    return {"batches": batches, **stats}


def orphan_copies(lake: Lake, run: RunInfo, frames: dict) -> list[Rejected]:
    """Copies recorded in `duplicates` whose original did not land after all (its processing
    failed, or validation quarantined it) leave `duplicates` for `quarantine`, with their own
    payload: a `duplicates` row always points at a landed article, and nothing is lost."""
    dups = frames["duplicates"]
    if dups.empty:
        return []
    landed = set(frames["articles"]["article_id"]) | LandedIndex.load(lake, run).article_ids()
    lost = dups[~dups["duplicate_of"].isin(landed)]
    if lost.empty:
        return []
    frames["duplicates"] = dups[dups["duplicate_of"].isin(landed)]
    inputs = lake.staging(run).copy_inputs
    raws = {r.article_id: r for r in raw_articles(read_parquet(inputs))} if inputs.exists() else {}
    out = []
    for aid, of, src, ext in zip(lost["article_id"], lost["duplicate_of"], lost["source"], lost["external_id"], strict=True):
        raw = raws.get(aid)
        out.append(Rejected("clean", src, ext, f"copy of article {of}, which did not land in this run "
                            "(see its own quarantine row); reprocess from this payload",
                            raw.payload() if raw else None))
    log.info("run %s: %d copies of articles that did not land moved to quarantine", run.run_id, len(out))
    return out
