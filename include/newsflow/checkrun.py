"""Stage 6 for a whole run: validate the staged batches without holding the run's tables.

Each staged unit (a processed batch, the rows a rerun carries forward, what fetching and staging
set aside) is checked on its own: its cross-table check columns and row checks
(:func:`newsflow.validate.derive`, :func:`~newsflow.validate.quarantine_rows`) only relate rows of
one article, and an article's rows are all in one unit. The checked rows go to a scratch SQLite
file (:mod:`newsflow.checkdb`), where Great Expectations runs every suite over SQL, so the checks
that span the run (uniqueness, means) see all of it; and to checked parts, which are written to
the run's validated files in the lake's order a slice at a time (:mod:`newsflow.partwrite`).
The largest process therefore holds one unit, not the run (issue 12).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsflow import staging, tables
from newsflow.checkdb import CheckDB
from newsflow.fetch import quarantine_table
from newsflow.lake import (
    Lake,
    StagingArea,
    is_local,
    read_metadata,
    read_parquet,
    read_parquet_many,
    sort_rows,
    write_parquet,
)
from newsflow.partwrite import rows_of_bytes, sort_part, write_parts
from newsflow.runs import RunInfo, safe_key

log = logging.getLogger(__name__)

PROCESSED_TABLES = ("articles", "sentences", "entities", "numbers", "quotes", "dates", "quarantine", "duplicates")
ARTICLE_TABLES = PROCESSED_TABLES[:6]  # rows of one landed article each (copies and rejects are not)
# Checked together: about this many articles (and at most this many bytes of staged rows), or
# this many rows of a table without articles; the frames of one unit are the most validation holds.
UNIT_ARTICLES = 1000
UNIT_BYTES = 64 * 1024 * 1024
UNIT_ROWS = 20_000
PART_GROUP_ROWS = 512  # checked parts: a slice of the lake file reads only the groups it needs


@dataclass
class Checked:
    """What checking the units left: the SQLite file, the checked parts, and the row checks'
    quarantine records and counts."""

    db: CheckDB
    parts: dict[str, list[Path]] = field(default_factory=lambda: {n: [] for n in PROCESSED_TABLES})
    quarantined: int = 0
    row_counts: dict[tuple[str, int], int] = field(default_factory=dict)
    article_ids: set[str] = field(default_factory=set)
    run_id: str = ""
    validation_quarantine: list[Path] = field(default_factory=list)
    units: int = 0


def _rows(path: Path) -> int:
    """A Parquet file's row count, from its footer."""
    return read_metadata(path).num_rows


def staged_rows(area: StagingArea) -> int:
    """Rows staged in every processed table (file footers only)."""
    return sum(_rows(p) for name in PROCESSED_TABLES for p in area.parts(name))


def _size(path: Path) -> int:
    """A Parquet file's uncompressed size, from its footer."""
    meta = read_metadata(path)
    return sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))


def _read(paths: list[Path], name: str) -> pa.Table:
    return read_parquet_many(paths, tables.TABLES[name].schema)


def _carried(parts: dict[str, list[Path]], articles: int, scratch: Path) -> Iterator[dict[str, pa.Table]]:
    """The rows a rerun carries forward, a chunk of ``articles`` articles at a time (each
    table's rows of those articles; a rerun of a big interval carries most of it). Each carried
    table is read once and split into one scratch file per chunk (:func:`_shard`); filtering the
    whole table for each chunk held all of it and took time quadratic in its size. Copies and
    quarantine rows belong to no landed article: they go by rows. Rows of an article that was
    not carried come last, in a unit of their own, so the checks see them (and fail the run)."""
    by_article = {n: ps for n, ps in parts.items() if n in ARTICLE_TABLES}
    yield from _row_batches({n: ps for n, ps in parts.items() if n not in by_article}, UNIT_ROWS)
    ids = sorted({a for p in by_article.get("articles", [])
                  for a in read_parquet(p, columns=["article_id"])["article_id"].to_pylist()})
    chunk_of = {a: i // articles for i, a in enumerate(ids)}
    shards = _shard(by_article, chunk_of, scratch)
    for c in range(-(-len(ids) // articles)):
        yield {name: _read([files[c]] if c in files else [], name) for name, files in shards.items()}
    strays = {name: _read([files[-1]], name) for name, files in shards.items() if -1 in files}
    if strays:
        yield strays


def _shard(by_article: dict[str, list[Path]], chunk_of: dict[str, int], scratch: Path) -> dict[str, dict[int, Path]]:
    """One pass over each carried table, ``UNIT_ROWS`` rows at a time: each row to the file of
    its article's chunk (-1: an article that was not carried)."""
    import numpy as np

    scratch.mkdir(parents=True, exist_ok=True)
    out: dict[str, dict[int, Path]] = {}
    for name, paths in by_article.items():
        schema, files, writers = tables.TABLES[name].schema, {}, {}
        try:
            for path in paths:
                for batch in _batches(path, UNIT_ROWS):
                    t = pa.Table.from_batches([batch]).cast(schema)
                    keys = np.array([chunk_of.get(a, -1) for a in t["article_id"].to_pylist()], dtype=np.int64)
                    for c in (int(k) for k in np.unique(keys)):
                        if c not in writers:
                            files[c] = scratch / f"{name}-{c}.parquet"
                            writers[c] = pq.ParquetWriter(files[c], schema, compression="none")
                        writers[c].write_table(t.filter(pa.array(keys == c)))
        finally:
            for writer in writers.values():
                writer.close()
        out[name] = files
    return out


def _batches(path: Path, rows: int) -> Iterator[pa.RecordBatch]:
    """A Parquet file's rows, at most ``rows`` and about ROW_GROUP_BYTES at a time (long
    texts: 20,000 rows of 20 KB articles were 400 MB a batch), local or on an object store."""
    f = path.open("rb") if not is_local(path) else None
    try:
        pf = pq.ParquetFile(f or path)
        yield from pf.iter_batches(batch_size=min(rows, rows_of_bytes([pf.metadata]) or rows))
    finally:
        if f is not None:
            f.close()


def _row_batches(parts: dict[str, list[Path]], rows: int) -> Iterator[dict[str, pa.Table]]:
    """A folder of one table without articles (fetch and staging quarantine, copies): its rows
    ``rows`` at a time (their checks are row by row)."""
    for name, paths in parts.items():
        schema = tables.TABLES[name].schema
        for path in paths:
            for batch in _batches(path, rows):
                yield {name: pa.Table.from_batches([batch]).cast(schema)}


def units(area: StagingArea, articles: int | None = None, size: int | None = None,
          scratch: Path | None = None) -> Iterator[dict[str, pa.Table]]:
    """The run's staged rows as units, in the order of :meth:`StagingArea.parts`: consecutive
    processed batches joined until a unit holds about ``articles`` articles or ``size`` bytes
    (pandas' cost per frame is then paid per thousand articles, not per batch, while a unit's
    size stays the same at any run size); the carried rows by chunks of articles; each other
    staging folder (quarantine, copies) by chunks of rows. ``scratch``: where the carried rows
    are split (default: a temporary folder)."""
    if scratch is None:
        with tempfile.TemporaryDirectory(prefix="newsflow-units-") as tmp:
            yield from units(area, articles, size, Path(tmp))
        return
    articles, size = articles or UNIT_ARTICLES, size or UNIT_BYTES
    grouped: dict[Path, dict[str, list[Path]]] = {}
    for name in PROCESSED_TABLES:
        for path in area.parts(name):
            grouped.setdefault(path.parent, {}).setdefault(name, []).append(path)
    unit: dict[str, list[Path]] = {}
    held = weight = 0
    for folder, parts in grouped.items():
        if folder.parent != area.root / "out":  # not a processed batch (a run may be called "out")
            if unit:
                yield {name: _read(paths, name) for name, paths in unit.items()}
                unit, held, weight = {}, 0, 0
            yield from (_carried(parts, articles, scratch / "carried") if folder.name == "carried"
                        else _row_batches(parts, UNIT_ROWS))
            continue
        for name, paths in parts.items():
            unit.setdefault(name, []).extend(paths)
        held += sum(_rows(p) for p in parts.get("articles", []))
        weight += sum(_size(p) for paths in parts.values() for p in paths)
        if held >= articles or weight >= size:
            yield {name: _read(paths, name) for name, paths in unit.items()}
            unit, held, weight = {}, 0, 0
    if unit:
        yield {name: _read(paths, name) for name, paths in unit.items()}


def check_unit(unit: dict[str, pa.Table], run_time: datetime | None, out: Path, checked: Checked) -> None:
    """Derive, row-check and store one unit (see the module docstring): its checked rows go to
    the SQLite file and, in the order the lake file will have, to checked parts; the rows the
    row checks removed go to a quarantine part of their own."""
    from newsflow.validate import derive, quarantine_rows

    frames = {}
    for name in PROCESSED_TABLES:
        t = unit.get(name, tables.TABLES[name].empty())
        frames[name] = sort_rows(t, "article_id" if name != "quarantine" else None).to_pandas()
    del unit
    derived = derive(frames, run_time)
    cleaned, quarantined, counts = quarantine_rows(derived)
    if quarantined:  # cross-table columns again, now without the removed rows
        cleaned = derive(cleaned, run_time)
    for key, n in counts.items():
        checked.row_counts[key] = checked.row_counts.get(key, 0) + n
    checked.article_ids.update(cleaned["articles"]["article_id"])
    out.mkdir(parents=True)
    if quarantined:
        part = out / "_validation_quarantine.parquet"
        pq.write_table(tables.QUARANTINE.from_rows([{**q, "run_id": checked.run_id} for q in quarantined]), part)
        checked.validation_quarantine.append(part)
        checked.quarantined += len(quarantined)
    for name, df in cleaned.items():
        checked.db.append(name, df)
        if len(df):
            spec = tables.TABLES[name]
            table = pa.Table.from_pandas(df[spec.column_names], schema=spec.schema, preserve_index=False)
            part = out / f"{name}.parquet"
            pq.write_table(sort_part(table, spec, None if name == "quarantine" else "article_id"), part,
                           compression="none", row_group_size=PART_GROUP_ROWS)
            checked.parts[name].append(part)


def check_units(area: StagingArea, run: RunInfo, scratch: Path) -> Checked:
    """Every unit of the run through :func:`check_unit`, one at a time."""
    checked, run_time = Checked(CheckDB(scratch), run_id=run.run_id), run.logical_time
    for i, unit in enumerate(units(area, scratch=scratch / "units")):
        check_unit(unit, run_time, scratch / f"unit-{i:05d}", checked)
        checked.units += 1
        del unit
        release_memory()
    return checked


def release_memory() -> None:
    """Give the memory a unit or a table used back to the system: Arrow's allocator keeps freed
    blocks for reuse (see :mod:`newsflow` for its choice), and glibc's ``malloc_trim`` returns the free pages pandas' and Python's
    freed objects leave in the heap. Without it, RSS kept the high-water mark of every unit's
    fragments (about +80 MB by the end of a 20,000-article run, while the live data stayed flat)."""
    import ctypes
    import ctypes.util

    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: the allocator keeps its pages
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def write_validated(lake: Lake, run: RunInfo, checked: Checked, results_rows: list[dict]) -> dict[str, int]:
    """The run's validated files, ready to publish; their row counts. Copies whose original did
    not land leave ``duplicates`` for ``quarantine`` (:func:`newsflow.staging.orphan_copies`)."""
    area, counts = lake.staging(run), {}
    for name in ("articles", "sentences", "entities", "numbers", "quotes", "dates"):
        counts[name] = write_parts(checked.parts[name], area.final(name), tables.TABLES[name])
        release_memory()
    dup_spec = tables.TABLES["duplicates"]
    frames = {"duplicates": read_parquet_many(checked.parts["duplicates"], dup_spec.schema).to_pandas(),
              "articles": pd.DataFrame({"article_id": sorted(checked.article_ids)})}
    orphans = staging.orphan_copies(lake, run, frames)
    dups = pa.Table.from_pandas(frames["duplicates"][dup_spec.column_names], schema=dup_spec.schema,
                                preserve_index=False)
    write_parquet(dups, area.final("duplicates"))
    counts["duplicates"] = dups.num_rows
    counts["quarantine"] = write_parts([*area.parts("quarantine"), *checked.validation_quarantine],
                                       area.final("quarantine"), tables.QUARANTINE, sort_by=None,
                                       extra=quarantine_table(orphans, run))
    results = tables.VALIDATION_RESULTS.from_rows(results_rows)
    write_parquet(results, area.final("validation_results"), sort_by=None)
    counts["validation_results"] = results.num_rows
    return counts


def validate_staged(lake: Lake, run: RunInfo, docs: Path | None) -> tuple[Any, dict[str, int] | None]:
    """Check the units, run the suites over SQL, and (when nothing critical failed) write the
    validated files. The report (without frames) and the counts, None when nothing was written."""
    from newsflow.validate import ValidationReport, run_suites

    started = time.perf_counter()
    area = lake.staging(run)
    # scratch inside the run's staging on a local lake (cleared with it); an object-store lake's
    # in the system's temporary folder, named by the run. A killed attempt's is removed here.
    where, prefix = (area.root, "check-") if is_local(area.root) else (None, f"newsflow-check-{safe_key(run.run_id)}-")
    for old in Path(where or tempfile.gettempdir()).glob(f"{prefix}*"):
        shutil.rmtree(old, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=prefix, dir=where) as tmp:
        checked = check_units(area, run, Path(tmp))
        url = checked.db.close()
        loaded = time.perf_counter() - started
        results = run_suites(url, checked.db.rows, checked.row_counts, run_id=run.run_id,
                             run_time=run.logical_time, docs_dir=docs)
        report = ValidationReport(results, {}, [])
        if report.critical_failures:
            return report, None
        counts = write_validated(lake, run, checked, report.results_rows(run.run_id))
    log.info("run %s: checked %d units in %.1f s (%d rows quarantined), validated and wrote in %.1f s "
             "(Arrow allocator: %s)", run.run_id, checked.units, loaded, checked.quarantined,
             time.perf_counter() - started - loaded, pa.default_memory_pool().backend_name)
    return report, counts
