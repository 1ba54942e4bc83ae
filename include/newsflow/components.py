"""The newsflow spaCy components, registered as module-level factories when this module is imported.

Each declares what it reads (``requires``) and what it writes (``assigns``), so
``nlp.analyze_pipes()`` can check an order, and each can be added to any English pipeline that
has an ``ner`` component (``import newsflow.components`` first). In newsflow's order:

* ``newsflow_sentences``: sentence boundaries from :mod:`newsflow.segment`, so entities and
  amounts are attributed to the same sentences the ``sentences`` table holds;
* ``newsflow_gazetteer``: known countries, capitals, places and organisations;
* ``newsflow_people``: names after a title, a role noun or a possessive place;
* ``newsflow_context``: labels that only the surrounding words decide (sports results, datelines'
  agencies, places after "near" or before ", Country"), see :mod:`newsflow.entity_context`;
* ``newsflow_tidy``: span repairs (datelines, ALL-CAPS headlines, brackets, trailing words);
* ``newsflow_canonical``: the article's fullest name for each entity, its country code and kind;
* ``newsflow_numbers``: :mod:`newsflow.numbers` over each sentence (defined in
  :mod:`newsflow.entities`).

spaCy is imported at module level here: import this module only where spaCy is wanted.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from newsflow import segment
from newsflow.entities import (
    ROLE_NOUNS,
    TITLE_WORDS,
    TITLES,
    doc_text,
    numbers_component,
    resolve_canonical,
)
from newsflow.entity_context import (
    context_candidates,
    context_drops,
    is_sports,
    name_tokens,
    person_title_fixes,
)
from newsflow.gazetteer import load as load_gazetteer
from newsflow.tables import ENTITY_LABELS

for _name, _owner in (("sentences", Doc), ("amounts", Doc), ("canonical", Span), ("country_code", Span),
                      ("kind", Span)):
    if not _owner.has_extension(_name):
        _owner.set_extension(_name, default=None)

_ENTS = ["doc.ents", "token.ent_iob", "token.ent_type"]


def spans_overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def merge_entities(doc: Doc, candidates: list[Span], protect: frozenset[str] = frozenset({"PERSON"}),
                   keep_place_labels: bool = False) -> None:
    """Add candidate spans to doc.ents: they replace entities they contain (or equal, unless the
    old label is protected) and give way to entities that contain them or partly overlap them."""
    ents = list(doc.ents)
    for cand in filter_spans(candidates):
        overlapping = [e for e in ents if spans_overlap(e, cand)]
        same = [e for e in overlapping if e.start == cand.start and e.end == cand.end]
        if keep_place_labels and same and {same[0].label_, cand.label_} <= {"GPE", "LOC"}:
            cand = Span(doc, cand.start, cand.end, label=same[0].label_)
        if any(e.label_ in protect and e.start <= cand.start and e.end >= cand.end for e in overlapping):
            continue
        if any(not (cand.start <= e.start and e.end <= cand.end) for e in overlapping) and not same:
            continue  # an existing entity is longer or crosses it: trust the longer span
        ents = [e for e in ents if e not in overlapping] + [cand]
    doc.set_ents(sorted(ents, key=lambda e: e.start), default="outside")


def replace_entities(doc: Doc, spans: list[Span], drop: list[Span] = ()) -> None:
    """Put spans in doc.ents whatever overlapped them, and remove ``drop``: for rules surer than
    the model."""
    if not spans and not drop:
        return
    gone = {(d.start, d.end) for d in drop}
    keep = [e for e in doc.ents if (e.start, e.end) not in gone and not any(spans_overlap(e, s) for s in spans)]
    doc.set_ents(sorted(keep + filter_spans(spans), key=lambda e: e.start), default="outside")


# --------------------------------------------------------------------------- sentences

@Language.component("newsflow_sentences", assigns=["token.is_sent_start", "doc._.sentences"])
def newsflow_sentences(doc: Doc) -> Doc:
    """Sentence starts from newsflow.segment (added after NER: boundaries must not steer it).

    Set through one array, not token by token: a Python loop over every token took 7x as long
    (1.15 s against 0.17 s on 300 bench articles), for the same boundaries."""
    sents = segment.segment(doc_text(doc))
    doc._.sentences = sents
    if not len(doc):
        return doc
    if doc.has_annotation("DEP"):  # a parser ran: its boundaries must not be overwritten silently
        starts = {s.start for s in sents}
        for tok in doc:
            tok.is_sent_start = tok.idx in starts or tok.i == 0  # raises E043 on a conflict, as before
        return doc
    idx = doc.to_array("IDX")
    flags = np.where(np.isin(idx, np.fromiter((s.start for s in sents), dtype=idx.dtype)), 1, -1)
    flags[0] = 1
    doc.from_array([SENT_START], flags.astype("uint64"))  # -1 ("not a start") as spaCy stores it
    return doc


# --------------------------------------------------------------------------- gazetteer

_TRIM_LABELS = frozenset({"PERSON", "GPE", "LOC", "NORP"})
_POSSESSIVE_TOKENS = ("'s", "’s", "'", "’")


def _trim_possessives(doc: Doc) -> None:
    """"Narendra Modi's" -> "Narendra Modi" (but "Sotheby's" stays an organisation's name)."""
    ents, changed = [], False
    for e in doc.ents:
        end = e.end
        while end > e.start + 1 and doc[end - 1].text in _POSSESSIVE_TOKENS and e.label_ in _TRIM_LABELS:
            end -= 1
        changed |= end != e.end
        ents.append(Span(doc, e.start, end, label=e.label_) if end != e.end else e)
    if changed:
        doc.set_ents(ents, default="outside")


def _inside_longer_name(doc: Doc, start: int, end: int) -> bool:
    nxt = doc[end] if end < len(doc) else None
    prev = doc[start - 1] if start > 0 else None
    if nxt is not None and nxt.text[:1].isupper() and nxt.is_alpha and not nxt.is_sent_start:
        return True
    return bool(prev is not None and prev.text[:1].isupper() and prev.is_alpha and not prev.is_sent_start
                and prev.text.lower() not in TITLE_WORDS and not doc[start].is_sent_start)


_LOCATIVE = frozenset("in into from near across to at outside".split())


def _place_not_person(doc: Doc, start: int, end: int, entry, gaz) -> bool:
    """A known place that NER calls a person is a place when the name has two words ("Madhya
    Pradesh"), or a locative word or another place stands next to it ("in Haryana", "Punjab and
    Haryana"); a lone "Jordan" or "Georgia" may well be a person."""
    if entry.kind not in ("city", "region", "capital", "country"):
        return False
    if not any(e.label_ == "PERSON" and e.start <= start and end <= e.end for e in doc.ents):
        return False
    if end - start > 1 and doc[start].text.lower() not in TITLE_WORDS:
        return True
    prev = doc[start - 1] if start else None
    if prev is not None and prev.lower_ in _LOCATIVE:
        return True
    if prev is not None and prev.lower_ in ("and", ",") and start > 1 and _is_place(doc[start - 2], gaz):
        return True
    return end + 1 < len(doc) and doc[end].lower_ in ("and", ",") and _is_place(doc[end + 1], gaz)


def _is_place(tok, gaz) -> bool:
    entry = gaz.lookup(tok.text)
    return tok.ent_type_ in ("GPE", "LOC") or (entry is not None and entry.label in ("GPE", "LOC"))


class GazetteerComponent:
    """Known countries, capitals, places and organisations, also in ALL-CAPS headlines.

    The small model misses or mislabels many well-known places ("Senegal" as a person); a
    phrase list of the gazetteer's names is cheap and exact, and NER's own PERSON and LANGUAGE
    labels stand (a "Jordan" NER saw as a person is usually one).
    """

    def __init__(self, nlp: Language):
        self.gaz = load_gazetteer()
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        forms = set(self.gaz.aliases)
        forms |= {f.upper() for f in forms if len(f) > 3}
        by_label: dict[str, list[str]] = {}
        for f in sorted(forms):
            entry = self.gaz.lookup(f) or self.gaz.lookup(f.title())
            if entry is not None:
                by_label.setdefault(entry.label, []).append(f)
        for label in ("GPE", "LOC", "ORG", "NORP"):
            self.matcher.add(label, list(nlp.tokenizer.pipe(by_label.get(label, []))))

    def __call__(self, doc: Doc) -> Doc:
        _trim_possessives(doc)
        cands, countries, cities = [], [], []
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
            elif label in ("GPE", "LOC") and entry is not None and _place_not_person(doc, s, e, entry, self.gaz):
                countries.append(span)  # "Madhya Pradesh", "in Haryana": NER's PERSON gives way
            elif entry is not None and entry.kind == "city" and is_sports(span.sent):
                cities.append(span)  # "Liverpool beat Everton": NER's ORG stands
            else:
                cands.append(span)
        merge_entities(doc, countries, protect=frozenset({"LANGUAGE"}), keep_place_labels=True)
        # NER's own GPE/LOC choice and its LANGUAGE and PERSON labels stand.
        merge_entities(doc, cands, protect=frozenset({"PERSON", "LANGUAGE"}), keep_place_labels=True)
        merge_entities(doc, cities, protect=frozenset({"PERSON", "LANGUAGE", "ORG"}), keep_place_labels=True)
        return doc


@Language.factory("newsflow_gazetteer", requires=["doc.ents"], assigns=_ENTS)
def make_gazetteer(nlp: Language, name: str) -> GazetteerComponent:
    return GazetteerComponent(nlp)


# --------------------------------------------------------------------------- people

class PeopleComponent:
    """Names after a title, a role noun or a possessive place: "Britain's Keir Starmer".

    The small model often misses a name it has not seen, but news introduces nearly every
    person with a title or a role ("Chancellor Friedrich Merz", "coach Xabi Alonso").
    """

    def __init__(self) -> None:
        self.gaz = load_gazetteer()
        titles = set(self.gaz.titles) | {t.title() for t in TITLES}
        self.title_words = {w.lower() for t in titles for w in t.split()} | TITLE_WORDS
        self.title_re = re.compile(
            r"\b(?:" + "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True)) + r")\.?\s+(?=[A-Z])")

    def _after_titles(self, doc: Doc) -> list[Span]:
        cands = []
        starts = {t.idx: t.i for t in doc}
        for m in self.title_re.finditer(doc_text(doc)):
            i = starts.get(m.end())
            while i is not None and i < len(doc) and doc[i].text.lower() in self.title_words:
                i += 1  # "Chief Executive Tim Cook": skip the rest of the title
            if i is not None:
                j = name_tokens(doc, i)
                if j > i:
                    cands.append(Span(doc, i, j, label="PERSON"))
        return cands

    def __call__(self, doc: Doc) -> Doc:
        cands = self._after_titles(doc)
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
                j = name_tokens(doc, i)
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
        replace_entities(doc, person_title_fixes(doc, self.title_words))
        return doc


@Language.factory("newsflow_people", requires=["doc.ents"], assigns=_ENTS)
def make_people(nlp: Language, name: str) -> PeopleComponent:
    return PeopleComponent()


# --------------------------------------------------------------------------- context

@Language.component("newsflow_context", requires=["doc.ents", "token.is_sent_start"], assigns=_ENTS)
def newsflow_context(doc: Doc) -> Doc:
    """Labels only the surrounding words decide: clubs in results, agencies in datelines."""
    replace_entities(doc, context_candidates(doc), context_drops(doc))
    return doc


# --------------------------------------------------------------------------- tidy

_DATELINE = re.compile(
    r"(?:^|\n)(?P<place>[A-Z][A-Z'’.-]+(?:\s[A-Z][A-Z'’.-]+){0,2})"
    r"(?=(?:,\s[^()\n]{1,40}?)?\s*(?:\([A-Za-z .]{1,30}\)\s*)?[-–—]\s)")


def caps_line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of headline lines set in capitals (three or more words, nearly all upper case)."""
    spans, pos = [], 0
    for line in text.split("\n"):
        words = re.findall(r"[^\W\d_]{2,}", line)
        if len(words) >= 3 and sum(w.isupper() for w in words) / len(words) >= 0.8:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _in_ranges(i: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= i < b for a, b in ranges)


def _trimmed_end(doc: Doc, start: int, end: int, label: str, gaz) -> int:
    """End of an entity without trailing punctuation, possessives and generic lower-case words."""
    while end > start and (doc[end - 1].text in (")", "-", "–", "—", ",") or (
            doc[end - 1].text in _POSSESSIVE_TOKENS and label in _TRIM_LABELS)):
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
    return end


def _known_inside(doc: Doc, start: int, end: int, gaz) -> list[Span]:
    """The longest gazetteer name inside tokens [start, end), as a one-item list (or none)."""
    for size in range(end - start - 1, 0, -1):
        for i in range(start, end - size + 1):
            entry = gaz.lookup(doc[i:i + size].text)
            if entry is not None:
                return [Span(doc, i, i + size, label=entry.label)]
    return []


@Language.component("newsflow_tidy", requires=["doc.ents"], assigns=_ENTS)
def newsflow_tidy(doc: Doc) -> Doc:
    """Span repairs: datelines, ALL-CAPS headlines, possessives, trailing verbs and brackets."""
    gaz = load_gazetteer()
    caps_lines = caps_line_spans(doc_text(doc))
    person_words = {w.upper(): e.text for e in doc.ents if e.label_ == "PERSON" for w in e.text.split()
                    if not _in_ranges(e.start_char, caps_lines)}
    out = []
    for e in doc.ents:
        start, label = e.start, e.label_
        end = _trimmed_end(doc, start, e.end, label, gaz)
        if end <= start:
            continue
        if _in_ranges(doc[start].idx, caps_lines):
            if end - start > 1 and not gaz.lookup(doc[start:end].text):
                # "MACRON URGES EUROPE" is a headline, not an organisation; but a known name inside
                # it stands: "SOUTHEASTERN UNITED STATES" -> "UNITED STATES"
                out += _known_inside(doc, start, end, gaz)
                continue
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
    for m in _DATELINE.finditer(doc_text(doc)):
        sp = doc.char_span(m.start("place"), m.end("place"), label="GPE", alignment_mode="contract")
        if sp is not None:
            out = [o for o in out if not spans_overlap(o, sp)] + [sp]
    doc.set_ents(sorted(filter_spans(out), key=lambda x: x.start), default="outside")
    return doc


# --------------------------------------------------------------------------- canonical

@Language.component("newsflow_canonical", requires=["doc.ents"],
                    assigns=[*_ENTS, "span._.canonical", "span._.country_code", "span._.kind"])
def newsflow_canonical(doc: Doc) -> Doc:
    """Each entity's canonical name, country code and kind (resolved within the article)."""
    ents = [e for e in doc.ents if e.label_ in ENTITY_LABELS]
    resolved = resolve_canonical([(e.text, e.label_) for e in ents])
    new = []
    for ent, (canonical, label, code) in zip(ents, resolved, strict=True):
        span = ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label)
        new.append((span, canonical, code))
    doc.set_ents([s for s, _, _ in new], default="outside")
    gaz = load_gazetteer()
    for span, canonical, code in new:
        span._.canonical = canonical
        span._.country_code = code
        span._.kind = gaz.kind_of(canonical, span.label_)
    return doc


# --------------------------------------------------------------------------- numbers

Language.component("newsflow_numbers", requires=["doc._.sentences"], assigns=["doc._.amounts"],
                   func=numbers_component)
