"""``make bench``, the pipeline half: throughput against the raw NER model, workers, memory,
Great Expectations' cost, the no-op interval, numbers, cleaning and segmentation.

    .venv/bin/python bench/bench_pipeline.py            # the full bench (about 20 minutes on 2 cores)
    .venv/bin/python bench/bench_pipeline.py --quick    # smaller inputs, a few minutes

Every figure comes from whole processes run side by side in this one bench run, on real text
(``bench/corpus.py``: State of the Union addresses, public domain), never copies of the samples.
Peak memory is sampled every 50 ms over the process and all its children (the workers): the
largest single process and the largest sum. Results: ``bench/results/pipeline.json`` and the
pipeline section of ``BENCHMARKS.md``. Not part of the test suite: timings belong to the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402
from benchmarks_md import write_section  # noqa: E402

PY = sys.executable
NEWSFLOW = [PY, "-m", "newsflow.cli"]


def run_measured(args: list[str]) -> dict:
    """Run a command; wall time, peak RSS of its largest process and of the whole tree (MiB)."""
    proc = psutil.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                        env={**os.environ, "PYTHONWARNINGS": "ignore"})
    peak = {"single": 0, "tree": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                procs = [proc, *proc.children(recursive=True)]
                rss = [p.memory_info().rss for p in procs if p.is_running()]
            except psutil.Error:
                rss = []
            if rss:
                peak["single"], peak["tree"] = max(peak["single"], max(rss)), max(peak["tree"], sum(rss))
            done.wait(0.05)

    t = time.perf_counter()
    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t
    done.set()
    watcher.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"seconds": seconds, "peak_rss_mib": peak["single"] / 2**20, "peak_tree_mib": peak["tree"] / 2**20,
            "stdout": out, "stderr": err}


def validation_seconds(stderr: str) -> float | None:
    """The whole validation step: reading the staged batches, the suites, writing the tables."""
    m = re.search(r"validation of run \S+ took ([\d.]+) s", stderr)
    return float(m.group(1)) if m else None


def gx_seconds(stderr: str) -> float | None:
    """Great Expectations' part of it: import, row checks, suites and Data Docs."""
    m = re.search(r"validated \d+ tables in ([\d.]+) s", stderr)
    return float(m.group(1)) if m else None


def throughput(tmp: Path, n: int, results: dict, repeat: int = 2) -> None:
    """Raw NER (1 and 2 processes; the issue's tok2vec + ner, and the NER alone) and ``newsflow
    process`` (1 and 2 workers) on the same texts, interleaved ``repeat`` times; each figure is
    its best run, so a neighbour's burst on a shared machine does not decide a ratio."""
    import shutil

    articles = corpus.window_articles(n)
    src = corpus.write_jsonl(articles, tmp / "window.jsonl")
    results["throughput_articles"], results["throughput_words"] = len(articles), corpus.words(articles)
    runs: dict[str, list[float]] = {}
    for _ in range(repeat):
        for procs in (1, 2):
            for key, extra in ((f"raw_ner_{procs}proc_s", []), (f"raw_ner_only_{procs}proc_s", ["--ner-only"])):
                r = run_measured([PY, str(BENCH / "raw_ner.py"), str(src), str(procs), *extra])
                runs.setdefault(key, []).append(json.loads(r["stdout"])["seconds"])
        for workers in (1, 2):
            lake = tmp / f"lake{workers}"
            shutil.rmtree(lake, ignore_errors=True)
            r = run_measured([*NEWSFLOW, "-v", "process", str(src), "--out", str(lake), "--workers", str(workers)])
            runs.setdefault(f"pipeline_{workers}worker_s", []).append(r["seconds"])
            results[f"pipeline_{workers}worker_validation_s"] = validation_seconds(r["stderr"])
    results.update({key: min(values) for key, values in runs.items()})
    results["throughput_runs"] = {key: [round(v, 2) for v in values] for key, values in runs.items()}
    raw = min(results["raw_ner_1proc_s"], results["raw_ner_2proc_s"])
    best = min(results["pipeline_1worker_s"], results["pipeline_2worker_s"])
    results["pipeline_vs_raw_ner"] = raw / best
    results["pipeline_vs_ner_component_only"] = min(results["raw_ner_only_1proc_s"],
                                                    results["raw_ner_only_2proc_s"]) / best
    results["two_workers_speedup"] = results["pipeline_1worker_s"] / results["pipeline_2worker_s"]
    # what the machine gives two processes of the model itself, in the same run: the ceiling the
    # workers' speedup is read against (a shared 2-core VM gave 1.49 to 1.67 on the same day)
    results["raw_ner_two_process_speedup"] = results["raw_ner_1proc_s"] / results["raw_ner_2proc_s"]
    results["two_workers_vs_raw_ner_speedup"] = results["two_workers_speedup"] / results["raw_ner_two_process_speedup"]
    results["pipeline_words_per_s"] = results["throughput_words"] / best
    r = run_measured([*NEWSFLOW, "process", str(src), "--out", str(tmp / "lake2")])  # everything has landed
    results["noop_interval_s"] = r["seconds"]


def memory(tmp: Path, sizes: tuple[int, int], results: dict) -> None:
    """The same generator of distinct articles at two sizes, default workers: peak memory and
    the validation step's time."""
    for n in sizes:
        src = corpus.write_jsonl(corpus.mixed_articles(n), tmp / f"mixed{n}.jsonl")
        r = run_measured([*NEWSFLOW, "-v", "process", str(src), "--out", str(tmp / f"mixed{n}")])
        results[f"mem_{n}_seconds"] = r["seconds"]
        results[f"mem_{n}_peak_rss_mib"] = r["peak_rss_mib"]
        results[f"mem_{n}_peak_tree_mib"] = r["peak_tree_mib"]
        results[f"mem_{n}_validation_s"] = validation_seconds(r["stderr"])
        results[f"mem_{n}_gx_s"] = gx_seconds(r["stderr"])
    small, big = sizes
    results["memory_ratio_single"] = results[f"mem_{big}_peak_rss_mib"] / results[f"mem_{small}_peak_rss_mib"]
    results["memory_ratio_tree"] = results[f"mem_{big}_peak_tree_mib"] / results[f"mem_{small}_peak_tree_mib"]
    for key in ("validation", "gx"):
        if results[f"mem_{small}_{key}_s"] and results[f"mem_{big}_{key}_s"]:
            results[f"{key}_ratio"] = results[f"mem_{big}_{key}_s"] / results[f"mem_{small}_{key}_s"]


def stages(n: int, results: dict) -> None:
    """One core, in this process: numbers per sentence, and cleaning plus segmentation as a
    share of the one-worker pipeline's time on the same articles."""
    from newsflow import numbers
    from newsflow.clean import clean_article_text
    from newsflow.segment import segment

    articles = corpus.window_articles(n)
    sentences = [s for sents in corpus.sentences_by_address() for s in sents][:20000]
    numbers.extract(sentences[0])
    for key in ("numbers_cold_sentences_per_s", "numbers_sentences_per_s"):  # the first pass also loads
        t = time.perf_counter()  # what the rules read lazily (WordNet's word lists, ~0.5 s); a worker pays
        for s in sentences:  # that once, so the target is the second pass's steady rate
            numbers.extract(s)
        results[key] = len(sentences) / (time.perf_counter() - t)
    t = time.perf_counter()
    for a in articles:
        segment(clean_article_text(a["text"])[0])
    results["clean_segment_s"] = time.perf_counter() - t
    if "pipeline_1worker_s" in results:
        results["clean_segment_share"] = results["clean_segment_s"] / results["pipeline_1worker_s"]


TARGETS = [  # (figure, target, how it compares, what it is)
    ("pipeline_vs_raw_ner", 0.80, ">=", "whole pipeline / raw NER (`tok2vec` + `ner`, the issue's baseline) throughput, best of 1 and 2 each"),
    ("pipeline_vs_ner_component_only", 0.80, ">=",
     "whole pipeline / the model's `ner` alone, without the `tok2vec` nothing reads (stricter)"),
    ("two_workers_speedup", 1.7, ">=", "2 workers / 1 worker"),
    ("two_workers_vs_raw_ner_speedup", 1.0, ">=",
     "2 workers' speedup / the raw model's own 2-process speedup in the same run (ours: what the machine allows)"),
    ("memory_ratio_tree", 1.15, "<=", "peak memory, large / small run (process and workers summed)"),
    ("memory_ratio_single", 1.15, "<=", "peak memory, large / small run (largest process)"),
    ("numbers_sentences_per_s", 5000, ">=", "numbers extraction, sentences/s, one core (second pass; the first, with lazy loads, is in the JSON)"),
    ("clean_segment_share", 0.10, "<=", "cleaning + segmentation / one-worker pipeline time"),
    ("gx_ratio", 2.0, "<=", "Great Expectations (import, checks, suites, Data Docs), large / small run"),
    ("validation_ratio", 2.0, "<=", "whole validation step (also reading and writing the run), large / small"),
    ("noop_interval_s", 5.0, "<=", "a run with nothing new (whole CLI process), s"),
]


def report(results: dict, args: argparse.Namespace) -> str:
    lines = ["| figure | measured | target | met |", "|---|---|---|---|"]
    for key, target, op, what in TARGETS:
        value = results.get(key)
        met = "" if value is None else ("yes" if (value >= target if op == ">=" else value <= target) else "**no**")
        shown = "n/a" if value is None else f"{value:,.2f}"
        lines.append(f"| {what} | {shown} | {op} {target:,} | {met} |")
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    head = (f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `{' '.join(['python', *sys.argv])}` on "
            f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GiB, Python "
            f"{platform.python_version()}.")
    raw = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in results.items()}
    return head + "\n\n" + "\n".join(lines) + "\n\nAll figures:\n\n```json\n" + json.dumps(raw, indent=1) + "\n```\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller inputs (not for BENCHMARKS.md)")
    ap.add_argument("--repeat", type=int, default=2, help="interleaved throughput runs; the best of each counts")
    args = ap.parse_args()
    n, sizes = (150, (300, 1500)) if args.quick else (600, (1000, 20000))
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as tmp:
        throughput(Path(tmp), n, results, max(1, args.repeat))
        memory(Path(tmp), sizes, results)
    stages(n, results)
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / "pipeline.json").write_text(json.dumps(results, indent=2))
    text = report(results, args)
    print(text)
    if not args.quick:
        write_section("pipeline", "Pipeline (`bench/bench_pipeline.py`)", text)


if __name__ == "__main__":
    main()
