"""Query and rollup speed on a lake of realistic size and layout (issue 12).

Builds a lake of ~200,000 articles and ~1,000,000 entity mentions (at ``--scale 1``): 30 ingest
days of hourly runs, one file per table per run, written through the lake's own writer
(``write_parquet`` into a run's staging, then ``Lake.publish``) with the contract's schemas, so
what is measured is the layout the pipeline lands. Canonical names follow a Zipf law over a few
thousand names (PERSON, ORG, GPE and a few other labels); a few articles land a second version on
a later run, as changed stories do.

Then it times, against the targets of the issue:
  * "top 20 people of the last 7 days" with ``newsflow query`` as a user runs it (a subprocess,
    imports included; ``SELECT 1`` the same way gives the floor of imports and connecting) and
    in process (``query.connect`` plus the query), and
  * the rollup of one day (``rollup.build(lake, [day])``, which also rebuilds the days holding
    other versions of that day's articles; ``rollup_per_day_s`` divides by them).

Not part of the test suite: timings depend on the machine. Figures (with the query's EXPLAIN
ANALYZE) go to stdout, bench/results/lake.json and, at full scale, the lake section of
BENCHMARKS.md.

    python bench/bench_lake.py                 # the full lake in a temporary folder (~3 minutes)
    python bench/bench_lake.py --scale 0.05    # a quick check
    python bench/bench_lake.py --keep /tmp/lake   # keep (or reuse) the lake in that folder
    python bench/bench_lake.py --compact       # then compact week-old partitions and measure again
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from benchmarks_md import write_section

from newsflow import tables
from newsflow.lake import Lake, write_parquet
from newsflow.runs import RunInfo

ARTICLES, ENTITIES = 200_000, 1_000_000  # at --scale 1
DAYS, RUNS_PER_DAY, NAMES = 30, 24, 4000
RESULTS = Path(__file__).with_name("results")
NEWSFLOW = str(Path(sys.executable).with_name("newsflow"))
TOP_PEOPLE = ("SELECT canonical, count(*) AS mentions FROM entities "
              "WHERE label = 'PERSON' AND ingest_date >= current_date - 7 "
              "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20")
TARGETS = {"query_cli_s": 1.0, "query_in_process_s": 1.0, "rollup_one_day_s": 5.0, "rollup_per_day_s": 5.0}
LABELS = {"PERSON": 0.45, "ORG": 0.30, "GPE": 0.15, "NORP": 0.04, "LOC": 0.03, "EVENT": 0.03}
SOURCES = [f"source-{i:02d}" for i in range(25)]
COUNTRIES = ["US", "GB", "FR", "DE", "CN", "RU", "UA", "IN", "BR", "JP", "IL", "IR", "ZA", "NG", "MX"]
WORDS = ("the of and to in a is that for on was with he it as at by from his but they have "
         "government minister said president election market shares company police court city "
         "report year people state war talks deal billion percent after before new week official "
         "country bank prices oil trade leaders vote party economy attack security health").split()


class Vocabulary:
    """Names with labels and Zipf weights, and a word corpus to cut article text from."""

    def __init__(self, rng: np.random.Generator) -> None:
        syll = ["ka", "lo", "mi", "ren", "tor", "sa", "vel", "an", "ber", "dri", "os", "ul", "ne", "gar", "pi"]
        def word() -> str:
            return "".join(rng.choice(syll, rng.integers(2, 4))).capitalize()
        labels = rng.choice(list(LABELS), NAMES, p=list(LABELS.values()))
        names: list[str] = []
        for lab in labels:
            name = f"{word()} {word()}" if lab == "PERSON" else f"{word()} Group" if lab == "ORG" else word()
            names.append(name if name not in names else f"{name} {len(names)}")
        self.names = pa.array(names)
        self.labels = pa.array(labels)
        weights = 1.0 / np.arange(1, NAMES + 1) ** 1.1
        self.weights = weights / weights.sum()
        self.country = pa.array([COUNTRIES[i % len(COUNTRIES)] if lab == "GPE" else None
                                 for i, lab in enumerate(labels)])
        self.corpus = " ".join(rng.choice(WORDS, 1_500_000))

    def slices(self, rng: np.random.Generator, n: int, mean: int) -> pa.Array:
        lens = np.maximum(20, rng.normal(mean, mean / 3, n).astype(int))
        offs = rng.integers(0, len(self.corpus) - lens.max() - 1, n)
        return pa.array([self.corpus[o:o + n_] for o, n_ in zip(offs, lens, strict=True)])


def conform(name: str, cols: dict[str, Any], n: int) -> pa.Table:
    """The contract's schema exactly: given columns cast, others null (or a filler when required),
    so columns other work adds to the contract need no change here."""
    filler = {pa.string(): "x", pa.int32(): 0, pa.int64(): 1, pa.float64(): 0.0, pa.bool_(): True}
    arrays = []
    for c in tables.TABLES[name].columns:
        if c.name in cols:
            arrays.append(pa.array(cols[c.name], c.type) if not isinstance(cols[c.name], pa.Array)
                          else cols[c.name].cast(c.type))
        elif not c.nullable and c.type in filler:
            arrays.append(pa.array([filler[c.type]] * n, c.type))
        else:
            arrays.append(pa.nulls(n, c.type))
    return pa.Table.from_arrays(arrays, schema=tables.TABLES[name].schema)


def hexes(seed: str, n: int, width: int) -> list[str]:
    return [hashlib.sha256(f"{seed}-{i}".encode()).hexdigest()[:width] for i in range(n)]


def children(voc: Vocabulary, rng: np.random.Generator, ids: pa.Array, versions: np.ndarray,
             per_article: float) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
    """Rows per article (Poisson): the article ids repeated, versions, rank in article, row count."""
    counts = rng.poisson(per_article, len(ids))
    idx = np.repeat(np.arange(len(ids)), counts)
    rank = np.arange(len(idx)) - np.repeat(np.cumsum(counts) - counts, counts)
    return ids.take(pa.array(idx)), versions[idx], rank, counts


def entities(voc: Vocabulary, rng: np.random.Generator, ids: pa.Array, versions: np.ndarray,
             per_article: float) -> pa.Table:
    aid, ver, rank, _ = children(voc, rng, ids, versions, per_article)
    n = len(aid)
    pick = pa.array(rng.choice(NAMES, n, p=voc.weights))
    canonical, label = voc.names.take(pick), voc.labels.take(pick)
    start = rank * 120 + rng.integers(0, 60, n)
    country = voc.country.take(pick)
    kind = pc.if_else(pc.is_null(country), pa.scalar(None, pa.string()), pa.scalar("country"))
    return conform("entities", {"article_id": aid, "sentence_index": rank // 2, "start": start,
                                "end": pc.add(pa.array(start), pc.utf8_length(canonical)), "text": canonical,
                                "label": label, "canonical": canonical, "country_code": country,
                                "version": ver, "kind": kind}, n)


def numbers(voc: Vocabulary, rng: np.random.Generator, ids: pa.Array, versions: np.ndarray) -> pa.Table:
    aid, ver, rank, _ = children(voc, rng, ids, versions, 2.0)
    n = len(aid)
    kind = rng.choice(["money", "percent", "count", "cardinal"], n, p=[0.4, 0.3, 0.2, 0.1])
    unit = np.where(kind == "money", rng.choice(["USD", "EUR", "GBP", "JPY"], n), np.where(kind == "percent", "percent", None))
    start = rank * 200 + 5
    return conform("numbers", {"article_id": aid, "sentence_index": rank, "start": start, "end": start + 6,
                               "text": ["$5 million"] * n, "kind": kind, "value": rng.lognormal(10, 3, n),
                               "unit": unit, "qualifier": ["="] * n, "version": ver}, n)


def spans(name: str, voc: Vocabulary, rng: np.random.Generator, ids: pa.Array, versions: np.ndarray,
          per_article: float, mean: int, extra: dict[str, Any] | None = None) -> pa.Table:
    """Sentences, quotes or dates: rows of text cut from the corpus."""
    aid, ver, rank, _ = children(voc, rng, ids, versions, per_article)
    n = len(aid)
    start = rank * (mean + 2)
    cols = {"article_id": aid, "sentence_index": rank, "paragraph_index": rank // 3, "start": start,
            "end": start + mean, "text": voc.slices(rng, n, mean), "version": ver}
    if name == "quotes":
        cols |= {"speaker_canonical": voc.names.take(pa.array(rng.choice(NAMES, n, p=voc.weights))),
                 "speaker_label": ["PERSON"] * n, "verb": ["say"] * n, "kind": ["full"] * n}
    if name == "dates":
        cols |= {"granularity": ["day"] * n}
    return conform(name, cols, n)


def articles(voc: Vocabulary, rng: np.random.Generator, run: RunInfo, ids: list[str],
             versions: np.ndarray) -> pa.Table:
    n = len(ids)
    text = voc.slices(rng, n, 3000)
    source = rng.choice(SOURCES, n, p=np.arange(len(SOURCES), 0, -1) / sum(range(1, len(SOURCES) + 1)))
    t = run.logical_time
    return conform("articles", {
        "article_id": ids, "external_id": ids, "source": source, "url": [f"https://{s}.example/{i}" for s, i in zip(source, ids, strict=True)],
        "title": voc.slices(rng, n, 60), "authors": [[voc.names[int(k)].as_py()] for k in rng.integers(0, 50, n)],
        "published_at": [t - timedelta(minutes=int(m)) for m in rng.integers(0, 600, n)], "fetched_at": [t] * n,
        "language": ["en"] * n, "text": text, "word_count": pc.add(pc.count_substring(text, " "), 1),
        "content_hash": hexes(f"c{run.run_id}", n, 64), "run_id": [run.run_id] * n,
        "simhash": hexes(f"s{run.run_id}", n, 16), "version": versions, "source_hash": hexes(f"h{run.run_id}", n, 64),
    }, n)


def run_tables(voc: Vocabulary, rng: np.random.Generator, run: RunInfo, fresh: int,
               updated: list[tuple[str, int]], per_article: float) -> dict[str, pa.Table]:
    """One hourly run's tables: ``fresh`` new articles plus new versions of ``updated`` ones."""
    ids = hexes(run.run_id, fresh, 20) + [a for a, _ in updated]
    versions = np.array([1] * fresh + [v for _, v in updated], dtype=np.int32)
    aids = pa.array(ids)
    out = {"articles": articles(voc, rng, run, ids, versions),
           "entities": entities(voc, rng, aids, versions, per_article),
           "numbers": numbers(voc, rng, aids, versions),
           "sentences": spans("sentences", voc, rng, aids, versions, 8, 180),
           "quotes": spans("quotes", voc, rng, aids, versions, 1, 80),
           "dates": spans("dates", voc, rng, aids, versions, 1, 10)}
    out["quarantine"] = conform("quarantine", {"run_id": [run.run_id] * 2, "stage": ["clean", "validate"],
                                               "reason": ["empty text", "no sentences"]}, 2)
    out["validation_results"] = conform("validation_results", {"run_id": [run.run_id] * 60, "table": ["articles"] * 60,
                                                               "expectation": ["ExpectColumnValuesToNotBeNull"] * 60,
                                                               "severity": ["critical"] * 60}, 60)
    return out


def build_lake(root: Path, scale: float, seed: int = 12, last_day: date | None = None) -> dict[str, int]:
    """Land DAYS x RUNS_PER_DAY runs ending today through the lake's writer; returns row counts."""
    rng = np.random.default_rng(seed)
    voc = Vocabulary(rng)
    lake = Lake(root)
    runs = DAYS * RUNS_PER_DAY
    per_run = ARTICLES * scale / runs
    per_article = ENTITIES / ARTICLES
    first = datetime.combine((last_day or date.today()) - timedelta(days=DAYS - 1), datetime.min.time(), UTC)
    recent: list[tuple[str, int]] = []  # (article_id, version) landed in the last two days
    counts: dict[str, int] = {}
    for r in range(runs):
        run = RunInfo.for_interval(first + timedelta(hours=r))
        # a changed story: ~2% of a run's articles are new versions of ones landed in the last 48 runs
        pick = [recent[int(i)] for i in rng.choice(len(recent), int(per_run * 0.02), replace=False)] if recent else []
        updated = [(a, v + 1) for a, v in pick]
        fresh = max(1, int(rng.poisson(per_run)) - len(updated))
        staged = {}
        for name, t in run_tables(voc, rng, run, fresh, updated, per_article).items():
            staged[name] = write_parquet(t, lake.staging(run).final(name),
                                         sort_by=None if name in ("quarantine", "validation_results") else "article_id")
            counts[name] = counts.get(name, 0) + t.num_rows
        lake.publish(run, staged, {"run_id": run.run_id, "logical_time": run.logical_time.isoformat()})
        lake.clear_staging(run)
        new = [(a, 1) for a in hexes(run.run_id, fresh, 20)] + updated
        gone = {a for a, _ in updated}
        recent = [x for x in recent if x[0] not in gone] + new
        recent = recent[-int(per_run * 48) - 1:]
    return counts


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float, Any]:
    """(first, best) wall seconds of ``repeat`` calls, the best CPU seconds (this process's
    threads and its finished children: on a shared machine wall time also counts the neighbours'
    work), and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), cpu_seconds()
        out = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(cpu_seconds() - c)
    return walls[0], min(walls), min(cpus), out


def cpu_seconds() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def query_in_process(root: Path) -> dict[str, Any]:
    """What `newsflow query` does after its imports: open the sandboxed connection, run the SQL."""
    from newsflow.query import connect

    t = time.perf_counter()
    con = connect(root)
    opened = time.perf_counter() - t
    rows = con.sql(TOP_PEOPLE).fetchall()
    return {"connect_s": opened, "total_s": time.perf_counter() - t, "rows": rows}


def query_cli(root: Path, sql: str = TOP_PEOPLE) -> str:
    """`newsflow query` as a user runs it: a new process, imports and all."""
    done = subprocess.run([NEWSFLOW, "query", sql, "--data", str(root), "--format", "csv"],
                          capture_output=True, text=True, check=True)
    return done.stdout


def explain(root: Path) -> str:
    from newsflow.query import connect

    return connect(root).sql("EXPLAIN ANALYZE " + TOP_PEOPLE).fetchall()[0][1]


def rollup_day(root: Path, day: date) -> dict[str, int]:
    from newsflow import rollup

    return rollup.build(Lake(root), [day])


def rebuilt_days(root: Path, day: date) -> int:
    """How many days asking for ``day`` rebuilds: with it, every day holding another version of
    an article that landed on it (the rollup counts the latest version, on its own day)."""
    from newsflow import rollup
    from newsflow.query import connect

    return len({day, *rollup.superseded_days(connect(root), [day])})


def measure(root: Path, day: date, repeat: int) -> dict[str, Any]:
    """Every figure, best of ``repeat`` runs (with the first run and the CPU time beside it)."""
    figures: dict[str, Any] = {}

    def record(name: str, fn: Callable[[], Any]) -> Any:
        first, best, cpu, out = timed(fn, repeat)
        stem = name.removesuffix("_s")
        figures[name], figures[f"{stem}_first_s"], figures[f"{stem}_cpu_s"] = best, first, cpu
        return out

    out = record("query_in_process_s", lambda: query_in_process(root))
    figures["query_connect_s"] = out["connect_s"]
    top = out["rows"]
    csv = record("query_cli_s", lambda: query_cli(root))
    assert len(csv.splitlines()) == len(top) + 1, csv
    record("query_cli_select_1_s", lambda: query_cli(root, "SELECT 1"))  # the CLI's floor: imports, connect
    totals = record("rollup_one_day_s", lambda: rollup_day(root, day))
    figures["rollup_days_rebuilt"] = days = rebuilt_days(root, day)
    figures["rollup_per_day_s"] = figures["rollup_one_day_s"] / days
    figures["load_average"] = os.getloadavg()[0]
    return {"figures": figures, "top_people": top[:5], "rollup_rows": totals}


def report(result: dict[str, Any]) -> str:
    """The figures as a Markdown table, with each target and the ratio to it."""
    lines = ["| figure | value | target | ratio |", "|---|---:|---:|---:|"]
    for name, value in result["figures"].items():
        unit = " s" if name.endswith("_s") else ""
        target = TARGETS.get(name.removeprefix("compacted_"))
        tail = f"{target:.1f} s | {value / target:.2f}{'' if value <= target else ' (over)'}" if target else " | "
        lines.append(f"| {name} | {value:.3f}{unit} | {tail} |")
    return "\n".join(lines)


def section(result: dict[str, Any], argv: list[str]) -> str:
    """BENCHMARKS.md's lake section: how it was measured, the figures, the plan of the query."""
    return (f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `python bench/bench_lake.py {' '.join(argv)}` "
            f"on {os.cpu_count()} cores (load average {result['figures']['load_average']:.1f}): "
            f"{result['rows']['articles']:,} articles, {result['rows']['entities']:,} entity rows, {DAYS} days of "
            f"hourly runs, one file per table per run. Query: `{TOP_PEOPLE}`. Best of {result['repeat']} runs; "
            "`_cpu_s` is CPU time (wall time on a busy machine also counts the neighbours); `query_cli_select_1` "
            "is the command's floor (imports and connecting)"
            + ("; `compacted_` figures are the same after `newsflow compact` of the partitions older than 7 days"
               if "compacted_query_cli_s" in result["figures"] else "") + ".\n\n"
            + report(result) + "\n\nThe query's plan (EXPLAIN ANALYZE): the filters sit in the pyarrow scans, "
            "which open only the matching partitions' files and skip row groups by their statistics.\n\n```\n"
            + result["explain"].strip() + "\n```\n")


def prepare(root: Path, scale: float) -> dict[str, Any]:
    """Build the lake, or reuse the one built there before (its _bench.json says how)."""
    meta_file = root / "_bench.json"
    if meta_file.exists():
        meta = json.loads(meta_file.read_text())
        print(f"reusing the lake at {root} (scale {meta['scale']}, built {meta['last_day']})")
        return meta
    t = time.perf_counter()
    counts = build_lake(root, scale)
    meta = {"scale": scale, "last_day": date.today().isoformat(), "rows": counts, "generate_s": time.perf_counter() - t}
    meta_file.write_text(json.dumps(meta, indent=2))
    print(f"built {root} in {meta['generate_s']:.0f} s: {counts}")
    return meta


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=1.0, help="fraction of the full lake (default 1)")
    p.add_argument("--keep", type=Path, help="build the lake here and keep it; reuse it if already built")
    p.add_argument("--repeat", type=int, default=3, help="runs of each measurement (best is reported)")
    p.add_argument("--json", type=Path, default=RESULTS / "lake.json", help="where the figures go")
    p.add_argument("--compact", action="store_true",
                   help="then compact the partitions older than 7 days (newsflow compact; a kept lake stays "
                        "compacted) and measure again")
    args = p.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="newsflow-lake-"))
    try:
        meta = prepare(root, args.scale)
        day = date.fromisoformat(meta["last_day"]) - timedelta(days=1)
        result = {**meta, "root": str(root), "rollup_day": day.isoformat(), "repeat": args.repeat,
                  **measure(root, day, args.repeat), "explain": explain(root)}
        if args.compact:
            from newsflow.maintenance import compact

            compact(Lake(root), date.fromisoformat(meta["last_day"]) - timedelta(days=7))
            later = measure(root, day, args.repeat)["figures"]
            result["figures"] |= {f"compacted_{k}": v for k, v in later.items()}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, default=str))
        print(section(result, argv))
        if meta["scale"] == 1 and args.json == RESULTS / "lake.json":
            write_section("lake", "Queries and rollup at a million rows (`bench/bench_lake.py`)", section(result, argv))
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
