"""One lake file from many staged parts, in the lake's order, a bounded slice at a time.

A run's validated tables come from hundreds of batch parts, and the lake stores each table as
one file per run, sorted (:data:`newsflow.lake.STORAGE_ORDER`, else by article). Concatenating
the parts and sorting them held the whole table in memory (issue 12). Here only the sort keys of
every row are read and sorted (a few columns); the rows then go out in slices of at most
``chunk_rows``, each slice gathered from the parts that hold its rows. Row groups are cut by the
same rule as :func:`newsflow.lake.write_parquet` (the last, unfinished group of a slice is
carried into the next), so the file matches what writing the sorted table at once gives.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsflow import lake as lakeio
from newsflow.tables import Table

CHUNK_ROWS = lakeio.ROW_GROUP_SIZE


def sort_keys(spec: Table, sort_by: str | None) -> list[str]:
    """The columns the lake sorts a table by (the same choice as ``write_parquet``)."""
    if not sort_by:
        return []
    if order := lakeio.STORAGE_ORDER.get(spec.name):
        return [c for c in order if c in spec.column_names]
    if sort_by not in spec.column_names:
        return []
    return [sort_by, *(c for c in ("sentence_index", "start") if c in spec.column_names)]


def _order(parts: Sequence[Path], keys: list[str]) -> tuple[pa.Array, pa.Array]:
    """(part number, row number) of every row, in the sorted order. Ties keep the parts' order
    and each part's row order, as a stable sort of the parts concatenated would."""
    tables = []
    for i, path in enumerate(parts):
        t = lakeio.read_parquet(path, columns=keys)
        n = t.num_rows
        cols = {k: (t[k].cast(t[k].type.value_type) if pa.types.is_dictionary(t[k].type) else t[k])
                for k in keys} if keys else {}
        tables.append(pa.table({**cols, "_part": pa.array([i] * n, pa.int32()),
                                "_row": pa.array(range(n), pa.int64())}))
    if not tables:
        return pa.array([], pa.int32()), pa.array([], pa.int64())
    t = pa.concat_tables(tables)
    if keys:
        t = t.take(pc.sort_indices(t, sort_keys=[(k, "ascending") for k in [*keys, "_part", "_row"]]))
    return t["_part"].combine_chunks(), t["_row"].combine_chunks()


def _slice(parts: Sequence[Path], schema: pa.Schema, part_no: pa.Array, row_no: pa.Array) -> pa.Table:
    """The rows named by (part, row), in that order, read from the parts that hold them."""
    pieces, positions = [], []
    for p in pc.unique(part_no).to_pylist():
        where = pc.indices_nonzero(pc.equal(part_no, p))
        rows = pc.take(row_no, where)
        pieces.append(lakeio.read_parquet(parts[p]).cast(schema).take(rows))
        positions.append(where)
    if not pieces:
        return schema.empty_table()
    gathered = pa.concat_tables(pieces)
    return gathered.take(pc.sort_indices(pa.concat_arrays([a.cast(pa.int64()) for a in positions])))


def write_parts(parts: Sequence[Path], path: Path, spec: Table, sort_by: str | None = "article_id",
                extra: pa.Table | None = None, chunk_rows: int = CHUNK_ROWS) -> int:
    """Write the rows of ``parts`` (then ``extra``, unsorted tables only) to ``path`` atomically,
    as ``write_parquet`` would write them all at once; the number of rows."""
    keys = sort_keys(spec, sort_by)
    if extra is not None and keys:
        raise ValueError("extra rows only for tables kept in the order given")
    part_no, row_no = _order(parts, keys)
    stored = keys if lakeio.STORAGE_ORDER.get(spec.name) else []  # recorded in the file, as write_parquet does
    options = lakeio.parquet_options(spec, stored)
    split = stored[0] if stored else None
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}") if lakeio.is_local(path) else path
    if lakeio.is_local(path):
        path.parent.mkdir(parents=True, exist_ok=True)
    written, pending = 0, spec.schema.empty_table()
    with tmp.open("wb") as f, pq.ParquetWriter(f, spec.schema, **options) as writer:
        for at in range(0, len(part_no), chunk_rows):
            chunk = _slice(parts, spec.schema, part_no.slice(at, chunk_rows), row_no.slice(at, chunk_rows))
            pending = pa.concat_tables([pending, chunk])
            groups = lakeio.row_groups(pending, split)
            for offset, length in groups[:-1]:
                writer.write_table(pending.slice(offset, length), row_group_size=max(length, 1))
                written += length
            offset, _ = groups[-1]
            pending = pending.slice(offset).combine_chunks()
        if extra is not None and extra.num_rows:
            pending = pa.concat_tables([pending, extra.cast(spec.schema)])
        for offset, length in lakeio.row_groups(pending, split):
            writer.write_table(pending.slice(offset, length), row_group_size=max(length, 1))
            written += length
    if lakeio.is_local(path):
        os.replace(tmp, path)
    return written
