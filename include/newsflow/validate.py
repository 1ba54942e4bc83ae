"""Stage 6, validate: each table's Great Expectations suite (GX 1.x, ephemeral context).

Suites are built from the checks declared in :mod:`newsflow.tables`, so the contract lives in
one place. Checks GX cannot express on one column (offsets that must match the article text,
articles without sentences) become derived boolean columns computed here first.

Three severities: ``row`` checks move offending rows to quarantine (the rest is published),
``critical`` failures stop publication, ``warning`` failures are only recorded. Results can be
rendered as Great Expectations Data Docs (static HTML) for each run.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from newsflow import tables
from newsflow.dates import dates_consistent
from newsflow.geo import places_valid
from newsflow.numbers import ISO_4217
from newsflow.runs import FUTURE_TOLERANCE
from newsflow.tables import CRITICAL, ROW

log = logging.getLogger(__name__)

# Great Expectations logs hundreds of INFO lines while it imports ("Skipping registering function
# ... because it is a closure" from great_expectations._docs_decorators, once per data source
# method) and a few more per run (metric registry, temporary docs folders): they buried a task's
# own log. Its loggers are set to WARNING here, before GX is first imported (validate_frames
# imports it lazily), and again after the import for the ones GX sets to INFO itself
# (great_expectations.data_context.types.base). GX warnings and errors still show.
GX_LOG_LEVEL = logging.WARNING


def quiet_great_expectations_logs() -> None:
    """Keep Great Expectations' INFO/DEBUG chatter out of the task log (idempotent)."""
    logging.getLogger("great_expectations").setLevel(GX_LOG_LEVEL)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if (name.startswith("great_expectations.") and isinstance(logger, logging.Logger)
                and logger.level != logging.NOTSET and logger.level < GX_LOG_LEVEL):
            logger.setLevel(GX_LOG_LEVEL)


quiet_great_expectations_logs()


@dataclass
class CheckResult:
    table: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    observed_value: str | None
    unexpected_count: int | None
    examples: list[Any] = field(default_factory=list)
    doc: str = ""


@dataclass
class ValidationReport:
    results: list[CheckResult]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # what may be published
    quarantined: list[dict] = field(default_factory=list)  # rows removed by row checks

    @property
    def critical_failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.severity == CRITICAL]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.severity not in (CRITICAL, ROW)]

    def status(self, table: str) -> str:
        rs = [r for r in self.results if r.table == table]
        if any(not r.success and r.severity == CRITICAL for r in rs):
            return "failed"
        notes = []
        if (n := sum(r.unexpected_count or 0 for r in rs if r.severity == ROW)):
            notes.append(f"{n} rows quarantined")
        if any(not r.success and r.severity not in (CRITICAL, ROW) for r in rs):
            notes.append("warnings")
        return "passed" + (f" ({', '.join(notes)})" if notes else "")

    def describe_failures(self) -> str:
        lines = []
        for r in self.critical_failures:
            ex = f"; offending rows: {r.examples[:3]}" if r.examples else ""
            lines.append(f"{r.table}: {r.expectation}({r.column or ''}) failed: {r.doc}"
                         f" [unexpected={r.unexpected_count}, observed={r.observed_value}]{ex}")
        return "\n".join(lines)

    def results_rows(self, run_id: str) -> list[dict]:
        return [{"run_id": run_id, "table": r.table, "expectation": r.expectation, "column": r.column,
                 "severity": r.severity, "success": r.success, "observed_value": r.observed_value,
                 "unexpected_count": r.unexpected_count, "description": r.doc} for r in self.results]


# --------------------------------------------------------------------------- derived columns

def _span_matches(df: pd.DataFrame, texts: dict[str, str]) -> pd.Series:
    """Whether each row's text is exactly its article's text at its offsets. Over plain lists,
    not ``itertuples``: with pandas' Arrow-backed strings the row iteration was most of the
    validation's cost per row."""
    def ok(aid, start, end, text) -> bool:
        t = texts.get(aid)
        if t is None:
            return True  # an orphan row: the critical referential check reports it
        if start is None or end is None or text is None or start != start or end != end:
            return True  # a null offset or text: the critical not-null checks report it
        start, end = int(start), int(end)
        return 0 <= start < end <= len(t) and t[start:end] == text
    if df.empty:
        return pd.Series([], dtype=bool)
    columns = (df[c].astype(object).where(df[c].notna(), None).tolist() for c in ("article_id", "start", "end", "text"))
    return pd.Series([ok(*row) for row in zip(*columns, strict=True)], index=df.index, dtype=bool)


def _member(ids: pd.Series, values: list) -> pd.Series:
    """``ids.isin(values)`` as plain booleans, through Arrow: pandas' isin on Arrow-backed strings
    converted the value list one scalar at a time, a cost that grew with the run."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(ids.astype(object).where(ids.notna(), None).tolist(), type=pa.string())
    found = pc.is_in(arr, value_set=pa.array([str(v) for v in values if v is not None], type=pa.string()))
    return pd.Series(found.fill_null(False).to_numpy(zero_copy_only=False), index=ids.index, dtype=bool)


def derive(frames: dict[str, pd.DataFrame], run_time: datetime | None = None) -> dict[str, pd.DataFrame]:
    """Add the ``_``-prefixed check columns that span more than one column or table."""
    out = {name: df.drop(columns=[c for c in df.columns if c.startswith("_")]) for name, df in frames.items()}
    arts = out.get("articles", pd.DataFrame(columns=["article_id", "text"]))
    texts = dict(zip(arts["article_id"], arts["text"], strict=True))
    known = list(texts)
    for name in ("sentences", "entities", "numbers", "quotes", "dates"):
        if name in out:
            out[name]["_span_matches_text"] = _span_matches(out[name], texts)
            out[name]["_in_known_article"] = _member(out[name]["article_id"], known)
    if "articles" in out:
        a = out["articles"]
        with_sents = list(set(out["sentences"]["article_id"])) if "sentences" in out else []
        with_ents = list(set(out["entities"]["article_id"])) if "entities" in out else []
        a["_has_sentences"] = _member(a["article_id"], with_sents)
        a["_has_entities"] = _member(a["article_id"], with_ents).astype(float)
        if run_time is not None and "published_at" in a:
            limit = pd.Timestamp(run_time + FUTURE_TOLERANCE)
            a["_published_not_future"] = (a["published_at"].isna() | (a["published_at"] <= limit)).astype(bool)
        else:
            a["_published_not_future"] = True
    if "dates" in out:
        out["dates"]["_dates_consistent"] = dates_consistent(out["dates"])
    if "entities" in out:
        out["entities"]["_place_on_globe"] = places_valid(out["entities"])
    if "numbers" in out:
        n = out["numbers"]
        vals = pd.to_numeric(n["value"], errors="coerce").astype("float64")
        vmax = pd.to_numeric(n["value_max"], errors="coerce").astype("float64")
        # null values are the not-null check's business; here only inf and -inf fail
        n["_value_finite"] = (vals.isna() | np.isfinite(vals.to_numpy(dtype="float64", na_value=np.nan))).astype(bool)
        n["_range_ordered"] = (vmax.isna() | (vmax >= vals)).astype(bool)
        n["_money_unit_iso"] = ((n["kind"] != "money") | n["unit"].map(is_money_unit)).astype(bool)
    return out


def is_money_unit(unit: object) -> bool:
    """An ISO 4217 code alone ("USD") or as a rate's numerator ("USD per barrel"): the issue asks
    for money rates as one unit, and they are still money in a known currency."""
    if not isinstance(unit, str):
        return False
    code, sep, per = unit.partition(" per ")
    return code in ISO_4217 and (not sep or bool(per.strip()))


def _row_mask(df: pd.DataFrame, check: tables.Check) -> pd.Series:
    """Rows that break a row-level check (a set-membership expectation)."""
    col, allowed = check.kwargs["column"], check.kwargs["value_set"]
    if col not in df:
        return pd.Series(False, index=df.index)
    return df[col].notna() & ~df[col].isin(allowed)


def quarantine_rows(frames: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[dict], dict]:
    """Remove rows that fail ``row`` checks; return cleaned frames, quarantine records, counts."""
    cleaned, records, counts = dict(frames), [], {}
    for name, df in frames.items():
        bad_any = pd.Series(False, index=df.index)
        for i, check in enumerate(tables.TABLES[name].checks):
            if check.severity != ROW:
                continue
            bad = _row_mask(df, check) & ~bad_any
            counts[(name, i)] = int(bad.sum())
            if not counts[(name, i)]:
                continue
            for row in df[bad].to_dict(orient="records"):
                payload = {k: v for k, v in row.items() if not k.startswith("_")}
                records.append({"stage": "validate", "source": name, "external_id": row.get("article_id"),
                                "reason": f"{name}: {check.doc}",
                                "payload": json.dumps(payload, default=str, ensure_ascii=False)})
            bad_any |= bad
        cleaned[name] = df[~bad_any] if bad_any.any() else df
    return cleaned, records, counts


# --------------------------------------------------------------------------- GX

def _gx_expectation(gx, check: tables.Check):
    cls = getattr(gx.expectations, check.expectation)
    return cls(**check.kwargs, meta={"severity": check.severity, "doc": check.doc})


def preload_great_expectations() -> None:
    """Import Great Expectations quietly ahead of time (the CLI does it while its workers process
    the batches: the import is about 3 s the run would otherwise wait for)."""
    _import_great_expectations()


def validate_frames(frames: dict[str, pd.DataFrame], run_id: str = "adhoc", run_time: datetime | None = None,
                    docs_dir: Path | None = None) -> ValidationReport:
    """Validate each table's DataFrame against its suite; never raises on data problems. The
    frames are checked as one batch (derived columns, row checks), then validated like a run's
    batches: over SQL, in a scratch SQLite file (:func:`run_suites`)."""
    import tempfile

    from newsflow.checkdb import CheckDB

    derived = derive(frames, run_time)
    cleaned, quarantined, row_counts = quarantine_rows(derived)
    if quarantined:  # cross-table columns again, now without the removed rows (the same when none was)
        cleaned = derive(cleaned, run_time)
    with tempfile.TemporaryDirectory(prefix="newsflow-check-") as tmp:
        db = CheckDB(Path(tmp))
        for name, df in cleaned.items():
            db.append(name, df)
        url = db.close()
        results = run_suites(url, db.rows, row_counts, run_id=run_id, run_time=run_time, docs_dir=docs_dir)
    publishable = {n: df.drop(columns=[c for c in df.columns if c.startswith("_")]) for n, df in cleaned.items()}
    return ValidationReport(results, publishable, quarantined)


def _import_great_expectations():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    quiet_great_expectations_logs()  # before the import: most of the noise is logged while importing
    import great_expectations as gx

    quiet_great_expectations_logs()  # and the loggers GX set to INFO while importing
    return gx


def _context(gx, docs_dir: Path | None):
    """An ephemeral GX context, without progress bars, with the run's Data Docs site."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        context.add_data_docs_site(site_name="newsflow", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return context


def run_suites(url: str, rows: dict[str, int], row_counts: dict, run_id: str = "adhoc",
               run_time: datetime | None = None, docs_dir: Path | None = None) -> list[CheckResult]:
    """Each table's suite over the SQLite tables at ``url`` (``rows``: each table's row count;
    ``row_counts``: rows each row check already moved to quarantine, by (table, check index)).
    GX computes every metric as a query, so its cost per run is about fixed and the rows stay in
    the file."""
    started = time.perf_counter()
    gx = _import_great_expectations()  # first: importing any part of GX imports all of it
    from great_expectations.core.run_identifier import RunIdentifier

    imported = time.perf_counter() - started
    context = _context(gx, docs_dir)
    source = context.data_sources.add_sqlite("newsflow", connection_string=url)
    gx_run = RunIdentifier(run_name=run_id, run_time=run_time)
    results: list[CheckResult] = []
    for name, count in rows.items():
        results += _run_suite(gx, context, source, name, count, row_counts, gx_run)
    if docs_dir is not None:
        # once for the run, not as each checkpoint's action: every build re-renders the site with
        # freshly compiled templates, so building per table cost about 0.6 s a table
        context.build_data_docs(site_names=["newsflow"])
    _release(source)
    failed = [r for r in results if not r.success]
    log.info("validated %d tables in %.1f s (%.1f s importing Great Expectations): %d checks, %d failed",
             len(rows), time.perf_counter() - started, imported, len(results), len(failed))
    return results


def _per_row(check: tables.Check) -> bool:
    """An expectation over each row (GX over SQL leaves its unexpected count out on an empty
    table, where pandas said 0)."""
    return check.expectation.startswith(("ExpectColumnValue", "ExpectCompoundColumns"))


def _release(source) -> None:
    """Close GX's connections to the scratch file: its SQL data source keeps one open (and its
    engine's pool) for as long as the context lives, which held a deleted copy of the run."""
    try:
        source.get_execution_engine().close()
    finally:
        source.get_engine().dispose()


def _run_suite(gx, context, source, name: str, count: int, row_counts: dict, gx_run) -> list[CheckResult]:
    """One table's suite as one checkpoint; its results in the contract's order."""
    table = tables.TABLES[name]
    checks = [
        tables.Check("ExpectTableColumnsToMatchSet", {"column_set": table.column_names, "exact_match": False},
                     doc="every contract column is present"),
        *table.checks,
    ]
    # the whole suite at once: add_expectation on a stored suite re-saves it every time
    suite = context.suites.add(gx.ExpectationSuite(
        name=f"newsflow.{name}", expectations=[_gx_expectation(gx, c) for c in checks]))
    batch_def = source.add_table_asset(name, table_name=name).add_batch_definition_whole_table("run")
    vd = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch_def, suite=suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=f"newsflow.{name}", validation_definitions=[vd], actions=[],
        result_format={"result_format": "SUMMARY", "unexpected_index_column_names": list(table.key)}))
    outcome = next(iter(checkpoint.run(run_id=gx_run).run_results.values()))
    results = []
    for i, (check, res) in enumerate(zip(checks, _ordered(outcome.results, suite), strict=True)):
        r = res.result or {}
        observed = r.get("observed_value")
        removed = row_counts.get((name, i - 1), 0)  # i - 1: checks[0] is the column-set check
        examples = r.get("partial_unexpected_index_list") or r.get("partial_unexpected_list") or []
        # distribution warnings say nothing about an empty batch (a run with nothing new)
        vacuous = check.severity == tables.WARNING and count == 0
        results.append(CheckResult(
            table=name, expectation=check.expectation,
            column=check.kwargs.get("column") or ",".join(check.kwargs.get("column_list", [])) or None,
            severity=check.severity, success=(bool(res.success) or vacuous) and removed == 0,
            observed_value=(f"{removed} rows quarantined" if removed else
                            None if observed is None else str(observed)[:500]),
            unexpected_count=removed or r.get("unexpected_count", 0 if count == 0 and _per_row(check) else None),
            examples=[_plain(e) for e in examples[:5]], doc=check.doc,
        ))
    return results


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v.item() if hasattr(v, "item") else v


def _ordered(results, suite) -> list:
    """GX returns results in suite order; match them by id to be safe."""
    by_id = {str(r.expectation_config.id): r for r in results}
    return [by_id[str(e.id)] for e in suite.expectations]
