"""The bench corpus: real published English text cut into articles.

The text is the State of the Union addresses 1900-2016 (``data/sotu_1900_2016.jsonl.gz``, public
domain, see ``data/README.md``): 891k words of real prose full of people, places, organisations
and amounts. Copies of the bundled samples would be caught, correctly, as duplicates, so every
article here is distinct text:

- :func:`window_articles`: consecutive sentences of one address (reads like an article; for
  throughput, up to about 3,000 articles of 12 sentences);
- :func:`mixed_articles`: seeded draws of sentences from the whole corpus (any number of
  distinct articles, for memory at 1,000 and 20,000 articles).
"""

from __future__ import annotations

import functools
import gzip
import json
import random
from pathlib import Path

from newsflow.segment import segment

CORPUS = Path(__file__).resolve().parent / "data" / "sotu_1900_2016.jsonl.gz"


@functools.cache
def addresses() -> tuple[dict, ...]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f)


@functools.cache
def sentences_by_address() -> tuple[tuple[str, ...], ...]:
    """Each address as its sentences (the project's own segmenter)."""
    out = []
    for a in addresses():
        text = a["text"]
        out.append(tuple(text[s.start:s.end] for s in segment(text) if len(text[s.start:s.end].split()) >= 4))
    return tuple(out)


def _article(i: int, title: str, sents: list[str], per_paragraph: int = 3) -> dict:
    paras = [" ".join(sents[k:k + per_paragraph]) for k in range(0, len(sents), per_paragraph)]
    return {"id": f"bench-{i:06d}", "title": title, "text": "\n\n".join(paras), "language": "en",
            "source": "sotu"}


def window_articles(n: int, sentences: int = 12) -> list[dict]:
    """Up to ``n`` articles of ``sentences`` consecutive sentences each, address after address."""
    out: list[dict] = []
    for a, sents in zip(addresses(), sentences_by_address(), strict=True):
        for k in range(0, len(sents) - sentences + 1, sentences):
            if len(out) == n:
                return out
            out.append(_article(len(out), f"{a['name']}, {a['year']}: part {k // sentences + 1}",
                                list(sents[k:k + sentences])))
    return out


def mixed_articles(n: int, sentences: int = 6, seed: int = 7) -> list[dict]:
    """``n`` distinct articles, each ``sentences`` sentences drawn (seeded) from the whole corpus."""
    pool = [s for sents in sentences_by_address() for s in sents]
    rng = random.Random(seed)
    return [_article(i, f"Mixed bench article {i}", rng.sample(pool, sentences)) for i in range(n)]


def write_jsonl(articles: list[dict], path: Path) -> Path:
    """One JSONL file, the way a dump of articles reaches ``newsflow process``."""
    with path.open("w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    return path


def words(articles: list[dict]) -> int:
    return sum(len(a["text"].split()) for a in articles)
