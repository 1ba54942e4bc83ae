"""Validating one staged run without holding the run in memory.

A run's rows reach validation as staged parts: one folder per processed batch, the rows a rerun
carries forward, and what fetching and staging wrote (quarantine, duplicates). Validation used to
combine every part of every table into one set of DataFrames; its memory then grew with the run
(about 14 MB per 1,000 articles on top of Great Expectations' own). Here it streams instead:

1. the row checks (:func:`newsflow.validate.check_rows`) one group of parts at a time: every row
   of an article sits in the same batch, so offsets, orphans and the per-article checks are
   exact per group; the checked rows go back to staging (``checked/<group>/``);
2. the suites (:func:`newsflow.validate.run_suites`) one table at a time over the checked parts;
3. the validated tables written one at a time, sorted the way the lake stores them.

Great Expectations still sees every row of every table, in one context and one Data Docs build
per run: its cost is fixed per run, and the run's peak memory is its largest table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from newsflow import staging, tables
from newsflow.fetch import quarantine_table
from newsflow.lake import Lake, StagingArea, parquet_rows, read_parquet, write_parquet
from newsflow.runs import RunInfo

ARTICLE_TABLES = ("articles", "sentences", "entities", "numbers", "quotes", "dates")
STAGED_TABLES = ("quarantine", "duplicates")


def staged_rows(lake: Lake, run: RunInfo, names: tuple[str, ...]) -> int:
    """How many rows the run staged in these tables (file metadata only)."""
    area = lake.staging(run)
    return sum(parquet_rows(p) for name in names for p in area.parts(name))


def _read(paths: list[Path], name: str) -> pa.Table:
    spec = tables.TABLES[name]
    parts = [read_parquet(p).cast(spec.schema) for p in paths if p.exists()]
    return pa.concat_tables(parts) if parts else spec.empty()


def _groups(area: StagingArea) -> Iterator[tuple[str, dict[str, list[Path]]]]:
    """The run's staged parts by group: each processed batch, the carried rows, the staged ones."""
    for d in area.batch_dirs():
        yield d.name, {name: [d / f"{name}.parquet"] for name in ARTICLE_TABLES}
    yield "carried", {name: [area.carried(name)] for name in ARTICLE_TABLES}
    yield "staged", {name: area.parts(name) for name in STAGED_TABLES}  # every part: batches' quarantine too


def _checked_table(name: str, df: pd.DataFrame) -> pa.Table:
    """Contract columns in the contract's types, then the derived ``_`` check columns."""
    spec = tables.TABLES[name]
    table = pa.Table.from_pandas(df[spec.column_names], schema=spec.schema, preserve_index=False)
    for column in (c for c in df.columns if c.startswith("_")):
        table = table.append_column(column, pa.array(df[column].to_numpy()))
    return table.replace_schema_metadata(None)


def check_groups(lake: Lake, run: RunInfo) -> tuple[list[dict], dict]:
    """Step 1: the row checks, group by group; returns the quarantine records and how many rows
    each row check removed (summed over the groups)."""
    from newsflow.validate import check_rows

    area, records, counts = lake.staging(run), [], {}
    for group, paths in _groups(area):
        frames = {name: _read(p, name).to_pandas() for name, p in paths.items()}
        cleaned, quarantined, removed = check_rows(frames, run.logical_time)
        records += quarantined
        for key, n in removed.items():
            counts[key] = counts.get(key, 0) + n
        for name, df in cleaned.items():
            write_parquet(_checked_table(name, df), area.checked(group, name), sort_by=None)
    return records, counts


def load_checked(area: StagingArea, name: str) -> pd.DataFrame:
    """Step 2's input: one table's checked rows, all groups."""
    parts = [read_parquet(p) for p in area.checked_parts(name)]
    return pa.concat_tables(parts).to_pandas() if parts else tables.TABLES[name].empty().to_pandas()


def _validated(area: StagingArea, name: str) -> pa.Table:
    spec = tables.TABLES[name]
    parts = [read_parquet(p).select(spec.column_names).cast(spec.schema) for p in area.checked_parts(name)]
    return pa.concat_tables(parts) if parts else spec.empty()


def write_final(lake: Lake, run: RunInfo, report: Any) -> dict[str, int]:
    """Step 3: the validated tables, one at a time, ready to publish; returns their row counts.
    Copies of articles that did not land move from `duplicates` to `quarantine`."""
    area, counts = lake.staging(run), {}
    articles = _validated(area, "articles")
    dups = _validated(area, "duplicates")
    frames = {"articles": articles.select(["article_id"]).to_pandas(), "duplicates": dups.to_pandas()}
    orphans = staging.orphan_copies(lake, run, frames)
    if orphans:
        dups = pa.Table.from_pandas(frames["duplicates"], schema=tables.DUPLICATES.schema, preserve_index=False)
    for name in (*ARTICLE_TABLES, "duplicates"):
        table = {"articles": articles, "duplicates": dups}.get(name) or _validated(area, name)
        write_parquet(table, area.final(name), sort_by="article_id")
        counts[name] = table.num_rows
        del table
    quarantine = pa.concat_tables([
        _read(area.parts("quarantine"), "quarantine"),
        tables.QUARANTINE.from_rows([{**q, "run_id": run.run_id} for q in report.quarantined]),
        quarantine_table(orphans, run),
    ])
    results = tables.VALIDATION_RESULTS.from_rows(report.results_rows(run.run_id))
    for name, table in (("quarantine", quarantine), ("validation_results", results)):
        write_parquet(table, area.final(name), sort_by=None)
        counts[name] = table.num_rows
    return counts
