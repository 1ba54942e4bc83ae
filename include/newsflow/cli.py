"""The ``newsflow`` command line: a stable contract for scripts and other tools.

    newsflow process INPUT... --out DIR [--run-id ID]
    newsflow query "SQL" --data DIR [--format table|csv|json]
    newsflow summary --data DIR
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from newsflow.settings import get_settings


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"newsflow: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="newsflow", description="News articles to validated, queryable Parquet.")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    pr = sub.add_parser("process", help="run clean..land on local files or folders")
    pr.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt, .html, .json, .jsonl files or folders")
    pr.add_argument("--out", required=True, help="data root to land the tables under (folder or s3://... URL)")
    pr.add_argument("--run-id", help="rerunning with the same id replaces that run's rows")
    pr.add_argument("--workers", type=int, metavar="N",
                    help="processes working on batches at once (default NEWSFLOW_WORKERS, 0: one per CPU core)")

    for name, helptext in (("fetch", "fetch from a sources file into a JSONL dump (no processing)"),
                           ("run", "fetch from a sources file and run the whole pipeline (no Airflow)")):
        f = sub.add_parser(name, help=helptext)
        f.add_argument("--sources", required=True, help="sources YAML file")
        f.add_argument("--out", required=True, help="data root (folder or s3://... URL)")
        f.add_argument("--run-id", help="rerunning with the same id replaces that run's rows")

    q = sub.add_parser("query", help="SQL over the landed tables with DuckDB")
    q.add_argument("sql")
    q.add_argument("--data", required=True, help="data root: a folder or a URL such as s3://bucket/prefix")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")

    s = sub.add_parser("summary", help="what the lake holds")
    s.add_argument("--data", required=True)

    sub.add_parser("schema", help="print the table contract as Markdown")

    va = sub.add_parser("validate", help="re-run the expectation suites over landed partitions")
    va.add_argument("--data", required=True)
    va.add_argument("--date", type=_iso_date, help="only this ingest date (YYYY-MM-DD)")

    ro = sub.add_parser("rollup", help="rebuild the daily rollup tables with DuckDB")
    ro.add_argument("--data", required=True)
    ro.add_argument("--date", type=_iso_date, action="append", help="only these ingest dates")

    co = sub.add_parser("compact", help="merge the per-run files of old partitions")
    co.add_argument("--data", required=True)
    co.add_argument("--older-than-days", type=int, default=7, metavar="N",
                    help="only partitions at least N days old (the rerun window; default 7)")

    ev = sub.add_parser("eval", help="precision, recall and F1 on the labelled development sets")
    ev.add_argument("--only", choices=("numbers", "entities", "quotes", "dates"), help="evaluate one extractor")
    ev.add_argument("--set", dest="eval_set", choices=("dev", "heldout", "quantulum", "real-dev", "real-dev2",
                                                            "real-dev3", "real-dev4", "real-dev5", "real-dev6",
                                                            "real-dev7", "real-dev8", "real-dev9", "real-dev10",
                                                            "real-dev11", "real-dev12", "real-dev13", "real-dev14",
                                                            "real-dev15", "real-dev16", "real-dev17", "real-dev18",
                                                            "real-dev19", "real-dev20", "real-dev21", "real-dev22",
                                                            "real-dev23", "real-dev24", "real-dev25", "real-dev26",
                                                            "real-dev27", "real-dev28", "real-dev29", "real-dev30",
                                                            "real-dev31", "real-dev32", "real-dev33", "real-dev34",
                                                            "real-dev35", "real-dev36", "real-dev37", "real-dev38",
                                                            "real-dev39", "real-dev40", "real-dev41", "real-dev42",
                                                            "real-dev43", "real-dev44", "real-heldout"),
                    default="dev",
                    help="dev: the sets the rules were developed on; heldout: sets labelled independently, "
                         "never used to tune; quantulum: quantulum3's test sentences (numbers); real-dev: real "
                         "news (numbers, entities, quotes, dates); real-dev2..36: more real news (numbers; dev3: technical units, "
                         "sports, non-USD money; dev4: everyday newswire; dev5: features, public finance, farming, "
                         "transport; dev6: wire news; dev7: public-body releases; dev8: current-events items; dev9..18: current events, general news and sport, business and energy releases, current-events items, Wikinews and VOA news, VOA and federal releases, sports pages, US federal releases; dev19..20: measured only; dev21..24: sports pages, current events and Wikinews, federal releases and VOA, a held-out-like mix; dev25..32: mixes, measured then tuned; dev33..36: measured only, then tuned; dev37..40: current events, VOA, federal releases, a 1995-2013 mix, measured then tuned; dev41..44: measured only); real-heldout: real news, for final "
                         "measurement only (default: dev)")
    ev.add_argument("--mode", choices=("strict", "bag"),
                    help="entities: strict span + label, or bag of mentions per document on PER/ORG/LOC/MISC "
                         "(default: bag for the real-* sets, strict otherwise)")
    ev.add_argument("--baseline", action="store_true", help="also score raw en_core_web_sm entities")
    ev.add_argument("--errors", type=int, default=0, metavar="N", help="list N errors per extractor")
    ev.add_argument("--json", action="store_true", help="machine-readable output")
    return p


def _iso_date(value: str):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _fail(msg: str, code: int = 1) -> int:
    print(f"newsflow: error: {msg}", file=sys.stderr)
    return code


def cmd_process(args: argparse.Namespace) -> int:
    from newsflow import pipeline
    from newsflow.lake import Lake
    from newsflow.runs import RunInfo

    missing = [i for i in args.inputs if not Path(i).exists()]
    if len(missing) == len(args.inputs):
        return _fail(f"no such input: {', '.join(missing)}", 2)
    lake = Lake(args.out)
    if lake.blocked():
        return _fail(f"--out {args.out} exists and is not a directory", 2)
    settings = get_settings()
    if args.workers is not None:
        if args.workers < 0:
            return _fail(f"--workers must be a whole number ≥ 0 (0: one per CPU core), got {args.workers}", 2)
        settings = dataclasses.replace(settings, workers=args.workers)
    try:
        run = RunInfo.for_cli(args.run_id, datetime.now(UTC))
    except ValueError as exc:
        return _fail(str(exc), 2)

    def progress(done: int, total: int) -> None:
        if total > 1:
            print(f"\rprocessing batch {done}/{total}", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)

    try:
        manifest = pipeline.run_all(lake, run, settings, pipeline.local_fetchers(args.inputs, settings), progress)
    except pipeline.ValidationFailed as exc:
        return _fail(str(exc).splitlines()[0] + " " + "; ".join(str(exc).splitlines()[1:4]))
    except pipeline.RunCompacted as exc:
        return _fail(str(exc))
    print(format_run(manifest))
    return 0


def _web_run(args: argparse.Namespace, fetch_only: bool) -> int:
    from newsflow import pipeline
    from newsflow.lake import Lake
    from newsflow.runs import RunInfo
    from newsflow.sources import SourcesError

    settings = get_settings()
    try:
        run = RunInfo.for_cli(args.run_id, datetime.now(UTC))
        lake = Lake(args.out)
    except ValueError as exc:
        return _fail(str(exc), 2)
    lock = pipeline.writer_lock(lake, settings)
    with lock.hold():  # before anything reads what has landed
        try:
            fetchers, ctx = pipeline.configured_fetchers(args.sources, lake, run)
        except (SourcesError, ValueError) as exc:
            return _fail(str(exc), 2)
        return _web_fetch_only(lake, run, fetchers, ctx) if fetch_only else _web_pipeline(lake, run, settings,
                                                                                          fetchers, ctx, lock)


def _web_fetch_only(lake, run, fetchers, ctx) -> int:
    """`newsflow fetch`: a JSONL dump of what the sources give, for inspection; nothing lands."""
    from dataclasses import asdict

    from newsflow import pipeline

    result = pipeline.fetch_only(lake, run, fetchers, ctx)
    dump = lake.write_text(f"fetched/{run.run_id}.jsonl", "".join(json.dumps(
        {"id": a.external_id, **{k: v for k, v in asdict(a).items() if k != "external_id"}},
        ensure_ascii=False) + "\n" for a in result.articles))
    lake.write_text(f"fetched/{run.run_id}.rejected.jsonl", "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n"
                                                                    for r in result.rejected))
    s = ctx.stats
    print(f"fetched {len(result.articles)} articles, {len(result.rejected)} rejected, "
          f"{s['already_landed']} already landed, {s['not_modified']} feeds unchanged (304), "
          f"{s['requests']} requests -> {dump}")
    return 0


def _web_pipeline(lake, run, settings, fetchers, ctx, lock) -> int:
    from newsflow import pipeline

    try:
        manifest = pipeline.run_all(lake, run, settings, fetchers, ctx=ctx, lock=lock)
    except pipeline.ValidationFailed as exc:
        return _fail(str(exc).splitlines()[0] + " " + "; ".join(str(exc).splitlines()[1:4]))
    print(format_run(manifest))
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    return _web_run(args, fetch_only=True)


def cmd_run(args: argparse.Namespace) -> int:
    return _web_run(args, fetch_only=False)


def format_run(m: dict) -> str:
    c, f = m["counts"], m.get("fetch", {})
    lines = [
        f"run {m['run_id']} landed: {c['articles']} articles, {c['sentences']} sentences, "
        f"{c['entities']} entities, {c['numbers']} numbers, {c['quarantine']} quarantined",
    ]
    if failed := m.get("failed"):
        lines.append(f"{failed} article{'s' if failed != 1 else ''} failed with an error while processing: "
                     "quarantined with the error and the payload to reprocess (the others landed)")
    if f.get("duplicates"):
        lines.append(f"{f['duplicates']} copies of stories already fetched recorded in duplicates, not processed")
    if f.get("already_landed"):
        lines.append(f"skipped {f['already_landed']} articles already landed by earlier runs (no duplicates)")
    if f.get("new_versions"):
        lines.append(f"{f['new_versions']} changed articles landed as new versions (see article_versions)")
    if f.get("refetched"):
        lines.append(f"{f['refetched']} landed articles fetched again on an update notice, "
                     f"{f.get('unchanged', 0)} of them unchanged")
    if f.get("requests") is not None:
        lines.append(f"network: {f['requests']} requests, {f.get('not_modified', 0)} feeds unchanged (304), "
                     f"{f.get('fallbacks', 0)} feed-content fallbacks")
    lines.append("validation: " + ", ".join(f"{t} {s}" for t, s in m["validation"].items()))
    lines.extend(f"  warning: {w}" for w in m.get("warnings", [])[:5])
    if m.get("data_docs"):
        lines.append(f"Data Docs (validation report): {m['data_docs']}")
    return "\n".join(lines)


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    from newsflow.lake import Lake
    from newsflow.query import connect, error_line

    if (err := _need_lake(args.data)) is not None:
        return err
    lake = Lake(args.data)
    lake.recover()  # a crash may have left a committed publish half done
    con = connect(lake.root)
    try:  # relations run lazily: errors (and sandbox refusals) can come from either call
        rel = con.sql(args.sql)
        if rel is None:
            return 0
        df = rel.df()
    except duckdb.Error as exc:
        return _fail(error_line(exc))
    if args.format == "csv":
        df.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(df.to_json(orient="records", date_format="iso", force_ascii=False))
    else:
        with _pd_display():
            print(df.to_string(index=False, float_format=_fmt) if len(df) else "(no rows)")
    return 0


def _fmt(v: float) -> str:
    """Plain numbers for amounts: 11000000000 rather than 1.1e+10."""
    return f"{v:,.0f}" if v == int(v) and abs(v) >= 1e4 else f"{v:g}" if abs(v) < 1e4 else f"{v:,.2f}"


class _pd_display:
    def __enter__(self):
        import pandas as pd

        self._ctx = pd.option_context("display.max_colwidth", 80, "display.width", 200)
        self._ctx.__enter__()

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)


EXAMPLE_QUERY = """
SELECT canonical AS person, count(*) AS mentions, count(DISTINCT article_id) AS articles
FROM entities WHERE label = 'PERSON'
GROUP BY 1 ORDER BY mentions DESC, person LIMIT 5""".strip()


def cmd_summary(args: argparse.Namespace) -> int:
    """What `make run` prints: the last run, what the lake holds, where, and one example query."""
    from newsflow.lake import Lake
    from newsflow.query import connect, row_counts

    if (err := _need_lake(args.data)) is not None:
        return err
    lake = Lake(args.data)
    lake.recover()
    con = connect(lake.root)
    counts = row_counts(con)
    names = list(counts)
    if not names:
        return _fail(f"no tables under {args.data}")
    last = lake.last_manifest()
    if last:
        print(format_run(last))
    where = lake.root  # local roots are absolute already
    print(f"\nParquet lake: {where}/<table>/ingest_date=YYYY-MM-DD/part-<run>.parquet")
    width = max(map(len, names))
    for name, n in counts.items():
        print(f"  {name:{width}s} {n:8d} rows")
    print(f"\nExample query (newsflow query \"...\" --data {args.data}):\n  {' '.join(EXAMPLE_QUERY.split())}")
    if "entities" in names:
        with _pd_display():
            print(con.execute(EXAMPLE_QUERY).df().to_string(index=False))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from newsflow import evaluate

    results, text = {}, []
    ents = evaluate.ENTITY_SETS.get(args.eval_set)
    if args.only in (None, "numbers") and args.eval_set in evaluate.NUMBERS_SETS:
        examples = evaluate.numbers_examples(args.eval_set)
        found = {ex["text"]: evaluate.as_published(ex["text"], ex.get("source")) for ex in examples}  # read once
        rep = evaluate.score_numbers(examples, extract=found.__getitem__)
        results["numbers"] = rep.as_dict()
        text.append(evaluate.format_report("numbers (span overlap + value / + unit / exact)", rep))
        no_ord = evaluate.score_numbers(examples, extract=found.__getitem__, ordinals=False)  # the definition
        results["numbers_without_ordinals"] = no_ord.as_dict()
        text.append("numbers without ordinals, F1: "
                    + "  ".join(f"{m} {no_ord.scores[m].f1:.3f}" for m in ("value", "value+unit", "exact")))
        text += [f"  {e}" for e in rep.errors[: args.errors]]
    if args.only in (None, "entities") and ents is not None:
        examples = evaluate.load(ents)
        bag = (args.mode or ("bag" if args.eval_set.startswith("real-") else "strict")) == "bag"
        score = evaluate.score_entity_bags if bag else evaluate.score_entities
        rep = score(examples)
        results["entities"] = rep.as_dict()
        text.append(evaluate.format_report("entities (bag of mentions, coarse)" if bag
                                           else "entities (strict span + label)", rep))
        text += [f"  {e}" for e in rep.errors[: args.errors]]
        if args.baseline:
            base = score(examples, baseline=True)
            results["entities_baseline"] = base.as_dict()
            text.append(evaluate.format_report("entities, raw en_core_web_sm baseline", base))
    _eval_quotes_dates(args, results, text)
    if args.only and not results:
        return _fail(f"no {args.only} set named {args.eval_set!r}"
                     + (" (quotes and dates: real-dev or real-heldout)" if args.only in ("quotes", "dates") else ""), 2)
    print(json.dumps(results, indent=2) if args.json else "\n\n".join(text))
    return 0


def _eval_quotes_dates(args: argparse.Namespace, results: dict, text: list[str]) -> None:
    """The quotes and dates tables on the real-news sets (newsflow.evaluate_gkg): only those
    have them, so `--set dev` leaves them out."""
    from newsflow import evaluate, evaluate_gkg

    for kind, sets, score, title in (
            ("quotes", evaluate_gkg.QUOTES_SETS, evaluate_gkg.score_quotes,
             "quotes (span: quote found; speaker: and attributed right; speaker+verb: and the verb)"),
            ("dates", evaluate_gkg.DATES_SETS, evaluate_gkg.score_dates,
             "dates (span: expression found; resolved: and both ends of its date range right)")):
        if args.only in (None, kind) and args.eval_set in sets:
            rep = score(evaluate.load(sets[args.eval_set]))
            results[kind] = rep.as_dict()
            text.append(evaluate.format_report(title, rep))
            text += [f"  {e}" for e in rep.errors[: args.errors]]


def _need_lake(data: str) -> int | None:
    from newsflow.lake import Lake

    lake = Lake(data)
    if not lake.exists():
        return _fail(f"--data {data} is not a directory", 2)
    return None


def cmd_validate(args: argparse.Namespace) -> int:
    from newsflow.lake import Lake
    from newsflow.maintenance import validate_landed

    if (err := _need_lake(args.data)) is not None:
        return err
    report = validate_landed(Lake(args.data), args.date)
    for name in ("articles", "sentences", "entities", "numbers", "quarantine"):
        print(f"{name:12s} {report.status(name)}")
    if report.critical_failures:
        print(report.describe_failures(), file=sys.stderr)
        return 1
    return 0


def cmd_rollup(args: argparse.Namespace) -> int:
    from newsflow import rollup
    from newsflow.lake import Lake

    if (err := _need_lake(args.data)) is not None:
        return err
    totals = rollup.build(Lake(args.data), args.date)
    print(", ".join(f"{t}: {n} rows" for t, n in totals.items()))
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from newsflow.lake import Lake
    from newsflow.maintenance import compact

    if (err := _need_lake(args.data)) is not None:
        return err
    before = (datetime.now(UTC) - timedelta(days=args.older_than_days)).date()
    merged = compact(Lake(args.data), before)
    print(f"compacted {len(merged)} partitions older than {before}" +
          "".join(f"\n  {p}: {n} files -> 1" for p, n in merged.items()))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from newsflow.tables import markdown

    print(markdown())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    handler = {"process": cmd_process, "query": cmd_query, "summary": cmd_summary,
               "schema": cmd_schema, "eval": cmd_eval, "validate": cmd_validate, "rollup": cmd_rollup,
               "compact": cmd_compact, "fetch": cmd_fetch, "run": cmd_run}[args.command]
    from newsflow.lock import LakeLocked, LockLost
    from newsflow.settings import SettingError, get_settings

    try:
        get_settings()  # every NEWSFLOW_* value checked before any work: one line naming the bad one
        return handler(args)
    except SettingError as exc:
        return _fail(str(exc), 2)
    except (LakeLocked, LockLost) as exc:  # another writer: try again later (EX_TEMPFAIL)
        return _fail(str(exc), 75)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:  # `newsflow summary | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def entry() -> int:
    """The ``newsflow`` command: :func:`main`, then a quick exit.

    After a run the heap holds Great Expectations, pandas and pyarrow objects, and the
    interpreter's final garbage collection of them took 1.0-1.3 s of a 22 s run (bench corpus,
    2 workers). Frozen objects are skipped by it; files are closed and atexit handlers still
    run. Only here, not in :func:`main`, which tests call in-process many times."""
    import gc

    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(entry())
