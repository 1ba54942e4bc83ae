"""The lake's index of later article versions: which articles have a version above 1.

Why it exists: the versioned views (``articles``, ``entities``, ...) hide a row when its article
has a later version. Finding those articles meant opening every articles file the lake holds (a
month of hourly runs is 720 files) on every query, even a query over one week of entities: that
scan was half of "top 20 people of the last 7 days" at a million rows (issue 12). Versions above
1 are rare (a story that changed after it landed), so the lake keeps them beside the tables,
one small file per articles file that holds any, written in the same journaled publish:

    articles/ingest_date=D/part-<X>.parquet     an articles file (a run's, or a compacted day's)
    _versions/ingest_date=D/part-<X>.parquet    its rows with version > 1, as (article_id, version);
                                                no file when it has none
    _state/versions_index.json                  written once every articles file has been indexed

A reader trusts an index file only beside the articles file of the same name that it listed
itself, so the index can never speak for rows the reader does not see: a rerun that replaced or
dropped a run's articles, a compaction, a hostile file. While a publish is in progress (or a
crashed one is not yet recovered: ``_journal/`` is not empty), or on a lake without the marker
(written before the index existed), readers scan the articles files as before; the next publish
(under the writer's lock) indexes every articles file the views list and writes the marker. An
index file that cannot be read also means the scan. The index only makes queries faster, never
their answers different.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

log = logging.getLogger(__name__)

FOLDER = "_versions"
MARKER = "_state/versions_index.json"
JOURNAL = "_journal"
FORMAT = 2
SCHEMA = pa.schema([("article_id", pa.string()), ("version", pa.int32())])


def index_file(articles_file: Path, root: Path) -> Path:
    """Where the later versions of one articles file are kept: same partition, same name."""
    return root / FOLDER / articles_file.parent.name / articles_file.name


def later_versions(articles: pa.Table) -> pa.Table:
    """The rows of an articles table whose version is above 1, as (article_id, version)."""
    if "version" not in articles.column_names or not articles.num_rows:
        return SCHEMA.empty_table()
    keep = pc.fill_null(pc.greater(articles["version"], 1), False)
    picked = articles.filter(keep).select(["article_id", "version"])
    return picked.cast(SCHEMA)


def complete(root: Path) -> bool:
    """Whether every articles file of the lake has been indexed (the marker is ours)."""
    try:
        return json.loads((root / MARKER).read_text()).get("format") == FORMAT
    except (OSError, ValueError, AttributeError):
        return False


def files_for(root: Path, articles_files: list[str]) -> list[Path] | None:
    """The index files of the articles files a reader listed (local paths or object-store keys,
    as listed), or None when the reader must scan: no complete index, or a publish in progress."""
    if not complete(root):
        return None
    journal = root / JOURNAL
    if journal.exists() and any(journal.glob("*.json")):
        return None  # a publish is moving files (or crashed halfway): the listing may be mixed
    folder = root / FOLDER
    present = {str(p) for p in folder.glob("ingest_date=*/part-*.parquet")} if folder.exists() else set()
    found = []
    for listed in articles_files:
        path = root / "articles" / Path(listed).parent.name / Path(listed).name
        candidate = index_file(path, root)
        if str(candidate) in present:
            found.append(candidate)
    return found


def _day(folder: str) -> date | None:
    try:
        return date.fromisoformat(folder.removeprefix("ingest_date="))
    except ValueError:
        return None


def ensure(lake) -> None:
    """Index a lake that has no complete index: one file per articles file with later versions,
    named like it, so a rerun or a compaction replaces it as it replaces the articles. Only
    partitions the views read (``ingest_date=`` a real date) are indexed. The caller holds the
    writer's lock; a crash before the marker means the next publish does it again."""
    from newsflow.lake import read_parquet, write_bytes_atomic, write_parquet

    root = lake.root
    if complete(root):
        return
    indexed = 0
    for path in lake.table_files("articles"):
        if _day(path.parent.name) is None:
            continue
        later = later_versions(read_parquet(path, ["article_id", "version"]))
        target = index_file(path, root)
        if later.num_rows:
            write_parquet(later, target, sort_by=None)
            indexed += later.num_rows
        elif target.exists():
            target.unlink()
    write_bytes_atomic(root / MARKER, json.dumps({"format": FORMAT}).encode())
    log.info("indexed %d later article versions of the landed articles", indexed)


def publish_steps(lake, run, articles: Path) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """What a publish of ``articles`` (a run's staged file) does to the index: moves the run's
    later versions into place, and deletes what an earlier attempt of the run left elsewhere."""
    from newsflow.lake import read_parquet, write_parquet

    ensure(lake)
    later = later_versions(read_parquet(articles, ["article_id", "version"]))
    target = index_file(lake.partition_file("articles", run), lake.root)
    earlier = [p for p in (lake.root / FOLDER).glob(f"ingest_date=*/{target.name}") if p != target]
    if later.num_rows:
        return [(write_parquet(later, lake.staging(run).final(FOLDER), sort_by=None), target)], earlier
    return [], earlier + ([target] if target.exists() else [])
