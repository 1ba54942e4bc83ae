"""The lake's index of later article versions: which articles have a version above 1.

Why it exists: the versioned views (``articles``, ``entities``, ...) hide a row when its article
has a later version. Finding those articles meant opening every articles file the lake holds (a
month of hourly runs is 720 files) on every query, even a query over one week of entities: that
scan was half of "top 20 people of the last 7 days" at a million rows (issue 12). Versions above
1 are rare (a story that changed after it landed), so the lake keeps them in one small file,
rewritten in the same journaled publish as the articles files it describes:

    _versions/index.parquet      (file, article_id, version): the rows with version > 1 of each
                                 articles file, ``file`` being "ingest_date=D/part-<X>.parquet"
    _state/versions_index.json   written once every articles file has been indexed

A reader keeps only the entries of the articles files it lists itself, so the index never speaks
for rows the reader does not see: a rerun that replaced a run's articles, a compaction, a file
in a partition the views skip, a stray entry. While a publish is in progress (or a crashed one
is not yet recovered: ``_journal/`` is not empty), or on a lake without the marker (written
before the index existed), readers scan the articles files as before; the next publish (under
the writer's lock) indexes every articles file and writes the marker. An index that cannot be
read also means the scan. The index only makes queries faster, never their answers different.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

log = logging.getLogger(__name__)

FOLDER = "_versions"
INDEX = f"{FOLDER}/index.parquet"
MARKER = "_state/versions_index.json"
JOURNAL = "_journal"
FORMAT = 3
SCHEMA = pa.schema([("file", pa.string()), ("article_id", pa.string()), ("version", pa.int32())])
VERSIONS = pa.schema([("article_id", pa.string()), ("version", pa.int32())])


def file_key(articles_file: Path | str) -> str:
    """How the index names an articles file: its partition folder and file name."""
    p = Path(str(articles_file))
    return f"{p.parent.name}/{p.name}"


def later_versions(articles: pa.Table, key: str) -> pa.Table:
    """The index entries of one articles file: its rows with a version above 1."""
    if "version" not in articles.column_names or not articles.num_rows:
        return SCHEMA.empty_table()
    picked = articles.filter(pc.fill_null(pc.greater(articles["version"], 1), False))
    return pa.table({"file": pa.array([key] * picked.num_rows, pa.string()),
                     "article_id": picked["article_id"].cast(pa.string()),
                     "version": picked["version"].cast(pa.int32())}, schema=SCHEMA)


def complete(root: Path) -> bool:
    """Whether every articles file of the lake has been indexed (the marker is this format's)."""
    try:
        return json.loads((root / MARKER).read_text()).get("format") == FORMAT
    except (OSError, ValueError, AttributeError):
        return False


def read_for(root: Path, articles_files: Iterable[str]) -> pa.Table | None:
    """(article_id, version) of the later versions in the articles files a reader listed, or
    None when the reader must scan them: no complete index, a publish in progress, an index
    that cannot be read."""
    from newsflow.lake import read_parquet

    if not complete(root):
        return None
    journal = root / JOURNAL
    if journal.exists() and any(journal.glob("*.json")):
        return None  # a publish is moving files (or crashed halfway): the listing may be mixed
    path = root / INDEX
    if not path.exists():
        return VERSIONS.empty_table()
    try:
        index = read_parquet(path).cast(SCHEMA)
    except (OSError, ValueError, pa.ArrowException) as exc:
        log.warning("the lake's index of later versions cannot be read (%s); reading the articles instead", exc)
        return None
    listed = pa.array(sorted({file_key(f) for f in articles_files}), pa.string())
    return index.filter(pc.is_in(index["file"], value_set=listed)).select(["article_id", "version"])


def _day(folder: str) -> date | None:
    try:
        return date.fromisoformat(folder.removeprefix("ingest_date="))
    except ValueError:
        return None


def ensure(lake) -> None:
    """Index a lake that has no complete index, from every articles file the views read
    (``ingest_date=`` a real date). The caller holds the writer's lock; a crash before the
    marker means the next publish does it again."""
    from newsflow.lake import read_parquet, write_bytes_atomic, write_parquet

    root = lake.root
    if complete(root):
        return
    parts = [later_versions(read_parquet(p, ["article_id", "version"]), file_key(p))
             for p in lake.table_files("articles") if _day(p.parent.name) is not None]
    index = pa.concat_tables([SCHEMA.empty_table(), *parts])
    write_parquet(index, root / INDEX, sort_by=None)
    write_bytes_atomic(root / MARKER, json.dumps({"format": FORMAT}).encode())
    log.info("indexed %d later article versions of the landed articles", index.num_rows)


def publish_steps(lake, run, articles: Path, replaces: Iterable[Path] = ()) -> list[tuple[Path, Path]]:
    """The index after a publish of ``articles`` (a run's staged file), staged to be moved into
    place with it: the entries of the files the publish replaces (this run's earlier attempt,
    wherever it landed, and ``replaces``) go, the new file's come in."""
    from newsflow.lake import read_parquet, write_parquet

    ensure(lake)
    target = lake.partition_file("articles", run)
    gone = {file_key(target), *(file_key(p) for p in replaces),
            *(file_key(p) for p in (lake.root / "articles").glob(f"ingest_date=*/{target.name}"))}
    path = lake.root / INDEX
    old = read_parquet(path).cast(SCHEMA) if path.exists() else SCHEMA.empty_table()
    kept = old.filter(pc.invert(pc.is_in(old["file"], value_set=pa.array(sorted(gone), pa.string()))))
    new = later_versions(read_parquet(articles, ["article_id", "version"]), file_key(target))
    staged = write_parquet(pa.concat_tables([kept, new]), lake.staging(run).final(FOLDER), sort_by=None)
    return [(staged, path)]
