"""How rows lie in a lake file: the sort order of each table, its row groups and the writer's
options. One home for both ways a file is written: whole (:func:`newsflow.lake.write_parquet`)
and a slice at a time (:mod:`newsflow.partwrite`), which must give the same file."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsflow import tables

ROW_GROUP_SIZE = 128 * 1024
ROW_GROUP_BYTES = 8 * 1024 * 1024  # of text values; see row_groups
# How a table's rows lie in its files when it is not simply in article order, chosen for the
# queries that read it (issue 12). Entities are read by label and grouped by canonical name (top
# people of the week, the daily rollup): sorted so, a file's row groups are cut where the label
# changes (once they hold LABEL_GROUP_MIN rows, so small files stay one group), and their
# statistics let a reader skip the groups of other labels; the names compress into runs. On
# a compacted day of entities that halves the cost of a PERSON query and quarters a GPE one.
STORAGE_ORDER: dict[str, tuple[str, ...]] = {"entities": ("label", "canonical", "article_id", "start", "end")}
LABEL_GROUP_MIN = 4096

def parquet_options(spec: tables.Table | None, order: list[str]) -> dict[str, Any]:
    """The writer options of a lake file: zstd, dictionary-encoded labels, statistics, and the
    sort order it was written in."""
    dict_cols = [c.name for c in spec.columns if c.dictionary] if spec else True
    options: dict[str, Any] = {"compression": "zstd", "use_dictionary": dict_cols, "write_statistics": True}
    if order and spec:
        options["sorting_columns"] = pq.SortingColumn.from_ordering(spec.schema, [(c, "ascending") for c in order])
    return options


def _text_bytes(table: pa.Table) -> Any:
    """Cumulative bytes of each row's text and binary values (``out[i]``: rows before ``i``),
    or None for a table without any: what makes a row group large in memory."""
    sizes = None
    for col in table.columns:
        t = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
        if not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t)):
            continue
        plain = col.cast(t) if pa.types.is_dictionary(col.type) else col
        n = pc.fill_null(pc.binary_length(plain), 0).to_numpy().astype(np.int64)
        sizes = n if sizes is None else sizes + n
    return None if sizes is None else np.concatenate([[0], np.cumsum(sizes)])


def row_groups(table: pa.Table, split: str | None = None) -> list[tuple[int, int]]:
    """(offset, length) of each row group: at most ROW_GROUP_SIZE rows and about
    ROW_GROUP_BYTES of text (so writing or reading one group holds a bounded amount whatever the
    file's size: 20,000 articles' texts are one group otherwise), and with ``split``, also closed
    where that (sorted) column changes once the group holds LABEL_GROUP_MIN rows. Each cut
    depends only on the rows before it, so a file written a slice at a time gets the same groups."""
    n = table.num_rows
    changes: list[int] = []
    if split and n > LABEL_GROUP_MIN:
        values = table[split]
        if pa.types.is_dictionary(values.type):
            values = values.cast(values.type.value_type)
        changed = pc.fill_null(pc.not_equal(values.slice(1), values.slice(0, n - 1)), True)
        changes = [i + 1 for i in pc.indices_nonzero(changed).to_pylist()]
    cum = _text_bytes(table) if n else None

    def cap(start: int) -> int:
        limit = start + ROW_GROUP_SIZE
        if cum is not None:
            limit = min(limit, max(start + 1, int(np.searchsorted(cum, cum[start] + ROW_GROUP_BYTES, "right")) - 1))
        return limit

    bounds = [0]
    for at in [*changes, n]:
        while at > (limit := cap(bounds[-1])):
            bounds.append(limit)
        if at == n or at - bounds[-1] >= LABEL_GROUP_MIN:
            bounds.append(at)
    return [(a, b - a) for a, b in pairwise(bounds)]  # an empty table: one empty group, as before
