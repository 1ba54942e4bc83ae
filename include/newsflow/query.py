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
import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds

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
_PARTITIONING = ds.partitioning(pa.schema([("ingest_date", pa.date32())]), flavor="hive")


def connect(data_dir: Path | str) -> duckdb.DuckDBPyConnection:
    """A sandboxed in-memory DuckDB with one view per landed table (hive partitions, schema unified)."""
    from newsflow.lake import lake_path

    root = lake_path(data_dir) if isinstance(data_dir, str) else data_dir
    con = duckdb.connect(":memory:", config=dict(SANDBOX))
    for table_dir in table_dirs(root):
        if files := _partition_files(table_dir):
            schema = _schema(table_dir.name, files, root)
            _add_view(con, table_dir.name, _dataset(root, files, schema, base_dir=table_dir))
    _version_views(con)
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


def _partition_files(table_dir: Path) -> list[Path]:
    """The table's Parquet parts, only from partition folders named like a date."""
    files = sorted(table_dir.glob("ingest_date=*/part-*.parquet"))
    good = [f for f in files if _is_partition(f.parent.name)]
    for folder in sorted({f.parent.name for f in files} - {f.parent.name for f in good}):
        log.warning("skipping partition %r of %s: not ingest_date=YYYY-MM-DD", folder, table_dir.name)
    return good


def _is_partition(folder: str) -> bool:
    """``ingest_date=`` and a real date: anything else would fail the whole table's scan."""
    if not PARTITION.fullmatch(folder):
        return False
    try:
        date.fromisoformat(folder.split("=", 1)[1])
    except ValueError:
        return False
    return True


def _schema(name: str, files: list[Path], root: Path) -> pa.Schema:
    """The contract's schema (older files read NULL in newer columns); for a folder outside the
    contract, the union of its files' schemas. Plus the partition column, as a date."""
    spec = tables.TABLES.get(name)
    if spec is not None:
        schema = spec.schema
    else:
        schema = pa.unify_schemas([f.physical_schema for f in _dataset(root, files).get_fragments()])
    if "ingest_date" in schema.names:
        schema = schema.remove(schema.get_field_index("ingest_date"))
    return schema.append(pa.field("ingest_date", pa.date32()))


def _dataset(root: Path, files: list[Path], schema: pa.Schema | None = None,
             base_dir: Path | None = None) -> ds.Dataset:
    """Files opened by pyarrow (local or through the lake's fsspec filesystem), so DuckDB itself
    needs no file access; with ``base_dir``, ``ingest_date`` comes from the hive folder names."""
    from newsflow.lake import is_local

    local = is_local(root)
    where = (lambda p: str(p)) if local else (lambda p: p.path)
    hive = {} if base_dir is None else {"partitioning": _PARTITIONING, "partition_base_dir": where(base_dir)}
    return ds.dataset([where(f) for f in files], format="parquet", schema=schema,
                      filesystem=None if local else root.fs, **hive)


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


def _version_views(con: duckdb.DuckDBPyConnection) -> None:
    """`articles` and its child tables show each article's latest version; `article_versions`
    shows every version with `is_current`. Files from before versions existed read as version 1."""
    have = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    if "_all_articles" not in have:
        return
    con.execute("""CREATE VIEW article_versions AS
        SELECT * REPLACE (coalesce(version, 1)::INTEGER AS version),
               coalesce(version, 1) = max(coalesce(version, 1)) OVER (PARTITION BY article_id) AS is_current
        FROM _all_articles""")
    con.execute("CREATE VIEW articles AS SELECT * EXCLUDE (is_current) FROM article_versions WHERE is_current")
    for name in VERSIONED[1:]:
        if f"_all_{name}" in have:
            con.execute(f"""CREATE VIEW {quote_ident(name)} AS
                SELECT t.* REPLACE (coalesce(t.version, 1)::INTEGER AS version) FROM {quote_ident(_base(name))} t
                SEMI JOIN articles a ON t.article_id = a.article_id AND coalesce(t.version, 1) = a.version""")


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
