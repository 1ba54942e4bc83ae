"""The lake's index of later article versions: which articles have a version above 1.

Why it exists: the versioned views (``articles``, ``entities``, ...) hide a row when its article
has a later version. Finding those articles meant opening every articles file the lake holds (a
month of hourly runs is 720 files) on every query, even a query over one week of entities: that
scan was half of "top 20 people of the last 7 days" at a million rows (issue 12). Versions above
1 are rare (a story that changed after it landed), so the lake keeps them in a small index
beside the tables, written in the same journaled publish as the articles that carry them:

    _versions/ingest_date=D/part-<run_id>.parquet   (article_id, version) of the run's rows with
                                                    version > 1; no file when the run has none
    _state/versions_index.json                      written once the index covers every landed
                                                    articles file

The index is laid out like a table, so it follows the tables' rules: a rerun replaces its run's
file (or deletes it when the rerun has no later versions), and `newsflow compact` merges a
partition's files into one, as it does for the tables; compaction never changes a version. A
lake written before the index existed has no marker: readers then scan the articles files as
before, and the next publish (under the writer's lock) builds the index from one scan and
writes the marker. An index file that cannot be read makes readers fall back to the scan too:
the index only ever makes queries faster, never wrong.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

log = logging.getLogger(__name__)

FOLDER = "_versions"
MARKER = "_state/versions_index.json"
FORMAT = 1
LEGACY_RUN = "before-index"  # the file built from the articles landed before the index existed
LEGACY_DAY = "0001-01-01"  # its partition: never compacted into a day's runs
SCHEMA = pa.schema([("article_id", pa.string()), ("version", pa.int32())])


def run_file(root: Path, run_id: str, day: str) -> Path:
    return root / FOLDER / f"ingest_date={day}" / f"part-{run_id}.parquet"


def later_versions(articles: pa.Table) -> pa.Table:
    """The rows of an articles table whose version is above 1, as (article_id, version)."""
    if "version" not in articles.column_names or not articles.num_rows:
        return SCHEMA.empty_table()
    keep = pc.fill_null(pc.greater(articles["version"], 1), False)
    picked = articles.filter(keep).select(["article_id", "version"])
    return picked.cast(SCHEMA)


def files(root: Path) -> list[Path] | None:
    """The index's files, or None when the lake has no complete index (read the articles)."""
    marker = root / MARKER
    try:
        if json.loads(marker.read_text()).get("format") != FORMAT:
            return None
    except (OSError, ValueError, AttributeError):
        return None
    folder = root / FOLDER
    return sorted(folder.glob("ingest_date=*/part-*.parquet")) if folder.exists() else []


def ensure(lake) -> None:
    """Build the index of a lake that has none, from one scan of its articles. The caller holds
    the writer's lock; a crash before the marker is written only means the next publish builds
    it again (the file it writes replaces the one left behind)."""
    from newsflow.lake import write_bytes_atomic, write_parquet

    root = lake.root
    if files(root) is not None:
        return
    found = later_versions(lake.read_table("articles", ["article_id", "version"]))
    target = run_file(root, LEGACY_RUN, LEGACY_DAY)
    if found.num_rows:
        write_parquet(found, target, sort_by=None)
    elif target.exists():
        target.unlink()
    write_bytes_atomic(root / MARKER, json.dumps({"format": FORMAT}).encode())
    log.info("indexed %d later article versions of the landed articles", found.num_rows)


def publish_steps(lake, run, articles: Path) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """What a publish of ``articles`` (a run's staged file) does to the index: moves the run's
    later versions into place, and deletes what an earlier attempt of the run left elsewhere."""
    from newsflow.lake import read_parquet, write_parquet

    ensure(lake)
    later = later_versions(read_parquet(articles, ["article_id", "version"]))
    target = run_file(lake.root, run.run_id, run.ingest_date.isoformat())
    earlier = [p for p in (lake.root / FOLDER).glob(f"ingest_date=*/part-{run.run_id}.parquet") if p != target]
    if later.num_rows:
        return [(write_parquet(later, lake.staging(run).final(FOLDER), sort_by=None), target)], earlier
    return [], earlier + ([target] if target.exists() else [])
