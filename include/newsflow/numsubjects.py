"""What a bare number counts when its clause named it before the number: a death toll ("the
death toll rises to 53": deaths), a labour-market subject ("employment rose by 252,000": jobs),
"the number of job vacancies dropped by 45,000", a plural subject of a change ("Measles cases in
Europe jumped to more than 42,000"), a plural before brackets ("striking workers (75,000)") or
before "from" ("cut daily transits from 36 to 24").

Split from :mod:`newsflow.counted`, which reads the noun after a number; this module looks back.
"""

from __future__ import annotations

import re

from newsflow.numwords import (
    COUNTED_SUBJECTS,
    IRREGULAR_PLURALS,
    MEASURE_NOUNS,
    NOT_NOUNS,
    TERMS_OF_ART,
    singular,
)
from newsflow.units import UNITS

# "an adult population of 222 million" counts adults, "the deer population" deer: not people
_OWN_POPULATION = re.compile(r"(?:^|(?<=\s))(?!(?:the|a|an|its|their|our|his|her|this|that|total|overall|whole|entire|world|"
                             r"global|national|country|state|city|u\.s|us)\b)[a-z][a-z.-]*\s+population$", re.I)
_POPULATION_OF = re.compile(r"\s+of\s+(?:the\s+|wild\s+)?(?P<noun>(?!people\b)[a-z]+s)\b")
# "the number of (unemployed) persons", "the number of job vacancies": the plural noun counted.
_NUMBER_OF = re.compile(r"\bnumber\s+of\s+(?:[a-z][\w-]*\s+){0,2}?(?P<noun>[a-z]*(?:people|men|children)|[a-z]+s)\b", re.I)
# "Measles cases in Europe jumped to", "offences ... rose 7% to": a plural subject of a change.
_PLURAL_SUBJECT = re.compile(
    r"\b(?P<noun>[a-z]+s)\s+(?:(?:in|of|at|across|for|from)\s+[^,;]{1,40}?\s+)?"
    r"(?:rose|fell|jumped|climbed|dropped|increased|decreased|declined|grew|slipped|surged|soared|"
    r"plunged|totalled|totaled|reached|hit|topped|doubled|halved|(?:were|was)\s+(?:down|up)|"
    r"(?:has|have)\s+(?:fallen|risen|grown|increased|decreased|declined|dropped))\b(?!.*\b(?:rose|fell|jumped|climbed|dropped)\b)")
_PLURAL_FROM = re.compile(r"\b(?P<noun>[a-z]+s)\s+from\s+(?:\d[\d,]*\s+to\s+)?$")
# "striking workers (75,000)": a number in brackets counts the plural noun before them.
_PLURAL_BEFORE_PAREN = re.compile(r"\b(?P<noun>[a-z]+(?:s|people|men|children))\s*\($")
# Labour-market subjects that stand for what they count: "employment rose by 252,000" (jobs).
_LABOUR_SUBJECT = re.compile(
    rf"\b(?P<noun>{'|'.join(COUNTED_SUBJECTS)})\b(?!\s+(?:rate|benefits?|insurance|claims|prices?|futures|costs?|values?))[^,;()%]{{0,60}}(?:\([+−-]?)?$"
    r"|\bdeath\s+(?P<toll>tolls?)\b[^,;%\d]{0,100}$", re.I)  # "the death toll in ... attacks ... increases to 107"


def counted_before(s: str, start: int) -> str | None:
    """What a bare number counts when its clause named it before: "the number of job vacancies
    dropped by 45,000", "Measles cases in Europe jumped to more than 42,000", "striking workers
    (75,000)", "nonfarm employment rose by 252,000" (jobs)."""
    clause = re.split(r"[;:]", s[max(0, start - 240):start])[-1]  # a subject is named within a few words (and long texts stay linear)
    nm = _NUMBER_OF.search(clause)
    if (lm := _LABOUR_SUBJECT.search(clause)) and not (nm and nm.end() >= lm.start()) and not (lm["noun"] and _OWN_POPULATION.search(
            clause, 0, lm.end("noun"))):
        if lm["noun"] and (of := _POPULATION_OF.match(clause, lm.end("noun"))):
            return singular(of["noun"].lower())  # "the population of koalas fell to 58,000": koalas
        return COUNTED_SUBJECTS[(lm.group("noun") or lm.group("toll")).lower()]
    m = _PLURAL_BEFORE_PAREN.search(clause) or nm or _PLURAL_SUBJECT.search(clause)
    if not m:
        return None
    noun = m.group("noun").lower()
    if noun in MEASURE_NOUNS or noun in NOT_NOUNS or UNITS.match(noun, 0) or (
            singular(noun) == noun and noun not in IRREGULAR_PLURALS):
        return None
    prev = re.search(r"(\w+)\s+$", clause[:m.start("noun")])
    if prev and f"{prev.group(1).lower()} {singular(noun)}" in TERMS_OF_ART:
        return f"{prev.group(1).lower()} {singular(noun)}"  # "the number of job openings fell by 2.3 million"
    return singular(noun)


_TOLL_TO = re.compile(r"\bdeath\s+tolls?\s+(?:\w+\s+){0,3}?(?:to|at|of|reaches|reached|rises\s+to|rose\s+to|stands\s+at|(?:is|was)(?:\s+now)?|now|"
                      r"pass(?:es|ed)|surpass(?:es|ed)|tops|topped|exceed(?:s|ed)|hits?)\s+"
                      r"(?:(?:about|around|nearly|almost|over|more\s+than|at\s+least)\s+)?$", re.I)


# the toll's verb right before the number, however far the toll was named: "The death toll of the
# landslide in Cebu, Philippines rise to 77"
_TOLL_VERB = re.compile(r"\bdeath\s+tolls?\b(?:(?!\b(?:number|cases|infections|when|while|as|although|though|with|that|"
                        r"said|says|but|which|who)\b)[^.;:\d]){0,100}?\b(?:rise[sn]?|rose|climb(?:s|ed)?|increase[sd]?|"
                        r"reach(?:es|ed)?|jump(?:s|ed)?|grows?|grew|grown|mount(?:s|ed)?|soar(?:s|ed)?)\s+(?:to|at)\s+"
                        r"(?:(?:about|around|nearly|almost|over|more\s+than|at\s+least)\s+)?$", re.I)


def toll_before(s: str, start: int) -> bool:
    """Whether a bare number is a death toll's level: "bringing the nationwide death toll to 18,125"."""
    return bool(_TOLL_TO.search(s, max(0, start - 80), start) or _TOLL_VERB.search(s, max(0, start - 140), start))


def plural_from(s: str, start: int) -> str | None:
    """The plural noun right before "from" when a bare number is a level it changes from or to:
    "cut daily transits from 36 to 24"."""
    m = _PLURAL_FROM.search(s, max(0, start - 60), start)
    if not m:
        return None
    noun = m.group("noun").lower()
    if noun in MEASURE_NOUNS or noun in NOT_NOUNS or UNITS.match(noun, 0) or singular(noun) == noun:
        return None
    return singular(noun)
