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

import logging
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
from newsflow.lake import Lake, StagingArea, is_local, read_parquet_many, sort_rows, write_parquet
from newsflow.partwrite import write_parts
from newsflow.runs import RunInfo

log = logging.getLogger(__name__)

PROCESSED_TABLES = ("articles", "sentences", "entities", "numbers", "quotes", "dates", "quarantine", "duplicates")
# Articles checked together: the frames of this many articles are the most validation holds.
UNIT_ARTICLES = 1000


@dataclass
class Checked:
    """What checking the units left: the SQLite file, the checked parts, and the row checks'
    quarantine records and counts."""

    db: CheckDB
    parts: dict[str, list[Path]] = field(default_factory=lambda: {n: [] for n in PROCESSED_TABLES})
    quarantined: list[dict] = field(default_factory=list)
    row_counts: dict[tuple[str, int], int] = field(default_factory=dict)
    article_ids: set[str] = field(default_factory=set)


def _rows(path: Path) -> int:
    """A Parquet file's row count, from its footer."""
    if is_local(path):
        return pq.read_metadata(path).num_rows
    with path.open("rb") as f:
        return pq.read_metadata(f).num_rows


def staged_rows(area: StagingArea) -> int:
    """Rows staged in every processed table (file footers only)."""
    return sum(_rows(p) for name in PROCESSED_TABLES for p in area.parts(name))


def units(area: StagingArea, articles: int = UNIT_ARTICLES) -> Iterator[dict[str, list[Path]]]:
    """The staged parts grouped by folder (one processed batch, the carried rows, the fetch and
    staging quarantine, the copies), in the order of :meth:`StagingArea.parts`; consecutive
    batches are joined until a unit holds about ``articles`` articles, so pandas' cost per frame
    is paid per thousand articles, not per batch, while a unit's size stays the same at any run
    size."""
    grouped: dict[Path, dict[str, list[Path]]] = {}
    for name in PROCESSED_TABLES:
        for path in area.parts(name):
            grouped.setdefault(path.parent, {}).setdefault(name, []).append(path)
    unit: dict[str, list[Path]] = {}
    held = 0
    for folder, parts in grouped.items():
        if folder.parent.name != "out":  # carried rows and staging's own parts: units of their own
            yield from ([unit] if unit else [])
            unit, held = {}, 0
            yield parts
            continue
        for name, paths in parts.items():
            unit.setdefault(name, []).extend(paths)
        held += sum(_rows(p) for p in parts.get("articles", []))
        if held >= articles:
            yield unit
            unit, held = {}, 0
    if unit:
        yield unit


def check_unit(unit: dict[str, list[Path]], run_time: datetime | None, out: Path, checked: Checked) -> None:
    """Derive, row-check and store one unit (see the module docstring)."""
    from newsflow.validate import derive, quarantine_rows

    frames = {}
    for name in PROCESSED_TABLES:
        spec = tables.TABLES[name]
        t = read_parquet_many(unit.get(name, []), spec.schema)
        frames[name] = sort_rows(t, "article_id" if name != "quarantine" else None).to_pandas()
    derived = derive(frames, run_time)
    cleaned, quarantined, counts = quarantine_rows(derived)
    if quarantined:  # cross-table columns again, now without the removed rows
        cleaned = derive(cleaned, run_time)
    checked.quarantined += quarantined
    for key, n in counts.items():
        checked.row_counts[key] = checked.row_counts.get(key, 0) + n
    checked.article_ids.update(cleaned["articles"]["article_id"])
    out.mkdir(parents=True)
    for name, df in cleaned.items():
        checked.db.append(name, df)
        if len(df):
            spec = tables.TABLES[name]
            part = out / f"{name}.parquet"
            pq.write_table(pa.Table.from_pandas(df[spec.column_names], schema=spec.schema, preserve_index=False),
                           part, compression="none")
            checked.parts[name].append(part)


def check_units(area: StagingArea, run_time: datetime | None, scratch: Path) -> Checked:
    """Every unit of the run through :func:`check_unit`, one at a time."""
    checked = Checked(CheckDB(scratch))
    for i, unit in enumerate(units(area)):
        check_unit(unit, run_time, scratch / f"unit-{i:05d}", checked)
    return checked


def write_validated(lake: Lake, run: RunInfo, checked: Checked, results_rows: list[dict]) -> dict[str, int]:
    """The run's validated files, ready to publish; their row counts. Copies whose original did
    not land leave ``duplicates`` for ``quarantine`` (:func:`newsflow.staging.orphan_copies`)."""
    area, counts = lake.staging(run), {}
    for name in ("articles", "sentences", "entities", "numbers", "quotes", "dates"):
        counts[name] = write_parts(checked.parts[name], area.final(name), tables.TABLES[name])
    dup_spec = tables.TABLES["duplicates"]
    frames = {"duplicates": read_parquet_many(checked.parts["duplicates"], dup_spec.schema).to_pandas(),
              "articles": pd.DataFrame({"article_id": sorted(checked.article_ids)})}
    orphans = staging.orphan_copies(lake, run, frames)
    dups = pa.Table.from_pandas(frames["duplicates"][dup_spec.column_names], schema=dup_spec.schema,
                                preserve_index=False)
    write_parquet(dups, area.final("duplicates"))
    counts["duplicates"] = dups.num_rows
    extra = pa.concat_tables([
        tables.QUARANTINE.from_rows([{**q, "run_id": run.run_id} for q in checked.quarantined]),
        quarantine_table(orphans, run)])
    counts["quarantine"] = write_parts(area.parts("quarantine"), area.final("quarantine"), tables.QUARANTINE,
                                       sort_by=None, extra=extra)
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
    with tempfile.TemporaryDirectory(prefix=f"newsflow-check-{run.run_id}-") as tmp:
        checked = check_units(area, run.logical_time, Path(tmp))
        url = checked.db.close()
        loaded = time.perf_counter() - started
        results = run_suites(url, checked.db.rows, checked.row_counts, run_id=run.run_id,
                             run_time=run.logical_time, docs_dir=docs)
        report = ValidationReport(results, {}, checked.quarantined)
        if report.critical_failures:
            return report, None
        counts = write_validated(lake, run, checked, report.results_rows(run.run_id))
    log.info("run %s: checked %d units in %.1f s, validated and wrote in %.1f s", run.run_id,
             len(checked.parts["articles"]), loaded, time.perf_counter() - started - loaded)
    return report, counts
