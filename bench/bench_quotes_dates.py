"""Cost of the quotes and dates tables next to the spaCy pipeline, on the bundled samples.

Run: ``.venv/bin/python bench/bench_quotes_dates.py [--repeat N] [--copies N]``. Not part of the
test suite: timings depend on the machine (and on what else runs on it), so each figure is the
best of ``repeat`` passes in CPU time, the passes interleaved. Figures:

* ``pipeline``: the newsflow spaCy pipeline as ``process`` runs it, in words/s;
* ``quotes``, ``dates``: :func:`newsflow.quotes.quote_rows` and :func:`newsflow.dates.date_rows`
  over the same articles (their entity rows and sentences computed once beforehand), in words/s,
  and what they add to the pipeline's time (the budget is 5%);
* ``dateparser``: ``dateparser.search.search_dates`` on the same texts, for the record: the
  library ``dates.py`` was measured against (``--no-dateparser`` skips it; it is slow).
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime

from newsflow.clean import clean_text
from newsflow.dates import date_rows
from newsflow.entities import entity_rows, load_nlp
from newsflow.quotes import quote_rows
from newsflow.settings import SAMPLES_DIR

PUBLISHED = datetime(2026, 2, 4, 12, tzinfo=UTC)


def sample_texts() -> list[str]:
    """The plain-text sample articles, cleaned as the pipeline would hand them to spaCy (the
    same set as ``bench_entities.py``)."""
    return [clean_text(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES_DIR.glob("*.txt"))]


def cpu_seconds(fn: Callable[[], object]) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--copies", type=int, default=10, help="copies of the samples per pass")
    ap.add_argument("--no-dateparser", action="store_true", help="skip the dateparser comparison")
    args = ap.parse_args()
    texts = sample_texts() * args.copies
    words = sum(len(t.split()) for t in texts)
    nlp = load_nlp()
    docs = list(nlp.pipe(texts, batch_size=32))  # also the warm-up
    inputs = [(d.text, d._.sentences, entity_rows("a", d)) for d in docs]

    def quotes() -> None:
        for text, sents, ents in inputs:
            quote_rows("a", text, sents, ents)

    def dates() -> None:
        for text, sents, _ in inputs:
            date_rows("a", text, sents, PUBLISHED)

    best = {"pipeline": float("inf"), "quotes": float("inf"), "dates": float("inf")}
    for _ in range(args.repeat):
        best["pipeline"] = min(best["pipeline"], cpu_seconds(lambda: list(nlp.pipe(texts, batch_size=32))))
        best["quotes"] = min(best["quotes"], cpu_seconds(quotes))
        best["dates"] = min(best["dates"], cpu_seconds(dates))
    print(f"{len(texts)} articles, {words} words, best of {args.repeat}, CPU time")
    for name, secs in best.items():
        share = "" if name == "pipeline" else f"  ({secs / best['pipeline']:.2%} of the pipeline's time)"
        print(f"  {name:10s} {words / secs:10.0f} words/s{share}")
    both = best["quotes"] + best["dates"]
    print(f"  quotes + dates add {both / best['pipeline']:.2%} to the pipeline's time")
    if not args.no_dateparser:
        warnings.simplefilter("ignore")
        from dateparser.search import search_dates

        sample = sample_texts()
        secs = cpu_seconds(lambda: [search_dates(t, languages=["en"], settings={"RELATIVE_BASE": PUBLISHED.replace(tzinfo=None)})
                                    for t in sample])
        n = sum(len(t.split()) for t in sample)
        print(f"  dateparser {n / secs:10.0f} words/s  (search_dates, one pass over the samples)")


if __name__ == "__main__":
    main()
