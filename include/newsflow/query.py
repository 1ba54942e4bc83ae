"""DuckDB over the lake: every table under the data root becomes a view of the same name."""

from __future__ import annotations

from pathlib import Path

import duckdb


def connect(data_dir: Path | str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per landed table (hive partitions, schema unified)."""
    root = Path(data_dir)
    con = duckdb.connect(":memory:")
    for table_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
            if root.is_dir() else []:
        if not any(table_dir.glob("ingest_date=*/part-*.parquet")):
            continue
        pattern = str(table_dir / "ingest_date=*" / "part-*.parquet").replace("'", "''")
        con.execute(
            f'CREATE VIEW "{table_dir.name}" AS SELECT * FROM read_parquet(\'{pattern}\', '
            "hive_partitioning = true, union_by_name = true)"
        )
    return con


def views(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()]
