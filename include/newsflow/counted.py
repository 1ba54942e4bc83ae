"""What an amount counts: the noun after a number, or the one its clause names before it.

Split out of :mod:`newsflow.numbers` (which finds and normalises the number itself) because
reading the counted thing is its own job with its own vocabulary: modifiers to skip ("Two
Somali National Army airstrikes"), nouns news leaves out ("290 others" are people), partitives
("three of his family members"), hyphenated counts ("a 193-vehicle pileup"), the subject a
bare number refers back to ("the number of job vacancies dropped by 45,000") and the object
named after it ("20 million tonnes of US soybeans"). Plain text in, words out; nothing here
builds amounts.
"""

from __future__ import annotations

import calendar
import functools
import re

from newsflow.lexicon import adjective_only, word_classes
from newsflow.numwords import (
    CASUALTY_WORDS,
    COUNT_MODIFIERS,
    ELIDED_NOUNS,
    INVARIANT_PLURALS,
    IRREGULAR_PLURALS,
    MONTHS,
    NOT_NOUNS,
    NOT_PLURALS,
    ONES,
    SCALES,
    TENS,
    TERMS_OF_ART,
    looks_adjective,
    singular,
)
from newsflow.units import TIME_UNITS, UNITS, capitalised_common_nouns

NOUN_AFTER = re.compile(r"(?P<sep>\s+|-)(?P<noun>[a-z][a-z'’]*[a-z])\b(?!-)")
NEXT_WORD = re.compile(r"\s+([a-z][a-z-]*)\b")
# A capitalised or alphanumeric modifier before a counted noun: "50,000 SU7 electric cars".
_MODIFIER = re.compile(r"\s+(?P<w>(?:(?:[A-Z]\.){2,}|[A-Z][\w-]*|\d+[A-Za-z]*|[A-Z]+\d*))(?=\s)")  # "150 U.S. counties"
_HYPHEN_MODIFIER = re.compile(r"\s+(?P<w>[a-z][\w’']*(?:-[\w’']+)+)(?=\s|,\s+[a-z])")  # "grain-producing", "al-Shabaab"
# "two 500-pound bombs", "21.1 million 480-pound bales": a measure before the noun sizes each one
MEASURE_MODIFIER = re.compile(r"\s+(?P<w>\d[\d,.]*-(?P<u>[a-z]+)(?:-[a-z]+)*)(?=\s)")
_COMMA_MODIFIER = re.compile(r",\s+(?P<w>[a-z][\w’']*(?:-[\w’']+)+)(?=\s)")  # "low-income, off-gas"
_MAX_MODIFIERS = 4  # "170 all-time high temperature records"
_HYPHEN_NOUN = re.compile(r"-(?P<noun>[a-z]+)\b(?!-)(?:\s*(?P<next>,|[a-z]+\b))?")
_HYPHEN_NOT_NOUNS = frozenset(
    "odd plus something somethings fold strong old long wide based like ish ever time off on up way "
    "run high low minded sided party".split())
# After "N-year": what is not a span of that length but a name for something ("a 10-year bond").
_NOT_SPANS = frozenset("old bond bonds note notes t-note t-notes treasury treasuries gilt gilts bund bunds yield "
                       "yields maturity bill bills t-bill t-bills libor euribor sofr swap swaps jgb jgbs oat btp cds "
                       "anniversary".split())
_RETURN_PERIOD = frozenset("flood floods storm storms event events drought droughts".split())  # "a 100-year flood"
_TWO_WORDS = re.compile(r"\s*([\w.-]*)\s*([\w.-]*)")
_OR_MORE = re.compile(r"\s+or\s+(?:more|fewer|less)(?=\s+[a-z])", re.I)
_BOTH_SEXES = re.compile(r"(?:men\s+and\s+women|women\s+and\s+men|boys\s+and\s+girls|girls\s+and\s+boys)\b", re.I)
_PAREN_SHARE = re.compile(r"\s*\(\s*\d+(?:\.\d+)?\s?%\s*\)")
_PARTITIVE = re.compile(r"\s+of\s+(?:(?:the|its|his|her|their|our|these|those|(?-i:[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)['’]s)"
                        r"(?:\s+(?P<n1>(?:(?:at\s+least|some|about)\s+)?(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,3}(?:,\d{3})*)))?|"
                        r"(?P<n2>(?:(?:at\s+least|some|about)\s+)?(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,3}(?:,\d{3})*)))"
                        r"(?=\s)", re.I)  # "one of three leaks", "one of 44,000 families", "one of South Sudan's armed groups"
_ONE_OF_PLURAL = re.compile(r"\s+(?!(?:most|least|best|worst|first|last|top|main|few|many|only|other|very|more|leading|"
                            r"key|major|same|chief|prime|principal|primary|biggest|greatest|largest)\b)"
                            r"[a-z]+(?:-[a-z]+)*(?<!est)(?<!er)\s+[a-z]+(?:s|men|people|children)\b(?![-’'])(?<!ss)")
_PLAIN_PLURAL = re.compile(r"\s+[a-z]+(?:s|men|people|children)\b(?![-’'])(?<!ss)")  # "one of the cameramen"
_POLICE_OFFICER = re.compile(r"\s+(officer|constable)s?\b", re.I)
_TIMES = re.compile(r"\s+times\b(?!\s+(?:Square|of\s+India|of\s+London)\b)")
# A verb of harm right before a bare number: it counts people ("killing 12", "injuring around 60").
_CASUALTY_BEFORE = re.compile(
    r"\b(?:kill(?:s|ed|ing)?|wound(?:s|ed|ing)?|injur(?:es|ed|ing|e)|hurt(?:s|ing)?|evacuat(?:es|ed|ing)|"
    r"rescu(?:es|ed|ing)|displac(?:es|ed|ing)|arrest(?:s|ed|ing)?|detain(?:s|ed|ing)?)"
    r"\s+(?:(?!and\b|or\b)\S+\s+){0,2}$", re.I)  # "killed and 263 more": the verb is the clause before
# "four are dead", "two were seriously injured": a number that is the subject of a harm
_CASUALTY_AFTER = re.compile(
    r"\s+(?:are|were|was|is|have\s+been|had\s+been|remain(?:ed)?)\s+(?:\w+ly\s+|now\s+|still\s+|also\s+|all\s+)?"
    r"(?:(?:confirmed|reported|feared|believed|presumed)\s+)?"
    rf"(?:{'|'.join(sorted(CASUALTY_WORDS))}|hospitali[sz]ed|evacuated|arrested|displaced)\b"
    # "52 of them are hospitalized", "8 of them were rescued": people, whatever the clause counted
    # before; a plain "35 were rescued" after "40 horses" rescues the horses
    rf"|\s+of\s+(?:them|those)\s+(?:are|were|was|have\s+been|had\s+been)\s+(?:\w+ly\s+|now\s+|still\s+|also\s+|all\s+)?"
    rf"(?:{'|'.join(sorted(CASUALTY_WORDS))}|hospitali[sz]ed|evacuated|rescued|arrested|detained|displaced)\b", re.I)
_TITLE_CASUALTY = re.compile(rf"\s+(?:{'|'.join(w.capitalize() for w in sorted(CASUALTY_WORDS))})\b"
                             r"(?=\s+(?i:in|at|after|as|from|on|near|following|during|amid|across)\b|\s*[,:;.!]|\s*$)")
_BECOME = re.compile(r"\s+(?:(?:could|will|would|may|might|should|are\s+(?:expected|forecast|likely)\s+to)\s+)?"
                     r"become\s+(?:major\s+)?(?P<noun>[a-z]+)\b")
_OF_THE_N = re.compile(r"\b[Oo]f\s+(?:the|these|those|its|their)\s+[\d,]+\s+(?P<noun>[a-z]+),\s+[\w,]+$")
_MEMBERS_AFTER = re.compile(r"\s+members?\b")
_POINTS_SHORT = re.compile(r"\s?pts\b\.?")
_POINTS_CONTEXT = re.compile(r"\b(?:beat|beats|drew|draw|won|lost|win|wins|defeated|scored|scores|table|standings|"
                             r"league|game|match|season)\b", re.I)  # not "12 pts responded": patients
# "16 on board", "a plane with 120 aboard": the people carried
_ON_BOARD = re.compile(r"\s+(?:on\s+board|aboard)\b", re.I)
# "a crowd of more than 22,000", "the population of New Zealand was 4,380,700": a bare number
# the clause names as people (every real labeller counts them as "person").
_PEOPLE_BEFORE = re.compile(
    r"\bcrowds?\s+of\s+(?:[a-z]+\s+){0,3}$"  # not "an audience of" (viewers) nor "an adult population" (adults)
    r"|(?:\b(?:[Tt]he|its|their|total|overall)|[A-Z][\w.-]*(?:’s|'s))\s+population\s+(?:of\s+(?:the\s+)?(?:[A-Z][\w.’'-]*\s+(?:of\s+)?){1,4})?"
    r"(?:was|is|reached|reaches|stood\s+at|stands\s+at|grew\s+to|rose\s+to|fell\s+to|hit|hits|topped|tops|"
    r"totalled|totaled|of)\s+(?:(?:about|around|some|nearly|almost|over|more|than|just|roughly|approximately|at|"
    r"least|an\s+estimated|estimated)\s+){0,3}$")
_OBJECT_AFTER = re.compile(r"\s+of\s+(?P<obj>(?:the\s+)?[\w’'.&-]+(?:\s+[\w’'.&-]+){0,4})")
_OBJECT_STOP = frozenset(
    "up down from to in on at for by with that which who and or but as than per was were is are "
    "be been will would could should has have had a an currently now this last next each every "
    "over under since after before into its their his her".split()
)


def count_noun(s: str, end: int, value: float, value_max: float | None) -> tuple[str, int] | None:
    """The counted noun after a number and where it ends, skipping modifiers ("three equal
    instalments", "Two Somali National Army airstrikes", "nine major grain-producing states",
    "19 more weeks"); an elided noun is filled in ("290 others", "700 injured": people)."""
    if opening := _counted_opening(s, end, value, value_max):
        return opening
    pos, words, coordinated = end, [], False
    for _ in range(_MAX_MODIFIERS + 1):
        if words and (paren := _PAREN_ACRONYM.match(s, pos)):
            pos = paren.end()  # "three Islamic Revolutionary Guard Corps (IRGC) members": the acronym names them
        if not words and not 1900 <= value < 2100 and (_CASUALTY_AFTER.match(s, pos) or (value >= 1 and _ON_BOARD.match(s, pos))):
            if (of := _OF_THE_N.search(s, max(0, end - 80), end)) and of["noun"] not in ("people", "persons"):
                return singular(of["noun"]), pos  # "Of the 40 sheep, 12 are now dead": sheep
            return "person", pos  # "four are dead", "16 on board"; "263 more are injured" counts what came before
        nm = NOUN_AFTER.match(s, pos)
        if nm and nm.group("sep") == "-":
            return None if words else (_hyphen_unit(nm.group("noun")), nm.end())  # "193-vehicle"
        if not nm and (acronym := _ACRONYM_AFTER.match(s, pos)) and acronym.group("w") not in UNITS.symbols:
            return acronym.group("w"), acronym.end()  # "50 MPs", "nine Russian POWs": the acronym is the noun
        if (after := _modifier(s, pos, words, nm is not None)) is not None:
            pos = after
            continue
        if not nm:
            break
        noun = nm.group("noun").lower().strip("'’")
        if not words and (noun in CASUALTY_WORDS or adjective_only(noun)) and (people := _demonym_count(s, nm.end(), value)):
            return people  # "four missing Americans", "12 dead Israelis", "one lucky Dutchman"
        if not words and (elided := _elided_noun(s, noun, nm.end())):
            return elided, nm.end()
        if noun.endswith(("'s", "’s")):
            words.append((noun, nm.end()))  # "3,882 of his team's 3,890 minutes": an owner, not the noun
            pos = nm.end()
            continue
        if noun in ("and", "or") and words and (looks_adjective(words[-1][0]) or _capitalised_pair(words[-1][0], s, nm.end())
                                                or (words[-1][0].islower() and _modifier_pair(s, nm.end()))):
            pos, coordinated = nm.end(), True  # "130,000 low-income and social households", "279 weather
            continue  # and climate disasters": the modifiers are coordinated, the head alone is counted
        if words and (cap := _capitalised_plural(words)) and _verb_or_function(noun):
            return cap  # "Six Member States had deficits": a capitalised plural, then a verb
        if _only_verb(noun) or (noun in _AUXILIARIES and not words):
            break  # "6 become hurricanes", "eighteen had deficits": a verb ends the noun phrase
        if noun in ONES or noun in TENS:
            break  # "From 1991 ten points": a number word starts an amount of its own
        if noun in COUNT_MODIFIERS or noun in NOT_PLURALS:
            words.append((noun, nm.end()))
            pos = nm.end()
            continue
        if noun in NOT_NOUNS or noun in SCALES or noun in MONTHS:
            break
        if noun in TIME_UNITS and all(w in COUNT_MODIFIERS for w, _ in words):
            return TIME_UNITS[noun], nm.end()  # "3 hrs", "two years", "19 more weeks"
        if (both := _BOTH_SEXES.match(s, nm.start("noun"))) and not words:
            return "person", both.end()  # "22.6 million men and women", "boys and girls"
        if _plural_noun_after(s, nm.end()) and (singular(noun) == noun or noun.endswith("ives") or (
                noun == "people" and not _verb_after(s, nm.end()))):
            words.append((noun, nm.end()))  # "two police officers", "two explosives factories", "people smugglers"
            pos = nm.end()
            continue
        if value == 1 and words and words[-1][1] == nm.start() and noun.endswith("s") and noun not in IRREGULAR_PLURALS \
                and words[-1][0].islower() and not looks_adjective(words[-1][0]) and singular(words[-1][0]) == words[-1][0]:
            return _compound(words[:-1], words[-1][1] - len(words[-1][0]) - 1, words[-1][0]), words[-1][1]  # "One person dies"
        if noun in IRREGULAR_PLURALS and _MEMBERS_AFTER.match(s, nm.end()):
            words.append((noun, nm.end()))  # "Three crew members": the members are counted
            pos = nm.end()
            continue
        if noun == "police" and (officer := _POLICE_OFFICER.match(s, nm.end())):
            return _compound(words, pos, f"police {officer[1].lower()}"), officer.end()  # "one police officer"
        if singular(noun) != noun or noun in IRREGULAR_PLURALS or (
                noun in INVARIANT_PLURALS and value > 1 and _ends_phrase(s, nm.end())):
            return singular(noun) if coordinated else _compound(words, pos, singular(noun)), nm.end()
        words.append((noun, nm.end()))
        pos = nm.end()
    if words and value == 1 and value_max is None and (head := _one_head(words)):
        return head  # "one car", "one person dead", "one big problem", "One Jordanian soldier"
    if not words and (last := _CAPITALISED_LAST.match(s, pos)):
        words = [(last.group(1), last.end())]  # "4 Agencies."
    if words and re.match(r"\s*(?:[.,;:)]|$)", s[pos if pos > end else words[-1][1]:]) and (cap := _capitalised_plural(words)):
        return cap  # "in four States."
    return _capitalised_head(s, pos, words)


_CAPITALISED_LAST = re.compile(r"\s+([A-Z][a-z]+)(?=[.,;:)]|$)")


def _capitalised_plural(words: list[tuple[str, int]]) -> tuple[str, int] | None:
    """A common noun a release capitalises ("eight Member States", "27 EU Member States", "four
    States"), lower-cased: the last word a capitalised plural of a WordNet noun that is no
    adjective, with the capitalised nouns before it, when ``unit_conventions.json`` lists the
    noun as one releases capitalise by house style (not "50 Democrats": a name's capital)."""
    classes = word_classes()
    nouns, adjs = classes.get("noun", ()), classes.get("adj", ())

    def common(word: str) -> bool:
        return word[:1].isupper() and not word.isupper() and word.lower() in nouns and word.lower() not in adjs

    last, end = words[-1]
    one = singular(last.lower())
    if not (last[:1].isupper() and not last.isupper() and one != last.lower() and one in nouns and one not in adjs):
        return None
    head = [one]
    for word, _ in reversed(words[:-1]):
        if not common(word):
            break
        head.insert(0, word.lower())
    while head and " ".join(head) not in capitalised_common_nouns():
        head.pop(0)  # "27 EU Member States": member state
    return (" ".join(head), end) if head else None


def _verb_or_function(word: str) -> bool:
    """Whether a lower-case word after a noun phrase starts a verb phrase or a clause ("had",
    "reported", "were", "in"), so the phrase ended before it."""
    classes = word_classes()
    return (word in NOT_NOUNS or word in _AUXILIARIES or _only_verb(word)
            or (word.endswith("ed") and word not in classes.get("noun", ())))


_AUXILIARIES = frozenset("have has had do does did".split())  # nouns to WordNet ("the haves"), verbs here


def _modifier(s: str, pos: int, words: list[tuple[str, int]], noun_next: bool) -> int | None:
    """Where a modifier the plain-word loop of :func:`count_noun` cannot read ends, appending it
    to ``words``; None when there is none: a measure ("two 500-pound bombs"), a second hyphenated
    adjective after a comma ("4,300 low-income, off-gas grid households"), a capitalised word or
    a figure ("150 U.S. counties", "Two Somali National Army airstrikes")."""
    if not words and (mm := MEASURE_MODIFIER.match(s, pos)) and (
            UNITS.match(s, mm.start("u") - 1) or mm.group("u") in TIME_UNITS):
        words.append((mm.group("w"), mm.end()))
        return mm.end()
    if noun_next:
        return None
    if words and looks_adjective(words[-1][0]) and (cm := _COMMA_MODIFIER.match(s, pos)):
        words.append((cm.group("w"), cm.end()))
        return cm.end()
    mod = _MODIFIER.match(s, pos) or _HYPHEN_MODIFIER.match(s, pos)
    if not mod or (mod.group("w")[0].isdigit() and words and words[-1][0].islower()):
        return None  # "100 rose 45 points": a number after a word starts an amount of its own
    if mod.group("w").lower() in NOT_NOUNS or mod.group("w").lower() in MONTHS:
        return None
    words.append((mod.group("w"), mod.end()))
    return mod.end()


# adjectives that say which or how many, not what kind: "two separate bomb blasts" are bomb blasts
_LOOSE_ADJECTIVES = frozenset("separate different distinct individual various several other additional further "
                              "similar identical consecutive successive".split())
_PROPER_MODIFIER = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]{2,}|[A-Z][a-z]+(?<!man)(?:an|ese|ish|ic|i)|\d+-[a-z]+(?:-[a-z]+)*")


def _one_head(words: list[tuple[str, int]]) -> tuple[str, int] | None:
    """The noun "one" counts: the first word that is no adjective, past nationalities, acronyms
    and ages before it ("One U.S. soldier", "One Jordanian soldier", "One 22-year-old man"),
    with a noun right after it that it modifies after such a modifier ("One U.S. service member")."""
    i = 0
    while i < len(words) - 1 and _PROPER_MODIFIER.fullmatch(words[i][0]):
        i += 1
    rest = [(w, e) for w, e in words[i:] if not looks_adjective(w)]
    if not rest or not rest[0][0][0].islower() or not rest[0][0].isalpha() or _verb_not_noun(rest[0][0]):
        return None  # "one blew himself up": a verb, not what is counted
    head = rest[0]
    nxt = words[words.index(head) + 1] if words.index(head) + 1 < len(words) else None
    classes = word_classes()
    if i and nxt and nxt[0] in classes.get("noun", ()) and nxt[0] not in classes.get("adj", ()) and not nxt[0].endswith("ing"):
        return f"{head[0]} {nxt[0]}", nxt[1]  # after a name's modifier only: not "one bank informing", "one step closer"
    return head


def _verb_not_noun(word: str) -> bool:
    """A verb and never a noun: "become", or an irregular form such as "blew" or "fled" (a new
    noun WordNet lacks, "influencer", is still a noun)."""
    classes = word_classes()
    return _only_verb(word) or (word in classes.get("verb_form", ()) and word not in classes.get("noun", ()))


def _counted_opening(s: str, end: int, value: float, value_max: float | None) -> tuple[str, int] | None:
    """What is counted when the words right after the number say it at once: a share in brackets
    before the noun, "or more", a nationality, a margin's tally, table points, what it becomes, a
    headline's dead."""
    if (share := _PAREN_SHARE.match(s, end)) and (cn := count_noun(s, share.end(), value, value_max)):
        return cn[0], end  # "66 (9%) patients": the share in brackets is an amount of its own
    if (om := _OR_MORE.match(s, end)) and (cn := count_noun(s, om.end(), value, value_max)):
        return cn  # "1,000 or more workers": one span, the bound inside it
    if people := _demonym_count(s, end, value):
        return people
    if (margin := _MARGIN.match(s, end)) and value_max is None:
        return margin.group("u").lower(), margin.end("u")  # "a five point lead", "a 10 seat majority"
    if (pts := _POINTS_SHORT.match(s, end)) and _POINTS_CONTEXT.search(s):
        return "point", pts.end()  # "Kent 4pts", "12 pts": a table's or a box score's points
    if (become := _BECOME.match(s, end)) and singular(become["noun"]) != become["noun"]:
        return singular(become["noun"]), end  # "of which 8 to 13 could become hurricanes": what they become
    if (dead := _TITLE_CASUALTY.match(s, end)) and _title_case(s):
        return "person", dead.end()  # "At Least 450 Dead in Peru Earthquake": a headline's casualties
    return None


def _only_verb(word: str) -> bool:
    """Whether WordNet lists a word as a verb and never as a noun or an adjective ("become")."""
    classes = word_classes()
    return word in classes.get("verb", ()) and word not in classes.get("noun", ()) and word not in classes.get("adj", ())


@functools.lru_cache(maxsize=256)
def _title_case(s: str) -> bool:
    """Whether a sentence is written in title case, as headlines are: most of its words of four
    letters or more start with a capital (a long name in running text is not enough)."""
    long = re.findall(r"\b[A-Za-z][a-z]{3,}\b", s)
    return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.8 * len(long)


def _capitalised_head(s: str, pos: int, words: list[tuple[str, int]]) -> tuple[str, int] | None:
    """The counted noun of a headline in title case: "83 Million Adults Tested", "446 Soldiers",
    "19 Advanced PV Technologies"; the first capitalised plural of a common noun (WordNet's,
    :mod:`newsflow.lexicon`) after capitalised words only, not a known name."""
    from newsflow.gazetteer import load

    if not _title_case(s):
        return None  # "50 Democrats backing it": a name's capital, not a headline's
    if (last := _CAPITALISED_WORD.match(s, pos)) is not None:
        words = [*words, (last.group(1), last.end())]
    for word, end in words:
        if not (word[:1].isupper() or word[:1].isdigit()):
            return None
        one = singular(word.lower())
        if one != word.lower() and one in word_classes().get("noun", ()) and word not in load().aliases:
            return one, end
    return None


_DAYS = frozenset(d.lower() for d in calendar.day_name)
_WHEN_AFTER = re.compile(r"\s+(?:after|before|ago|earlier|later)\b", re.I)


def _capitalised_pair(word: str, s: str, end: int) -> bool:
    """"European and Balkan leaders": a capitalised modifier, "and", and another one (not a day,
    a month or a number: "40 Friday and wounded", "12 Republican and 9 Democratic")."""
    nxt = _MODIFIER.match(s, end)
    other = nxt.group("w") if nxt else ""
    return (word[:1].isupper() and other[:1].isupper() and other.isalpha()
            and other.lower() not in _DAYS and other.lower() not in MONTHS and word.lower() not in _DAYS)


def _verb_after(s: str, end: int) -> bool:
    """Whether the word at ``end`` may be a verb ("carrying five people crashes"), by WordNet."""
    nm = NOUN_AFTER.match(s, end)
    return bool(nm and singular(nm.group("noun").lower()) in word_classes().get("verb", ()))


def _modifier_pair(s: str, end: int) -> bool:
    """After "and": one lower-case noun, then a plural one ("weather and climate disasters"): the
    second half of coordinated modifiers, not a second counted thing ("two men and three women")."""
    nm = NOUN_AFTER.match(s, end)
    if not nm or nm.group("sep") != " " or looks_adjective(nm.group("noun")) or nm.group("noun") in NOT_NOUNS:
        return False  # "40 Friday and wounded dozens more": a clause, not a modifier
    after = NOUN_AFTER.match(s, nm.end())
    return singular(nm.group("noun")) == nm.group("noun") and _plural_noun_after(s, nm.end()) and bool(
        after and singular(after.group("noun")) not in SCALES and after.group("noun") not in SCALES)


def _plural_noun_after(s: str, end: int) -> bool:
    """Whether a plural noun follows at ``end``: then a plural-only noun before it ("police",
    "cattle") is that noun's modifier, not what is counted. Not a span of time ("4 police hours
    after the vote": the hours say when)."""
    nm = NOUN_AFTER.match(s, end)
    if not nm or nm.group("sep") != " ":
        return False
    noun = nm.group("noun").lower()
    if noun in TIME_UNITS or noun in MONTHS or _WHEN_AFTER.match(s, nm.end()):
        return False
    return noun not in NOT_NOUNS and noun not in NOT_PLURALS and (singular(noun) != noun or noun in IRREGULAR_PLURALS)


# "a five point lead", "a one goal advantage", "a single seat majority": the tally a margin is in
_MARGIN = re.compile(r"\s+(?P<u>point|goal|run|stroke|shot|seat|vote|game|wicket|length)\s+(?:lead|margin|win|victory|"
                     r"defeat|deficit|advantage|gap|swing|majority|cushion|edge|loss)\b", re.I)
_PAREN_ACRONYM = re.compile(r"\s*\([A-Z][A-Za-z]{1,7}\)(?=\s)")
_ACRONYM_AFTER = re.compile(r"\s+(?P<w>[A-Z]{2,})s\b")  # "MPs", "POWs", "SUVs", "IEDs"
_CAPITALISED_WORD = re.compile(r"\s+([A-Z][a-z]+)\b(?![-’'])")
_NUMBER_NEXT = re.compile(rf"\s+(?:\d|(?:{'|'.join([*ONES, *TENS])}|a\s+few)\b)", re.I)
_CAPITALISED_RUN = re.compile(r"(?:\s+[A-Z][a-z’']+(?:-[A-Z][a-z’']+)?){1,3}")


def _demonym_count(s: str, end: int, value: float) -> tuple[str, int] | None:
    """People counted by nationality: "20 Palestinians", "50,000 South Koreans", "One
    Palestinian", "67 Palestinian and an Arab Israeli". The capitalised words right after the
    number must be a demonym of the gazetteer (:mod:`newsflow.gazetteer`, the data that tags them
    NORP) with no noun after it (that counts the noun: "three Israeli soldiers"); a plural one
    counts people whatever word follows ("8 Haitians recede"). The unit is the singular demonym."""
    from newsflow.gazetteer import load

    run = _CAPITALISED_RUN.match(s, end)
    if not run:
        return None
    aliases = load().aliases
    words, ends = zip(*((m.group(), end + m.end()) for m in re.finditer(r"\S+", run.group())), strict=True)
    for n in range(len(words), 0, -1):
        name, stop = " ".join(words[:n]), ends[n - 1]
        entry = aliases.get(name)
        if entry is None or entry.label != "NORP" or entry.country_code is None:
            continue
        one = " ".join([*words[: n - 1], words[n - 1][:-1] if name.endswith("s") else words[n - 1]])
        if name.endswith("s") and aliases.get(one) is None:  # "Danes", "Britons": the gazetteer lists the plural
            one = " ".join([*words[: n - 1], singular(words[n - 1].lower()).capitalize()])
        if one != name:
            return one, stop
        # a singular one must end the phrase: not "Two Somali National Army airstrikes", not
        # "five Israeli and Palestinian officials" or "40 Filipino and 12 Indonesian crew", but
        # "67 Palestinian and an Arab Israeli"
        nxt = NOUN_AFTER.match(s, stop)
        ends = not _ACRONYM_AFTER.match(s, stop) and (not nxt or (
            nxt.group("noun").lower() in NOT_NOUNS and not _CAPITALISED_RUN.match(s, nxt.end())
            and not _NUMBER_NEXT.match(s, nxt.end())))
        return (one, stop) if n == len(words) and ends else None
    return None


def _ends_phrase(s: str, end: int) -> bool:
    """Whether the noun phrase ends at ``end``: no word follows, or a function word does ("9.1
    million head in 2001", "30 head of cattle"; not "two head coaches")."""
    nw = NEXT_WORD.match(s, end)
    return not nw or nw.group(1).lower() in NOT_NOUNS


def _compound(words: list[tuple[str, int]], head_start: int, head: str) -> str:
    """The counted noun with the noun right before it when the two make one thing ("fire
    engines", "member states", "stab wounds", "video clips": real-news annotators count the
    compound), the head alone after adjectives, names and nationalities ("Pakistani soldiers",
    "British Army soldiers", "small farmers"). Without a tagger a noun is a lower-case word
    that does not look like an adjective (:func:`looks_adjective`)."""
    if not words or words[-1][1] != head_start:
        return head
    word = words[-1][0]
    if f"{word.lower()} {head}" in TERMS_OF_ART:
        return f"{word.lower()} {head}"  # "12 named storms", "two personal fouls": an adjective that names the kind
    if len(words) > 1 and looks_adjective(words[-2][0]) and words[-2][0].islower() and words[-2][0] not in _LOOSE_ADJECTIVES:
        return head  # "80 low income families", "eight high monthly temperature records": an adjective phrase
    if (not word.isalpha() or not word.islower() or looks_adjective(word) or word in COUNT_MODIFIERS
            or word in NOT_NOUNS or word in ONES or word in TENS or (singular(word) != word and word not in ("crew", "staff"))):
        return head
    return f"{word} {head}"


def unit_after_modifiers(s: str, end: int) -> tuple[object, int] | None:
    """A unit after one or two adjectives: "1,000 rushing yards", "370 million rentable square
    feet", "5 additional kilometres" measure in the unit, they do not count it. Returns the
    registry's unit and where it ends."""
    pos = end
    for _ in range(2):
        nm = NOUN_AFTER.match(s, pos)
        if not nm or not nm.group("sep").isspace():
            return None
        word = nm.group("noun").lower()
        modifier = word in COUNT_MODIFIERS or looks_adjective(word) or word.endswith("ing")  # "rushing", a noun too
        if word in NOT_NOUNS or not modifier or UNITS.match(s, pos):
            return None
        pos = nm.end()
        um = UNITS.match(s, pos)
        if um and um[0].kind == "quantity" and not re.match(r"\s*-", s[pos:]):
            return um
    return None


def partitive_noun(s: str, end: int, value: float = 2.0) -> str | None:
    """"three of his family members", "240 of the 543 seats": what the number is a part of. "one
    of the owners", "one of the wounded soldiers" only with the plural noun right after the
    determiner or one plain modifier ("one of the largest groups", "one of the most..." single
    something out; they do not count it), or with the set's size ("one of Italy's 30 most
    dangerous fugitives", "one of 44,000 families")."""
    pm = _PARTITIVE.match(s, end)
    if pm and value == 1 and not (pm["n1"] or pm["n2"] or _PLAIN_PLURAL.match(s, pm.end()) or _ONE_OF_PLURAL.match(s, pm.end())):
        return None
    cn = count_noun(s, pm.end(), 2.0, None) if pm else None
    return cn[0] if cn else None


def times_after(s: str, end: int) -> int | None:
    """Where "times" ends after a multiplier ("three times as many"), else None."""
    tm = _TIMES.match(s, end)
    return tm.end() if tm else None


def hyphen_counts(s: str, end: int, value: float) -> bool:
    """Whether "N-noun" counts the noun: any noun ("193-vehicle pileup"), a time unit as the span
    it names ("a 12-year high", "the 3-month timescale", "a two-day backlog": the real-news
    annotators label compound durations), but not a bond's or a rate's maturity ("10-year Treasury
    note", "6-month Euribor"), a return period ("100-year flood"), an anniversary or an age ("17-year
    old"); never "one-" ("one-time")."""
    hm = _HYPHEN_NOUN.match(s, end)
    if not hm or value == 1 or hm.group("noun").lower() in _HYPHEN_NOT_NOUNS:
        return False
    if hm.group("noun").lower() not in TIME_UNITS:
        return True
    nxt = [w.lower().rstrip(".") for w in _TWO_WORDS.match(s, hm.end("noun")).group(1, 2)]
    if hm.group("noun").lower() in ("year", "years") and _RETURN_PERIOD.intersection(nxt):
        return False  # "a 100-year flood" is how rare it is; "a two-day storm" lasts
    return not _NOT_SPANS.intersection(nxt)  # "10-year JGB yield", "10-year German Bund", "3-month bills"


def counts_people(before: str) -> bool:
    """Whether a verb of harm comes right before a bare number ("wounding around 60"), or a
    crowd or a population it measures ("a crowd of more than 22,000")."""
    return bool(_CASUALTY_BEFORE.search(before) or _PEOPLE_BEFORE.search(before))


def object_after(s: str, end: int) -> str | None:
    """The object after "of", up to the first function word or punctuation ("US soybeans")."""
    om = _OBJECT_AFTER.match(s, end)
    if not om:
        return None
    words = []
    for w in om.group("obj").split():
        bare = w.strip(".,;:’'")
        if bare.lower() in _OBJECT_STOP or not bare:
            break
        words.append(bare)
        if w != bare:
            break
    return " ".join(words) or None


def _hyphen_unit(noun: str) -> str:
    """The unit of "N-noun": a time unit by its name ("12-month"), else the noun ("24-storey")."""
    noun = noun.lower()
    return TIME_UNITS.get(noun) or singular(noun)


def _elided_noun(s: str, word: str, end: int) -> str | None:
    """"290 others", "700 injured", "20 dead": the people the sentence is about. An adjective
    like "injured" only counts when no noun follows it ("5 injured workers" counts workers)."""
    if word in ELIDED_NOUNS:
        return ELIDED_NOUNS[word]
    nxt = NOUN_AFTER.match(s, end)
    if (cap := _CAPITALISED_RUN.match(s, end) or _MODIFIER.match(s, end)) and _plural_noun_after(s, cap.end()):
        return None  # "seven missing Japanese divers", "2 missing US sailors" count what follows
    if (word in CASUALTY_WORDS or word in _PEOPLE_PARTICIPLES) and (not nxt or nxt.group("noun") in NOT_NOUNS):
        return "person"
    return None


# what police and rescuers do to people: "11 charged", "30 rescued", "12 hospitalized"
_PEOPLE_PARTICIPLES = frozenset("arrested detained charged jailed convicted rescued evacuated hospitalized "
                                "hospitalised stranded trapped displaced".split())
