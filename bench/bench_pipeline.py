"""Benchmarks (run with `make bench`): throughput and memory of the stages on the bundled samples.

Not part of the test suite: timings depend on the machine. Results go to stdout and
bench/results/latest.json.
"""

from __future__ import annotations

import json
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from newsflow import numbers, pipeline
from newsflow.clean import clean_text
from newsflow.fetch import LocalFetcher, fetch_all
from newsflow.lake import Lake
from newsflow.process import prepare
from newsflow.runs import RunInfo
from newsflow.segment import segment
from newsflow.settings import SAMPLES_DIR, Settings

PIPELINE_ARTICLES = 300


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    run = RunInfo.for_interval(datetime(2026, 1, 1, tzinfo=UTC))
    raws = fetch_all([LocalFetcher((str(SAMPLES_DIR),))]).articles
    texts = [r["text"] for r in (prepare(a, run) for a in raws) if isinstance(r, dict)]
    sentences = [t[s.start : s.end] for t in texts for s in segment(t)]
    corpus = sentences * max(1, 5000 // len(sentences))
    results: dict[str, float] = {}

    secs = timed(lambda: [numbers.extract(s) for s in corpus])
    results["numbers_sentences_per_s"] = len(corpus) / secs
    from newsflow import evaluate

    dev = [e["text"] for e in evaluate.load(evaluate.NUMBERS_DEV)] * 10
    secs = timed(lambda: [numbers.extract(s) for s in dev])
    results["numbers_dev_sentences_per_s"] = len(dev) / secs
    big = texts * 50
    secs = timed(lambda: [segment(t) for t in big])
    results["segment_articles_per_s"] = len(big) / secs
    secs = timed(lambda: [clean_text(t) for t in big])
    results["clean_articles_per_s"] = len(big) / secs

    from newsflow.entities import load_nlp

    nlp = load_nlp()
    docs = texts * 5
    secs = timed(lambda: list(nlp.pipe(docs, batch_size=32)), repeat=1)
    results["nlp_articles_per_s"] = len(docs) / secs

    # The whole pipeline (fetch..publish, GX included) on distinct articles: copies of one text
    # would be caught as duplicates, so each article is 12 sentences drawn (seeded) from the
    # samples and the dev sets. Then the next interval over the same folder: all already landed.
    import random

    pool = sentences + [e["text"] for e in evaluate.load(evaluate.NUMBERS_DEV)] \
        + [e["text"] for e in evaluate.load(evaluate.ENTITIES_DEV)]
    rng = random.Random(7)
    tmp = Path(tempfile.mkdtemp(prefix="newsflow-bench-"))
    try:
        src = tmp / "in"
        src.mkdir()
        for i in range(PIPELINE_ARTICLES):
            paras = [" ".join(rng.sample(pool, 4)) for _ in range(3)]
            (src / f"bench{i:04d}.txt").write_text(f"Bench article {i}\n\n" + "\n\n".join(paras))
        settings = Settings(batch_size=50)
        lake = Lake(tmp / "data")
        t = time.perf_counter()
        m = pipeline.run_all(lake, run, settings, pipeline.local_fetchers([str(src)], settings))
        secs = time.perf_counter() - t
        results["pipeline_articles"] = m["counts"]["articles"]
        results["pipeline_seconds"] = secs
        results["pipeline_articles_per_s"] = m["counts"]["articles"] / secs
        again = RunInfo.for_interval(datetime(2026, 1, 1, 1, tzinfo=UTC))
        t = time.perf_counter()
        m2 = pipeline.run_all(lake, again, settings, pipeline.local_fetchers([str(src)], settings))
        results["rerun_next_interval_seconds"] = time.perf_counter() - t
        results["rerun_next_interval_articles"] = m2["counts"]["articles"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    for k, v in results.items():
        print(f"{k:28s} {v:12.1f}")


if __name__ == "__main__":
    main()
