"""DuckDB over the lake: every table under the data root becomes a view of the same name.

Views follow the table contract: files written before a nullable column was added read as
NULL in that column (the schema-evolution rule: columns are only ever added, as nullable).
`articles`, `sentences`, `entities` and `numbers` show the latest version of each article;
`article_versions` shows every version.

The connection is a sandbox, because `newsflow query` runs whatever SQL it is given. DuckDB
itself never touches a file or the network: newsflow opens each table's Parquet files as a
pyarrow dataset and hands it to DuckDB, which starts with external access off (no file reads or
writes, no COPY, ATTACH of files, INSTALL or LOAD), extension autoload/autoinstall off, Python
replacement scans off and its configuration locked, so user SQL can neither read outside the lake
nor change a single file in it (or anywhere else). Only folders named like a table become views,
so a folder name never ends up in SQL as anything but an escaped identifier.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from newsflow import tables

log = logging.getLogger(__name__)

# Set when the connection is opened, before any statement can run: autoinstall is off before
# anything could want an extension, and `lock_configuration` keeps user SQL from undoing any of it.
SANDBOX: dict[str, bool] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_persistent_secrets": False,
    "enable_external_access": False,
    "python_enable_replacements": False,
    "lock_configuration": True,
}
TABLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
PARTITION = re.compile(r"ingest_date=\d{4}-\d{2}-\d{2}")
VERSIONED = ("articles", "sentences", "entities", "numbers", "quotes", "dates")
DERIVED = ("article_versions",)  # views built here; a folder of that name would collide


def connect(data_dir: Path | str) -> duckdb.DuckDBPyConnection:
    """A sandboxed in-memory DuckDB with one view per landed table (hive partitions, schema unified)."""
    from newsflow.lake import lake_path

    root = lake_path(data_dir) if isinstance(data_dir, str) else data_dir
    con = duckdb.connect(":memory:", config=dict(SANDBOX))
    articles: list[str] = []
    for table_dir in table_dirs(root):
        if parts := _partition_files(table_dir):
            _add_view(con, table_dir.name, table_dataset(root, table_dir.name, parts))
            articles = [p for p, _ in parts] if table_dir.name == "articles" else articles
    _version_views(con, _later_versions(root, articles))
    return con


def table_dirs(root: Path) -> list[Path]:
    """Folders under the root that may hold a table: contract tables, and other folders only if
    their name is a plain identifier. Anything else is skipped with a warning, never quoted into SQL."""
    from newsflow.lake import is_local

    if not (root.is_dir() if is_local(root) else root.exists()):
        return []
    found = []
    for p in sorted(root.iterdir(), key=lambda p: p.name):
        name = p.name
        if name.startswith((".", "_")):
            continue  # _staging, _runs, _docs, _journal: the lake's own bookkeeping
        if name in tables.TABLES or (TABLE_NAME.fullmatch(name) and name not in DERIVED):
            found.append(p)
        else:
            log.warning("skipping %r under %s: not a table name (%s)", name, root, TABLE_NAME.pattern)
    return found


def _partition_files(table_dir: Path) -> list[tuple[str, date]]:
    """The table's Parquet parts (paths on the lake's filesystem) with their partition's day, only
    from folders named ``ingest_date=YYYY-MM-DD``. A local lake is listed with ``os.scandir``: a
    month of hourly runs is thousands of files per table, all listed on every `newsflow query`,
    and ``Path.glob`` spent ~0.1 s of the query's second on it."""
    from newsflow.lake import is_local

    if is_local(table_dir):
        found = []
        with os.scandir(table_dir) as folders:
            for folder in folders:
                if folder.name.startswith("ingest_date=") and folder.is_dir():
                    with os.scandir(folder.path) as files:
                        found += [(f.path, folder.name) for f in files
                                  if f.name.startswith("part-") and f.name.endswith(".parquet")]
    else:
        found = [(f.path, f.parent.name) for f in table_dir.glob("ingest_date=*/part-*.parquet")]
    days = {folder: _partition_day(folder) for _, folder in found}  # once per folder, not per file
    good = [(path, days[folder]) for path, folder in sorted(found) if days[folder] is not None]
    bad = {folder for folder, day in days.items() if day is None}
    for folder in sorted(bad):
        log.warning("skipping partition %r of %s: not ingest_date=YYYY-MM-DD", folder, table_dir.name)
    return good


def _partition_day(folder: str) -> date | None:
    """The day of an ``ingest_date=`` folder with a real date; None for anything else, which
    would fail the whole table's scan."""
    if not PARTITION.fullmatch(folder):
        return None
    try:
        return date.fromisoformat(folder.split("=", 1)[1])
    except ValueError:
        return None


def table_dataset(root: Path, name: str, parts: list[tuple[str, date]],
                  filesystem: pafs.FileSystem | None = None) -> ds.Dataset:
    """One table's files as a pyarrow dataset that DuckDB scans (so DuckDB itself needs no file
    access), opened by pyarrow on the lake's filesystem (local, or fsspec for object stores).

    Each file carries its partition as ``ingest_date == day``: pyarrow fills the column from it
    and skips every file whose day fails a filter DuckDB pushes into the scan (``ingest_date >=
    current_date - 7`` opens a week of files, not the month), then skips row groups by their
    statistics. Built from the listed paths with no per-file ``stat`` and no path parsing.
    ``filesystem`` replaces the lake's own (tests count the files a query opens with it).
    """
    from newsflow.lake import is_local

    fs = filesystem or (pafs.LocalFileSystem() if is_local(root) else pafs.PyFileSystem(pafs.FSSpecHandler(root.fs)))
    by_day = {day: pc.field("ingest_date") == pa.scalar(day, pa.date32()) for day in {d for _, d in parts}}
    partitions = [by_day[day] for _, day in parts]
    return ds.FileSystemDataset.from_paths([p for p, _ in parts], schema=_schema(name, parts, fs),
                                           format=ds.ParquetFileFormat(), filesystem=fs, partitions=partitions)


def _schema(name: str, parts: list[tuple[str, date]], fs: pafs.FileSystem) -> pa.Schema:
    """The contract's schema (older files read NULL in newer columns); for a folder outside the
    contract, the union of its files' schemas. Plus the partition column, as a date."""
    spec = tables.TABLES.get(name)
    if spec is not None:
        schema = spec.schema
    else:
        files = ds.dataset([p for p, _ in parts], format="parquet", filesystem=fs)
        schema = pa.unify_schemas([f.physical_schema for f in files.get_fragments()])
    if "ingest_date" in schema.names:
        schema = schema.remove(schema.get_field_index("ingest_date"))
    return schema.append(pa.field("ingest_date", pa.date32()))


def _add_view(con: duckdb.DuckDBPyConnection, name: str, dataset: ds.Dataset) -> None:
    """Register the dataset under a hidden name and put a plain view over it."""
    hidden = f"_arrow_{name}"
    con.register(hidden, dataset)
    con.execute(f"CREATE VIEW {quote_ident(_base(name))} AS SELECT * FROM {quote_ident(hidden)}")


def quote_ident(name: str) -> str:
    """A SQL identifier, double quotes doubled: whatever the name, it stays one identifier."""
    return '"' + name.replace('"', '""') + '"'


def _base(name: str) -> str:
    """Versioned tables are read through views of their current versions; the raw scan hides
    under an underscore name."""
    return f"_all_{name}" if name in VERSIONED else name


def _later_versions(root: Path, articles: list[str]):
    """The lake's index of later article versions for the ``articles`` files this connection
    lists (:mod:`newsflow.superseded`), or None when they must be read from the articles files."""
    from newsflow import superseded

    return superseded.index_for(root, articles)


def _version_views(con: duckdb.DuckDBPyConnection, index: tuple[ds.Dataset, pa.Table] | None = None) -> None:
    """`articles` and its child tables show each article's latest version; `article_versions`
    shows every version with `is_current`. Files from before versions existed read as version 1.

    A row is current unless its article has a later version. Only articles with a version above 1
    can have one, and the lake keeps an index of those (``index``), so `_latest_versions` reads a
    few small files instead of every articles file ever landed. A lake without the index is
    scanned with ``version > 1`` pushed into the scan. Either way, filters on the versioned views
    still reach their own scans.
    """
    have = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    if "_all_articles" not in have:
        return
    if index is not None:  # read when a query runs, as the articles files are
        con.register("_arrow__versions", index[0])
        con.register("_arrow__listed", index[1])
        source = "_arrow__versions v SEMI JOIN _arrow__listed l ON l.file = v.file WHERE v.version > 1"
    else:
        source = "_all_articles WHERE version > 1"
    con.execute(f"""CREATE VIEW _latest_versions AS
        SELECT article_id, max(version) AS version FROM {source} GROUP BY article_id""")
    con.execute("""CREATE VIEW article_versions AS
        SELECT a.* REPLACE (coalesce(a.version, 1)::INTEGER AS version),
               coalesce(a.version, 1) >= coalesce(l.version, 1) AS is_current
        FROM _all_articles a LEFT JOIN _latest_versions l ON l.article_id = a.article_id""")
    for name in VERSIONED:
        if f"_all_{name}" in have:
            con.execute(f"""CREATE VIEW {quote_ident(name)} AS
                SELECT t.* REPLACE (coalesce(t.version, 1)::INTEGER AS version) FROM {quote_ident(_base(name))} t
                ANTI JOIN _latest_versions l ON l.article_id = t.article_id AND l.version > coalesce(t.version, 1)""")


def pin_versions(con: duckdb.DuckDBPyConnection) -> None:
    """Read once which articles have later versions, into memory, for a job that runs many
    queries over a lake that cannot change meanwhile (the rollup holds the write lock): each
    query then joins that small table instead of opening every articles file again."""
    have = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    if "_latest_versions" in have:
        con.execute("CREATE TABLE _latest_versions_pinned AS SELECT * FROM _latest_versions")
        con.execute("CREATE OR REPLACE VIEW _latest_versions AS SELECT * FROM _latest_versions_pinned")


def views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables a user sees (hidden helpers start with an underscore)."""
    names = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()
    return [r[0] for r in names if not r[0].startswith("_")]


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per visible table, for the summary and the UI page."""
    return {n: con.execute(f"SELECT count(*) FROM {quote_ident(n)}").fetchall()[0][0] for n in views(con)}


def error_line(exc: duckdb.Error) -> str:
    """One line for the user; a sandbox refusal says why, so it does not read like a bug."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    locked = "configuration has been locked" in first
    if isinstance(exc, duckdb.PermissionException) or locked:
        return f"{first} (newsflow query is read-only over the lake's tables)"
    return first
