"""Lake maintenance: re-validating landed partitions and compacting small files.

Compaction merges the per-run files of an old partition into one file without changing any
row. Run files are what make a rerun replace its rows, so only partitions older than the rerun
window are compacted, and the run ids a compacted file holds are recorded beside it: rerunning
such a run afterwards is refused with a clear error instead of silently duplicating rows.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date

import pyarrow as pa

from newsflow import tables
from newsflow.lake import Lake, read_parquet, write_parquet
from newsflow.lock import MAINTENANCE_WAIT, process_holder
from newsflow.runs import RunInfo

log = logging.getLogger(__name__)

COMPACTED_MANIFEST = "_compacted.json"


def validate_landed(lake: Lake, day: date | None = None):
    """Re-run the suites over what has landed (all days, or one). Returns the report."""
    from newsflow.validate import validate_frames

    lake.recover()
    frames = {}
    for name in ("articles", "sentences", "entities", "numbers", "quarantine"):
        files = [f for f in lake.table_files(name) if day is None or f.parent.name == f"ingest_date={day}"]
        spec = tables.TABLES[name]
        t = pa.concat_tables([_conform(read_parquet(f), spec) for f in files]) if files else spec.empty()
        frames[name] = df = t.to_pandas()
        if "version" in df:  # every version of an article is checked on its own: key rows by both
            df["article_id"] = df["article_id"] + "@" + df["version"].fillna(1).astype(int).astype(str)
    return validate_frames(frames, run_id=f"revalidate-{day or 'all'}")


def _conform(t: pa.Table, spec: tables.Table) -> pa.Table:
    """Old files lack columns added later: they read as nulls (the schema-evolution rule)."""
    cols = [t[c.name] if c.name in t.column_names else pa.nulls(t.num_rows, c.type) for c in spec.columns]
    return pa.Table.from_arrays(cols, schema=spec.schema)


def compact(lake: Lake, before: date, lock_wait: float = MAINTENANCE_WAIT,
            holder: str | None = None) -> dict[str, int]:
    """Merge the run files of every partition older than ``before`` into one file per partition.

    Holds the lake's write lock throughout (waiting up to ``lock_wait`` seconds for a running
    writer, then :class:`~newsflow.lock.LakeLocked`): a run publishing into a partition while it
    is merged would have its file deleted with the ones merged.
    A caller already holding the lock passes its ``holder`` token: the lock is then renewed
    and left held.
    """
    with lake.writer_lock(holder or process_holder("compact"), wait=lock_wait, pid_bound=holder is None).hold():
        return _compact(lake, before)


def _compact(lake: Lake, before: date) -> dict[str, int]:
    lake.recover()
    merged: dict[str, int] = {}
    for name, spec in tables.TABLES.items():
        for part in lake.partitions(name):
            day = date.fromisoformat(part.name.split("=", 1)[1])
            files = sorted(part.glob("part-*.parquet"))
            if day >= before or len(files) < 2:
                continue
            runs = sorted(f.stem.removeprefix("part-") for f in files)
            combined = pa.concat_tables([_conform(read_parquet(f), spec) for f in files])
            key = hashlib.sha256("\n".join(runs).encode()).hexdigest()[:12]
            run = RunInfo(run_id=f"compacted-{key}", logical_time=_midnight(day))
            staged = write_parquet(combined, lake.staging(run).final(name),
                                   sort_by="article_id" if "article_id" in combined.column_names else None)
            manifest_path = part / COMPACTED_MANIFEST
            previous = lake.read_json(manifest_path, {})
            record = {**previous, **{r: f"part-{run.run_id}.parquet" for r in runs if not r.startswith("compacted-")}}
            # The journal makes the swap all-or-nothing: new file in, old files out (and, for the
            # articles, their entries in the lake's index of later versions with them).
            lake.publish(run, {name: staged}, {"run_id": run.run_id, "compacted": runs},
                         replaces=[f for f in files if f.stem != f"part-{run.run_id}"], record_run=False)
            lake.clear_staging(run)
            lake.write_json(manifest_path, record)
            merged[f"{name}/{part.name}"] = len(files)
    log.info("compacted %d partitions", len(merged))
    return merged


def compacted_run(lake: Lake, table: str, run: RunInfo) -> str | None:
    """The compacted file that holds ``run``'s rows, if its partition was compacted."""
    for part in lake.partitions(table):
        held = lake.read_json(part / COMPACTED_MANIFEST, {})
        if run.run_id in held:
            return str(part / held[run.run_id])
    return None


def _midnight(day: date):
    from datetime import UTC, datetime

    return datetime.combine(day, datetime.min.time(), UTC)

