"""Stage 6, validate: run each table's Great Expectations suite (GX 1.x, ephemeral context).

Suites are built from the checks declared in :mod:`newsflow.tables`, so the contract lives in
one place. Checks GX cannot express on one column (offsets that must match the article text,
articles without sentences) become derived boolean columns computed here first.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from newsflow import tables
from newsflow.tables import CRITICAL

log = logging.getLogger(__name__)

ISO_4217 = frozenset(
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN "
    "BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS "
    "GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW "
    "KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD "
    "NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD "
    "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES "
    "VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL".split()
)


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

    @property
    def critical_failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.severity == CRITICAL]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.severity != CRITICAL]

    def status(self, table: str) -> str:
        rs = [r for r in self.results if r.table == table]
        if any(not r.success and r.severity == CRITICAL for r in rs):
            return "failed"
        return "passed with warnings" if any(not r.success for r in rs) else "passed"

    def describe_failures(self) -> str:
        lines = []
        for r in self.critical_failures:
            ex = f"; e.g. {r.examples[:3]}" if r.examples else ""
            lines.append(f"{r.table}: {r.expectation}({r.column or ''}) failed: {r.doc}"
                         f" [unexpected={r.unexpected_count}, observed={r.observed_value}]{ex}")
        return "\n".join(lines)


def _span_matches(df: pd.DataFrame, texts: dict[str, str]) -> pd.Series:
    def ok(row) -> bool:
        t = texts.get(row.article_id)
        return t is not None and 0 <= row.start < row.end <= len(t) and t[row.start : row.end] == row.text
    if df.empty:
        return pd.Series([], dtype=bool)
    return pd.Series([ok(r) for r in df.itertuples(index=False)], index=df.index, dtype=bool)


def derive(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add the ``_``-prefixed check columns that span more than one column or table."""
    out = {name: df.copy() for name, df in frames.items()}
    arts = out.get("articles", pd.DataFrame(columns=["article_id", "text"]))
    texts = dict(zip(arts["article_id"], arts["text"], strict=True))
    for name in ("sentences", "entities", "numbers"):
        if name in out:
            out[name]["_span_matches_text"] = _span_matches(out[name], texts)
    if "articles" in out:
        with_sents = set(out["sentences"]["article_id"]) if "sentences" in out else set()
        out["articles"]["_has_sentences"] = out["articles"]["article_id"].isin(with_sents).astype(bool)
    if "numbers" in out:
        n = out["numbers"]
        vals = n["value"].astype("float64")
        vmax = n["value_max"].astype("float64")
        n["_value_finite"] = vals.map(lambda v: v is not None and math.isfinite(v)).astype(bool)
        n["_range_ordered"] = (vmax.isna() | (vmax >= vals)).astype(bool)
        n["_money_unit_iso"] = ((n["kind"] != "money") | n["unit"].isin(ISO_4217)).astype(bool)
    return out


def _gx_expectation(gx, check: tables.Check):
    cls = getattr(gx.expectations, check.expectation)
    return cls(**check.kwargs, meta={"severity": check.severity, "doc": check.doc})


def validate_frames(frames: dict[str, pd.DataFrame]) -> ValidationReport:
    """Validate each table's DataFrame against its suite; never raises on data problems."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("newsflow")
    results: list[CheckResult] = []
    for name, df in derive(frames).items():
        table = tables.TABLES[name]
        suite = context.suites.add(gx.ExpectationSuite(name=f"newsflow.{name}"))
        checks = [
            tables.Check("ExpectTableColumnsToMatchSet",
                         {"column_set": table.column_names, "exact_match": False},
                         doc="every contract column is present"),
            *table.checks,
        ]
        for check in checks:
            suite.add_expectation(_gx_expectation(gx, check))
        batch_def = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("run")
        outcome = batch_def.get_batch(batch_parameters={"dataframe": df}).validate(suite)
        for check, res in zip(checks, _ordered(outcome.results, suite), strict=True):
            r = res.result or {}
            observed = r.get("observed_value")
            results.append(CheckResult(
                table=name, expectation=check.expectation,
                column=check.kwargs.get("column") or ",".join(check.kwargs.get("column_list", [])) or None,
                severity=check.severity, success=bool(res.success),
                observed_value=None if observed is None else str(observed)[:500],
                unexpected_count=r.get("unexpected_count"),
                examples=list(r.get("partial_unexpected_list") or [])[:5], doc=check.doc,
            ))
    report = ValidationReport(results)
    log.info("validated %d tables: %d checks, %d critical failures, %d warnings",
             len(frames), len(results), len(report.critical_failures), len(report.warnings))
    return report


def _ordered(results, suite) -> list:
    """GX returns results in suite order; match them by id to be safe."""
    by_id = {str(r.expectation_config.id): r for r in results}
    return [by_id[str(e.id)] for e in suite.expectations]
