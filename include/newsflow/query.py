"""DuckDB over the lake: every table under the data root becomes a view of the same name.

Views follow the table contract: files written before a nullable column was added read as
NULL in that column (the schema-evolution rule: columns are only ever added, as nullable).
`articles`, `sentences`, `entities` and `numbers` show the latest version of each article;
`article_versions` shows every version.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from newsflow import tables

_DUCK_TYPES = {pa.string(): "VARCHAR", pa.int32(): "INTEGER", pa.int64(): "BIGINT", pa.float64(): "DOUBLE",
               pa.bool_(): "BOOLEAN", pa.date32(): "DATE", tables.UTC_TS: "TIMESTAMPTZ",
               pa.list_(pa.string()): "VARCHAR[]"}


def connect(data_dir: Path | str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per landed table (hive partitions, schema unified)."""
    from newsflow.lake import is_local, lake_path

    root = lake_path(data_dir) if isinstance(data_dir, str) else data_dir
    if not is_local(root):
        return _connect_remote(root)
    con = duckdb.connect(":memory:")
    table_dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
        if root.is_dir() else []
    for table_dir in table_dirs:
        if not any(table_dir.glob("ingest_date=*/part-*.parquet")):
            continue
        pattern = str(table_dir / "ingest_date=*" / "part-*.parquet").replace("'", "''")
        scan = f"read_parquet('{pattern}', hive_partitioning = true, union_by_name = true)"
        present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()}
        spec = tables.TABLES.get(table_dir.name)
        cols = []
        if spec is not None:
            for c in spec.columns:
                cols.append(f'"{c.name}"' if c.name in present
                            else f'CAST(NULL AS {_DUCK_TYPES.get(c.type, "VARCHAR")}) AS "{c.name}"')
            known = {c.name for c in spec.columns}
            cols += [f'"{c}"' for c in sorted(present - known)]
        select = ", ".join(cols) if cols else "*"
        con.execute(f'CREATE VIEW "{_base(table_dir.name)}" AS SELECT {select} FROM {scan}')
    _version_views(con)
    return con


VERSIONED = ("articles", "sentences", "entities", "numbers")


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
            con.execute(f"""CREATE VIEW "{name}" AS
                SELECT t.* REPLACE (coalesce(t.version, 1)::INTEGER AS version) FROM "_all_{name}" t
                SEMI JOIN articles a ON t.article_id = a.article_id AND coalesce(t.version, 1) = a.version""")


def views(con: duckdb.DuckDBPyConnection) -> list[str]:
    names = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()
    return [r[0] for r in names if not r[0].startswith("_")]


def _connect_remote(root) -> duckdb.DuckDBPyConnection:
    """Object-store lakes: DuckDB scans pyarrow datasets read through fsspec (no DuckDB extension
    to download), each with the contract schema so older files read with NULL in newer columns."""
    import pyarrow.dataset as ds

    con = duckdb.connect(":memory:")
    for table_dir in sorted(p for p in root.iterdir() if not p.name.startswith((".", "_"))):
        files = sorted(table_dir.glob("ingest_date=*/part-*.parquet"))
        if not files:
            continue
        spec = tables.TABLES.get(table_dir.name)
        part = ds.partitioning(pa.schema([("ingest_date", pa.string())]), flavor="hive")
        schema = spec.schema.append(pa.field("ingest_date", pa.string())) if spec else None
        dataset = ds.dataset([f.path for f in files], format="parquet", filesystem=root.fs, schema=schema,
                             partitioning=part, partition_base_dir=table_dir.path)
        con.register(f"_arrow_{table_dir.name}", dataset)
        con.execute(f'CREATE VIEW "{_base(table_dir.name)}" AS SELECT * EXCLUDE (ingest_date), '
                    f'CAST(ingest_date AS DATE) AS ingest_date FROM "_arrow_{table_dir.name}"')
    _version_views(con)
    return con
