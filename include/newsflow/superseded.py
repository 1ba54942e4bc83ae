"""The lake's index of later article versions: which articles have a version above 1.

Why it exists: the versioned views (``articles``, ``entities``, ...) hide a row when its article
has a later version. Finding those articles meant opening every articles file the lake holds (a
month of hourly runs is 720 files) on every query, even a query over one week of entities: that
scan was half of "top 20 people of the last 7 days" at a million rows (issue 12). Versions above
1 are rare (a story that changed after it landed), so the lake keeps them in one small file,
rewritten in the same journaled publish as the articles files it describes:

    _versions/index.parquet      (file, article_id, version): the rows with version > 1 of each
                                 articles file, ``file`` being "ingest_date=D/part-<X>.parquet";
                                 a file without any has one entry with nulls, so the index
                                 knows every file it has seen
    _state/versions_index.json   written once every articles file has been indexed

A reader uses the index only when it knows every articles file the reader lists, and keeps only
those files' entries, so the index never speaks for rows the reader does not see (a rerun that
replaced a run's articles, a compaction, a file in a partition the views skip, a stray entry, a
file an older newsflow wrote without indexing it). The entries are read when a query runs, like
the articles files, so a connection kept open across a publish stays consistent. While a
publish is in progress (or a crashed one is not yet recovered: ``_journal/`` is not empty), on a
lake without the marker (written before the index existed), or when the index is missing or
cannot be read, readers scan the articles files as before; the next publish (under the writer's
lock) rebuilds what is missing. The index only makes queries faster, never answers different.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs

log = logging.getLogger(__name__)

FOLDER = "_versions"
INDEX = f"{FOLDER}/index.parquet"
MARKER = "_state/versions_index.json"
JOURNAL = "_journal"
FORMAT = 3
SCHEMA = pa.schema([("file", pa.string()), ("article_id", pa.string()), ("version", pa.int32())])


def file_key(articles_file: Path | str) -> str:
    """How the index names an articles file: its partition folder and file name."""
    p = Path(str(articles_file))
    return f"{p.parent.name}/{p.name}"


def later_versions(articles: pa.Table, key: str) -> pa.Table:
    """The index entries of one articles file: its rows with a version above 1, or one entry
    with nulls that says the file was indexed and has none."""
    picked = articles.filter(pc.fill_null(pc.greater(articles["version"], 1), False)) \
        if "version" in articles.column_names and articles.num_rows else None
    if picked is None or not picked.num_rows:
        return pa.table({"file": [key], "article_id": pa.nulls(1, pa.string()), "version": pa.nulls(1, pa.int32())},
                        schema=SCHEMA)
    return pa.table({"file": pa.array([key] * picked.num_rows, pa.string()),
                     "article_id": picked["article_id"].cast(pa.string()),
                     "version": picked["version"].cast(pa.int32())}, schema=SCHEMA)


def complete(root: Path) -> bool:
    """Whether every articles file of the lake has been indexed (the marker is this format's)."""
    try:
        return json.loads((root / MARKER).read_text()).get("format") == FORMAT
    except (OSError, ValueError, AttributeError):
        return False


def index_for(root: Path, articles_files: Iterable[str]) -> tuple[ds.Dataset, pa.Table] | None:
    """The index as a dataset a query reads when it runs, and the keys of the articles files a
    reader listed (the entries to keep); None when the reader must scan the articles files: no
    complete index, a publish in progress, an index missing or unreadable, or a listed file the
    index has never seen."""
    from newsflow.lake import is_local, read_parquet

    if not complete(root):
        return None
    journal = root / JOURNAL
    if journal.exists() and any(journal.glob("*.json")):
        return None  # a publish is moving files (or crashed halfway): the listing may be mixed
    path = root / INDEX
    listed = pa.table({"file": pa.array(sorted({file_key(f) for f in articles_files}), pa.string())})
    try:
        known = set(read_parquet(path, ["file"])["file"].to_pylist())
    except (OSError, ValueError, pa.ArrowException) as exc:
        log.warning("the lake's index of later versions cannot be read (%s); reading the articles instead", exc)
        return None
    if unknown := [f for f in listed["file"].to_pylist() if f not in known]:
        log.warning("%d articles files are not in the lake's index of later versions (e.g. %s); reading the "
                    "articles instead", len(unknown), unknown[0])
        return None
    fs = None if is_local(path) else pafs.PyFileSystem(pafs.FSSpecHandler(path.fs))
    return ds.dataset(str(path) if fs is None else path.path, schema=SCHEMA, format="parquet", filesystem=fs), listed


def _day(folder: str) -> date | None:
    try:
        return date.fromisoformat(folder.removeprefix("ingest_date="))
    except ValueError:
        return None


def _entries(lake) -> pa.Table:
    """Index entries of every articles file the views read (``ingest_date=`` a real date)."""
    from newsflow.lake import read_parquet

    parts = [later_versions(read_parquet(p, ["article_id", "version"]), file_key(p))
             for p in lake.table_files("articles") if _day(p.parent.name) is not None]
    return pa.concat_tables([SCHEMA.empty_table(), *parts])


def ensure(lake) -> None:
    """Index a lake that has no complete index (or whose index went missing). The caller holds
    the writer's lock; a crash before the marker means the next publish does it again."""
    from newsflow.lake import write_bytes_atomic, write_parquet

    root = lake.root
    if complete(root) and (root / INDEX).exists():
        return
    index = _entries(lake)
    write_parquet(index, root / INDEX, sort_by=None)
    write_bytes_atomic(root / MARKER, json.dumps({"format": FORMAT}).encode())
    log.info("indexed %d articles files (%d later versions)", len(set(index["file"].to_pylist())),
             index.num_rows - index["version"].null_count)


def _current(lake) -> pa.Table:
    """The index as it stands, rebuilt from the articles when it cannot be read (a corrupt
    index must not stop every later publish)."""
    from newsflow.lake import read_parquet

    try:
        return read_parquet(lake.root / INDEX).cast(SCHEMA)
    except (OSError, ValueError, pa.ArrowException) as exc:
        log.warning("the lake's index of later versions cannot be read (%s); rebuilding it", exc)
        return _entries(lake)


def publish_steps(lake, run, articles: Path, replaces: Iterable[Path] = ()) -> list[tuple[Path, Path]]:
    """The index after a publish of ``articles`` (a run's staged file), staged to be moved into
    place with it: the entries of the files the publish replaces (this run's earlier attempt,
    wherever it landed, and ``replaces``) go, the new file's come in."""
    from newsflow.lake import read_parquet, write_parquet

    ensure(lake)
    target = lake.partition_file("articles", run)
    gone = {file_key(target), *(file_key(p) for p in replaces),
            *(file_key(p) for p in (lake.root / "articles").glob(f"ingest_date=*/{target.name}"))}
    old = _current(lake)
    kept = old.filter(pc.invert(pc.is_in(old["file"], value_set=pa.array(sorted(gone), pa.string()))))
    new = later_versions(read_parquet(articles, ["article_id", "version"]), file_key(target))
    staged = write_parquet(pa.concat_tables([kept, new]), lake.staging(run).final(FOLDER), sort_by=None)
    return [(staged, lake.root / INDEX)]
