"""Numbers extraction throughput on one core: sentences per second over real sentences.

    .venv/bin/python bench/bench_numbers.py            # table on stdout
    .venv/bin/python bench/bench_numbers.py --json     # one JSON object

Why one core: the target ("at least 2,000 sentences a second") is per worker process, and
Airflow runs one extraction per task; pinning the process to one CPU keeps a second core from
hiding a regression. Why these sentences: the bundled samples cut into sentences by the
project's own segmenter (the seed article is real news), the texts of every labelled numbers set
the project ships (dev, the project's held-out set, quantulum3's test sentences and the real-news
dev set when it is there), all run as they come, not only sentences that contain a number.
The real-news held-out sets are never read here: they are for final measurement only.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable

from newsflow import evaluate, numbers
from newsflow.clean import clean_text
from newsflow.segment import segment
from newsflow.settings import SAMPLES_DIR


def _pin_one_core() -> str:
    """Run on a single CPU so the figure is per core, whatever the machine has."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"cpu {cpu}"


def _sample_sentences() -> list[str]:
    """The bundled .txt samples, cleaned and segmented as the pipeline does."""
    out = []
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        text = clean_text(path.read_text(encoding="utf-8"))
        out += [text[s.start:s.end] for s in segment(text)]
    return out


def corpora() -> dict[str, list[str]]:
    """Each corpus by name; ``all`` is their concatenation."""
    sets = {"samples": _sample_sentences()}
    for name in evaluate.NUMBERS_SETS:
        if name == "real-heldout":
            continue  # final measurement only: never run, read or timed here
        try:
            sets[name] = [ex["text"] for ex in evaluate.numbers_examples(name)]
        except FileNotFoundError:
            continue  # the real-news dev set is still being written
    sets["all"] = [s for v in sets.values() for s in v]
    return sets


def rate(fn: Callable[[str], object], sentences: list[str], min_seconds: float = 2.0) -> float:
    """Best of three passes, each repeating the corpus until it has used ``min_seconds`` of CPU.
    CPU time, not wall time: on a shared machine other processes take turns on the core, and
    the figure should be this code's cost, not the neighbours' load."""
    best = 0.0
    for _ in range(3):
        done, t0 = 0, time.process_time()
        while (elapsed := time.process_time() - t0) < min_seconds:
            for s in sentences:
                fn(s)
            done += len(sentences)
        best = max(best, done / elapsed)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    pinned = _pin_one_core()
    numbers.extract("Warm up: $5 billion, 20 million tonnes and 3.5 per cent.")
    results = {name: {"sentences": len(s), "sentences_per_s": round(rate(numbers.extract, s))}
               for name, s in corpora().items()}
    if args.json:
        print(json.dumps({"pinned": pinned, **results}))
        return
    print(f"numbers.extract, one core ({pinned})")
    for name, r in results.items():
        print(f"  {name:12s} {r['sentences']:6d} sentences  {r['sentences_per_s']:8d} sentences/s")


if __name__ == "__main__":
    main()
