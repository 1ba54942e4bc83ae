"""One lake file from many staged parts, in the lake's order, a bounded slice at a time.

A run's validated tables come from hundreds of batch parts, and the lake stores each table as
one file per run, sorted (:data:`newsflow.lake.STORAGE_ORDER`, else by article). Concatenating
the parts and sorting them held the whole table in memory (issue 12). Here only the sort keys of
every row are read and sorted (a few columns); the rows then go out in slices of at most
``chunk_rows`` and about ``ROW_GROUP_BYTES``, each slice gathered from the parts that hold its rows. Row groups are cut by the
same rule as :func:`newsflow.lake.write_parquet` (the last, unfinished group of a slice is
carried into the next), so the file matches what writing the sorted table at once gives.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsflow import lake as lakeio
from newsflow import rowgroups
from newsflow.tables import Table

CHUNK_ROWS = rowgroups.ROW_GROUP_SIZE
_ROW_KEYS = ("article_id", "sentence_index", "start")  # newsflow.lake.sort_rows


def sort_keys(spec: Table, sort_by: str | None) -> list[str]:
    """The columns the lake sorts a table by (the same choice as ``write_parquet``)."""
    if not sort_by:
        return []
    if order := rowgroups.STORAGE_ORDER.get(spec.name):
        return [c for c in order if c in spec.column_names]
    if sort_by not in spec.column_names:
        return []
    return [sort_by, *(c for c in ("sentence_index", "start") if c in spec.column_names)]


def order_keys(spec: Table, sort_by: str | None = "article_id") -> list[str]:
    """:func:`sort_keys`, then the keys the rows were sorted by before (``sort_rows``): the full
    order of a written file, ties included, so a part sorted by it is in the file's order."""
    keys = sort_keys(spec, sort_by)
    return keys + [k for k in _ROW_KEYS if k in spec.column_names and k not in keys] if keys else []


def sort_part(table: pa.Table, spec: Table, sort_by: str | None = "article_id") -> pa.Table:
    """A part's rows in the order :func:`write_parts` writes them (stable), so each slice reads
    one run of rows from it."""
    keys = order_keys(spec, sort_by)
    return table.take(pc.sort_indices(table, sort_keys=[(k, "ascending") for k in keys])) if keys else table


def _plain(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col


def _order(parts: Sequence[Path], keys: list[str]) -> tuple[pa.Array, pa.Array]:
    """(part number, row number) of every row, in the sorted order. Ties keep the parts' order
    and each part's row order, as a stable sort of the parts concatenated would. Only the keys
    are read: for an article-sorted table a string and two integers a row."""
    tables = []
    for i, path in enumerate(parts):
        t = lakeio.read_parquet(path, columns=keys)
        n = t.num_rows
        tables.append(pa.table({**{k: _plain(t[k]) for k in keys}, "_part": pa.array(np.full(n, i, np.int32)),
                                "_row": pa.array(np.arange(n, dtype=np.int64))}))
    if not tables:
        return pa.array([], pa.int32()), pa.array([], pa.int64())
    t = pa.concat_tables(tables)
    if keys:
        t = t.take(pc.sort_indices(t, sort_keys=[(k, "ascending") for k in [*keys, "_part", "_row"]]))
    return t["_part"].combine_chunks(), t["_row"].combine_chunks()


def rows_of_bytes(metas: Sequence[pq.FileMetaData]) -> int | None:
    """Rows of about ROW_GROUP_BYTES, from files' footers (their uncompressed sizes); None for
    files without rows. The one recipe for how many rows to hold at once when reading parts."""
    rows = sum(m.num_rows for m in metas)
    size = sum(m.row_group(i).total_byte_size for m in metas for i in range(m.num_row_groups))
    return max(1, int(rowgroups.ROW_GROUP_BYTES * rows / size)) if rows and size else None


def _rows_per_slice(parts: Sequence[Path]) -> int:
    """A slice of articles holds a few thousand texts, one of entities the full ROW_GROUP_SIZE rows."""
    return rows_of_bytes([lakeio.read_metadata(p) for p in parts]) or CHUNK_ROWS


def _read_rows(path: Path, rows: pa.Array) -> pa.Table:
    """The rows ``rows`` (ascending) of one part. When they are one run (a part sorted like the
    file, see :func:`sort_part`), only the row groups holding them are read; otherwise all."""
    first, last = rows[0].as_py(), rows[-1].as_py()
    f = path.open("rb") if not lakeio.is_local(path) else None
    try:
        pf = pq.ParquetFile(f or path)
        # take, not slice: a slice would keep the whole group read alive until the slice is written
        if last - first + 1 != len(rows):
            return pf.read().take(rows)
        groups, start, at = [], None, 0
        for g in range(pf.metadata.num_row_groups):
            n = pf.metadata.row_group(g).num_rows
            if at + n > first and at <= last:
                groups.append(g)
                start = at if start is None else start
            at += n
        return pf.read_row_groups(groups).take(pc.add(rows, -start))
    finally:
        if f is not None:
            f.close()


def _slice(parts: Sequence[Path], schema: pa.Schema, part_no: pa.Array, row_no: pa.Array) -> pa.Table:
    """The rows named by (part, row), in that order, read from the parts that hold them."""
    pieces, positions = [], []
    for p in pc.unique(part_no).to_pylist():
        where = pc.indices_nonzero(pc.equal(part_no, p))
        rows = pc.take(row_no, where)
        ascending = len(rows) < 2 or pc.all(pc.greater(rows.slice(1), rows.slice(0, len(rows) - 1))).as_py()
        if ascending:
            pieces.append(_read_rows(parts[p], rows).cast(schema))
        else:  # a part not in the file's order: read its rows ascending, then put them in order
            ranks = pc.subtract(pc.rank(rows, "ascending"), 1)
            pieces.append(_read_rows(parts[p], rows.take(pc.array_sort_indices(rows))).cast(schema).take(ranks))
        positions.append(where)
    if not pieces:
        return schema.empty_table()
    gathered = pa.concat_tables(pieces)
    return gathered.take(pc.sort_indices(pa.concat_arrays([a.cast(pa.int64()) for a in positions])))


def write_parts(parts: Sequence[Path], path: Path, spec: Table, sort_by: str | None = "article_id",
                extra: pa.Table | None = None, chunk_rows: int = CHUNK_ROWS) -> int:
    """Write the rows of ``parts`` (then ``extra``, unsorted tables only) to ``path`` atomically,
    as ``write_parquet`` would write them all at once; the number of rows."""
    keys = order_keys(spec, sort_by)
    if extra is not None and keys:
        raise ValueError("extra rows only for tables kept in the order given")
    part_no, row_no = _order(parts, keys)
    chunk_rows = min(chunk_rows, _rows_per_slice(parts))
    stored = sort_keys(spec, sort_by) if rowgroups.STORAGE_ORDER.get(spec.name) else []  # recorded in the file, as write_parquet does
    options = rowgroups.parquet_options(spec, stored)
    split = stored[0] if stored else None
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}") if lakeio.is_local(path) else path
    if lakeio.is_local(path):
        path.parent.mkdir(parents=True, exist_ok=True)
    written, pending = 0, spec.schema.empty_table()
    with tmp.open("wb") as f, pq.ParquetWriter(f, spec.schema, **options) as writer:
        for at in range(0, len(part_no), chunk_rows):
            chunk = _slice(parts, spec.schema, part_no.slice(at, chunk_rows), row_no.slice(at, chunk_rows))
            pending = pa.concat_tables([pending, chunk])
            groups = rowgroups.row_groups(pending, split)
            for offset, length in groups[:-1]:
                writer.write_table(pending.slice(offset, length), row_group_size=max(length, 1))
                written += length
            offset, _ = groups[-1]
            pending = pending.slice(offset).combine_chunks()
        if extra is not None and extra.num_rows:
            pending = pa.concat_tables([pending, extra.cast(spec.schema)])
        for offset, length in rowgroups.row_groups(pending, split):
            writer.write_table(pending.slice(offset, length), row_group_size=max(length, 1))
            written += length
    if lakeio.is_local(path):
        os.replace(tmp, path)
    return written
