"""Entity labels that the surrounding words decide, for the ``newsflow_context`` component.

The small spaCy model labels a name mostly by the name itself, so a club named after its city
("Leeds 2 Arsenal 1", "Bayern beat Dortmund") comes out as a place, an agency in a dateline is
missed, a place it has not seen ("near Isfahan", "the village of Chuquibamba") is guessed to be
an organisation, and a stadium or an alliance is guessed to be a person. Each rule here looks at
the words around a name, proposes a span and a label, and fires only where the context is
unambiguous. Pure functions over a spaCy ``Doc``; spaCy itself is imported lazily.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newsflow.entities import NOT_PERSON_WORDS, ROLE_NOUNS, TITLES
from newsflow.gazetteer import load as load_gazetteer

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_PARTICLES = frozenset({"von", "van", "der", "de", "da", "bin", "al", "el", "la", "le", "du", "ibn", "zur", "zu"})
_NAME_PIECE = re.compile(r"[A-Z]\.|[A-Z][a-z]+[-'’][A-Z][a-z]+|Mc[A-Z][a-z]+")

SPORTS_WORDS = frozenset(
    "match matches league cup goal goals scored scoring striker midfielder defender goalkeeper coach "
    "manager penalty equaliser equalizer half-time fixture fixtures standings semi-final semi-finals "
    "quarter-final final finals tournament season wickets innings derby championship points club "
    "side squad kick-off stoppage relegation promoted qualifier qualifiers playoff play-off".split())
_RESULT_VERBS = frozenset("beat beats defeated defeat defeats thrashed edged routed hammered crushed overcame "
                          "stunned drew draw v v. vs vs. against host hosts face faces play plays over".split())
_RESULT_SKIP = frozenset("with to by at home away the were was 's".split())
_SCORE = re.compile(r"\d{1,2}\s*[-–—]\s*\d{1,2}")
# "the village of Chuquibamba", "east of Kandrian", "mayor of Derna": the name after "of" is a place.
_PLACE_BEFORE_OF = frozenset(
    "village town city region province district county state mayor governor east west north south northeast "
    "northwest southeast southwest suburb suburbs outskirts port capital island islands municipality "
    "prefecture governorate oblast".split())
_PLACE_AFTER = frozenset("region province state district county prefecture governorate oblast "
                         "archipelago valley".split())
GEO_LAST = frozenset(
    "moor moors shoal reef pass peninsula island islands mountain mountains hills volcano desert valley bay sea "
    "river lake creek canyon glacier archipelago coast strait gulf ocean forest plateau basin delta falls "
    "heights range atoll lagoon fjord".split())
GEO_FIRST = frozenset("lake mount mt. cape isle gulf loch sierra".split())
# not "park", "station" or "arena": Park and Arena are surnames too ("Bruce Arena")
_FAC_WORDS = frozenset("stadium airport bridge museum hospital stadion".split())
_ORG_WORDS = NOT_PERSON_WORDS - GEO_LAST - _FAC_WORDS - {"city", "state", "province", "region", "street", "road",
                                                         "square", "kingdom", "republic", "emirates"}
_STORMS = frozenset("hurricane typhoon cyclone storm".split())
_TIME_ZONES = frozenset("GMT UTC EDT EST CDT CST MDT MST PDT PST BST CET CEST EET IST JST AEST AEDT MSK".split())
_LEADING_TITLES = frozenset(t.lower().rstrip(".") for t in TITLES | {
    "pope", "cardinal", "archbishop", "bishop", "emperor", "sultan", "emir", "ayatollah", "rev", "reverend"})
_LEADING_TITLES -= {"sheikh"}  # "Sheikh Hasina" is her name


def name_tokens(doc: Doc, i: int, max_len: int = 4) -> int:
    """End of a run of capitalised name tokens starting at token i ("Keir Starmer", "Ursula von der Leyen")."""
    j = i
    while j < len(doc) and j - i < max_len:
        t = doc[j].text
        particle = t in _PARTICLES
        name_like = ((t[:1].isupper() and not (t.isupper() and len(t) > 2) and t.lower() not in NOT_PERSON_WORDS
                     and t.isalpha()) or _NAME_PIECE.fullmatch(t))
        if not (name_like or (particle and j > i and j + 1 < len(doc) and doc[j + 1].text[:1].isupper())):
            break
        j += 1
    return j


def _cap(tok) -> bool:
    return tok.text[:1].isupper() and (tok.is_alpha or "-" in tok.text or "." in tok.text)


def _name_at(doc: Doc, i: int, forward: bool = True) -> tuple[int, int] | None:
    """The entity or capitalised run that starts (forward) or ends (backward) at token i."""
    if not 0 <= i < len(doc) or not _cap(doc[i]):
        return None
    if doc[i].ent_type_:
        ent = next(e for e in doc.ents if e.start <= i < e.end)
        if ent.start == i if forward else ent.end == i + 1:
            return ent.start, ent.end
    j = i  # not an entity, or one drawn across a score ("Peñarol 2–1 Godoy Cruz"): the capitalised run
    step = 1 if forward else -1
    while 0 <= j + step < len(doc) and abs(j + step - i) < 4 and _cap(doc[j + step]) \
            and not (doc[j + step].is_sent_start if forward else doc[j].is_sent_start):
        j += step
    return (i, j + 1) if forward else (j, i + 1)


# --------------------------------------------------------------------------- sports


def is_sports(sent) -> bool:
    words = {t.lower_ for t in sent}
    return len(words & SPORTS_WORDS) >= 2 or (bool(words & SPORTS_WORDS) and bool(_SCORE.search(sent.text)))


_NAME_RX = r"[^\W\d_][^\d\n,;:]{0,40}?"
_RESULT_LINE = re.compile(rf"\s*{_NAME_RX}\s\d{{1,2}}(?:\s*[-–—]\s*\d{{1,2}}\s{_NAME_RX}|,?\s{_NAME_RX}\s\d{{1,2}})\s*\.?\s*")


def _result_line(sent) -> bool:
    """A line that is only a result: "Peñarol 2–1 Godoy Cruz", "Leeds 2 Arsenal 1"."""
    return bool(_RESULT_LINE.fullmatch(sent.text))


def _team_spans(doc: Doc, sent) -> list[tuple[int, int, bool]]:
    """(start, end, from_score) of the teams in a sports sentence: either side of a score or a
    result verb, and the rows of a standings list."""
    out = []
    toks = list(sent)
    for k, tok in enumerate(toks):
        i = tok.i
        score_end = None
        if _SCORE.fullmatch(tok.text):
            score_end = i + 1
        elif tok.like_num and k + 2 < len(toks) and toks[k + 1].text in ("-", "–", "—") and toks[k + 2].like_num:
            score_end = i + 3
        if score_end is not None and (a := _name_at(doc, i - 1, forward=False)) and (b := _name_at(doc, score_end)):
            out += [(*a, True), (*b, True)]
        elif tok.like_num and len(tok.text) <= 2 and (a := _name_at(doc, i - 1, forward=False)) \
                and (b := _name_at(doc, i + 1 + (i + 1 < sent.end and doc[i + 1].text == ","))) \
                and b[1] < sent.end and doc[b[1]].like_num and len(doc[b[1]].text) <= 2:
            out += [(*a, True), (*b, True)]  # "Leeds 2 Arsenal 1", "Leeds 2, Arsenal 1"
        elif tok.lower_ in _RESULT_VERBS:
            j = i + 1
            while j < sent.end and (doc[j].lower_ in _RESULT_SKIP or _SCORE.fullmatch(doc[j].text)):
                j += 1
            prev = i - 1 - (doc[i - 1].lower_ in ("were", "was", "have", "had") if i > sent.start else 0)
            out += [(*s, False) for s in (_name_at(doc, prev, forward=False), _name_at(doc, j)) if s]
    colon = next((t.i for t in toks if t.text.endswith(":")), None)
    if colon is not None and any(t.lower_ == "standings" for t in toks):
        out += [(*s, True) for t in doc[colon + 1: sent.end] if (s := _name_at(doc, t.i)) and s[0] == t.i]
    return out


def _sports_teams(doc: Doc, gaz) -> list[Span]:
    from spacy.tokens import Span

    out = []
    for sent in doc.sents:
        if not (is_sports(sent) or _result_line(sent)):
            continue
        for start, end, from_score in _team_spans(doc, sent):
            span = doc[start:end]
            if any(e.start < end and start < e.end and e.label_ not in ("GPE", "LOC", "NORP", "PERSON")
                   and not (e.start <= start and end <= e.end and from_score) for e in doc.ents):
                continue  # part of an event, venue or club NER found: "the Australian Open"
            entry = gaz.lookup(span.text)
            label = next((e.label_ for e in doc.ents if e.start == start and e.end == end), "")
            country = entry is not None and entry.kind == "country"
            if label not in ("", "GPE", "LOC", "NORP", "PERSON") or (label == "PERSON" and not from_score) \
                    or (country and not from_score):  # events, venues and clubs NER found stand
                continue  # tennis players; "India beat Australia" names the country
            if span.text.lower() in _RESULT_VERBS or any(t.like_num for t in span):
                continue
            out.append(Span(doc, start, end, label="ORG"))
    return out


_CLUB_BEFORE = frozenset("for against from over beat beats v v. vs vs. joined join joins signed".split())
_CLUB_AFTER = frozenset("have are were beat drew lost won".split())  # "Madrid have spent": a club


def _clubs_in_sports_story(doc: Doc, gaz) -> list[Span]:
    """In a sports story, a city or region is usually its club: "played 41 games for Dortmund",
    "defenders from Benfica and Bournemouth", "Madrid have spent", and a short form of a club
    named in full earlier ("Borussia Dortmund" ... "Dortmund")."""
    from spacy.tokens import Span

    if sum(t.lower_ in SPORTS_WORDS or t.lower_ in ("games", "signing", "transfer", "transfers") for t in doc) < 4:
        return []
    club_words = {e[-1].text for e in doc.ents if e.label_ == "ORG" and len(e) > 1 and "of" not in e.text.split()}
    out = []
    for ent in doc.ents:
        entry = gaz.lookup(ent.text)
        if ent.label_ not in ("GPE", "LOC", "NORP") or len(ent) > 2 or (entry is not None and entry.kind == "country"):
            continue
        prev = doc[ent.start - 1].lower_ if ent.start else ""
        prev2 = doc[ent.start - 2].lower_ if ent.start > 1 else ""
        nxt = doc[ent.end].lower_ if ent.end < len(doc) else ""
        listed = prev in ("and", ",") and (any(e.end == ent.start - 1 for e in out) or prev2 in club_words
                                           or doc[ent.start - 2].text in club_words)  # "from Benfica and Bournemouth"
        if ent.text in club_words or prev in _CLUB_BEFORE or nxt in _CLUB_AFTER or listed:
            out.append(Span(doc, ent.start, ent.end, label="ORG"))
    return out


# --------------------------------------------------------------------------- places, storms, facilities


def _has_org_word(span) -> bool:
    return any(t.lower_ in _ORG_WORDS for t in span)


def _place_by_context(doc: Doc, ent, gaz) -> str | None:
    """GPE/LOC for an entity the words around it show to be a place, else None."""
    words = [t.lower_ for t in ent]
    if gaz.lookup(ent.text) is not None or ent.label_ in ("LOC", "GPE", "FAC"):
        return None  # known names are the gazetteer component's business ("Sierra Leone")
    if len(ent) > 1 and (words[-1] in GEO_LAST or words[0] in GEO_FIRST) and not _has_org_word(ent):
        return "LOC"
    if ent.label_ not in ("ORG", "PERSON") or _has_org_word(ent):
        return None
    prev = [t.lower_ for t in doc[max(0, ent.start - 2): ent.start]]
    nxt = doc[ent.end] if ent.end < len(doc) else None
    if prev[-1:] in (["near"], ["outside"]) or (prev[-1:] == ["of"] and prev[:1] and prev[0] in _PLACE_BEFORE_OF):
        return "GPE"
    if nxt is not None and nxt.is_lower and nxt.lower_ in _PLACE_AFTER:
        return "GPE"  # "in Arequipa region"
    if nxt is not None and nxt.text == "," and ent.end + 1 < len(doc) and (ent.label_ == "ORG" or len(ent) == 1):
        after = _name_at(doc, ent.end + 1)
        entry = gaz.lookup(doc[after[0]:after[1]].text) if after else None
        follow = doc[after[1]] if after and after[1] < len(doc) else None
        if entry is not None and entry.label == "GPE" and (follow is None or follow.text not in ("'s", "’s")):
            return "GPE"  # "Derna, Libya"
    return None


def _relabel(doc: Doc, gaz) -> list[Span]:
    """Entities whose own words or neighbours decide their label: places, storms, stadiums."""
    from spacy.tokens import Span

    out = []
    for ent in doc.ents:
        first = ent[0].lower_
        prev = doc[ent.start - 1].lower_ if ent.start else ""
        if (first in _STORMS and len(ent) > 1) or (first == "tropical" and len(ent) > 2):
            label = "EVENT"  # "Hurricane Flossie", "Tropical Storm Debby"
        elif ent.label_ == "PERSON" and ent[-1].lower_ in _FAC_WORDS:
            label = "FAC"  # "Santiago Bernabeu Stadium"
        elif ent.label_ == "PERSON" and (_has_org_word(ent) or _appositive_org(doc, ent)):
            label = "ORG"  # "Gavi, the vaccine alliance"
        elif ent.label_ == "PERSON" and prev == "the" and len(ent) == 1 and not (
                ent.end < len(doc) and doc[ent.end].is_lower):  # but "the Trump administration"
            label = "FAC" if ent.start > 1 and doc[ent.start - 2].lower_ in ("at", "in", "to") else "ORG"
        else:
            label = _place_by_context(doc, ent, gaz) or ent.label_
        if label != ent.label_:
            out.append(Span(doc, ent.start, ent.end, label=label))
    return out


_VEHICLES = frozenset("spacecraft satellite probe rocket shuttle aircraft jet airliner drone warship carrier "
                      "submarine missile telescope rover".split())
_SPLIT_AT = frozenset({"at", "in", "'s", "’s", "'", "’"})


def _split_orgs(doc: Doc, gaz) -> list[Span]:
    """Two names the model drew as one organisation: "NOAA's National Climatic Data Center",
    "School of Management at Boston University", "Castlemartin Training Area in Pembrokeshire"."""
    from spacy.tokens import Span

    out = []
    for ent in doc.ents:
        if ent.label_ != "ORG" or len(ent) < 3:
            continue
        cut = next((t.i for t in ent[1:-1] if t.lower_ in _SPLIT_AT and _cap(doc[t.i + 1])), None)
        if cut is None or gaz.lookup(ent.text) is not None:
            continue
        left, right = doc[ent.start + (ent[0].lower_ == "the"):cut], doc[cut + 1:ent.end]
        if doc[cut].lower_ not in ("at", "in") and (len(right) < 2 or not left or not (
                len(left) > 1 or left.text.isupper() or gaz.lookup(left.text) is not None)):
            continue  # "Dr. Reddy's Laboratories", "McDonald's" are one name
        right_label = "ORG" if _has_org_word(right) or doc[cut].lower_ not in ("at", "in") else "GPE"
        left_label = "LOC" if doc[cut].lower_ == "in" and not _has_org_word(left) else "ORG"
        out += [Span(doc, left.start, left.end, label=left_label), Span(doc, right.start, right.end, label=right_label)]
    return out


def _laws_and_products(doc: Doc) -> list[Span]:
    """"Emergency Economic Stabilization Act of 2008" is a law (year included); "the MESSENGER
    spacecraft", "Space Shuttle Endeavour" are products; "Maria" after "Hurricane Maria" is the storm."""
    from spacy.tokens import Span

    out = []
    storms = {e[-1].text for e in doc.ents if e[0].lower_ in _STORMS or e[0].lower_ == "tropical"}
    for ent in doc.ents:
        end, nxt = ent.end, doc[ent.end] if ent.end < len(doc) else None
        if ent[-1].text == "Act" and len(ent) > 1:
            if end + 1 < len(doc) and doc[end].lower_ == "of" and re.fullmatch(r"\d{4}", doc[end + 1].text):
                end += 2
            out.append(Span(doc, ent.start, end, label="LAW"))
        elif ent.label_ in ("ORG", "PERSON", "GPE") and (
                (nxt is not None and nxt.lower_ in _VEHICLES) or ent.text.startswith("Space Shuttle ")):
            out.append(Span(doc, ent.start, ent.end, label="PRODUCT"))
        elif ent.label_ == "PERSON" and len(ent) == 1 and ent.text in storms:
            out.append(Span(doc, ent.start, ent.end, label="EVENT"))
        elif ent.label_ == "ORG" and len(ent) == 1 and nxt is not None and nxt.lower_ == "regime":
            out.append(Span(doc, ent.start, ent.end, label="PERSON"))  # "the Assad regime"
    return out


def _appositive_org(doc: Doc, ent) -> bool:
    """"Gavi, the vaccine alliance": a name followed by ", the ... <organisation word>" where that
    word heads the phrase (not "Keir Starmer, the Labour Party leader")."""
    tail = doc[ent.end: ent.end + 7]
    if len(tail) < 3 or tail[0].text != "," or tail[1].lower_ != "the":
        return False
    phrase = []
    for t in tail[2:]:
        if t.is_punct:
            break
        phrase.append(t)
    head = phrase[-1] if phrase else None
    return head is not None and head.lower_ in _ORG_WORDS and head.i + 1 < len(doc) and doc[head.i + 1].is_punct


# --------------------------------------------------------------------------- agencies, people


def _agencies(doc: Doc, gaz) -> list[Span]:
    """"(Reuters)", "(AP)", "(AFP)" after a dateline: the agency, an organisation."""
    from spacy.tokens import Span

    out = []
    for tok in doc:
        if tok.text == "(" and tok.i + 2 < len(doc) and doc[tok.i + 2].text == ")":
            entry = gaz.lookup(doc[tok.i + 1].text)
            if entry is not None and entry.label == "ORG":
                out.append(Span(doc, tok.i + 1, tok.i + 2, label="ORG"))
    return out


def _list_neighbour(doc: Doc, start: int, end: int, forward: bool) -> tuple[int, int] | None:
    """The name run on the other side of a list separator from tokens [start, end): the "B" of
    "A, B" or "A and B" (forward), or the "A" (backward)."""
    i = end if forward else start - 1
    seps = 0
    while 0 <= i < len(doc) and doc[i].text in (",", "and", "&") and seps < 2:
        i, seps = i + (1 if forward else -1), seps + 1
    if not seps or not 0 <= i < len(doc):
        return None
    if forward:
        j = name_tokens(doc, i)
        return (i, j) if 2 <= j - i <= 3 else None
    j = i
    while j > 0 and i - j < 3 and name_tokens(doc, j - 1, max_len=i - j + 2) == i + 1 and not doc[j].is_sent_start:
        j -= 1
    return (j, i + 1) if 2 <= i + 1 - j <= 3 else None


def _people_in_lists(doc: Doc, gaz, title_words: set[str]) -> list[Span]:
    """Names listed with a person ("Jannik Sinner, Carlos Alcaraz and Novak Djokovic") are people:
    the small model often labels the first and misses or mislabels the rest."""
    from spacy.tokens import Span

    labels = {(e.start, e.end): e.label_ for e in doc.ents}
    fixed = [e for e in doc.ents if e.label_ not in ("PERSON", "ORG", "GPE", "NORP")]  # events, venues... stand
    todo = [(e.start, e.end) for e in doc.ents if e.label_ == "PERSON" and len(e) >= 2]
    seen, out = set(todo), []
    while todo:
        start, end = todo.pop()
        for forward in (True, False):
            run = _list_neighbour(doc, start, end, forward)
            if run is None or run in seen or labels.get(run) == "PERSON" \
                    or any(e.start < run[1] and run[0] < e.end for e in fixed):
                continue
            span = doc[run[0]:run[1]]
            if gaz.lookup(span.text) is not None or _has_org_word(span) \
                    or any(t.lower_ in title_words for t in span):
                continue
            seen.add(run)
            todo.append(run)
            out.append(Span(doc, run[0], run[1], label="PERSON"))
    return out


def _title_place_split(doc: Doc, ent, gaz) -> list[Span]:
    """"(Prime Minister of) Thailand Yingluck Shinawatra" -> "Thailand" GPE + the person."""
    from spacy.tokens import Span

    for cut in range(ent.start + 1, min(ent.end - 1, ent.start + 4)):
        entry = gaz.lookup(doc[ent.start:cut].text)
        if entry is not None and entry.label == "GPE":
            return [Span(doc, ent.start, cut, label="GPE"), Span(doc, cut, ent.end, label="PERSON")]
    return []


def person_title_fixes(doc: Doc, title_words: set[str]) -> list[Span]:
    """People listed with a person; person spans without a leading title or role ("Pope Francis"
    -> "Francis") and without the country a title named ("Prime Minister of Thailand Yingluck
    Shinawatra" -> "Thailand", "Yingluck Shinawatra"), as the tables want the name alone."""
    from spacy.tokens import Span

    gaz = load_gazetteer()
    out = _people_in_lists(doc, gaz, title_words)
    for ent in doc.ents:
        if ent.label_ not in ("PERSON", "ORG") or len(ent) < 2:
            continue
        after_title_of = ent.start > 1 and doc[ent.start - 1].lower_ == "of" and doc[ent.start - 2].lower_ in title_words
        if after_title_of:
            out += _title_place_split(doc, ent, gaz)
            continue
        start = ent.start
        while ent.label_ == "PERSON" and start < ent.end - 1 and (
                doc[start].lower_.rstrip(".") in _LEADING_TITLES or doc[start].lower_.removesuffix("s") in ROLE_NOUNS):
            start += 1
        if start > ent.start:
            out.append(Span(doc, start, ent.end, label="PERSON"))
    return out


def context_candidates(doc: Doc) -> list[Span]:
    """Spans whose label the context decides (see the module docstring), to replace what they overlap."""
    gaz = load_gazetteer()
    return (_relabel(doc, gaz) + _split_orgs(doc, gaz) + _laws_and_products(doc) + _agencies(doc, gaz)
            + _sports_teams(doc, gaz) + _clubs_in_sports_story(doc, gaz))


def context_drops(doc: Doc) -> list[Span]:
    """Entities that are not names: time zones ("1120 GMT") and magnitudes ("Magnitude 5.4")."""
    return [e for e in doc.ents if e.text in _TIME_ZONES
            or (e.label_ in ("PERSON", "ORG") and e[0].lower_ in ("magnitude", "mw", "ms", "mb", "ml"))]
