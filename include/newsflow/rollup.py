"""Daily aggregates over the lake, built with DuckDB and landed as tables of their own.

One file per day (``part-rollup-YYYY-MM-DD.parquet``), recomputed whole for each day a run
touched, so rebuilding a day replaces it and never adds to it. Which days a run touched comes
from the lake, not from whoever asked for the rollup (:func:`catch_up`): the run manifests
published since the last rollup, so nothing missed while the rollup was paused stays stale.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

from newsflow import tables
from newsflow.lake import Lake, write_parquet
from newsflow.lock import MAINTENANCE_WAIT, process_holder
from newsflow.runs import RunInfo

log = logging.getLogger(__name__)

STATE = "rollup"  # _state/rollup.json: the run manifests already rolled up (catch_up)

# amounts_daily sums money per currency: a rate ("USD per barrel", issue 10) is a price, not an
# amount of money, and its unit is no currency code, so rates are left out of it.
ROLLUP_SQL = {
    "entity_mentions_daily": """
        SELECT e.ingest_date::DATE AS day, e.canonical, e.label, any_value(e.country_code) AS country_code,
               count(*)::BIGINT AS mentions, count(DISTINCT e.article_id)::BIGINT AS articles
        FROM entities e WHERE e.ingest_date::DATE = ?
        GROUP BY ALL ORDER BY mentions DESC, canonical""",
    "amounts_daily": """
        SELECT n.ingest_date::DATE AS day, n.unit AS currency, count(*)::BIGINT AS amounts,
               sum(n.value) AS total_value, max(n.value) AS max_value,
               count(DISTINCT n.article_id)::BIGINT AS articles
        FROM numbers n WHERE n.kind = 'money' AND n.unit NOT LIKE '% per %' AND n.ingest_date::DATE = ?
        GROUP BY ALL ORDER BY currency""",
    "articles_daily": """
        SELECT a.ingest_date::DATE AS day, coalesce(a.source, 'unknown') AS source,
               count(*)::BIGINT AS articles, sum(a.word_count)::BIGINT AS words
        FROM articles a WHERE a.ingest_date::DATE = ?
        GROUP BY ALL ORDER BY source""",
}


def landed_days(lake: Lake) -> list[date]:
    return sorted({date.fromisoformat(p.parent.name.split("=", 1)[1]) for p in lake.table_files("articles")})


def build(lake: Lake, days: Iterable[date] | None = None, lock_wait: float = MAINTENANCE_WAIT,
          holder: str | None = None) -> dict[str, int]:
    """Recompute the rollup tables for ``days`` (default: every landed day); validate; publish.

    Holds the lake's write lock throughout (waiting up to ``lock_wait`` seconds, then
    :class:`~newsflow.lock.LakeLocked`): a day's rollup read while a run lands into that day
    would be published already out of date.
    A caller already holding the lock passes its ``holder`` token: the lock is then renewed
    and left held.
    """
    with lake.writer_lock(holder or process_holder("rollup"), wait=lock_wait, pid_bound=holder is None).hold():
        return _build(lake, days)


def catch_up(lake: Lake, rebuild_all: bool = False, lock_wait: float = MAINTENANCE_WAIT,
             holder: str | None = None) -> dict[str, Any]:
    """Rebuild every day that changed since the rollup last caught up, whatever it was told.

    Asset events can be missed (the rollup DAG was paused, a run failed, events were merged into
    one run), so the lake itself says what changed: each published run leaves a manifest, and
    ``_state/rollup.json`` records the manifests already counted (their fingerprint and day). A
    new or changed manifest (a rerun, a reprocess) puts its day up for rebuilding, and so does a
    run whose manifest moved to another day or went away (its old day lost rows). With no state
    yet, or ``rebuild_all``, every landed day is rebuilt. The state is written only after the
    rebuild has published, under the same write lock, so a crash repeats work and never skips it.
    """
    with lake.writer_lock(holder or process_holder("rollup"), wait=lock_wait, pid_bound=holder is None).hold():
        lake.recover()
        state_path = lake.state_file(STATE)
        done = lake.read_json(state_path, None)
        current = {m["run_id"]: {"fingerprint": manifest_fingerprint(m), "ingest_date": m.get("ingest_date"),
                                 "empty": not any(n for t, n in m.get("counts", {}).items() if t != "validation_results")}
                   for m in lake.manifests()}
        if done is None or rebuild_all:
            days, changed = landed_days(lake), sorted(current)
        else:
            days, changed = changed_days(done.get("runs", {}), current)
        totals = _build(lake, days) if days else dict.fromkeys(ROLLUP_SQL, 0)
        lake.write_json(state_path, {"runs": current, "caught_up_at": datetime.now(UTC).isoformat()})
    log.info("rollup caught up on %d runs: %d days rebuilt", len(changed), len(days))
    return {"days": [d.isoformat() for d in days], "runs": changed, "rows": totals}


def manifest_fingerprint(manifest: dict[str, Any]) -> str:
    """What tells one publish of a run from another: the whole manifest (a rerun's differs, if
    only in ``published_at``)."""
    return hashlib.sha256(json.dumps(manifest, sort_keys=True, default=str).encode()).hexdigest()[:16]


def changed_days(done: dict[str, dict[str, Any]], current: dict[str, dict[str, Any]]) -> tuple[list[date], list[str]]:
    """The days to rebuild and the runs that made them: runs published or republished since
    ``done`` (their day, and the day they had before if it moved), and runs gone since (their day)."""
    days: set[str] = set()
    changed = []
    for run_id in sorted(set(done) | set(current)):
        before, now = done.get(run_id), current.get(run_id)
        if before == now or (before is None and now and now.get("empty")):
            continue  # unchanged, or a new run with nothing new (an idle hour): no day changed
        changed.append(run_id)
        days.update(d for d in ((before or {}).get("ingest_date"), (now or {}).get("ingest_date")) if d)
    return sorted(date.fromisoformat(d) for d in days), changed


def _build(lake: Lake, days: Iterable[date] | None) -> dict[str, int]:
    from newsflow.query import connect, pin_versions
    from newsflow.validate import validate_frames

    lake.recover()
    con = connect(lake.root)
    pin_versions(con)  # each day's queries then read only that day's partitions (issue 12)
    have = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    days = sorted(set(days)) if days is not None else landed_days(lake)
    if "article_versions" in have and days:
        days = sorted(set(days) | set(superseded_days(con, days)))
    totals = dict.fromkeys(ROLLUP_SQL, 0)
    for day in days:
        run = RunInfo(run_id=f"rollup-{day.isoformat()}", logical_time=datetime.combine(day, datetime.min.time(), UTC))
        staged, frames = {}, {}
        for name, sql in ROLLUP_SQL.items():
            spec = tables.TABLES[name]
            source = {"entity_mentions_daily": "entities", "amounts_daily": "numbers", "articles_daily": "articles"}[name]
            t = con.sql(sql, params=[day]).to_arrow_table() if source in have else spec.empty()
            t = pa.Table.from_pylist(t.to_pylist(), schema=spec.schema)
            frames[name] = t.to_pandas()
            staged[name] = write_parquet(t, lake.staging(run).final(name), sort_by=None)
            totals[name] += t.num_rows
        report = validate_frames(frames, run_id=run.run_id, run_time=run.logical_time)
        if report.critical_failures:
            lake.clear_staging(run)
            raise RuntimeError(f"rollup for {day} failed validation:\n{report.describe_failures()}")
        lake.publish(run, staged, {"run_id": run.run_id, "day": day.isoformat()}, record_run=False)
        lake.clear_staging(run)
    log.info("rolled up %d days: %s", len(days), totals)
    return totals


def superseded_days(con, days: list[date]) -> list[date]:
    """Days holding other versions of articles that landed a version on ``days``: which version
    counts (rollups count the latest) may have moved between those days, so they are rebuilt too."""
    if not days:
        return []
    # Only articles with a version above 1 have other versions: `_latest_versions` lists them, so
    # just the days' own partitions are read for `n`, and the articles table once for `o`.
    rows = con.execute(f"""
        SELECT DISTINCT o.ingest_date::DATE FROM _all_articles n
        SEMI JOIN _latest_versions l ON l.article_id = n.article_id
        JOIN _all_articles o ON o.article_id = n.article_id AND coalesce(o.version, 1) <> coalesce(n.version, 1)
        WHERE n.ingest_date IN ({", ".join("?" * len(days))})""", list(days)).fetchall()
    return [r[0] for r in rows]


def days_from_partitions(partitions: Iterable[str]) -> list[date]:
    """'ingest_date=2026-11-28' strings (from asset events) to dates."""
    return sorted({date.fromisoformat(p.split("=", 1)[1]) for p in partitions if p and "=" in p})
