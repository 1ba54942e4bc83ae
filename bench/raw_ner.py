"""The baseline of bench_pipeline.py: the raw spaCy model (tok2vec + ner) alone over a JSONL of
articles, as a whole process (model load included, like ``newsflow process``).

    .venv/bin/python bench/raw_ner.py ARTICLES.jsonl N_PROCESS
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    path, n_process = sys.argv[1], int(sys.argv[2])
    t = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    from newsflow.entities import load_raw_nlp

    nlp = load_raw_nlp()
    for _ in nlp.pipe(texts, batch_size=32, n_process=n_process):
        pass
    print(json.dumps({"seconds": time.perf_counter() - t, "articles": len(texts), "pipes": nlp.pipe_names}))


if __name__ == "__main__":
    main()
