"""Quotations with their speakers: the `quotes` table (who said what, with the verb and offsets).

Rule-based on purpose: the spaCy pipeline runs NER only (a parser would cost more than the rest of
the pipeline), so attribution works from the entity rows, the sentences and a speech-verb lexicon.
Quoted spans come from the marks (“ ” « », straight quotes by their shape, ‘ ’ at the top level only,
so apostrophes never open one); a paragraph that opens a quote without closing it continues into
the next one that opens with the same mark (the newswire convention): one row per quote. The
speaker comes from, in order: an attribution right after the closing mark ("“…,” he said", "“…,”
said Xi"); the nearest speech verb before the quote in its sentence that has a subject ("Xi said
the island was “…”"); "according to <speaker>" or ", <speaker> <verb>" later in the sentence; for a
whole quoted sentence with none of these, the previous quote's speaker or the subject of a speech
verb in the sentence before (implicit attribution: 'Caruso says quakes are common. "In that area
..."'). A speaker is an entity (PERSON, ORG, GPE, NORP), a pronoun resolved to the most recent
compatible speaker or sentence subject, or a role phrase ("the US president" resolves to whoever
was given that title earlier, else to the nearest preceding entity with a compatible label).
Verbs are lemmas from a small inflection table here: for a closed list of verbs, ``lemminflect``
and its data files would be a dependency for nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from numbers import Integral

from newsflow.tables import SPEAKER_LABELS

# -- the speech-verb lexicon ------------------------------------------------------------------
_IRREGULAR = {
    "say": ("says", "said", "saying"), "tell": ("tells", "told", "telling"), "plead": ("pleads", "pleaded", "pled", "pleading"),
    "write": ("writes", "wrote", "written", "writing"), "speak": ("speaks", "spoke", "spoken", "speaking"),
}
_REGULAR = """add warn call declare ask state note insist claim argue explain announce report stress emphasise emphasize urge
    vow pledge promise predict acknowledge admit deny describe suggest reply respond comment conclude recall remark observe
    tweet post quip complain boast caution confirm contend assert concede proclaim affirm reiterate repeat lament counter
    demand threaten accuse criticise criticize praise hail dismiss brand term dub reveal testify joke issue opine remember
    shout yell chant scream whisper characterise characterize answer exclaim""".split()
_DOUBLED = frozenset({"admit", "quip", "dub"})  # admitted, quipped, dubbed


def _inflections(lemma: str) -> tuple[str, ...]:
    """The -s, -ed and -ing forms of a regular verb (with the usual spelling rules)."""
    stem = lemma + lemma[-1] if lemma in _DOUBLED else lemma
    if lemma.endswith("y") and lemma[-2] not in "aeiou":  # deny: denies, denied, denying
        return lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
    if lemma.endswith("e"):
        return third, lemma + "d", lemma[:-1] + "ing"
    return third, stem + "ed", stem + "ing"


VERB_LEMMAS: dict[str, str] = {}
for _lemma in [*_IRREGULAR, *_REGULAR]:
    for _form in (_lemma, *(_IRREGULAR.get(_lemma) or _inflections(_lemma))):
        VERB_LEMMAS[_form] = _lemma
_WORD = re.compile(r"[A-Za-z]+")


_ACCORDING = re.compile(r"\baccording to\s+", re.I)

# -- speakers that are not entities, and the words around them --------------------------------
_PRONOUNS = {"he": ("PERSON",), "she": ("PERSON",), "it": ("ORG", "GPE"), "they": ("ORG", "NORP", "GPE")}
_ROLES: dict[str, str] = {
    **dict.fromkeys("""president premier minister chancellor leader spokesman spokeswoman spokesperson official secretary
        governor mayor senator congressman congresswoman lawmaker legislator chief executive ceo chairman chairwoman chair
        director coach manager king queen pope general ambassador envoy diplomat analyst economist strategist founder head
        commissioner judge prosecutor lawyer attorney adviser advisor captain player owner president-elect candidate
        negotiator researcher scientist expert investor trader source critic resident witness observer protester family
        activist worker voter student doctor nurse farmer survivor victim father mother parent""".split(), "PERSON"),
    **dict.fromkeys("""ministry company firm group agency bank administration department party club team council committee
        board court union organisation organization alliance commission military army police regulator media newspaper
        broadcaster network association institute university carmaker lender insurer retailer airline operator office
        embassy parliament cabinet""".split(), "ORG"),
    **dict.fromkeys("country government state nation kingdom republic capital city".split(), "GPE"),
}
_IRREGULAR_PLURALS = {"spokesmen": "spokesman", "spokeswomen": "spokeswoman", "people": "person", "witnesses": "witness"}
_DETERMINERS = frozenset("the a an its his her their our".split())
_NOT_MODIFIERS = frozenset("""and or but that which who whom whose at of for in on to with by from as is are was were be
    been has had have not than then also when while after before said says told""".split())
# words allowed between a subject and its verb ("Xi has long said", "China on Monday declared")
_SKIPPABLE = frozenset("""also has had have is are was were been later then again previously once repeatedly long earlier
    recently reportedly further separately himself herself itself themselves would will could first publicly privately""".split())
_WEEKDAY_ADV = re.compile(r"\bon\s+(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s*$")
_WORD_END = re.compile(r"([A-Za-z][\w’'.-]*)\s*$")
_WORD_START = re.compile(r"\s*([A-Za-z][\w’'.-]*)")
_BEFORE_ORG = re.compile(r"(?:\b(?:the|failed|former)\s+)?$")
_CAP_WORD_END = re.compile(r"([A-Z][\w’'.-]*)\s*$")
_CAP_STOP = frozenset("""The A An This That These Those It He She They We I But And Or In On At For As If When While After
    Before Since Meanwhile However Still Also Then Now Officials Critics""".split())
_PREPOSITIONS = frozenset("""with to from by for of on at in about against between including like besides over after before
    than among toward towards into upon""".split())

_LEAD_PUNCT = re.compile(r"[\s,;—–-]*")
_ATTRIBUTION_BREAK = re.compile(r"[;:\n“«]")
_NO_SUBJECT = re.compile(r"(?:,|\band|\bbut|\bthen)\s*$")  # "…, adding", "… and said"

# -- quote marks ----------------------------------------------------------------------------
_MARKS = re.compile(r"[“”\"«»‘’\n]")
_CLOSERS = {"“": "”\"", "«": "»", '"': '"”', "‘": "’"}  # scraped text mixes “ with " and " with ”
_OPEN_BEFORE = set("([{—–-/“‘«")
_CLOSE_AFTER = set(",.;:!?)]}—–-…'’”»")
_SENTENCE_INSIDE = re.compile(r"[.!?…][”’\"]?\s+[“\"‘]?[A-Z0-9]")
_SO_CALLED = re.compile(r"\bso-called\s*$", re.I)
_NON_SPACE, _COMMA = re.compile(r"\S"), re.compile(r",\s*")
REACH = 600  # attribution looks at most this many characters around a quote (a bound, not a rule)
MAX_QUOTE_CHARS = 5000  # a "quote" longer than this is an unbalanced mark, not speech


@dataclass(frozen=True)
class _Quote:
    open: int  # position of the opening mark
    close: int  # position of the closing mark
    start: int  # the quoted words, marks and surrounding spaces left out
    end: int
    paragraphs: int = 1


@dataclass(frozen=True)
class Speaker:
    """Who a quote is attributed to: as written, resolved, and where it was found."""

    start: int
    end: int
    text: str
    canonical: str | None
    label: str | None
    plural: bool = False  # "officials": never what "he" or "she" points back to

    @staticmethod
    def of(e: dict) -> Speaker:
        return Speaker(e["start"], e["end"], e["text"], e["canonical"], e["label"])


def find_quotes(text: str) -> list[_Quote]:
    """Balanced quotation spans, top level only, continued across paragraphs by newswire rules."""
    found: list[_Quote] = []
    open_at, open_char, paras, skip = -1, "", 1, -1
    for m in _MARKS.finditer(text):
        pos, ch = m.start(), m.group()
        if pos == skip:
            continue
        if ch == "\n":
            nxt = _NON_SPACE.search(text, pos) if open_at >= 0 and open_char in "“\"«" else None
            if nxt is not None and nxt.group() == open_char:
                skip, paras = nxt.start(), paras + 1  # the next paragraph re-opens: the quote goes on
            else:
                open_at = -1
            continue
        prev = text[pos - 1] if pos else " "
        after = text[pos + 1] if pos + 1 < len(text) else " "
        if open_at >= 0 and ch in _CLOSERS[open_char] and _closes(ch, prev, after):
            q = _quote(text, open_at, pos, paras)
            if q is not None:
                found.append(q)
            open_at = -1
        elif (open_at < 0 or (ch == open_char and ch != '"')) and _opens(ch, prev, after):
            open_at, open_char, paras = pos, ch, 1  # (a repeated opener restarts the quote)
    return found


def _opens(ch: str, prev: str, after: str) -> bool:
    """“ and « always open; " and ‘ only at the start of a word."""
    opening_shape = (prev.isspace() or prev in _OPEN_BEFORE) and not after.isspace()
    return ch in "“«" or (ch == '"' and opening_shape) or (ch == "‘" and opening_shape and after.isalnum())


def _closes(ch: str, prev: str, after: str) -> bool:
    """’ before a letter is an apostrophe ("Taiwan’s"), never a closing mark; " closes by its shape."""
    if ch == "’":
        return not after.isalnum() and not prev.isspace()
    return ch != '"' or not prev.isspace() or after.isspace() or after in _CLOSE_AFTER


def _quote(text: str, open_at: int, close: int, paras: int) -> _Quote | None:
    start, end = open_at + 1, close
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1  # '“…,” he said': the comma is the attribution's, not the speaker's
    if _SO_CALLED.search(text, max(0, open_at - 12), open_at):
        return None  # the so-called “grey zone” is a name, not speech
    if end - start > MAX_QUOTE_CHARS or not any(c.isalnum() for c in text[start:end]):
        return None
    return _Quote(open_at, close, start, end, paras)


def _role_label(word: str) -> tuple[str, bool] | None:
    """(label, plural) of a role noun ("minister", "officials", "ministries"), else None."""
    w = word.lower().rstrip(".")
    for base, plural in ((_IRREGULAR_PLURALS.get(w, w), w in _IRREGULAR_PLURALS), (w[:-3] + "y", True), (w[:-1], True)):
        if base in _ROLES and (base == w or (plural and w.endswith("s"))):
            return _ROLES[base], plural
    return None


def _skip_left(text: str, i: int, lo: int) -> int:
    """Move left over auxiliaries, adverbs and "on Monday" between a subject and its verb."""
    while True:
        m = _WORD_END.search(text, max(lo, i - 60), i)
        if m and m.group(1).lower() in _SKIPPABLE:
            i = m.start(1)
        elif (d := _WEEKDAY_ADV.search(text, max(lo, i - 30), i)) is not None:
            i = d.start()
        else:
            return i


def _back(text: str, lo: int, i: int) -> int:
    """i moved left over whitespace, not past lo."""
    return lo + len(text[lo:i].rstrip())


_FOUND = tuple[Speaker, str]  # (speaker, verb lemma)


class _Context:
    """One article: its lookups (built once and bisected, so a quote's cost does not grow with the
    article) and the attribution rules, which all read them."""

    def __init__(self, text: str, sentences: list, entities: list[dict], quotes: list[_Quote]) -> None:
        self.text, self.quotes, self.opens = text, quotes, [q.open for q in quotes]
        self.sentences = sorted(sentences, key=lambda s: s.start)
        self.starts = [s.start for s in self.sentences]
        self.entities = sorted(entities, key=lambda e: (e["start"], -e["end"]))
        self.ent_starts = [e["start"] for e in self.entities]
        self.by_start: dict[int, dict] = {}
        self.by_end: dict[int, dict] = {}
        self.surnames: dict[str, list[tuple[int, str]]] = {}
        self.titled: dict[str, tuple[list[int], list[dict]]] = {}
        for e in self.entities:
            if e["label"] in SPEAKER_LABELS and not self.in_quote(e["start"]):
                self.by_start.setdefault(e["start"], e)
                self.by_end.setdefault(e["end"], e)
            if e["label"] == "PERSON":
                self.surnames.setdefault((e["canonical"].split() or [""])[-1], []).append((e["end"], e["canonical"]))
        # every speech verb, once (a dictionary lookup per word: ten times faster than one regular
        # expression with every form); the rules take slices of it
        self.verbs = [m for m in _WORD.finditer(text) if m.group().lower() in VERB_LEMMAS]
        self.verb_starts = [m.start() for m in self.verbs]
        self.speakers = list(self.by_start.values())
        self.speaker_starts = [e["start"] for e in self.speakers]
        # what "he" or "it" may point back to: the first person and the first group named outside
        # quotes in each sentence, unless a preposition governs it ("a call with Trump"); speakers
        # are added as they are found. (pos, label, canonical)
        self.cands: list[tuple[int, str | None, str | None]] = []
        seen: set[tuple[int, bool]] = set()
        for e in self.speakers:
            key = (self.sentence(e["start"])[0], e["label"] == "PERSON")
            m = _WORD_END.search(text, max(0, e["start"] - 30), e["start"])
            if key not in seen and not (m and m.group(1).lower() in _PREPOSITIONS):
                seen.add(key)
                self.cands.append((e["start"], e["label"], e["canonical"]))

    def verbs_in(self, lo: int, hi: int) -> list[re.Match]:
        """Speech verbs within [lo, hi)."""
        return [m for m in self.verbs[bisect_left(self.verb_starts, lo):bisect_left(self.verb_starts, hi)] if m.end() <= hi]

    def ents_in(self, lo: int, hi: int) -> list[dict]:
        """Entities starting in [lo, hi)."""
        return self.entities[bisect_left(self.ent_starts, lo):bisect_left(self.ent_starts, hi)]

    def titled_persons(self, noun: str, before: int) -> list[dict]:
        """People mentioned before ``before`` right after the title ``noun`` ("President Donald Trump")."""
        if noun not in self.titled:
            word = re.compile(rf"\b{re.escape(noun)}\b")
            found = [e for e in self.entities if e["label"] == "PERSON"
                     and word.search(self.text[max(0, e["start"] - 40):e["start"]].lower())]
            self.titled[noun] = ([e["start"] for e in found], found)
        starts, found = self.titled[noun]
        return found[:bisect_left(starts, before)]

    def sentence(self, pos: int) -> tuple[int, int, int]:
        """(sentence_index, start, end) of the sentence holding pos (the whole text if none)."""
        i = bisect_right(self.starts, pos) - 1
        if i < 0:  # before the first sentence, or no sentences at all
            return (self.sentences[0].sentence_index if self.sentences else 0), 0, len(self.text)
        return self.sentences[i].sentence_index, self.sentences[i].start, max(self.sentences[i].end, pos)

    def in_quote(self, pos: int) -> bool:
        i = bisect_right(self.opens, pos) - 1
        return i >= 0 and self.quotes[i].open < pos <= self.quotes[i].close

    def remember(self, spk: Speaker) -> None:
        """A speaker becomes what a later pronoun may point back to (an unnamed "the minister"
        too: "he" then means the minister, not whoever was named before)."""
        if (not spk.plural and spk.text.lower() not in _PRONOUNS) or spk.canonical is not None:
            insort(self.cands, (spk.start, spk.label, spk.canonical), key=lambda c: c[0])

    def resolve_pronoun(self, pos: int, labels: tuple[str, ...], window: int | None) -> tuple | None:
        floor = -1 if window is None else self.sentence(pos)[0] - window
        for cand in reversed(self.cands[max(0, (i := bisect_left(self.cands, pos, key=lambda c: c[0])) - 500):i]):
            if self.sentence(cand[0])[0] < floor:
                return None
            if cand[1] in labels or cand[1] is None:
                return cand
        return None

    def _subject_before(self, v: int, lo: int) -> Speaker | None:
        """The speaker written right before a verb at ``v``: an entity, a pronoun, a role phrase or an
        unrecognised name, the person an appositive describes ("Lin Jian, said"; "Hans Kluge, the
        WHO's director for Europe, said"), or the member of an organisation ("Tim Evans from Citigroup")."""
        text, lo = self.text, max(lo, v - REACH // 2)
        j = _back(text, lo, _skip_left(text, v, lo))
        if j <= lo:
            return None
        if text[j - 1] == ",":
            return self._appositive(j - 1, lo)
        spk = self._mention_ending(j, lo)
        if spk is None or spk.label == "PERSON":
            return spk
        return self._member_of(spk, lo) or spk

    def _mention_ending(self, j: int, lo: int) -> Speaker | None:
        """An entity, pronoun, role phrase or name that ends exactly at ``j``."""
        e = self.by_end.get(j)
        if e is not None and e["start"] >= lo:
            return Speaker.of(e)
        m = _WORD_END.search(self.text, max(lo, j - 60), j)
        if m is None:
            return None
        if m.group(1).lower() in _PRONOUNS:
            return Speaker(m.start(1), m.end(1), m.group(1), None, None)
        return (self._role_before(m.start(1), m.end(1), lo) or self._surname(m.start(1), m.end(1))
                or self._capitalised_name(j, lo))

    def _appositive(self, comma: int, lo: int) -> Speaker | None:
        text = self.text
        e = self.by_end.get(_back(text, lo, comma))
        if e is not None and e["label"] == "PERSON" and text[lo:e["start"]].rstrip().endswith(","):
            return Speaker.of(e)  # "The ministry's spokesman, Lin Jian, said"
        prev = text.rfind(",", max(lo, comma - 120), comma)
        spk = self._mention_ending(_back(text, lo, prev), lo) if prev >= 0 else None
        return spk if spk is not None and spk.text.lower() not in _PRONOUNS else None

    def _member_of(self, spk: Speaker, lo: int) -> Speaker | None:
        """"Tim Evans from Citigroup said", "a spokesperson for the airline said", "Richard Fuld, CEO
        of Lehman Brothers says": who is before "from/at/of/for <organisation>" speaks."""
        text = self.text
        m = _BEFORE_ORG.search(text, max(lo, spk.start - 20), spk.start)
        p = _WORD_END.search(text, max(lo, spk.start - 70), m.start() if m else spk.start)
        if p is None or p.group(1).lower() not in ("from", "at", "of", "for", "with"):
            return None
        head = self._mention_ending(_back(text, lo, p.start(1)), lo)
        if head is None or head.text.lower() in _PRONOUNS:
            return None
        if head.label == "PERSON" and head.canonical is not None:
            return head
        c = _back(text, lo, head.start)
        e = self.by_end.get(_back(text, lo, c - 1)) if c > lo and text[c - 1] == "," else None
        if e is not None and e["label"] == "PERSON":
            return Speaker.of(e)
        return Speaker(head.start, spk.end, text[head.start:spk.end], head.canonical, head.label, head.plural)

    def _capitalised_name(self, j: int, lo: int) -> Speaker | None:
        """Two to four capitalised words NER did not tag ("Sanae Takaichi said"): a speaker whose
        name is known but not its kind, so label and canonical stay null."""
        text, start, n = self.text, j, 0
        while n < 4 and (m := _CAP_WORD_END.search(text, max(lo, start - 60), start)) is not None and m.group(1) not in _CAP_STOP:
            if any(e["end"] > m.start(1) for e in self.ents_in(m.start(1) - 100, m.end(1))):
                break  # "Friday" is a date, not the start of a name
            start, n = m.start(1), n + 1
        return Speaker(start, j, text[start:j].rstrip(), None, None) if n >= 2 else None

    def _surname(self, ws: int, we: int) -> Speaker | None:
        """A word NER missed that is the last name of a person named earlier ("Hutton says")."""
        word = self.text[ws:we]
        known = self.surnames.get(word, [])
        i = bisect_right(known, (ws, "\uffff"))
        return Speaker(ws, we, word, known[i - 1][1], "PERSON") if i and word[:1].isupper() else None

    def _role_before(self, ws: int, we: int, lo: int) -> Speaker | None:
        """A role phrase ending at ``we`` ("the US president", "state media"), extended left over at
        most four modifiers and one determiner."""
        text = self.text
        role = _role_label(text[ws:we])
        if role is None:
            return None
        start, det = ws, None
        for _ in range(4):
            m = _WORD_END.search(text, max(lo, start - 60), start)
            if m is None:
                break
            w = m.group(1).lower()
            if w in _DETERMINERS:
                start, det = m.start(1), w
                break
            if w in _NOT_MODIFIERS or w in _SKIPPABLE or w in _PREPOSITIONS or VERB_LEMMAS.get(w, w) != w:
                break  # an inflected speech verb is not a modifier; "state" (media) is
            start = m.start(1)
        return self._role_speaker(start, we, text[ws:we], role, det)

    def _role_speaker(self, start: int, end: int, noun: str, role: tuple[str, bool], det: str | None) -> Speaker:
        """A role phrase as a speaker. "the <role>" (singular) means a person earlier given that title
        ("U.S. President Donald Trump" for "the US president", preferring one whose country matches),
        else the nearest preceding entity with a compatible label (looking back a bounded number)."""
        label, plural = role
        found = None
        if det == "the" and not plural:
            mods = {e["canonical"] for e in self.ents_in(start, end)}
            if label == "PERSON" and (titled := self.titled_persons(noun.lower().rstrip("."), start)[-50:]):
                found = next((e for e in reversed(titled) if any(
                    o["canonical"] in mods for o in self.ents_in(e["start"] - 40, e["start"]))), titled[-1])
            compatible = {"PERSON": ("PERSON",), "ORG": ("ORG",), "GPE": ("GPE", "ORG")}[label]
            i = bisect_left(self.speaker_starts, start)
            found = found or next((e for e in reversed(self.speakers[max(0, i - 200):i]) if e["end"] <= start
                                   and e["label"] in compatible and e["canonical"] not in mods), None)
        return Speaker(start, end, self.text[start:end], found and found["canonical"], found["label"] if found else label, plural)

    def _speaker_after(self, pos: int, hi: int) -> Speaker | None:
        """The speaker written right after a verb or "according to": a person (after title words, and
        after the organisation in "said Pentagon spokesperson Patrick Ryder"), else that organisation
        or another entity, else a role phrase ("said the ministry")."""
        text = self.text
        j, role_at, first = hi - len(text[pos:hi].lstrip()), None, None
        for _ in range(6):
            if (e := self.by_start.get(j)) is not None:
                if e["label"] == "PERSON":
                    return Speaker.of(e)
                first, j = first or e, hi - len(text[e["end"]:hi].lstrip())
                continue
            if (m := _WORD_START.match(text, j, hi)) is None:
                break
            w = m.group(1)
            if role_at is None and (w.lower() in _DETERMINERS or _role_label(w)):
                role_at = j
                if not w[0].isupper() and first is None:  # "the ministry": no name follows
                    break
            elif not (w[0].isupper() or _role_label(w)):
                break
            j = hi - len(text[m.end(1):hi].lstrip())
        if first is not None:
            return Speaker.of(first)
        return self._role_after(role_at, hi) if role_at is not None else None

    def _role_after(self, j: int, hi: int) -> Speaker | None:
        """A role phrase starting at ``j``: "the bank's chief economist" (the last role noun before
        punctuation or a function word), or the entity named in apposition right after it."""
        text, pos, det, last, n = self.text, j, None, None, -1
        while (n := n + 1) < 6 and (m := _WORD_START.match(text, pos, hi)) is not None:
            w = m.group(1).lower()
            if n == 0 and w in _DETERMINERS:
                det = w
            elif w in _NOT_MODIFIERS or w in _PREPOSITIONS or w in VERB_LEMMAS:
                break
            elif (role := _role_label(m.group(1))) is not None:
                last = (m.end(1) - m.group(1).endswith("."), m.group(1).rstrip("."), role)  # "official."
            pos = m.end(1)
            if pos < hi and not text[pos].isspace():
                break  # punctuation ends the phrase
        if last is None:
            return None
        end, noun, role = last
        appos = _COMMA.match(text, end, hi)
        if appos and (e := self.by_start.get(appos.end())) is not None and e["label"] == role[0]:
            return Speaker.of(e)  # "said the company's chief executive, Tim Cook"
        if (e := next((e for e in self.ents_in(j, end) if e["label"] == role[0]), None)) is not None:
            return Speaker.of(e)  # "according to the official Xinhua news agency"
        return self._role_speaker(j, end, noun, role, det)

    def resolved(self, spk: Speaker) -> Speaker:
        """A pronoun speaker resolved to the most recent compatible named speaker or subject."""
        labels = _PRONOUNS.get(spk.text.lower())
        if spk.canonical is not None or labels is None:
            return spk
        person = labels == ("PERSON",)
        cand = self.resolve_pronoun(spk.start, labels, None if person else 2) or (0, None, None)
        return Speaker(spk.start, spk.end, spk.text, cand[2], cand[1] or ("PERSON" if person else None))

    def after_quote(self, q: _Quote) -> _FOUND | None:
        """'“…,” he said' and '“…,” said Xi': an attribution right after the closing mark. Needs
        the comma convention or a quote that opens its sentence, so a partial quote followed by more
        of the sentence ("the “most important issue” in relations") is not attributed here."""
        text, i = self.text, q.close + 1
        k = bisect_right(self.opens, q.close)
        hi = min(self.quotes[k].open if k < len(self.quotes) else len(text), i + 160)
        hi = br.start() if (br := _ATTRIBUTION_BREAK.search(text, i, hi)) else hi
        comma = text[q.close - 1] in ",?!…—-" or text.startswith(",", i)
        if not comma and text[max(self.sentence(q.open)[1], q.open - REACH):q.open].strip(" \"“‘«(—–-"):
            return None
        if (vm := next(iter(self.verbs_in(i, hi)), None)) is None:
            return None
        if _LEAD_PUNCT.fullmatch(text, i, vm.start()):
            spk = self._speaker_after(vm.end(), hi)
        else:
            spk = self._subject_before(vm.start(), i)
            if spk is not None and len(text[i:spk.start].split()) > 5:
                spk = None
        return (spk, VERB_LEMMAS[vm.group().lower()]) if spk is not None else None

    def before_quote(self, q: _Quote) -> _FOUND | None:
        """The nearest speech verb before the quote in its sentence that has a subject: "Xi said the
        island was “…”", "Beijing declared that “…”". A participle after a comma ("state media
        reported, adding that “…”") keeps its own lemma but takes the earlier verb's subject."""
        text, s_start = self.text, max(self.sentence(q.open)[1], q.open - REACH)
        carried: str | None = None
        for vm in reversed(self.verbs_in(s_start, q.open)):
            if self.in_quote(vm.start()):
                continue
            lemma = VERB_LEMMAS[vm.group().lower()]
            spk = self._subject_before(vm.start(), s_start)
            if spk is not None:
                return spk, carried or lemma
            if carried is None and _NO_SUBJECT.search(text, s_start, vm.start()):
                carried = lemma  # "…, adding that “…”", "called it a disaster and said: “…”"
        return None

    def later_in_sentence(self, q: _Quote) -> _FOUND | None:
        """Later in the sentence: "according to <speaker>", or ", <speaker> <verb>" near its end."""
        text, lo = self.text, q.close + 1
        s_end = min(self.sentence(q.close)[2], lo + REACH)
        m = _ACCORDING.search(text, lo, s_end)
        if m is not None and not self.in_quote(m.start()) and (spk := self._speaker_after(m.end(), s_end)) is not None:
            return spk, "according to"
        for vm in self.verbs_in(lo, s_end):
            if self.in_quote(vm.start()) or len(text[vm.end():s_end].split()) > 8:
                continue
            spk = self._subject_before(vm.start(), lo)
            if spk is not None and text[lo:spk.start].rstrip().endswith(","):
                return spk, VERB_LEMMAS[vm.group().lower()]
            if text[lo:vm.start()].rstrip().endswith(",") and (spk := self._speaker_after(vm.end(), s_end)):
                return spk, VERB_LEMMAS[vm.group().lower()]  # "“the horror” ... can end, said Jonathan Dekel-Chen"
        return None

    def implicit(self, q: _Quote, last: tuple[_Quote, Speaker, str] | None) -> _FOUND | None:
        """A whole quoted sentence with no attribution of its own takes the subject of a speech verb in
        the sentence before it, in the same or the previous paragraph, after the last quote ('Paul
        Caruso says quakes are common there. "In that area, there have been six other events ..."')."""
        _, s_start, _ = self.sentence(q.open)
        lo = max(self.sentence(s_start - 1)[1] if s_start else 0, last[0].close + 1 if last else 0)
        if s_start == 0 or self.text.count("\n", lo, q.open) > 1:
            return None
        for vm in reversed(self.verbs_in(lo, s_start)):
            if not self.in_quote(vm.start()) and (spk := self._subject_before(vm.start(), lo)) is not None:
                return spk, VERB_LEMMAS[vm.group().lower()]
        return None

    def inherited(self, q: _Quote, last: tuple[_Quote, Speaker, str] | None) -> _FOUND | None:
        """A quote without its own attribution that continues the previous attributed quote: in the
        same paragraph, or opening the paragraph right after it."""
        gap = self.text[last[0].close:q.open] if last is not None else "\n\n"
        same_para, next_para = "\n" not in gap, gap.count("\n") == 1 and not gap.split("\n")[1].strip()
        return (last[1], last[2]) if last is not None and (same_para or next_para) else None

    def kind(self, q: _Quote, prev_full: _Quote | None) -> str:
        """``full``: a whole quoted sentence or more (the quote opens its sentence, follows a colon,
        or a speech verb and starts with a capital, or spans sentences); else ``partial``."""
        text = self.text
        if q.paragraphs > 1 or _SENTENCE_INSIDE.search(text, q.start, q.end):
            return "full"
        before = text[max(self.sentence(q.open)[1], q.open - REACH):q.open].rstrip()
        capital, lead = text[q.start].isupper() or text[q.start].isdigit(), before.rstrip(",").rstrip()
        after_verb = bool(lead) and lead.rsplit(None, 1)[-1].lower() in VERB_LEMMAS
        if not before.strip(" \"“‘«(—–-") or (capital and (before.endswith(":") or after_verb)):
            return "full"
        if prev_full is not None and before.endswith(",") and self.verbs_in(prev_full.close, q.open):
            return "full"  # '“We will win,” he said, “and soon.”'
        return "partial"


def quote_rows(article_id: str, text: str, sentences: list, entities: list[dict]) -> list[dict]:
    """The `quotes` rows of one article (``version`` is left for the caller to fill).

    ``sentences`` are :class:`newsflow.segment.Sentence` objects and ``entities`` the article's
    entity rows (start, end, text, label, canonical). Every quoted span with an attribution is a
    row; a whole quoted sentence without one is a row with a null speaker; a partial quote with
    no speech verb around it (a scare quote, a title) is not a quotation and gives no row.
    """
    quotes = find_quotes(text)
    if not quotes:
        return []
    ctx = _Context(text, list(sentences), [e for e in entities if _usable(e, len(text))], quotes)
    rows: list[dict] = []
    last: tuple[_Quote, Speaker, str] | None = None
    prev: tuple[_Quote, str] = (quotes[0], "")
    for q in quotes:
        same_sentence = ctx.sentence(prev[0].open)[0] == ctx.sentence(q.open)[0]
        prev = (q, kind := ctx.kind(q, prev[0] if same_sentence and prev[1] == "full" else None))
        found = ctx.after_quote(q) or ctx.before_quote(q) or ctx.later_in_sentence(q) or (ctx.implicit(q, last) if kind == "full" else None)
        if found is not None:
            ctx.remember(spk := ctx.resolved(found[0]))
            found = (spk, found[1])
        elif kind == "full":
            found = ctx.inherited(q, last)
        else:
            continue  # a partial quote nobody says: a scare quote or a title
        spk, verb = found or (None, None)
        last = (q, spk, verb) if spk is not None else last
        rows.append({"article_id": article_id, "version": None, "sentence_index": ctx.sentence(q.start)[0],
                     "start": q.start, "end": q.end, "text": text[q.start:q.end], "speaker": spk and spk.text,
                     "speaker_canonical": spk and spk.canonical, "speaker_label": spk and spk.label,
                     "verb": verb, "kind": kind})
    return rows


def _usable(e: dict, n: int) -> bool:
    """Entity rows with sane offsets only: a bad row must cost its own attribution, not the article."""
    types = all(isinstance(e.get(k), t) for k, t in (("start", Integral), ("end", Integral), ("canonical", str)))
    return types and 0 <= e["start"] < e["end"] <= n and bool(e.get("label"))
